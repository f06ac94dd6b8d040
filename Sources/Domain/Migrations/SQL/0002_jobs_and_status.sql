-- Background jobs (durable queue: webhook deliveries, status publishing, analytics refreshes) and the
-- public status page (incidents, daily uptime samples per component).

-- migrate:up
CREATE TABLE jobs (
    id uuid PRIMARY KEY,
    kind text NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),
    org_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
    payload jsonb NOT NULL DEFAULT '{}'::jsonb,
    state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
    run_at timestamptz NOT NULL DEFAULT now(),
    locked_until timestamptz,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
-- Workers claim the oldest due jobs; the partial index keeps that scan small however many are done.
CREATE INDEX jobs_due ON jobs (run_at) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_dead ON jobs (created_at) WHERE state = 'dead';

CREATE TABLE status_incidents (
    id uuid PRIMARY KEY,
    component text NOT NULL,
    name text NOT NULL,
    impact text NOT NULL CHECK (impact IN ('none', 'minor', 'major', 'critical')),
    state text NOT NULL CHECK (state IN ('investigating', 'identified', 'monitoring', 'resolved')),
    fingerprint text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    resolved_at timestamptz,
    updates jsonb NOT NULL DEFAULT '[]'::jsonb
);
-- One open incident per alert.
CREATE UNIQUE INDEX status_incidents_open_fingerprint ON status_incidents (fingerprint) WHERE state <> 'resolved';

CREATE TABLE status_samples (
    component text NOT NULL,
    day date NOT NULL,
    checks integer NOT NULL DEFAULT 0,
    operational integer NOT NULL DEFAULT 0,
    PRIMARY KEY (component, day)
);

-- migrate:down
DROP TABLE status_samples;
DROP TABLE status_incidents;
DROP TABLE jobs;
