//! In-process counters, rendered as Prometheus text at `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counters of one instance.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Responses by status class (index 1..=5 for 1xx..5xx).
    responses: [AtomicU64; 6],
    /// Login steps by (method, outcome).
    logins: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    /// Sessions created.
    sessions: AtomicU64,
}

impl Metrics {
    /// Counts a response with `status`.
    pub fn response(&self, status: u16) {
        let class = usize::from(status / 100).min(5);
        self.responses[class].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a login step.
    pub fn login_step(&self, method: &'static str, outcome: &'static str) {
        if let Ok(mut map) = self.logins.lock() {
            *map.entry((method, outcome)).or_default() += 1;
        }
    }

    /// Counts a created session.
    pub fn session_created(&self) {
        self.sessions.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition; `group_commit` is the store's
    /// (transactions, commits) on SQLite.
    pub fn render(&self, group_commit: Option<(u64, u64)>) -> String {
        let mut out = String::new();
        out.push_str("# HELP authlevel_http_responses_total HTTP responses by status class.\n");
        out.push_str("# TYPE authlevel_http_responses_total counter\n");
        for (class, n) in self.responses.iter().enumerate().skip(1) {
            let _ = writeln!(
                out,
                "authlevel_http_responses_total{{class=\"{class}xx\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP authlevel_login_steps_total Login steps by method and outcome.\n");
        out.push_str("# TYPE authlevel_login_steps_total counter\n");
        if let Ok(map) = self.logins.lock() {
            for ((method, outcome), n) in map.iter() {
                let _ = writeln!(
                    out,
                    "authlevel_login_steps_total{{method=\"{method}\",outcome=\"{outcome}\"}} {n}"
                );
            }
        }
        out.push_str(
            "# HELP authlevel_sessions_created_total Sessions created by completed logins.\n",
        );
        out.push_str("# TYPE authlevel_sessions_created_total counter\n");
        let _ = writeln!(
            out,
            "authlevel_sessions_created_total {}",
            self.sessions.load(Ordering::Relaxed)
        );
        if let Some((transactions, commits)) = group_commit {
            out.push_str(
                "# HELP authlevel_sqlite_transactions_total Write transactions committed (SQLite).\n\
                 # TYPE authlevel_sqlite_transactions_total counter\n",
            );
            let _ = writeln!(out, "authlevel_sqlite_transactions_total {transactions}");
            out.push_str(
                "# HELP authlevel_sqlite_commits_total Commits (fsyncs) that carried them: \
                 transactions arriving together share one.\n\
                 # TYPE authlevel_sqlite_commits_total counter\n",
            );
            let _ = writeln!(out, "authlevel_sqlite_commits_total {commits}");
        }
        out
    }
}
