-- Missions by site and end date. The planning week's one statement reads the missions of the shown
-- employees' sites whose dates meet the week's days, looked up by site: finding the missions its
-- shifts name instead made PostgreSQL keep the week's shifts (a CTE read twice) and group them by
-- mission, about a third of the statement's execution. A shift whose mission is not among them (a
-- mission of another site, or outside the week: the mission-dates rule's case) has its mission read
-- by id after the statement. Missions are a small table; the index is built in the migration's
-- transaction.

-- migrate:up
CREATE INDEX missions_site_end ON missions (site_id, end_date);

-- migrate:down
DROP INDEX missions_site_end;
