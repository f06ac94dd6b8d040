// Shared by the load scripts. `crewplan load run` passes everything through environment variables:
// BASE_URL, TOKEN (an admin access token), and the ids of the dataset it seeded.
//
// k6 shares this machine's two cores with the server it measures, so the scripts do as little as they
// can per request: the request parameters are built once, and the expected status is judged by k6's
// response callback (http_req_failed, the report's error rate) rather than by a check() per request,
// which cost k6 a fifth of its CPU for a judgement http_req_failed already makes.
import http from 'k6/http';

export const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';

// Like the browsers and HTTP clients that call the API, the scripts accept gzip: the server sends
// cached answers compressed (once per entry) to such clients.
const params = {
  headers: { Authorization: `Bearer ${__ENV.TOKEN}`, 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' },
};

export function authHeaders() {
  return params;
}

// Call in a script's init code: any other status (and any network error) counts as a failed request.
export function expectStatus(status) {
  http.setResponseCallback(http.expectedStatuses(status));
}

export function get(path) {
  return http.get(`${BASE_URL}${path}`, params);
}
