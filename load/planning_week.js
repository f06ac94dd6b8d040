// GET the planning week of one team (about 50 employees).
import { expectStatus, get } from './lib.js';

expectStatus(200);
const path = `/api/v1/planning/week?start=${__ENV.WEEK_START}&team=${__ENV.TEAM_ID}`;

export default function () {
  get(path);
}
