-- Failed password steps for names that are not accounts, per directory and
-- (hashed) name: counted like an account's failures, so an unknown name
-- costs the same database write as a known one and cannot be told apart by
-- timing.
CREATE TABLE unknown_failures (
    id          TEXT PRIMARY KEY,
    count       BIGINT NOT NULL DEFAULT 0,
    updated_at  BIGINT NOT NULL
);
