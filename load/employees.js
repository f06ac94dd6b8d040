// GET a page of the employee list of one site.
import { getOk } from './lib.js';

export default function () {
  getOk(`/api/v1/employees?limit=100&site_id=${__ENV.SITE_ID}`);
}
