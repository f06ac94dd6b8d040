-- Core schema: tenants, their planning data, accounts, sessions and the audit log.
-- Every tenant-owned row carries org_id; composite foreign keys (org_id, id) make a cross-tenant
-- reference impossible at the database level, not only in queries.

-- migrate:up
CREATE TABLE organizations (
    id uuid PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    time_zone text NOT NULL DEFAULT 'Europe/Paris',
    locale text NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
    rules jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sites (
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    address text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id),
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);

CREATE TABLE teams (
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    site_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id),
    UNIQUE (org_id, id),
    UNIQUE (org_id, name),
    FOREIGN KEY (org_id, site_id) REFERENCES sites (org_id, id)
);

CREATE TABLE employees (
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
    team_id uuid,
    site_id uuid,
    weekly_contract_minutes integer NOT NULL CHECK (weekly_contract_minutes BETWEEN 0 AND 10080),
    hourly_cost_cents integer NOT NULL CHECK (hourly_cost_cents >= 0),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id),
    FOREIGN KEY (org_id, site_id) REFERENCES sites (org_id, id)
);
CREATE UNIQUE INDEX employees_org_email ON employees (org_id, lower(email));
CREATE INDEX employees_org_name ON employees (org_id, name, id);
CREATE INDEX employees_org_site ON employees (org_id, site_id);
CREATE INDEX employees_org_team ON employees (org_id, team_id);

CREATE TABLE missions (
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    client text NOT NULL CHECK (length(client) BETWEEN 1 AND 200),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    site_id uuid,
    start_date date NOT NULL,
    end_date date NOT NULL,
    budget_cents bigint NOT NULL CHECK (budget_cents >= 0),
    billing_rate_cents integer NOT NULL CHECK (billing_rate_cents >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id),
    UNIQUE (org_id, id),
    CHECK (end_date >= start_date),
    FOREIGN KEY (org_id, site_id) REFERENCES sites (org_id, id)
);
CREATE INDEX missions_org_name ON missions (org_id, name, id);

CREATE TABLE shifts (
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    employee_id uuid NOT NULL,
    mission_id uuid NOT NULL,
    site_id uuid NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    break_minutes integer NOT NULL DEFAULT 0 CHECK (break_minutes >= 0),
    status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'confirmed', 'cancelled')),
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id),
    CHECK (ends_at > starts_at),
    CHECK (ends_at - starts_at <= interval '24 hours'),
    FOREIGN KEY (org_id, employee_id) REFERENCES employees (org_id, id),
    FOREIGN KEY (org_id, mission_id) REFERENCES missions (org_id, id),
    FOREIGN KEY (org_id, site_id) REFERENCES sites (org_id, id)
);
CREATE INDEX shifts_org_employee_start ON shifts (org_id, employee_id, starts_at);
CREATE INDEX shifts_org_start ON shifts (org_id, starts_at, id);
CREATE INDEX shifts_org_mission ON shifts (org_id, mission_id, starts_at);

CREATE TABLE users (
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
    password_hash text NOT NULL,
    role text NOT NULL CHECK (role IN ('admin', 'manager', 'employee')),
    employee_id uuid,
    site_ids uuid[] NOT NULL DEFAULT '{}',
    team_ids uuid[] NOT NULL DEFAULT '{}',
    locale text CHECK (locale IN ('fr', 'en')),
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, employee_id) REFERENCES employees (org_id, id)
);
-- A login email names one account across all tenants.
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    org_id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE login_throttle (
    key text PRIMARY KEY,
    failures integer NOT NULL DEFAULT 0,
    window_start timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    org_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
    actor_id uuid,
    action text NOT NULL,
    target text NOT NULL DEFAULT '',
    address text NOT NULL DEFAULT '',
    details jsonb NOT NULL DEFAULT '{}'::jsonb,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_org_at ON audit_log (org_id, at);

-- migrate:down
DROP TABLE audit_log;
DROP TABLE login_throttle;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE shifts;
DROP TABLE missions;
DROP TABLE employees;
DROP TABLE teams;
DROP TABLE sites;
DROP TABLE organizations;
