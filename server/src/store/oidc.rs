//! OpenID Connect: clients, pending authorization requests, codes, tokens
//! (hashes only) and signing keys.

use super::Columns;
use super::{Store, TxRow};

/// A registered application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRow {
    /// The `client_id`.
    pub id: String,
    /// Its directory.
    pub directory_id: String,
    /// Its name, shown to users.
    pub name: String,
    /// Keyed hash of the secret; `None` for a public client (PKCE required).
    pub secret_hash: Option<String>,
    /// Exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Exact post-logout redirect URIs.
    pub post_logout_redirect_uris: Vec<String>,
    /// Scopes it may ask for.
    pub scopes: Vec<String>,
    /// The lowest level it accepts.
    pub min_level: u32,
    /// When it was registered.
    pub created_at: i64,
}

fn client_row(r: &impl Columns) -> Result<ClientRow, sqlx::Error> {
    let list = |col: &str| -> Result<Vec<String>, sqlx::Error> {
        let text: String = r.col(col)?;
        serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    };
    let scopes: String = r.col("scopes")?;
    Ok(from_columns!(r, ClientRow {
        id, directory_id, name, secret_hash, created_at;
        redirect_uris: list("redirect_uris")?,
        post_logout_redirect_uris: list("post_logout_redirect_uris")?,
        scopes: scopes.split_whitespace().map(str::to_owned).collect(),
        min_level: u32::try_from(r.col::<i64>("min_level")?).unwrap_or(0),
    }))
}

const CLIENT_COLUMNS: &str = "id, directory_id, name, secret_hash, redirect_uris, post_logout_redirect_uris, scopes, min_level, created_at";

/// A stored token (access or refresh).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// `access` or `refresh`.
    pub kind: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The user.
    pub user_id: String,
    /// The refresh family (all rotations of one grant).
    pub family: String,
    /// The grant, as JSON.
    pub grant_data: String,
    /// Expiry.
    pub expires_at: i64,
    /// The public id of the session it was issued from: the token lives no
    /// longer than that session (`None` for tokens from before there was
    /// one, which no longer work).
    pub session_id: Option<String>,
}

/// What using a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshUse {
    /// It was live and is now used (rotated).
    Used(TokenRow),
    /// It had been used before: a replay; its family is to be revoked.
    Replayed(String),
    /// The session it was issued from has ended (logout, ended from a list,
    /// timed out): its family is revoked with it.
    SessionEnded(String),
    /// Unknown, expired or revoked.
    Invalid,
}

/// The condition that a token's session (`oidc_tokens.session_id`, a
/// session's public id) is live at `$now` with the idle limit `$idle_since`.
fn session_live(now: &str, idle_since: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM sessions s WHERE s.public_id = oidc_tokens.session_id \
         AND s.expires_at >= {now} AND s.last_seen_at >= {idle_since})"
    )
}

const TOKEN_COLUMNS: &str = "kind, client_id, user_id, family, grant_data, expires_at, session_id";

/// A [`TokenRow`] from a row of [`TOKEN_COLUMNS`].
fn token_row(r: &impl Columns) -> Result<TokenRow, sqlx::Error> {
    Ok(from_columns!(r, TokenRow {
        kind, client_id, user_id, family, grant_data, expires_at, session_id;
    }))
}

impl Store {
    /// Registers a client.
    pub async fn insert_client(&self, c: &ClientRow) -> Result<(), sqlx::Error> {
        let json = |v: &Vec<String>| {
            serde_json::to_string(v).map_err(|e| sqlx::Error::Encode(Box::new(e)))
        };
        self.run(sqlx::query(&format!(
            "INSERT INTO oidc_clients ({CLIENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&c.id)
        .bind(&c.directory_id)
        .bind(&c.name)
        .bind(c.secret_hash.clone())
        .bind(json(&c.redirect_uris)?)
        .bind(json(&c.post_logout_redirect_uris)?)
        .bind(c.scopes.join(" "))
        .bind(i64::from(c.min_level))
        .bind(c.created_at)
        ).await
    }

    /// The client with this `client_id`.
    pub async fn client(&self, id: &str) -> Result<Option<ClientRow>, sqlx::Error> {
        self.one(
            sqlx::query(&format!(
                "SELECT {CLIENT_COLUMNS} FROM oidc_clients WHERE id = $1"
            ))
            .bind(id),
            client_row,
        )
        .await
    }

    /// A directory's clients.
    pub async fn clients(&self, directory_id: &str) -> Result<Vec<ClientRow>, sqlx::Error> {
        self.all(
            sqlx::query(&format!(
            "SELECT {CLIENT_COLUMNS} FROM oidc_clients WHERE directory_id = $1 ORDER BY name, id"
        ))
        .bind(directory_id),
            client_row,
        ).await
    }

    /// Removes a client with its codes and tokens.
    pub async fn delete_client(&self, id: &str) -> Result<bool, sqlx::Error> {
        self.delete_row("oidc_clients", id).await
    }

    /// A pending request's parameters and creation time, if unexpired.
    pub async fn oidc_request(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<(String, i64)>, sqlx::Error> {
        let q = sqlx::query(
            "SELECT params, created_at FROM oidc_requests WHERE id = $1 AND expires_at >= $2",
        )
        .bind(id)
        .bind(now);
        self.one(q, |r| Ok((r.col("params")?, r.col("created_at")?)))
            .await
    }

    /// Removes a pending request; answers whether it existed.
    pub async fn delete_oidc_request(&self, id: &str) -> Result<bool, sqlx::Error> {
        self.delete_row("oidc_requests", id).await
    }

    /// Stores an authorization code (by hash), of the session whose public
    /// id is `session_id`.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_oidc_code(
        &self,
        id: &str,
        client_id: &str,
        user_id: &str,
        session_id: &str,
        grant: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        self.run(sqlx::query(
            "INSERT INTO oidc_codes (id, client_id, user_id, session_id, grant_data, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(client_id)
        .bind(user_id)
        .bind(session_id)
        .bind(grant)
        .bind(now)
        .bind(expires_at)
        ).await
    }

    /// Uses a code: one atomic update, so it works once. Answers (client,
    /// user, grant, the session's public id) when it was unused and
    /// unexpired; `Err(true)` when it had been used before (a replay),
    /// `Err(false)` when unknown or expired.
    pub async fn use_oidc_code(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Result<(String, String, String, Option<String>), bool>, sqlx::Error> {
        let r = self.exec_optional(sqlx::query(
            "UPDATE oidc_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at >= $1 \
             RETURNING client_id, user_id, grant_data, session_id",
        )
        .bind(now)
        .bind(id)
        )
        .await?;
        if let Some(r) = r {
            return Ok(Ok((
                r.col("client_id")?,
                r.col("user_id")?,
                r.col("grant_data")?,
                r.col("session_id")?,
            )));
        }
        let q = sqlx::query(
            "SELECT COUNT(*) AS n FROM oidc_codes WHERE id = $1 AND used_at IS NOT NULL",
        )
        .bind(id);
        let used = self.one(q, |r| r.col::<i64>("n")).await?;
        Ok(Err(used.unwrap_or(0) > 0))
    }

    /// Stores a token by its hash, `id`, issued `now`.
    pub async fn insert_oidc_token(
        &self,
        id: &str,
        t: &TokenRow,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        self.run(sqlx::query(
            "INSERT INTO oidc_tokens (id, kind, client_id, user_id, family, grant_data, created_at, expires_at, session_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(&t.kind)
        .bind(&t.client_id)
        .bind(&t.user_id)
        .bind(&t.family)
        .bind(&t.grant_data)
        .bind(now)
        .bind(t.expires_at)
        .bind(t.session_id.clone())
        ).await
    }

    /// A live token: unexpired, unrevoked, for refresh tokens unused, and
    /// of a session that is live at `now` (idle since no earlier than
    /// `idle_since`).
    pub async fn oidc_token(
        &self,
        id: &str,
        kind: &str,
        now: i64,
        idle_since: i64,
    ) -> Result<Option<TokenRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM oidc_tokens \
             WHERE id = $1 AND kind = $2 AND expires_at >= $3 AND revoked_at IS NULL AND used_at IS NULL \
             AND {}",
            session_live("$3", "$4")
        );
        let q = sqlx::query(&sql)
            .bind(id)
            .bind(kind)
            .bind(now)
            .bind(idle_since);
        self.one(q, token_row).await
    }

    /// Uses a refresh token (rotation): one atomic update, which succeeds
    /// only while the session it was issued from is live (see
    /// [`RefreshUse`]).
    pub async fn use_refresh_token(
        &self,
        id: &str,
        now: i64,
        idle_since: i64,
    ) -> Result<RefreshUse, sqlx::Error> {
        let r = self
            .exec_optional(
                sqlx::query(&format!(
                    "UPDATE oidc_tokens SET used_at = $1 WHERE id = $2 AND kind = 'refresh' AND used_at IS NULL \
                     AND revoked_at IS NULL AND expires_at >= $1 AND {} \
                     RETURNING {TOKEN_COLUMNS}",
                    session_live("$1", "$3")
                ))
                .bind(now)
                .bind(id)
                .bind(idle_since),
            )
            .await?;
        if let Some(r) = r {
            return Ok(RefreshUse::Used(token_row(&r)?));
        }
        let q = sqlx::query(
            "SELECT family, used_at, revoked_at, expires_at FROM oidc_tokens WHERE id = $1 AND kind = 'refresh'",
        )
        .bind(id);
        let read = |r: &TxRow| {
            Ok((
                r.col::<String>("family")?,
                r.col::<Option<i64>>("used_at")?,
                r.col::<Option<i64>>("revoked_at")?,
                r.col::<i64>("expires_at")?,
            ))
        };
        let Some((family, used, revoked, expires_at)) = self.one(q, read).await? else {
            return Ok(RefreshUse::Invalid);
        };
        Ok(if used.is_some() {
            RefreshUse::Replayed(family)
        } else if revoked.is_none() && expires_at >= now {
            RefreshUse::SessionEnded(family)
        } else {
            RefreshUse::Invalid
        })
    }

    /// The client a token (any kind, live or not) was issued to, and its family.
    pub async fn token_owner(&self, id: &str) -> Result<Option<(String, String)>, sqlx::Error> {
        let q = sqlx::query("SELECT client_id, family FROM oidc_tokens WHERE id = $1").bind(id);
        self.one(q, |r| Ok((r.col("client_id")?, r.col("family")?)))
            .await
    }

    /// Revokes every token of a user (a new password, a finished setup
    /// link); answers how many.
    pub async fn revoke_user_tokens(&self, user_id: &str, now: i64) -> Result<u64, sqlx::Error> {
        self.exec(
            sqlx::query(
                "UPDATE oidc_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(user_id),
        )
        .await
    }

    /// Revokes every token of a family.
    pub async fn revoke_family(&self, family: &str, now: i64) -> Result<u64, sqlx::Error> {
        self.exec(
            sqlx::query(
                "UPDATE oidc_tokens SET revoked_at = $1 WHERE family = $2 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(family),
        )
        .await
    }

    /// Stores a signing key.
    pub async fn insert_oidc_key(
        &self,
        kid: &str,
        alg: &str,
        private_enc: &str,
        public_jwk: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        self.run(sqlx::query("INSERT INTO oidc_keys (kid, alg, private_enc, public_jwk, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(kid)
            .bind(alg)
            .bind(private_enc)
            .bind(public_jwk)
            .bind(now)
            ).await
    }

    /// The newest active key: (kid, sealed private key).
    pub async fn active_oidc_key(&self) -> Result<Option<(String, String)>, sqlx::Error> {
        let q = sqlx::query(
            "SELECT kid, private_enc FROM oidc_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1",
        );
        self.one(q, |r| Ok((r.col("kid")?, r.col("private_enc")?)))
            .await
    }

    /// Public JWKs of active keys and of keys retired after `since`.
    pub async fn published_oidc_keys(&self, since: i64) -> Result<Vec<String>, sqlx::Error> {
        let q = sqlx::query(
            "SELECT public_jwk FROM oidc_keys WHERE retired_at IS NULL OR retired_at >= $1 ORDER BY created_at DESC, kid",
        )
        .bind(since);
        self.few(q, |r| r.col("public_jwk")).await
    }

    /// Retires every active key but `keep`.
    pub async fn retire_oidc_keys_except(&self, keep: &str, now: i64) -> Result<u64, sqlx::Error> {
        self.exec(
            sqlx::query(
                "UPDATE oidc_keys SET retired_at = $1 WHERE retired_at IS NULL AND kid <> $2",
            )
            .bind(now)
            .bind(keep),
        )
        .await
    }
}

impl super::Tx {
    /// Stores a pending authorization request under `id` (a hash).
    pub async fn insert_oidc_request(
        &mut self,
        id: &str,
        client_id: &str,
        params: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        let q = sqlx::query("INSERT INTO oidc_requests (id, client_id, params, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(client_id)
            .bind(params)
            .bind(now)
            .bind(expires_at);
        self.run(q).await
    }
}
