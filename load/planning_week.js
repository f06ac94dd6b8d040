// GET the planning week of one team (about 50 employees).
import { getOk } from './lib.js';

export default function () {
  getOk(`/api/v1/planning/week?start=${__ENV.WEEK_START}&team=${__ENV.TEAM_ID}`);
}
