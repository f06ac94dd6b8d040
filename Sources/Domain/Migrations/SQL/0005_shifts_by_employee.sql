-- Shifts by employee and start, without the organisation in front. The planning week's read is one
-- prepared statement that PostgreSQL plans once for any values; it looks each employee's shifts up by
-- the employee's id (unique across organisations; the organisation is checked on the rows). With the
-- organisation leading the index, that plan could as well scan the organisation's shifts by start
-- (shifts_org_start) for each employee: costed for an average organisation, the two were a tie, and
-- the choice fell either way (a new database chose the scan). No other index starts with the
-- employee, so no plan can read more than the employee's own shifts. Lookups that name the
-- organisation and the employee (a write's rule checks, the foreign key's checks) use it as well.

-- migrate:up
CREATE INDEX shifts_employee_start ON shifts (employee_id, starts_at);
DROP INDEX shifts_org_employee_start;

-- migrate:down
CREATE INDEX shifts_org_employee_start ON shifts (org_id, employee_id, starts_at);
DROP INDEX shifts_employee_start;
