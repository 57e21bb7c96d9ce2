-- Risk signals seen at a login's first step (bits of core's `Signals`):
-- each raises that login's required level by the points the policy gives it.
ALTER TABLE login_flows ADD COLUMN signals BIGINT NOT NULL DEFAULT 0;
ALTER TABLE login_history ADD COLUMN signals BIGINT NOT NULL DEFAULT 0;

-- The networks (an IPv4 /24, an IPv6 /48; never a full address) a user
-- completed a login from, for the `new_network` signal. Kept
-- `history_days` after the last login from there.
CREATE TABLE user_networks (
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    network       TEXT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, network)
);
CREATE INDEX user_networks_seen ON user_networks (last_seen_at);
