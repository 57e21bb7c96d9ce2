-- Passkeys (webauthn-rs `Passkey` as JSON) and the WebAuthn ceremony state,
-- which lives only here, never with the client, and is deleted at the first
-- finish. A credential ID belongs to one account at most.
CREATE TABLE passkeys (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id  TEXT NOT NULL UNIQUE,
    passkey        TEXT NOT NULL,
    name           TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT
);
CREATE INDEX passkeys_user ON passkeys (user_id);

CREATE TABLE webauthn_states (
    id          TEXT PRIMARY KEY,
    state       TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);
