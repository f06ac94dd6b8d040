// POST shifts that respect every rule: each iteration takes its own (employee, weekday) slot in the
// free weeks after the seeded ones, 08:00-16:00 UTC, so no two shifts overlap or shorten a rest.
import http from 'k6/http';
import exec from 'k6/execution';
import { BASE_URL, authHeaders, expectStatus } from './lib.js';

expectStatus(201);
const slots = JSON.parse(open(__ENV.SLOTS_FILE));

export default function () {
  const i = exec.scenario.iterationInTest;
  const who = slots.employees_slots[i % slots.employees_slots.length];
  const slot = Math.floor(i / slots.employees_slots.length);
  const week = Math.floor(slot / 5);
  const day = new Date(`${slots.first_free_monday}T08:00:00Z`);
  day.setUTCDate(day.getUTCDate() + week * 7 + (slot % 5));
  const end = new Date(day.getTime() + 8 * 3600 * 1000);
  const body = JSON.stringify({
    employee_id: who.employee_id, mission_id: who.mission_id, site_id: who.site_id,
    start: day.toISOString().replace('.000', ''), end: end.toISOString().replace('.000', ''), break_minutes: 30,
  });
  http.post(`${BASE_URL}/api/v1/shifts`, body, authHeaders());
}
