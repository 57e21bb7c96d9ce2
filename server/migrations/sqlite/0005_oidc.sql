-- OpenID Connect: clients per directory, pending authorization requests,
-- authorization codes, access and refresh tokens (hashes only), signing
-- keys (sealed). A login flow can carry a raised level and where to go on.
CREATE TABLE oidc_clients (
    id                        TEXT PRIMARY KEY,
    directory_id              TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    name                      TEXT NOT NULL,
    secret_hash               TEXT,
    redirect_uris             TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    scopes                    TEXT NOT NULL,
    min_level                 BIGINT NOT NULL DEFAULT 0,
    created_at                BIGINT NOT NULL
);

CREATE TABLE oidc_requests (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES oidc_clients(id) ON DELETE CASCADE,
    params      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE TABLE oidc_codes (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES oidc_clients(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    grant_data  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE TABLE oidc_tokens (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    client_id   TEXT NOT NULL REFERENCES oidc_clients(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family      TEXT NOT NULL,
    grant_data  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX oidc_tokens_family ON oidc_tokens (family);

CREATE TABLE oidc_keys (
    kid          TEXT PRIMARY KEY,
    alg          TEXT NOT NULL,
    private_enc  TEXT NOT NULL,
    public_jwk   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    retired_at   BIGINT
);

ALTER TABLE login_flows ADD COLUMN required_level BIGINT;
ALTER TABLE login_flows ADD COLUMN client_name TEXT;
ALTER TABLE login_flows ADD COLUMN continue_to TEXT;
