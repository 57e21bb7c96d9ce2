-- Directories, users, login flows, sessions, setup links, enrolment
-- sessions and the audit log. Times are Unix seconds; tokens are stored
-- only as SHA-256 hex of the random value the client holds.

CREATE TABLE directories (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    policy      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    directory_id   TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    username       TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    email          TEXT,
    phone          TEXT,
    pending_email  TEXT,
    pending_phone  TEXT,
    role           TEXT NOT NULL,
    disabled       BIGINT NOT NULL DEFAULT 0,
    password_hash  TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (directory_id, username)
);

CREATE TABLE login_flows (
    id            TEXT PRIMARY KEY,
    directory_id  TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    user_id       TEXT REFERENCES users(id) ON DELETE CASCADE,
    verified      BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX login_flows_expires ON login_flows (expires_at);

CREATE TABLE sessions (
    id                TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    level             BIGINT NOT NULL,
    methods           BIGINT NOT NULL,
    authenticated_at  BIGINT NOT NULL,
    last_seen_at      BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE setup_links (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE TABLE enrolments (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE TABLE audit (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            BIGINT NOT NULL,
    directory_id  TEXT,
    user_id       TEXT,
    actor_id      TEXT,
    kind          TEXT NOT NULL,
    method        TEXT,
    outcome       TEXT NOT NULL,
    ip            TEXT,
    detail        TEXT
);
CREATE INDEX audit_directory ON audit (directory_id, id);
CREATE INDEX audit_user ON audit (user_id, id);
