//! Configuration: one struct with defaults in code, a TOML file on top, then
//! `AUTHLEVEL_*` environment variables on top of that.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Everything the server can be told.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (printed at start).
    pub listen: String,
    /// The origin people reach the service at, without a trailing slash. It
    /// builds setup links, is the only `Origin` accepted on state-changing
    /// requests, and decides cookie security: `https://` gives `Secure`
    /// cookies with the `__Host-` prefix.
    pub public_url: String,
    /// The addresses (CIDRs, comma-separated: `10.0.0.0/8,::1`; a bare
    /// address is one host) of the reverse proxies and load balancers in
    /// front of the service. Only a request whose TCP peer is one of them
    /// has its `client_ip_header` believed; the rightmost address in it
    /// that is not a trusted proxy is the client's. Empty (the default): no
    /// header is believed, the client is the TCP peer.
    pub trusted_proxies: String,
    /// The header the trusted proxies set: `x-forwarded-for` (the
    /// default; what nginx, Caddy, HAProxy and cloud load balancers send)
    /// or `forwarded` (RFC 7239, its `for=` parameters). Only this one is
    /// read: a proxy passes the other through from the client untouched.
    pub client_ip_header: String,
    /// `sqlite://path/to/file.db` (created when missing) or `postgres://…`.
    pub database_url: String,
    /// Largest number of database connections per instance.
    pub database_max_connections: u32,
    /// SQLite commits: `full` (durable against power loss) or `normal` (WAL;
    /// durable against a crash of the process, faster).
    pub sqlite_synchronous: String,
    /// Folder with the built login page (Trunk's `dist/`).
    pub static_dir: PathBuf,
    /// Development mode: the `log` deliveries print messages (codes) on
    /// the console and keep them in the dev outbox, which operators read at
    /// `/api/admin/dev/outbox`.
    pub dev: bool,
    /// The log on standard error: `text` (for people) or `json` (one JSON
    /// object per line, for log shippers; the same fields).
    pub log_format: String,
    /// A session ends after this many seconds without a request.
    pub session_idle_timeout_s: i64,
    /// A session ends this many seconds after the login, whatever happens.
    pub session_absolute_timeout_s: i64,
    /// A login in progress expires after this many seconds.
    pub login_flow_timeout_s: i64,
    /// A setup link works for this many seconds.
    pub setup_link_ttl_s: i64,
    /// Enrolment through a setup link stays open this many seconds.
    pub enrolment_ttl_s: i64,
    /// Adding or removing a method needs a login at most this many seconds old.
    pub reauth_window_s: i64,
    /// Concurrent password hashes; 0 means one per CPU core.
    pub password_hash_concurrency: usize,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// The server key sealing TOTP secrets, 64 hex characters. Several
    /// instances must share it. Empty: read `key_file`, or create it.
    pub secret_key: String,
    /// Where the generated server key is kept when `secret_key` is empty.
    pub key_file: PathBuf,
    /// An SMS or email code works this many seconds.
    pub code_ttl_s: i64,
    /// Seconds before another code may be sent for the same purpose.
    pub code_resend_cooldown_s: i64,
    /// Wrong guesses a code allows before it stops working.
    pub code_max_attempts: i64,
    /// Codes per destination (number or address) per hour.
    pub code_per_destination_per_hour: i64,
    /// Codes per account per hour.
    pub code_per_account_per_hour: i64,
    /// Codes per client address per hour.
    pub code_per_ip_per_hour: i64,
    /// Consecutive failures of one method on one account before it locks.
    pub failure_limit: i64,
    /// How long a locked method stays locked, in seconds.
    pub lockout_s: i64,
    /// A browser that completed a login for a user stays known (its
    /// cookie, its exemption from the anonymous lockout) this many days
    /// after its last login.
    pub known_browser_days: i64,
    /// Days the login history (what a policy replay reads) is kept.
    pub history_days: i64,
    /// Seconds between housekeeping runs (expired flows into the login
    /// history, expired rows deleted).
    pub housekeeping_interval_s: u64,
    /// Wrong passwords in a row a known browser may send for its user
    /// before its cookie is void (and it is held by the anonymous lockout
    /// like any other browser).
    pub known_browser_failure_limit: i64,
    /// Password steps per client address per minute; 0: no limit.
    pub login_attempts_per_ip_per_minute: i64,
    /// Password steps per account name (known or not) per minute; 0: no limit.
    pub login_attempts_per_account_per_minute: i64,
    /// Unauthenticated requests that store state (a passkey sign-in begun,
    /// an application's authorization request) per client address per
    /// minute; 0: no limit.
    pub anonymous_writes_per_ip_per_minute: i64,
    /// `log` or `webhook`. `log` prints messages on the console in dev
    /// mode; outside it, it sends nothing and logs that a message was
    /// withheld (codes never reach a production log).
    pub sms_delivery: String,
    /// Where the `webhook` delivery POSTs `{to, message}`.
    pub sms_webhook_url: String,
    /// Bearer token sent to the webhook.
    pub sms_webhook_token: String,
    /// Country calling codes SMS may go to, comma-separated (`41,49`); empty: all.
    pub sms_allowed_countries: String,
    /// `log` or `smtp`; `log` as for `sms_delivery`.
    pub email_delivery: String,
    /// SMTP server host.
    pub smtp_host: String,
    /// SMTP server port.
    pub smtp_port: u16,
    /// `starttls` (required), `tls` (implicit TLS) or `none` (a local relay).
    pub smtp_security: String,
    /// SMTP user name; empty: no authentication.
    pub smtp_username: String,
    /// SMTP password.
    pub smtp_password: String,
    /// The sender, e.g. `Login <login@example.com>`.
    pub email_from: String,
    /// The subject of every email; empty (the default): each message's
    /// own, in the recipient's language ("Your Default login code").
    pub email_subject: String,
    /// The WebAuthn relying-party ID (a registrable domain); empty: the
    /// host of `public_url`. Subdomains are never allowed.
    pub rp_id: String,
    /// Origins allowed to use passkeys, comma-separated; empty: the origin
    /// of `public_url` only.
    pub rp_origins: String,
    /// The service's name shown by authenticators.
    pub rp_name: String,
    /// Origins (besides `public_url`'s) a login may return to, comma-separated.
    pub redirect_allowlist: String,
}

/// The settings [`Config`]'s `Debug` never shows: they are or may hold
/// secrets (a database URL may carry its password).
const REDACTED: [&str; 4] = [
    "database_url",
    "secret_key",
    "sms_webhook_token",
    "smtp_password",
];

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("Config");
        if let Ok(serde_json::Value::Object(settings)) = serde_json::to_value(self) {
            for (name, value) in &settings {
                if REDACTED.contains(&name.as_str()) {
                    out.field(name, &"[redacted]");
                } else {
                    out.field(name, value);
                }
            }
        }
        out.finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            public_url: "http://localhost:8080".into(),
            trusted_proxies: String::new(),
            client_ip_header: "x-forwarded-for".into(),
            database_url: "sqlite://authlevel.db".into(),
            database_max_connections: 16,
            sqlite_synchronous: "full".into(),
            static_dir: PathBuf::from("dist"),
            dev: false,
            log_format: "text".into(),
            session_idle_timeout_s: 3600,
            session_absolute_timeout_s: 24 * 3600,
            login_flow_timeout_s: 15 * 60,
            setup_link_ttl_s: 24 * 3600,
            enrolment_ttl_s: 3600,
            reauth_window_s: 600,
            password_hash_concurrency: 0,
            max_body_bytes: 64 * 1024,
            secret_key: String::new(),
            key_file: PathBuf::from("authlevel.key"),
            code_ttl_s: 600,
            code_resend_cooldown_s: 30,
            code_max_attempts: 5,
            code_per_destination_per_hour: 5,
            code_per_account_per_hour: 10,
            code_per_ip_per_hour: 30,
            failure_limit: 10,
            lockout_s: 900,
            known_browser_days: 180,
            history_days: 90,
            housekeeping_interval_s: 60,
            known_browser_failure_limit: 10,
            login_attempts_per_ip_per_minute: 120,
            login_attempts_per_account_per_minute: 30,
            anonymous_writes_per_ip_per_minute: 120,
            sms_delivery: "log".into(),
            sms_webhook_url: String::new(),
            sms_webhook_token: String::new(),
            sms_allowed_countries: String::new(),
            email_delivery: "log".into(),
            smtp_host: "localhost".into(),
            smtp_port: 587,
            smtp_security: "starttls".into(),
            smtp_username: String::new(),
            smtp_password: String::new(),
            email_from: "authlevel <login@localhost>".into(),
            email_subject: String::new(),
            rp_id: String::new(),
            rp_origins: String::new(),
            rp_name: "authlevel".into(),
            redirect_allowlist: String::new(),
        }
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file or an environment variable has a wrong value.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// The entries of a comma-separated setting, trimmed; empty ones are none.
fn entries(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty())
}

impl Config {
    /// Defaults, then the TOML file at `path` when given, then `AUTHLEVEL_*`
    /// variables from `env` (one per field, upper-case: `AUTHLEVEL_LISTEN`).
    pub fn load(
        path: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut table = match toml::Table::try_from(Config::default()) {
            Ok(t) => t,
            Err(e) => return Err(ConfigError::Invalid(e.to_string())),
        };
        if let Some(path) = path {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_owned(),
                source,
            })?;
            let file: toml::Table = text.parse().map_err(|e: toml::de::Error| {
                ConfigError::Invalid(format!("{}: {e}", path.display()))
            })?;
            for (k, v) in file {
                if !table.contains_key(&k) {
                    return Err(ConfigError::Invalid(format!(
                        "{}: unknown setting `{k}`",
                        path.display()
                    )));
                }
                table.insert(k, v);
            }
        }
        for (key, value) in env {
            let Some(name) = key.strip_prefix("AUTHLEVEL_") else {
                continue;
            };
            let name = name.to_ascii_lowercase();
            if name == "config" {
                continue;
            }
            let Some(current) = table.get(&name) else {
                return Err(ConfigError::Invalid(format!(
                    "unknown environment variable {key}"
                )));
            };
            let parsed = match current {
                toml::Value::String(_) => toml::Value::String(value),
                toml::Value::Integer(_) => value
                    .trim()
                    .parse::<i64>()
                    .map(toml::Value::Integer)
                    .map_err(|_| ConfigError::Invalid(format!("{key} must be a whole number")))?,
                toml::Value::Boolean(_) => match value.trim() {
                    "1" | "true" | "yes" => toml::Value::Boolean(true),
                    "0" | "false" | "no" | "" => toml::Value::Boolean(false),
                    _ => return Err(ConfigError::Invalid(format!("{key} must be true or false"))),
                },
                _ => {
                    return Err(ConfigError::Invalid(format!(
                        "{key} cannot be set from the environment"
                    )));
                }
            };
            table.insert(name, parsed);
        }
        let config: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Invalid(e.to_string()))?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://"))
            || self.public_url.ends_with('/')
        {
            return Err(ConfigError::Invalid(
                "public_url must look like https://login.example.com (no trailing slash)".into(),
            ));
        }
        if self.session_idle_timeout_s <= 0
            || self.session_absolute_timeout_s <= 0
            || self.login_flow_timeout_s <= 0
            || self.setup_link_ttl_s <= 0
            || self.enrolment_ttl_s <= 0
        {
            return Err(ConfigError::Invalid("timeouts must be positive".into()));
        }
        if !(self.database_url.starts_with("sqlite:") || self.database_url.starts_with("postgres"))
        {
            return Err(ConfigError::Invalid(
                "database_url must start with sqlite:// or postgres://".into(),
            ));
        }
        if !matches!(self.sqlite_synchronous.as_str(), "full" | "normal") {
            return Err(ConfigError::Invalid(
                "sqlite_synchronous must be full or normal".into(),
            ));
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(ConfigError::Invalid(
                "log_format must be text or json".into(),
            ));
        }
        if !matches!(self.sms_delivery.as_str(), "log" | "webhook") {
            return Err(ConfigError::Invalid(
                "sms_delivery must be log or webhook".into(),
            ));
        }
        if self.sms_delivery == "webhook" && !self.sms_webhook_url.starts_with("http") {
            return Err(ConfigError::Invalid(
                "sms_delivery = webhook needs sms_webhook_url".into(),
            ));
        }
        if !matches!(self.email_delivery.as_str(), "log" | "smtp") {
            return Err(ConfigError::Invalid(
                "email_delivery must be log or smtp".into(),
            ));
        }
        if !matches!(self.smtp_security.as_str(), "starttls" | "tls" | "none") {
            return Err(ConfigError::Invalid(
                "smtp_security must be starttls, tls or none".into(),
            ));
        }
        if self.code_ttl_s <= 0 || self.code_ttl_s > 600 {
            return Err(ConfigError::Invalid(
                "code_ttl_s must be 1 to 600 (NIST: at most 10 minutes)".into(),
            ));
        }
        if self.failure_limit < 1 || self.failure_limit > 100 {
            return Err(ConfigError::Invalid(
                "failure_limit must be 1 to 100".into(),
            ));
        }
        if self.known_browser_failure_limit < 1 || self.known_browser_failure_limit > 100 {
            return Err(ConfigError::Invalid(
                "known_browser_failure_limit must be 1 to 100".into(),
            ));
        }
        if self.history_days < 1 || self.history_days > 3660 {
            return Err(ConfigError::Invalid(
                "history_days must be 1 to 3660".into(),
            ));
        }
        if self.housekeeping_interval_s < 1 || self.housekeeping_interval_s > 86_400 {
            return Err(ConfigError::Invalid(
                "housekeeping_interval_s must be 1 to 86400".into(),
            ));
        }
        if self.known_browser_days < 1 || self.known_browser_days > 3660 {
            return Err(ConfigError::Invalid(
                "known_browser_days must be 1 to 3660".into(),
            ));
        }
        self.allowed_countries()?;
        self.trusted_proxies()?;
        if !matches!(
            self.client_ip_header.as_str(),
            "x-forwarded-for" | "forwarded"
        ) {
            return Err(ConfigError::Invalid(
                "client_ip_header must be x-forwarded-for or forwarded".into(),
            ));
        }
        Ok(())
    }

    /// The networks of `trusted_proxies`; a bare address is one host.
    pub fn trusted_proxies(&self) -> Result<Vec<ipnet::IpNet>, ConfigError> {
        entries(&self.trusted_proxies)
            .map(|s| {
                s.parse::<ipnet::IpNet>()
                    .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| {
                        ConfigError::Invalid(format!(
                            "trusted_proxies: `{s}` is not an address or CIDR (10.0.0.0/8, ::1)"
                        ))
                    })
            })
            .collect()
    }

    /// The country calling codes SMS may go to; empty: any.
    pub fn allowed_countries(&self) -> Result<Vec<u16>, ConfigError> {
        entries(&self.sms_allowed_countries)
            .map(|s| {
                s.trim_start_matches('+').parse::<u16>().map_err(|_| {
                    ConfigError::Invalid(format!(
                        "sms_allowed_countries: `{s}` is not a calling code"
                    ))
                })
            })
            .collect()
    }

    /// How long a known browser is kept after its last login, in seconds.
    pub fn known_browser_s(&self) -> i64 {
        self.known_browser_days * 86_400
    }

    /// What housekeeping keeps, and how long.
    pub fn retention(&self) -> crate::store::Retention {
        crate::store::Retention {
            session_idle_s: self.session_idle_timeout_s,
            known_browser_s: self.known_browser_s(),
            history_s: self.history_days * 86_400,
        }
    }

    /// The WebAuthn relying-party ID.
    pub fn rp_id(&self) -> String {
        if !self.rp_id.is_empty() {
            return self.rp_id.clone();
        }
        let origin = self.public_origin();
        let host = origin.split("://").nth(1).unwrap_or(origin);
        host.rsplit_once(':').map_or(host, |(h, _)| h).to_owned()
    }

    /// The origins allowed for WebAuthn.
    pub fn rp_origins(&self) -> Vec<String> {
        let list: Vec<String> = entries(&self.rp_origins).map(str::to_owned).collect();
        if list.is_empty() {
            vec![self.public_origin().to_owned()]
        } else {
            list
        }
    }

    /// Where a login may send the browser: `target` if allowed.
    pub fn return_to(&self, target: Option<&str>) -> Option<String> {
        let list: Vec<String> = entries(&self.redirect_allowlist)
            .map(str::to_owned)
            .collect();
        target.and_then(|t| crate::redirect::safe_return_to(t, self.public_origin(), &list))
    }

    /// Whether cookies must be `Secure` (served over https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The origin browsers send in `Origin` (scheme, host and port).
    pub fn public_origin(&self) -> &str {
        let after_scheme = self.public_url.find("://").map_or(0, |i| i + 3);
        match self.public_url[after_scheme..].find('/') {
            Some(i) => &self.public_url[..after_scheme + i],
            None => &self.public_url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// `Debug` (what a log line of the settings would print) shows every
    /// setting but the secrets.
    #[test]
    fn debug_shows_no_secret() {
        let c = Config {
            database_url: "postgres://u:db-pass@h/d".into(),
            secret_key: "key-secret".into(),
            sms_webhook_token: "hook-secret".into(),
            smtp_password: "smtp-secret".into(),
            listen: "127.0.0.1:9999".into(),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        for secret in ["db-pass", "key-secret", "hook-secret", "smtp-secret"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("127.0.0.1:9999") && shown.contains("rp_name"),
            "{shown}"
        );
    }

    #[test]
    fn env_overrides_file_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("authlevel-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\nsession_idle_timeout_s = 60\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&file),
            env(&[
                ("AUTHLEVEL_SESSION_IDLE_TIMEOUT_S", "30"),
                ("AUTHLEVEL_DEV", "true"),
                ("PATH", "/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.session_idle_timeout_s, 30);
        assert!(c.dev);
        assert_eq!(c.session_absolute_timeout_s, 86400);
    }

    #[test]
    fn unknown_and_bad_values_are_refused() {
        assert!(Config::load(None, env(&[("AUTHLEVEL_NOPE", "1")])).is_err());
        assert!(Config::load(None, env(&[("AUTHLEVEL_SESSION_IDLE_TIMEOUT_S", "soon")])).is_err());
        assert!(Config::load(None, env(&[("AUTHLEVEL_PUBLIC_URL", "localhost")])).is_err());
        assert!(Config::load(None, env(&[("AUTHLEVEL_LOG_FORMAT", "xml")])).is_err());
        assert!(Config::load(None, env(&[("AUTHLEVEL_TRUSTED_PROXIES", "10.0.0.0/33")])).is_err());
        assert!(Config::load(None, env(&[("AUTHLEVEL_TRUSTED_PROXIES", "proxy.lan")])).is_err());
        assert!(Config::load(None, env(&[("AUTHLEVEL_CLIENT_IP_HEADER", "x-real-ip")])).is_err());
        let proxies = Config::load(
            None,
            env(&[("AUTHLEVEL_TRUSTED_PROXIES", " 10.1.2.3/8, ::1 ,192.0.2.7")]),
        )
        .unwrap();
        let nets: Vec<String> = proxies
            .trusted_proxies()
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(nets, ["10.0.0.0/8", "::1/128", "192.0.2.7/32"]);
        let json = Config::load(None, env(&[("AUTHLEVEL_LOG_FORMAT", "json")])).unwrap();
        assert_eq!(json.log_format, "json");
    }

    #[test]
    fn origin_of_public_url() {
        let c = Config {
            public_url: "https://login.example.com/base".into(),
            ..Config::default()
        };
        assert_eq!(c.public_origin(), "https://login.example.com");
        assert!(c.secure_cookies());
        assert_eq!(Config::default().public_origin(), "http://localhost:8080");
        assert_eq!(Config::default().rp_id(), "localhost");
        assert_eq!(c.rp_id(), "login.example.com");
        assert_eq!(c.rp_origins(), vec!["https://login.example.com".to_owned()]);
    }
}
