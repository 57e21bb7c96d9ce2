-- Facts about the installation, one row each. `key_fingerprint`: the
-- server key's MAC of a fixed label, written by the first instance to start,
-- so an instance with another `secret_key` refuses to start instead of
-- failing every code and TOTP secret the others made.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
