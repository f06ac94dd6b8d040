// GET a page of the shift list of one site over one week.
import { expectStatus, get } from './lib.js';

expectStatus(200);
const path = `/api/v1/shifts?limit=100&site_id=${__ENV.SITE_ID}&from=${__ENV.WEEK_FROM}&to=${__ENV.WEEK_TO}`;

export default function () {
  get(path);
}
