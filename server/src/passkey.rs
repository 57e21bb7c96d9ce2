//! Passkeys (webauthn-rs): registration from a session or a setup link, and
//! the login step, as the first step (discoverable, or listing a named
//! account's passkeys) or after the password. Ceremony state is kept only in
//! the database and taken (deleted) at the first finish; points are given
//! only with user verification; the counter is checked and saved.

use crate::audit;
use crate::error::{ApiError, ApiResult};
use crate::login::{self, Outcome};
use crate::state::AppState;
use crate::store::{DirectoryRow, FlowRow, PasskeyRow, UserRow};
use crate::token::{self, now};
use authlevel_core::api::PasskeyStartRequest;
use authlevel_core::{ErrorCode, Method, MethodSet};
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{
    CreationChallengeResponse, DiscoverableAuthentication, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse, Url, Uuid, Webauthn, WebauthnBuilder,
};
use webauthn_rs_proto::{AllowCredentials, ResidentKeyRequirement};

/// Seconds a started ceremony stays valid.
pub const CEREMONY_TTL_S: i64 = 300;

/// Builds the relying party from the configuration: one RP ID, no
/// subdomains, only the configured origins.
pub fn relying_party(config: &crate::config::Config) -> Result<Webauthn, String> {
    let rp_id = config.rp_id();
    let origins = config.rp_origins();
    let first = origins.first().ok_or("no WebAuthn origin")?;
    let first = Url::parse(first).map_err(|e| format!("rp origin {first}: {e}"))?;
    let mut builder = WebauthnBuilder::new(&rp_id, &first)
        .map_err(|e| format!("WebAuthn relying party `{rp_id}` for {first}: {e}"))?
        .rp_name(&config.rp_name)
        .allow_subdomains(false);
    for o in origins.iter().skip(1) {
        builder = builder
            .append_allowed_origin(&Url::parse(o).map_err(|e| format!("rp origin {o}: {e}"))?);
    }
    builder.build().map_err(|e| format!("WebAuthn: {e}"))
}

/// A login ceremony, as stored.
#[derive(Serialize, Deserialize)]
enum LoginCeremony {
    /// Any discoverable passkey may answer; it names its user.
    Discoverable(DiscoverableAuthentication),
    /// The passkeys of a known user.
    Known {
        user_id: String,
        state: PasskeyAuthentication,
    },
    /// Options for a username that has no passkeys (or no account): they
    /// look like real ones, and no answer can succeed.
    Decoy,
}

fn encode_id(raw: &[u8]) -> String {
    data_encoding::BASE64URL_NOPAD.encode(raw)
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

fn user_uuid(user: &UserRow) -> ApiResult<Uuid> {
    Uuid::parse_str(&user.id).map_err(internal)
}

fn parse(row: &PasskeyRow) -> ApiResult<Passkey> {
    serde_json::from_str(&row.passkey).map_err(internal)
}

async fn user_passkeys(app: &AppState, user_id: &str) -> ApiResult<Vec<Passkey>> {
    app.store
        .passkeys(user_id)
        .await?
        .iter()
        .map(parse)
        .collect()
}

fn state_key(kind: &str, id: &str) -> String {
    format!("{kind}:{id}")
}

async fn put_state<T: Serialize>(app: &AppState, key: &str, state: &T) -> ApiResult<()> {
    let json = serde_json::to_string(state).map_err(internal)?;
    app.store
        .put_webauthn_state(key, &json, now() + CEREMONY_TTL_S)
        .await?;
    Ok(())
}

async fn take_state<T: for<'de> Deserialize<'de>>(
    app: &AppState,
    key: &str,
) -> ApiResult<Option<T>> {
    match app.store.take_webauthn_state(key, now()).await? {
        Some(json) => Ok(Some(serde_json::from_str(&json).map_err(internal)?)),
        None => Ok(None),
    }
}

/// Starts a passkey login step. After the password it lists the user's
/// passkeys; as a first step it is discoverable, or lists the passkeys of
/// the named account (plausible decoys when there are none). Answers the
/// options and, for a first step, a new flow token.
pub async fn login_start(
    app: &AppState,
    flow_token: Option<&str>,
    req: &PasskeyStartRequest,
) -> ApiResult<(RequestChallengeResponse, Option<String>)> {
    let rp = &app.webauthn;
    if let Some(flow) = login::load_flow(app, flow_token).await?
        && flow.user_id.is_some()
        && flow.verified.has_first_step()
    {
        let (flow, _, user) = login::identified_flow(app, flow_token, Method::Passkey).await?;
        let (rcr, state) = rp
            .start_passkey_authentication(&user_passkeys(app, &user.id).await?)
            .map_err(internal)?;
        let ceremony = LoginCeremony::Known {
            user_id: user.id.clone(),
            state,
        };
        put_state(app, &state_key("auth", &flow.id), &ceremony).await?;
        return Ok((rcr, None));
    }
    let dir = login::directory(app, req.directory.as_deref())
        .await?
        .ok_or_else(|| {
            ApiError::with(ErrorCode::NotFound, "There is no directory with that name.")
        })?;
    if dir.policy.points.passkey == 0 {
        return Err(ApiError::with(
            ErrorCode::MethodNotOffered,
            "This directory does not use passkeys; sign in with your password.",
        ));
    }
    let (rcr, ceremony) = match req
        .username
        .as_deref()
        .map(crate::contact::normalize_username)
    {
        None => {
            let (mut rcr, state) = rp.start_discoverable_authentication().map_err(internal)?;
            // The page decides between the autofill (conditional) and the
            // button (modal) request; the options are the same.
            rcr.mediation = None;
            (rcr, LoginCeremony::Discoverable(state))
        }
        Some(name) => {
            let user = match name {
                Ok(n) => app.store.user_by_username(&dir.id, &n).await?,
                Err(_) => None,
            };
            let passkeys = match &user {
                Some(u) if !u.disabled => user_passkeys(app, &u.id).await?,
                _ => Vec::new(),
            };
            match user {
                Some(u) if !passkeys.is_empty() => {
                    let (rcr, state) = rp
                        .start_passkey_authentication(&passkeys)
                        .map_err(internal)?;
                    (
                        rcr,
                        LoginCeremony::Known {
                            user_id: u.id,
                            state,
                        },
                    )
                }
                _ => {
                    let (mut rcr, _) = rp.start_discoverable_authentication().map_err(internal)?;
                    rcr.mediation = None;
                    // A stable fake credential per name, so asking twice
                    // shows the same "passkey" as for a real account.
                    let fake = app.secrets.mac(&format!(
                        "decoy:{}:{}",
                        dir.id,
                        req.username.as_deref().unwrap_or("")
                    ));
                    rcr.public_key.allow_credentials = vec![AllowCredentials {
                        type_: "public-key".into(),
                        id: hex::decode(&fake[..64]).unwrap_or_default(),
                        transports: None,
                    }];
                    (rcr, LoginCeremony::Decoy)
                }
            }
        }
    };
    let flow_token = token::new_token();
    let t = now();
    let flow = FlowRow {
        id: token::hash(&flow_token),
        directory_id: dir.id.clone(),
        user_id: None,
        verified: MethodSet::EMPTY,
        expires_at: t + app.config.login_flow_timeout_s,
        required_level: None,
        client_name: None,
        continue_to: app.config.return_to(req.return_to.as_deref()),
    };
    app.store.insert_flow(&flow, t).await?;
    put_state(app, &state_key("auth", &flow.id), &ceremony).await?;
    Ok((rcr, Some(flow_token)))
}

fn refused() -> ApiError {
    ApiError::with(
        ErrorCode::InvalidCredentials,
        "The passkey could not be verified. Try again, or use another method.",
    )
}

/// Finishes a passkey login step: verifies the assertion against the stored
/// ceremony (taken, so a replay fails), requires user verification, saves
/// the counter, and records the passkey on the flow.
pub async fn login_finish(
    app: &AppState,
    flow_token: Option<&str>,
    cred: &PublicKeyCredential,
    ip: Option<&str>,
) -> ApiResult<Outcome> {
    let rp = &app.webauthn;
    let no_login = || ApiError::with(ErrorCode::NoLogin, "Start the passkey sign-in again.");
    let flow = login::load_flow(app, flow_token)
        .await?
        .ok_or_else(no_login)?;
    let ceremony: LoginCeremony = take_state(app, &state_key("auth", &flow.id))
        .await?
        .ok_or_else(no_login)?;
    let dir = app
        .store
        .directory(&flow.directory_id)
        .await?
        .ok_or_else(no_login)?;

    let (dir_id, flow_user) = (dir.id.clone(), flow.user_id.clone());
    let fail = |reason: &'static str| {
        let (dir_id, flow_user) = (dir_id.clone(), flow_user.clone());
        async move {
            app.metrics.login_step("passkey", "failure");
            audit::event("login.passkey", false)
                .directory(&dir_id)
                .user(flow_user.as_deref())
                .method(Method::Passkey)
                .ip(ip)
                .detail(reason)
                .record(app)
                .await;
            refused()
        }
    };
    let Some(row) = app
        .store
        .passkey_by_credential(&encode_id(cred.get_credential_id()))
        .await?
    else {
        return Err(fail("unknown credential").await);
    };
    let mut passkey = parse(&row)?;
    let result = match ceremony {
        LoginCeremony::Discoverable(state) => {
            let named = rp
                .identify_discoverable_authentication(cred)
                .ok()
                .map(|(uuid, _)| uuid.simple().to_string());
            if named.as_deref() != Some(row.user_id.as_str()) {
                return Err(fail("user handle does not match the credential").await);
            }
            rp.finish_discoverable_authentication_v2(cred, state, &passkey)
        }
        LoginCeremony::Known { user_id, state } => {
            if user_id != row.user_id {
                return Err(fail("credential of another account").await);
            }
            rp.finish_passkey_authentication(cred, &state)
        }
        LoginCeremony::Decoy => return Err(fail("decoy options").await),
    };
    let result = match result {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(error = %e, "passkey assertion refused");
            return Err(fail(
                "assertion refused (signature, origin, counter or user verification)",
            )
            .await);
        }
    };
    // webauthn-rs passkey ceremonies require UV already; points are given
    // only with it, whatever a future library default may be.
    if !result.user_verified() {
        return Err(fail("no user verification").await);
    }
    if passkey.update_credential(&result).is_some() {
        let json = serde_json::to_string(&passkey).map_err(internal)?;
        app.store.update_passkey(&row.id, &json, now()).await?;
    }
    let Some(user) = app.store.user(&row.user_id).await?.filter(|u| !u.disabled) else {
        return Err(fail("account disabled").await);
    };
    if user.directory_id != flow.directory_id
        || flow.user_id.as_deref().is_some_and(|u| u != user.id)
    {
        return Err(fail("credential of another account").await);
    }
    if flow.user_id.is_none() && !app.store.set_flow_user(&flow.id, &user.id).await? {
        return Err(no_login());
    }
    login::verified(app, &flow, &dir, &user, Method::Passkey, ip).await
}

/// Starts registering a passkey for `user`, excluding the ones they have.
pub async fn register_start(
    app: &AppState,
    user: &UserRow,
) -> ApiResult<CreationChallengeResponse> {
    let exclude = user_passkeys(app, &user.id)
        .await?
        .iter()
        .map(|p| p.cred_id().clone())
        .collect();
    let (mut ccr, state) = app
        .webauthn
        .start_passkey_registration(
            user_uuid(user)?,
            &user.username,
            &user.display_name,
            Some(exclude),
        )
        .map_err(internal)?;
    // Ask for a discoverable credential, so the passkey can begin a login
    // without a username; "preferred" still lets keys without storage register.
    if let Some(sel) = ccr.public_key.authenticator_selection.as_mut() {
        sel.resident_key = Some(ResidentKeyRequirement::Preferred);
    }
    put_state(app, &state_key("reg", &user.id), &state).await?;
    Ok(ccr)
}

/// Finishes registering: verifies the attestation against the stored state,
/// refuses a credential ID registered to any account, stores the passkey.
pub async fn register_finish(
    app: &AppState,
    dir: &DirectoryRow,
    user: &UserRow,
    cred: &RegisterPublicKeyCredential,
    name: Option<&str>,
    ip: Option<&str>,
) -> ApiResult<PasskeyRow> {
    let state: PasskeyRegistration = take_state(app, &state_key("reg", &user.id))
        .await?
        .ok_or_else(|| ApiError::with(ErrorCode::Conflict, "Start adding the passkey again."))?;
    let passkey = app
        .webauthn
        .finish_passkey_registration(cred, &state)
        .map_err(|e| {
            tracing::info!(error = %e, "passkey registration refused");
            ApiError::with(
                ErrorCode::InvalidInput,
                "The passkey could not be registered. Try again.",
            )
        })?;
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("Passkey");
    let row = PasskeyRow {
        id: token::new_id(),
        user_id: user.id.clone(),
        credential_id: encode_id(passkey.cred_id().as_ref()),
        passkey: serde_json::to_string(&passkey).map_err(internal)?,
        name: name.chars().filter(|c| !c.is_control()).take(64).collect(),
        created_at: now(),
        last_used_at: None,
    };
    if !app.store.insert_passkey(&row).await? {
        return Err(ApiError::with(
            ErrorCode::Conflict,
            "This passkey is registered already.",
        ));
    }
    audit::event("passkey.add", true)
        .directory(&dir.id)
        .user(Some(&user.id))
        .method(Method::Passkey)
        .ip(ip)
        .record(app)
        .await;
    crate::notify::account_changed(app, user, "A passkey was added").await;
    Ok(row)
}
