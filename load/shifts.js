// GET a page of the shift list of one site over one week.
import { getOk } from './lib.js';

export default function () {
  getOk(`/api/v1/shifts?limit=100&site_id=${__ENV.SITE_ID}&from=${__ENV.WEEK_FROM}&to=${__ENV.WEEK_TO}`);
}
