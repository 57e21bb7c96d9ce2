-- A passkey's signature counter, as its own column: a login saves the new
-- counter only if it is above the stored one (or both are 0, as synced
-- passkeys report), so of two concurrent logins with one counter value
-- only one is accepted.
ALTER TABLE passkeys ADD COLUMN sign_count BIGINT NOT NULL DEFAULT 0;
