//! Paired phones (`app_devices`), the pairing links that add them
//! (`app_pairings`), and the approvals a login asks of them
//! (`app_approvals`).

use crate::store::Columns;
use crate::store::TxRow;
use crate::store::{Store, Tx};

/// That a user has a paired phone, as SQL on `users`.
pub const ENROLLED: &str = "EXISTS (SELECT 1 FROM app_devices a WHERE a.user_id = users.id)";

/// A phone paired with the approval app.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceRow {
    /// Its id, shown and removed by.
    pub id: String,
    /// Whose.
    pub user_id: String,
    /// Its name.
    pub name: String,
    /// The device key's credential ID, base64url.
    pub credential_id: String,
    /// The device key (webauthn-rs `Passkey`, JSON).
    pub passkey: String,
    /// Its push subscription's endpoint, when it has one.
    pub push_endpoint: Option<String>,
    /// The subscription's P-256 key, base64url.
    pub push_p256dh: Option<String>,
    /// The subscription's authentication secret, base64url.
    pub push_auth: Option<String>,
    /// When it was paired.
    pub created_at: i64,
    /// When it last answered an approval.
    pub last_used_at: Option<i64>,
}

impl crate::store::FromColumns for DeviceRow {
    fn from_columns(r: &impl crate::store::Columns) -> Result<Self, sqlx::Error> {
        Ok(
            crate::store::from_columns!(r, DeviceRow { id, user_id, name, credential_id, passkey, push_endpoint, push_p256dh, push_auth, created_at, last_used_at; }),
        )
    }
}

impl std::fmt::Debug for DeviceRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceRow")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("push", &self.push_endpoint.is_some())
            .finish_non_exhaustive()
    }
}

/// What becomes of an approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Sent, waiting for the app.
    Pending,
    /// Approved in the app; the login page takes it next.
    Approved,
    /// Taken by the login.
    Used,
    /// Another approval of the same login replaced it.
    Superseded,
    /// The wrong number was picked (or the signature failed).
    Wrong,
    /// Declined in the app.
    Denied,
    /// "This wasn't me": the login ended.
    NotMe,
    /// A refusal the login page has shown.
    Told,
}

impl Status {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Used => "used",
            Status::Superseded => "superseded",
            Status::Wrong => "wrong",
            Status::Denied => "denied",
            Status::NotMe => "not_me",
            Status::Told => "told",
        }
    }
}

/// An approval a login asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRow {
    /// Its id.
    pub id: String,
    /// The login (`login_flows.id`).
    pub flow_id: String,
    /// Whose login.
    pub user_id: String,
    /// The number the login page shows.
    pub number: i64,
    /// The three numbers the app offers, comma-separated.
    pub choices: String,
    /// The WebAuthn ceremony's state (webauthn-rs, JSON): never sent.
    pub state: String,
    /// The WebAuthn request options the app signs (JSON).
    pub challenge: String,
    /// The directory's name.
    pub directory: String,
    /// The application that asked for the login, if one did.
    pub client_name: Option<String>,
    /// The browser's address.
    pub ip: Option<String>,
    /// The browser's `User-Agent`.
    pub user_agent: Option<String>,
    /// When it was sent.
    pub created_at: i64,
    /// When it expires.
    pub expires_at: i64,
    /// Its [`Status`], by name.
    pub status: String,
}

impl crate::store::FromColumns for ApprovalRow {
    fn from_columns(r: &impl crate::store::Columns) -> Result<Self, sqlx::Error> {
        Ok(
            crate::store::from_columns!(r, ApprovalRow { id, flow_id, user_id, number, choices, state, challenge, directory, client_name, ip, user_agent, created_at, expires_at, status; }),
        )
    }
}

/// The columns of [`ApprovalRow`].
const APPROVAL: &str = "id, flow_id, user_id, number, choices, state, challenge, directory, \
                        client_name, ip, user_agent, created_at, expires_at, status";

/// The columns of [`DeviceRow`].
const DEVICE: &str = "id, user_id, name, credential_id, passkey, push_endpoint, push_p256dh, \
                      push_auth, created_at, last_used_at";

impl Store {
    /// Stores a pairing link (the hash of its token) for `user_id`.
    pub async fn insert_pairing(
        &self,
        id: &str,
        user_id: &str,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        let q =
            sqlx::query("INSERT INTO app_pairings (id, user_id, expires_at) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(user_id)
                .bind(expires_at);
        self.run(q).await
    }

    /// Whose pairing link `id` is, while it is valid and not started.
    pub async fn pairing_user(&self, id: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
        let q = sqlx::query(
            "SELECT user_id FROM app_pairings WHERE id = $1 AND state IS NULL AND expires_at >= $2",
        )
        .bind(id)
        .bind(now);
        self.one(q, |r: &TxRow| r.col::<String>("user_id")).await
    }

    /// Starts the pairing `id` with the device key's ceremony `state`: once,
    /// while the link is valid. Answers whose pairing it is.
    pub async fn start_pairing(
        &self,
        id: &str,
        state: &str,
        now: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        let q = sqlx::query(
            "UPDATE app_pairings SET state = $2 \
             WHERE id = $1 AND state IS NULL AND expires_at >= $3 RETURNING user_id",
        )
        .bind(id)
        .bind(state)
        .bind(now);
        Ok(match self.exec_optional(q).await? {
            Some(r) => Some(r.col("user_id")?),
            None => None,
        })
    }

    /// Takes (deletes) a started pairing that is still valid: its user and
    /// the ceremony's state.
    pub async fn take_pairing(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<(String, String)>, sqlx::Error> {
        let q = sqlx::query(
            "DELETE FROM app_pairings WHERE id = $1 AND state IS NOT NULL AND expires_at >= $2 \
             RETURNING user_id, state",
        )
        .bind(id)
        .bind(now);
        Ok(match self.exec_optional(q).await? {
            Some(r) => Some((r.col("user_id")?, r.col("state")?)),
            None => None,
        })
    }

    /// Stores a paired phone with the hash of its app's token; false when
    /// its device key is registered already.
    pub async fn insert_device(
        &self,
        d: &DeviceRow,
        token_hash: &str,
    ) -> Result<bool, sqlx::Error> {
        let sql = format!(
            "INSERT INTO app_devices ({DEVICE}, token_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (credential_id) DO NOTHING"
        );
        let q = sqlx::query(&sql)
            .bind(&d.id)
            .bind(&d.user_id)
            .bind(&d.name)
            .bind(&d.credential_id)
            .bind(&d.passkey)
            .bind(d.push_endpoint.clone())
            .bind(d.push_p256dh.clone())
            .bind(d.push_auth.clone())
            .bind(d.created_at)
            .bind(d.last_used_at)
            .bind(token_hash);
        Ok(self.exec_enrolment(&d.user_id, q).await? == 1)
    }

    /// A user's paired phones, oldest first.
    pub async fn devices(&self, user_id: &str) -> Result<Vec<DeviceRow>, sqlx::Error> {
        let sql =
            format!("SELECT {DEVICE} FROM app_devices WHERE user_id = $1 ORDER BY created_at, id");
        self.few(
            sqlx::query(&sql).bind(user_id),
            crate::store::read::<DeviceRow>,
        )
        .await
    }

    /// The phone whose app holds the token with this hash.
    pub async fn device_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<DeviceRow>, sqlx::Error> {
        let sql = format!("SELECT {DEVICE} FROM app_devices WHERE token_hash = $1");
        self.one(
            sqlx::query(&sql).bind(token_hash),
            crate::store::read::<DeviceRow>,
        )
        .await
    }

    /// Removes a user's paired phone; answers whether it was there.
    pub async fn delete_device(&self, user_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        let q = sqlx::query("DELETE FROM app_devices WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id);
        Ok(self.exec_enrolment(user_id, q).await? == 1)
    }

    /// Replaces a phone's push subscription (`None`: it has none).
    pub async fn set_push(
        &self,
        id: &str,
        push: Option<(&str, &str, &str)>,
    ) -> Result<(), sqlx::Error> {
        let (endpoint, p256dh, auth) = match push {
            Some((e, p, a)) => (Some(e), Some(p), Some(a)),
            None => (None, None, None),
        };
        let q = sqlx::query(
            "UPDATE app_devices SET push_endpoint = $2, push_p256dh = $3, push_auth = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(endpoint.map(str::to_owned))
        .bind(p256dh.map(str::to_owned))
        .bind(auth.map(str::to_owned));
        self.run(q).await
    }

    /// Forgets a phone's subscription `endpoint`, which its push service
    /// says is gone (404, 410); one the app replaced meanwhile stays.
    pub async fn drop_push(&self, id: &str, endpoint: &str) -> Result<(), sqlx::Error> {
        let q = sqlx::query(
            "UPDATE app_devices SET push_endpoint = NULL, push_p256dh = NULL, push_auth = NULL \
             WHERE id = $1 AND push_endpoint = $2",
        )
        .bind(id)
        .bind(endpoint);
        self.run(q).await
    }

    /// A user's approvals waiting for an answer at `now`, newest first.
    pub async fn pending_approvals(
        &self,
        user_id: &str,
        now: i64,
    ) -> Result<Vec<ApprovalRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {APPROVAL} FROM app_approvals \
             WHERE user_id = $1 AND status = 'pending' AND expires_at >= $2 \
             ORDER BY created_at DESC, id"
        );
        self.few(
            sqlx::query(&sql).bind(user_id).bind(now),
            crate::store::read::<ApprovalRow>,
        )
        .await
    }

    /// The approval `id` of `user_id`.
    pub async fn approval(
        &self,
        id: &str,
        user_id: &str,
    ) -> Result<Option<ApprovalRow>, sqlx::Error> {
        let sql = format!("SELECT {APPROVAL} FROM app_approvals WHERE id = $1 AND user_id = $2");
        self.one(
            sqlx::query(&sql).bind(id).bind(user_id),
            crate::store::read::<ApprovalRow>,
        )
        .await
    }

    /// Ends a pending approval that could not be delivered.
    pub async fn end_approval(&self, id: &str) -> Result<(), sqlx::Error> {
        let q = sqlx::query(
            "UPDATE app_approvals SET status = 'superseded' WHERE id = $1 AND status = 'pending'",
        )
        .bind(id);
        self.run(q).await
    }

    /// Marks a refusal of the login `flow_id` (a wrong number, a "no") as
    /// shown to its login page: answers it once.
    pub async fn tell_refusal(&self, flow_id: &str) -> Result<bool, sqlx::Error> {
        let q = sqlx::query(
            "UPDATE app_approvals SET status = 'told' \
             WHERE flow_id = $1 AND status IN ('wrong', 'denied')",
        )
        .bind(flow_id);
        Ok(self.exec(q).await? > 0)
    }

    /// Whether `user_id` said "this wasn't me" to an approval since `since`.
    pub async fn said_not_me(&self, user_id: &str, since: i64) -> Result<bool, sqlx::Error> {
        let q = sqlx::query(
            "SELECT COUNT(*) AS n FROM app_approvals \
             WHERE user_id = $1 AND status = 'not_me' AND answered_at >= $2",
        )
        .bind(user_id)
        .bind(since);
        Ok(self
            .one(q, |r: &TxRow| r.col::<i64>("n"))
            .await?
            .unwrap_or(0)
            > 0)
    }
}

impl Tx {
    /// Stores a new approval of its login, in place of one still pending.
    pub async fn insert_approval(&mut self, a: &ApprovalRow) -> Result<(), sqlx::Error> {
        let q = sqlx::query(
            "UPDATE app_approvals SET status = 'superseded' WHERE flow_id = $1 AND status = 'pending'",
        )
        .bind(&a.flow_id);
        self.run(q).await?;
        let sql = format!(
            "INSERT INTO app_approvals ({APPROVAL}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        );
        let q = sqlx::query(&sql)
            .bind(&a.id)
            .bind(&a.flow_id)
            .bind(&a.user_id)
            .bind(a.number)
            .bind(&a.choices)
            .bind(&a.state)
            .bind(&a.challenge)
            .bind(&a.directory)
            .bind(a.client_name.clone())
            .bind(a.ip.clone())
            .bind(a.user_agent.clone())
            .bind(a.created_at)
            .bind(a.expires_at)
            .bind(&a.status);
        self.run(q).await
    }

    /// Answers the approval `id`: from pending to `to`, by `device_id`, at
    /// `now`, while it has not expired. One atomic update, so of any number
    /// of answers on any instances (two phones at once) one wins: false for
    /// the others.
    pub async fn answer_approval(
        &mut self,
        id: &str,
        to: Status,
        device_id: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let q = sqlx::query(
            "UPDATE app_approvals SET status = $2, device_id = $3, answered_at = $4 \
             WHERE id = $1 AND status = 'pending' AND expires_at >= $4",
        )
        .bind(id)
        .bind(to.as_str())
        .bind(device_id)
        .bind(now);
        Ok(self.exec(q).await? == 1)
    }

    /// Takes the approved approval of the login `flow_id`, once.
    pub async fn take_approved(&mut self, flow_id: &str) -> Result<bool, sqlx::Error> {
        let q = sqlx::query(
            "UPDATE app_approvals SET status = 'used' WHERE flow_id = $1 AND status = 'approved'",
        )
        .bind(flow_id);
        Ok(self.exec(q).await? == 1)
    }
}
