-- SAML 2.0 single sign-on: the AuthnRequests this server sent (each answered once, within ten
-- minutes) and the assertions it accepted (remembered until they expire, so a replay is refused).

-- migrate:up
CREATE TABLE saml_requests (
    request_id text PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    next_path text NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE TABLE saml_assertions (
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    assertion_id text NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (org_id, assertion_id)
);
CREATE INDEX saml_assertions_expiry ON saml_assertions (expires_at);

-- migrate:down
DROP TABLE saml_assertions;
DROP TABLE saml_requests;
