-- Security, round three.
--
-- Tokens belong to the session they were issued from (its public id): a
-- code carries it to the tokens it buys, and a token works only while that
-- session lives (SECURITY 33). Tokens from before have none and no longer
-- work: their applications log in again once.
ALTER TABLE oidc_codes ADD COLUMN session_id TEXT;
ALTER TABLE oidc_tokens ADD COLUMN session_id TEXT;
CREATE INDEX oidc_tokens_user ON oidc_tokens (user_id);
CREATE INDEX oidc_tokens_session ON oidc_tokens (session_id);

-- Known browsers: a browser that completed a login for a user holds a
-- signed cookie naming one of these rows (by the hash of its secret); its
-- password steps are counted here, not in the anonymous lockout, until it
-- has failed `failures` times in a row (SECURITY 32).
CREATE TABLE known_browsers (
    id            TEXT PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT NOT NULL,
    failures      BIGINT NOT NULL DEFAULT 0,
    ip            TEXT,
    user_agent    TEXT
);
CREATE INDEX known_browsers_user ON known_browsers (user_id);

-- When the anonymous lockout last engaged for a method of a user, when the
-- user was last told of it, and whether the attempt just taken is the one
-- to tell them of (read back by the statement that takes it).
ALTER TABLE failures ADD COLUMN engaged_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE failures ADD COLUMN notified_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE failures ADD COLUMN notify BIGINT NOT NULL DEFAULT 0;
