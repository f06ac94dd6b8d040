// POST a login with the right password (bcrypt cost 12 bounds this endpoint by design).
import http from 'k6/http';
import { BASE_URL, expectStatus } from './lib.js';

expectStatus(200);
const params = { headers: { 'Content-Type': 'application/json' } };

export default function () {
  const body = JSON.stringify({ email: __ENV.EMAIL, password: __ENV.PASSWORD });
  http.post(`${BASE_URL}/api/v1/auth/login`, body, params);
}
