-- Login history: one row per login that ended (completed, or expired
-- unfinished), for replaying a draft policy over real logins. Kept
-- `history_days`, then deleted by housekeeping. No address or user agent:
-- the audit log keeps those.
CREATE TABLE login_history (
    at            BIGINT NOT NULL,
    directory_id  TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    client_id     TEXT NOT NULL DEFAULT '',
    asked_level   INTEGER,
    verified      TEXT NOT NULL,
    enrolled      INTEGER NOT NULL,
    required      INTEGER NOT NULL,
    earned        INTEGER NOT NULL,
    ended         TEXT NOT NULL,
    -- The four above as one key (verified|enrolled|ended|asked level), so
    -- a replay picks the logins of a set of shapes with one IN.
    shape         TEXT NOT NULL,
    -- What the staged policy would have done, when one was staged.
    staged        TEXT
);
CREATE INDEX login_history_directory ON login_history (directory_id, at, shape, user_id);
CREATE INDEX login_history_at ON login_history (at);

-- The same logins counted per day and shape, written with each row: a
-- replay scores each distinct shape once, whatever the number of logins.
CREATE TABLE login_shapes (
    directory_id  TEXT NOT NULL,
    day           BIGINT NOT NULL,
    client_id     TEXT NOT NULL,
    asked_level   INTEGER NOT NULL,
    verified      TEXT NOT NULL,
    enrolled      INTEGER NOT NULL,
    ended         TEXT NOT NULL,
    logins        BIGINT NOT NULL,
    PRIMARY KEY (directory_id, day, client_id, asked_level, verified, enrolled, ended)
);

-- The application a login is for, as its history names it.
ALTER TABLE login_flows ADD COLUMN client_id TEXT;

-- A policy staged report-only beside the active one, and since when.
ALTER TABLE directories ADD COLUMN staged_policy TEXT;
ALTER TABLE directories ADD COLUMN staged_at BIGINT;

-- The draft an administrator last replayed, for its list of users.
CREATE TABLE policy_drafts (
    user_id       TEXT NOT NULL,
    directory_id  TEXT NOT NULL,
    policy        TEXT NOT NULL,
    since         BIGINT NOT NULL,
    PRIMARY KEY (user_id, directory_id)
);
