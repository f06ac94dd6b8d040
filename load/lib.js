// Shared by the load scripts. `crewplan load run` passes everything through environment variables:
// BASE_URL, TOKEN (an admin access token), and the ids of the dataset it seeded.
import http from 'k6/http';
import { check } from 'k6';

export const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';

// Like the browsers and HTTP clients that call the API, the scripts accept gzip: the server sends
// cached answers compressed (once per entry) to such clients.
export function authHeaders() {
  return { headers: { Authorization: `Bearer ${__ENV.TOKEN}`, 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' } };
}

export function getOk(path) {
  const res = http.get(`${BASE_URL}${path}`, authHeaders());
  check(res, { 'status is 200': (r) => r.status === 200 });
  return res;
}
