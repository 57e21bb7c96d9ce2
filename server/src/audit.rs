//! Audit events: every login step, factor change, policy change and user
//! change. Never a secret: callers pass kinds, outcomes, ids and methods,
//! and `detail` only carries words the server chose.

use crate::clock::now;
use crate::state::AppState;
use crate::store::{Tx, UserRow};
use authlevel_core::api::AuditEvent;
use authlevel_core::{AuditKind, Method};

/// An event being built.
#[derive(Debug, Clone)]
pub struct Event(AuditEvent);

/// Starts an event of `kind` with its outcome.
pub fn event(kind: AuditKind, success: bool) -> Event {
    Event(AuditEvent {
        id: 0,
        at: now(),
        directory_id: None,
        user_id: None,
        actor_id: None,
        kind,
        method: None,
        outcome: if success { "success" } else { "failure" }.to_owned(),
        ip: None,
        detail: None,
    })
}

impl Event {
    /// The directory concerned.
    pub fn directory(mut self, id: &str) -> Event {
        self.0.directory_id = Some(id.to_owned());
        self
    }

    /// The user concerned.
    pub fn user(mut self, id: Option<&str>) -> Event {
        self.0.user_id = id.map(str::to_owned);
        self
    }

    /// The user concerned, in their directory.
    pub fn on_user(self, user: &UserRow) -> Event {
        self.directory(&user.directory_id).user(Some(&user.id))
    }

    /// Who acted, when not the user.
    pub fn actor(mut self, id: &str) -> Event {
        self.0.actor_id = Some(id.to_owned());
        self
    }

    /// The method involved.
    pub fn method(mut self, m: Method) -> Event {
        self.0.method = Some(m);
        self
    }

    /// The client's address.
    pub fn ip(mut self, ip: Option<&str>) -> Event {
        self.0.ip = ip.map(str::to_owned);
        self
    }

    /// Words of the server's choosing; never user input that may hold a secret.
    pub fn detail(mut self, detail: impl Into<String>) -> Event {
        self.0.detail = Some(detail.into());
        self
    }

    /// Writes the event to the log and the database. A failed write is
    /// logged, not raised: the audit must not turn a completed action into
    /// an error for the user.
    pub async fn record(self, state: &AppState) {
        let e = self.0;
        log(&e);
        if let Err(err) = state.store.insert_audit(&e).await {
            tracing::error!(error = %err, kind = %e.kind, "could not write audit event");
        }
    }

    /// Adds the event to `tx`: written with the step's other writes, and
    /// logged once they commit (see [`commit`]).
    pub fn stage(self, tx: &mut Tx) {
        tx.audit(self.0);
    }
}

/// An event written in a transaction before its outcome is known: a code
/// stored under its quota and then handed to its gateway is one commit,
/// the code and the event together. When the hand-over fails,
/// [`Pending::commit_failed`] turns the row into a failure in the
/// transaction that undoes the rest. The event reaches the log once
/// settled.
#[must_use = "a pending event is settled: succeeded or commit_failed"]
#[derive(Debug)]
pub struct Pending {
    id: i64,
    event: AuditEvent,
}

impl Event {
    /// Writes the event in `tx` now, as it is; settle it once the outcome
    /// is known.
    pub async fn append(self, tx: &mut Tx) -> Result<Pending, sqlx::Error> {
        let id = tx.append_audit(&self.0).await?;
        Ok(Pending { id, event: self.0 })
    }
}

impl Pending {
    /// It went as written: the event is logged.
    pub fn succeeded(self) {
        log(&self.event);
    }

    /// It failed: in `tx` the row becomes a failure with `detail`, `tx`
    /// commits, and the event is logged.
    pub async fn commit_failed(mut self, mut tx: Tx, detail: String) -> Result<(), sqlx::Error> {
        tx.audit_failed(self.id, &detail).await?;
        commit(tx).await?;
        self.event.outcome = "failure".to_owned();
        self.event.detail = Some(detail);
        log(&self.event);
        Ok(())
    }
}

/// Commits `tx` and logs the audit events it wrote.
pub async fn commit(tx: Tx) -> Result<(), sqlx::Error> {
    for e in tx.commit().await? {
        log(&e);
    }
    Ok(())
}

fn log(e: &AuditEvent) {
    tracing::info!(
        target: "audit",
        kind = %e.kind,
        outcome = %e.outcome,
        method = e.method.map(Method::as_str),
        user = e.user_id.as_deref(),
        directory = e.directory_id.as_deref(),
        actor = e.actor_id.as_deref(),
        ip = e.ip.as_deref(),
        detail = e.detail.as_deref(),
        "audit"
    );
}
