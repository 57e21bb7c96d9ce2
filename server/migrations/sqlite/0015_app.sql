-- The approval app: phones paired to an account (each a WebAuthn device
-- key, never a passkey, and a bearer token the app holds, stored hashed,
-- with its Web Push subscription), the pairing links that open them, and
-- the approvals a login asks of them.
CREATE TABLE app_devices (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    credential_id  TEXT NOT NULL UNIQUE,
    passkey        TEXT NOT NULL,
    sign_count     BIGINT NOT NULL DEFAULT 0,
    token_hash     TEXT NOT NULL UNIQUE,
    push_endpoint  TEXT,
    push_p256dh    TEXT,
    push_auth      TEXT,
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT
);
CREATE INDEX app_devices_user ON app_devices (user_id);

CREATE TABLE app_pairings (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    state       TEXT,
    expires_at  BIGINT NOT NULL
);

CREATE TABLE app_approvals (
    id           TEXT PRIMARY KEY,
    flow_id      TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    number       BIGINT NOT NULL,
    choices      TEXT NOT NULL,
    state        TEXT NOT NULL,
    challenge    TEXT NOT NULL,
    directory    TEXT NOT NULL,
    client_name  TEXT,
    ip           TEXT,
    user_agent   TEXT,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    status       TEXT NOT NULL,
    answered_at  BIGINT,
    device_id    TEXT
);
CREATE INDEX app_approvals_flow ON app_approvals (flow_id, status);
CREATE INDEX app_approvals_user ON app_approvals (user_id, status);

-- When the app approved a login, and in its session.
ALTER TABLE login_flows ADD COLUMN app_at BIGINT;
ALTER TABLE sessions ADD COLUMN app_at BIGINT;
