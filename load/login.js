// POST a login with the right password (bcrypt cost 12 bounds this endpoint by design).
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL } from './lib.js';

export default function () {
  const body = JSON.stringify({ email: __ENV.EMAIL, password: __ENV.PASSWORD });
  const res = http.post(`${BASE_URL}/api/v1/auth/login`, body, { headers: { 'Content-Type': 'application/json' } });
  check(res, { 'status is 200': (r) => r.status === 200 });
}
