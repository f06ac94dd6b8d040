-- Second factor for local accounts: TOTP secrets (encrypted by the server), single-use recovery codes
-- (salted slow hashes, looked up by a public id), short-lived sign-in challenges, and notifications
-- to users (a replayed code, for instance).

-- migrate:up
ALTER TABLE users
    ADD COLUMN totp_secret bytea,
    ADD COLUMN totp_pending_secret bytea,
    ADD COLUMN totp_enabled_at timestamptz,
    ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0,
    ADD COLUMN totp_failures integer NOT NULL DEFAULT 0,
    ADD COLUMN totp_locked_until timestamptz;

CREATE TABLE recovery_codes (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_id text NOT NULL,
    code_hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at timestamptz,
    PRIMARY KEY (user_id, code_id)
);

CREATE TABLE mfa_challenges (
    token_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    used_at timestamptz
);

CREATE TABLE user_notifications (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL,
    message text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz
);
CREATE INDEX user_notifications_unread ON user_notifications (user_id) WHERE read_at IS NULL;

-- migrate:down
DROP TABLE user_notifications;
DROP TABLE mfa_challenges;
DROP TABLE recovery_codes;
ALTER TABLE users
    DROP COLUMN totp_locked_until,
    DROP COLUMN totp_failures,
    DROP COLUMN totp_last_step,
    DROP COLUMN totp_enabled_at,
    DROP COLUMN totp_pending_secret,
    DROP COLUMN totp_secret;
