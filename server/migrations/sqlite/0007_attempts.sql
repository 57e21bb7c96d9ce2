-- The lockout rule takes an attempt before it verifies anything (count,
-- then check, in one statement): `granted` says whether the latest attempt
-- was let through, decided from the row as it was before that statement.
ALTER TABLE failures ADD COLUMN granted BIGINT NOT NULL DEFAULT 1;

-- Counters in fixed windows, for rate limits and quotas: a request takes
-- one (count, then check, in one statement), on any instance.
CREATE TABLE counters (
    key           TEXT PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    count         BIGINT NOT NULL
);
