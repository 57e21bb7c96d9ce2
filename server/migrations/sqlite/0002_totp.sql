-- Authenticator-app secrets, encrypted with the server key. `pending_enc`
-- is a secret being set up; `secret_enc` the confirmed one; `last_step` the
-- last accepted time step, so a code is never accepted twice.
CREATE TABLE totp (
    user_id       TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret_enc    TEXT,
    pending_enc   TEXT,
    last_step     BIGINT NOT NULL DEFAULT 0,
    confirmed_at  BIGINT,
    created_at    BIGINT NOT NULL
);
