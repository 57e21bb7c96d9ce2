-- One-time codes (SMS, email), stored as a keyed hash. A login code is
-- bound to its flow; a confirmation code to its user and destination.
CREATE TABLE codes (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    flow_id      TEXT,
    purpose      TEXT NOT NULL,
    destination  TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    ip           TEXT,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
CREATE INDEX codes_flow ON codes (flow_id, purpose, created_at);
CREATE INDEX codes_user ON codes (user_id, purpose, created_at);
CREATE INDEX codes_destination ON codes (destination, created_at);
CREATE INDEX codes_ip ON codes (ip, created_at);

-- Consecutive failures per account and method, across flows, codes and
-- addresses; a success resets the count.
CREATE TABLE failures (
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    method        TEXT NOT NULL,
    count         BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT NOT NULL DEFAULT 0,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, method)
);

-- What the `log` delivery sent, for development only.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           BIGINT NOT NULL,
    channel      TEXT NOT NULL,
    destination  TEXT NOT NULL,
    message      TEXT NOT NULL
);
