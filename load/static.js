// The same server's cheapest route: the machine's own limit, beside which the others are judged.
import http from 'k6/http';
import { BASE_URL, expectStatus } from './lib.js';

expectStatus(200);
const url = `${BASE_URL}/health`;

export default function () {
  http.get(url);
}
