// The same server's cheapest route: the machine's own limit, beside which the others are judged.
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL } from './lib.js';

export default function () {
  const res = http.get(`${BASE_URL}/health`);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
