-- When each method of a login, and of the session it became, was verified
-- (Unix seconds; NULL when it was not). "Fresh" for account changes is
-- computed from them, and a step-up keeps its session's absolute limit.
ALTER TABLE login_flows ADD COLUMN password_at BIGINT;
ALTER TABLE login_flows ADD COLUMN sms_at BIGINT;
ALTER TABLE login_flows ADD COLUMN email_at BIGINT;
ALTER TABLE login_flows ADD COLUMN totp_at BIGINT;
ALTER TABLE login_flows ADD COLUMN passkey_at BIGINT;
ALTER TABLE login_flows ADD COLUMN session_expires_at BIGINT;
ALTER TABLE sessions ADD COLUMN password_at BIGINT;
ALTER TABLE sessions ADD COLUMN sms_at BIGINT;
ALTER TABLE sessions ADD COLUMN email_at BIGINT;
ALTER TABLE sessions ADD COLUMN totp_at BIGINT;
ALTER TABLE sessions ADD COLUMN passkey_at BIGINT;

-- What a user's list of their own sessions shows: an id that is not the
-- token's hash, when it began, from which address and browser.
ALTER TABLE sessions ADD COLUMN public_id TEXT;
ALTER TABLE sessions ADD COLUMN created_at BIGINT;
ALTER TABLE sessions ADD COLUMN ip TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
CREATE UNIQUE INDEX sessions_public_id ON sessions (public_id);
