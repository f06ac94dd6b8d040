// GET a page of the employee list of one site.
import { expectStatus, get } from './lib.js';

expectStatus(200);
const path = `/api/v1/employees?limit=100&site_id=${__ENV.SITE_ID}`;

export default function () {
  get(path);
}
