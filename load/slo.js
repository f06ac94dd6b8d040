// The `slo` gate's load: /health at a steady 200 requests per second and one user logging in again
// and again, for DURATION seconds. The server's own Apdex counters are then read from /api/v1/slo.
import http from 'k6/http';
import { BASE_URL, expectStatus } from './lib.js';

expectStatus(200);
const duration = `${__ENV.DURATION || 15}s`;

export const options = {
  scenarios: {
    health: { executor: 'constant-arrival-rate', rate: 200, timeUnit: '1s', duration, preAllocatedVUs: 8, exec: 'health' },
    login: { executor: 'constant-vus', vus: 1, duration, exec: 'login' },
  },
};

export function health() {
  http.get(`${BASE_URL}/health`);
}

export function login() {
  const body = JSON.stringify({ email: __ENV.EMAIL, password: __ENV.PASSWORD });
  http.post(`${BASE_URL}/api/v1/auth/login`, body, { headers: { 'Content-Type': 'application/json' } });
}
