-- Recovery codes: a set of one-time codes for a lost phone, stored only as
-- keyed hashes; a new set replaces the old one.
CREATE TABLE recovery_codes (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE UNIQUE INDEX recovery_codes_hash ON recovery_codes (user_id, code_hash);

-- When a recovery code was verified in a login, and in its session.
ALTER TABLE login_flows ADD COLUMN recovery_at BIGINT;
ALTER TABLE sessions ADD COLUMN recovery_at BIGINT;
