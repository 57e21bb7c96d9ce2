//! The passkey method (webauthn-rs): registration from a session or a setup
//! link, and the login step, as the first step (discoverable, or listing a named
//! account's passkeys) or after the password. A ceremony's state, of a
//! registration or a login, is kept in the database and taken (deleted) at
//! the first finish; the browser holds only a random token for a login's.
//! Points are given only with user verification; the counter is checked and
//! saved.

pub mod http;
pub mod store;

pub(super) mod words;

use crate::audit;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::limits;
use crate::login::{Browser, Outcome, Prior, advance, identified_flow, load_flow};
use crate::notify;
use crate::state::AppState;
use crate::store::{DirectoryRow, FlowRow, UserRow};
use crate::token;
use authlevel_core::api::PasskeyStartRequest;
use authlevel_core::{AuditKind, ErrorCode, Method};
use serde::{Deserialize, Serialize};
use store::PasskeyRow;
use webauthn_rs::prelude::{
    AuthenticationResult, CreationChallengeResponse, DiscoverableAuthentication, Passkey,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse, Url, Uuid, Webauthn, WebauthnBuilder,
};
use webauthn_rs_proto::{AllowCredentials, ResidentKeyRequirement};

/// That a user has a passkey, as SQL on `users`.
pub const ENROLLED: &str = store::ENROLLED;

/// Seconds a started ceremony stays valid.
pub const CEREMONY_TTL_S: i64 = 300;

/// How many credentials a named passkey sign-in lists: the account's, then
/// stable fake ones, so the list tells neither whether the name is an
/// account nor how many passkeys it has (up to this many).
pub const LISTED: usize = 4;

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

/// A login ceremony, kept in the database (SECURITY 14: webauthn-rs's state
/// never goes to the browser) under the hash of the random token in the
/// browser's passkey cookie, and taken (deleted) by the first finish,
/// whatever its outcome: an assertion answers one challenge once, and any
/// instance can finish a ceremony another began.
#[derive(Serialize, Deserialize)]
struct LoginCeremony {
    /// The challenge and the user-verification policy (webauthn-rs's
    /// discoverable state; a named account's passkeys are checked by their
    /// credential ID against `user_id`).
    state: DiscoverableAuthentication,
    /// The directory the login is for.
    directory_id: String,
    /// The account whose passkeys were offered; `None` for a discoverable
    /// request (the passkey names its user).
    user_id: Option<String>,
    /// Options for a username that has no passkeys (or no account): they
    /// look like real ones, and no answer can succeed.
    decoy: bool,
    /// The browser's flow when the step began (hash of its token): the flow
    /// a second step adds to, or whose application request a first step
    /// carries on.
    flow_id: Option<String>,
    /// A second step, after the password, of the flow `flow_id`.
    second_step: bool,
    /// Where to go once the login completes (an allow-listed `return_to`).
    continue_to: Option<String>,
}

impl LoginCeremony {
    /// Stores the ceremony (begun from `ip`, within the limit of anonymous
    /// writes); answers the token for the passkey cookie.
    async fn store(&self, app: &AppState, ip: Option<&str>) -> ApiResult<String> {
        let cookie = token::new_token();
        put_state(
            app,
            &state_key("login", &token::hash(&cookie)),
            self,
            Some(ip),
        )
        .await?;
        Ok(cookie)
    }
}

pub(crate) fn encode_id(raw: &[u8]) -> String {
    data_encoding::BASE64URL_NOPAD.encode(raw)
}

pub(crate) fn user_uuid(user: &UserRow) -> ApiResult<Uuid> {
    Uuid::parse_str(&user.id).map_err(ApiError::internal)
}

fn parse(row: &PasskeyRow) -> ApiResult<Passkey> {
    serde_json::from_str(&row.passkey).map_err(ApiError::internal)
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

/// Stores a ceremony's state; an anonymous one (a sign-in begun, `from`
/// its address) within the limit of anonymous writes.
async fn put_state<T: Serialize>(
    app: &AppState,
    key: &str,
    state: &T,
    anonymous_from: Option<Option<&str>>,
) -> ApiResult<()> {
    let json = serde_json::to_string(state)?;
    let mut tx = app.store.begin().await?;
    if let Some(ip) = anonymous_from {
        limits::take(
            &mut tx,
            limits::MINUTE,
            &limits::anonymous_write(app, ip),
            crate::text::too_many_sign_in_attempts,
        )
        .await?;
    }
    tx.put_webauthn_state(key, &json, now() + CEREMONY_TTL_S)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn take_state<T: for<'de> Deserialize<'de>>(
    app: &AppState,
    key: &str,
) -> ApiResult<Option<T>> {
    match app.store.take_webauthn_state(key, now()).await? {
        Some(json) => Ok(Some(serde_json::from_str(&json)?)),
        None => Ok(None),
    }
}

/// Allow-list entries for `passkeys`, on discoverable options.
fn allow(rcr: &mut RequestChallengeResponse, ids: impl Iterator<Item = Vec<u8>>) {
    rcr.public_key.allow_credentials = ids
        .map(|id| AllowCredentials {
            type_: "public-key".into(),
            id,
            transports: None,
        })
        .collect();
}

/// Starts a passkey login step. After the password it lists the user's
/// passkeys; as a first step it is discoverable, or lists the passkeys of
/// the named account (plausible decoys when there are none). Stores the
/// ceremony; answers the options and the token for the passkey cookie.
pub async fn login_start(
    app: &AppState,
    browser: &Browser,
    req: &PasskeyStartRequest,
) -> ApiResult<(RequestChallengeResponse, String)> {
    let flow_token = browser.flow.as_deref();
    let rp = &app.webauthn;
    // Every request is discoverable-style: the state is the challenge and
    // the policy (user verification required); the passkeys a named account
    // may answer with go into the options' allow-list.
    let (mut rcr, state) = rp
        .start_discoverable_authentication()
        .map_err(ApiError::internal)?;
    // The page decides between the autofill (conditional) and the button
    // (modal) request; the options are the same.
    rcr.mediation = None;
    let flow = load_flow(app, flow_token).await?;
    if let Some(flow) = &flow
        && flow.user_id.is_some()
        && flow.verified.has_first_step()
    {
        let (flow, _, user) = identified_flow(app, flow_token, Method::Passkey).await?;
        let passkeys = user_passkeys(app, &user.id).await?;
        allow(&mut rcr, passkeys.iter().map(|p| p.cred_id().to_vec()));
        let ceremony = LoginCeremony {
            state,
            directory_id: flow.directory_id.clone(),
            user_id: Some(user.id.clone()),
            decoy: false,
            flow_id: Some(flow.id.clone()),
            second_step: true,
            continue_to: None,
        };
        return Ok((rcr, ceremony.store(app, browser.ip()).await?));
    }
    let dir = crate::login::directory(app, req.directory.as_deref())
        .await?
        .ok_or_else(crate::login::no_directory)?;
    if dir.policy.points.get(Method::Passkey) == 0 {
        return Err(ApiError::text(
            ErrorCode::MethodNotOffered,
            words::passkeys_off,
        ));
    }
    let (user_id, decoy) = match req
        .username
        .as_deref()
        .map(crate::contact::normalize_username)
    {
        None => (None, false),
        Some(name) => {
            // Keyed on the name as the account lookup sees it, so case
            // variants of a name answer alike, whether an account or not.
            let name = name.unwrap_or_default();
            let found = app.store.user_with_credentials(&dir.id, &name).await?;
            let (user_id, decoy, real) = match found {
                Some((u, credentials)) if !u.disabled && !credentials.is_empty() => {
                    let ids: Vec<Vec<u8>> = credentials
                        .iter()
                        .filter_map(|c| data_encoding::BASE64URL_NOPAD.decode(c.as_bytes()).ok())
                        .collect();
                    (u.id, false, ids)
                }
                // A user id of the same length as a real one, so the
                // stored ceremony is too.
                _ => (
                    app.secrets.mac(&format!("decoy:{}:{name}", dir.id))[..32].to_owned(),
                    true,
                    Vec::new(),
                ),
            };
            // Every named list has the same shape: the real credentials,
            // then stable fake ones (the same for the same name, for an
            // account or not) up to LISTED.
            let fakes = (real.len()..LISTED).map(|i| {
                let fake = app.secrets.mac(&format!("decoy:{}:{name}:{i}", dir.id));
                hex::decode(&fake[..64]).unwrap_or_default()
            });
            allow(&mut rcr, real.clone().into_iter().chain(fakes));
            (Some(user_id), decoy)
        }
    };
    let ceremony = LoginCeremony {
        state,
        directory_id: dir.id.clone(),
        user_id,
        decoy,
        flow_id: flow.map(|f| f.id),
        second_step: false,
        continue_to: app.config.return_to(req.return_to.as_deref()),
    };
    Ok((rcr, ceremony.store(app, browser.ip()).await?))
}

/// Finishes a passkey login step, verify-then-take: reads the stored
/// ceremony, verifies the assertion against it outside any transaction
/// (user verification required), then one transaction takes the ceremony
/// (it must delete it: of two finishes of one ceremony only one does, so a
/// replay fails), saves the counter (SECURITY 16) and records the passkey
/// on the login. A refused assertion spends the ceremony too, so a second
/// try finds none.
pub async fn login_finish(
    app: &AppState,
    browser: &Browser,
    cred: &PublicKeyCredential,
) -> ApiResult<Outcome> {
    let Some(key) = browser
        .passkey
        .as_deref()
        .map(|c| state_key("login", &token::hash(c)))
    else {
        return Err(no_login());
    };
    let c: LoginCeremony = match app.store.webauthn_state(&key, now()).await? {
        Some(json) => serde_json::from_str(&json)?,
        None => return Err(no_login()),
    };
    let (second_step, continue_to) = (c.second_step, c.continue_to.clone());
    let v = match verify(app, browser, cred, c).await {
        Ok(v) => v,
        Err(e) => {
            app.store.delete_row("webauthn_states", &key).await?;
            return Err(e);
        }
    };
    let mut tx = app.store.begin().await?;
    if !tx.take_webauthn_state(&key).await? {
        // Another request finished this ceremony first.
        tx.rollback().await?;
        return Err(no_login());
    }
    let mut passkey = v.passkey;
    if passkey.update_credential(&v.result).is_some() {
        let json = serde_json::to_string(&passkey)?;
        if !tx
            .update_passkey("passkeys", &v.row.id, &json, v.result.counter(), now())
            .await?
        {
            // The ceremony stays spent; ended before the audit, which
            // writes outside it.
            tx.commit().await?;
            let reason = "counter not above the stored one (a concurrent login)";
            return Err(refused(app, browser, &v.dir.id, Some(&v.user.id), reason).await);
        }
    }
    let prior = match &v.flow {
        Some(f) if second_step => Prior::Stored(f),
        carry => Prior::New {
            carry: carry.as_ref(),
            continue_to,
        },
    };
    advance(app, tx, &v.dir, &v.user, prior, Method::Passkey, browser).await
}

/// No ceremony to finish (none begun, finished already, or expired): the
/// browser starts again.
fn no_login() -> ApiError {
    ApiError::text(ErrorCode::NoLogin, words::passkey_start_again)
}

/// What a verified passkey assertion found.
struct Verified {
    flow: Option<FlowRow>,
    dir: DirectoryRow,
    row: PasskeyRow,
    user: UserRow,
    passkey: Passkey,
    result: AuthenticationResult,
}

/// Checks an assertion against its ceremony `c`: the browser's flow, the
/// credential and its account, the signature, origin, counter and user
/// verification. Reads only.
async fn verify(
    app: &AppState,
    browser: &Browser,
    cred: &PublicKeyCredential,
    c: LoginCeremony,
) -> ApiResult<Verified> {
    let rp = &app.webauthn;
    // The browser's flow, if it is still the one the ceremony began on.
    let flow = load_flow(app, browser.flow.as_deref())
        .await?
        .filter(|f| c.flow_id.as_deref() == Some(f.id.as_str()));
    if c.second_step && flow.is_none() {
        return Err(no_login());
    }
    let dir = app
        .store
        .directory(&c.directory_id)
        .await?
        .ok_or_else(no_login)?;
    let named = c.user_id.as_deref().filter(|_| !c.decoy);
    let fail = |reason: &'static str| refused(app, browser, &dir.id, named, reason);
    if c.decoy {
        return Err(fail("decoy options").await);
    }
    let Some((row, user)) = app
        .store
        .passkey_with_user(&encode_id(cred.get_credential_id()))
        .await?
    else {
        return Err(fail("unknown credential").await);
    };
    match &c.user_id {
        Some(u) if *u != row.user_id => {
            return Err(fail("credential of another account").await);
        }
        Some(_) => {}
        None => {
            let handle = rp
                .identify_discoverable_authentication(cred)
                .ok()
                .map(|(uuid, _)| uuid.simple().to_string());
            if handle.as_deref() != Some(row.user_id.as_str()) {
                return Err(fail("user handle does not match the credential").await);
            }
        }
    }
    let passkey = parse(&row)?;
    let result = match rp.finish_discoverable_authentication_v2(cred, c.state, &passkey) {
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
    if user.disabled {
        return Err(fail("account disabled").await);
    }
    if user.directory_id != c.directory_id {
        return Err(fail("credential of another account").await);
    }
    Ok(Verified {
        flow,
        dir,
        row,
        user,
        passkey,
        result,
    })
}

/// A refused passkey step: counted, audited (for `user` when the ceremony
/// named one), and answered alike whatever the `reason`.
async fn refused(
    app: &AppState,
    browser: &Browser,
    directory_id: &str,
    user: Option<&str>,
    reason: &'static str,
) -> ApiError {
    app.metrics.login_step("passkey", "failure");
    audit::event(AuditKind::Login(Method::Passkey), false)
        .directory(directory_id)
        .user(user)
        .method(Method::Passkey)
        .ip(browser.ip())
        .detail(reason)
        .record(app)
        .await;
    ApiError::text(ErrorCode::InvalidCredentials, words::passkey_not_verified)
}

/// Starts registering a passkey for `user`, excluding the ones they have.
pub async fn register_start(
    app: &AppState,
    user: &UserRow,
) -> ApiResult<CreationChallengeResponse> {
    // Ask for a discoverable credential, so the passkey can begin a login
    // without a username; "preferred" still lets keys without storage register.
    let keys = user_passkeys(app, &user.id).await?;
    let (ccr, state) = start_registration(app, user, &keys, ResidentKeyRequirement::Preferred)?;
    put_state(app, &state_key("reg", &user.id), &state, None).await?;
    Ok(ccr)
}

/// A WebAuthn registration for `user` (user verification required),
/// asking for a discoverable credential as `resident` says, and for none
/// of `existing` again: the options and the ceremony's state.
pub(crate) fn start_registration(
    app: &AppState,
    user: &UserRow,
    existing: &[Passkey],
    resident: ResidentKeyRequirement,
) -> ApiResult<(CreationChallengeResponse, PasskeyRegistration)> {
    let exclude = existing.iter().map(|k| k.cred_id().clone()).collect();
    let (mut ccr, state) = app
        .webauthn
        .start_passkey_registration(
            user_uuid(user)?,
            &user.username,
            &user.display_name,
            Some(exclude),
        )
        .map_err(ApiError::internal)?;
    if let Some(sel) = ccr.public_key.authenticator_selection.as_mut() {
        sel.require_resident_key = resident == ResidentKeyRequirement::Required;
        sel.resident_key = Some(resident);
    }
    Ok((ccr, state))
}

/// Lists a user's passkeys.
pub async fn list(app: &AppState, user: &UserRow) -> ApiResult<Vec<PasskeyRow>> {
    Ok(app.store.passkeys(&user.id).await?)
}

/// Removes a passkey of `user`, and the user hears of it.
pub async fn remove(app: &AppState, user: &UserRow, id: &str, ip: Option<&str>) -> ApiResult<()> {
    if !app.store.delete_passkey(&user.id, id).await? {
        return Err(ApiError::text(ErrorCode::NotFound, words::no_such_passkey));
    }
    notify::removed(
        app,
        user,
        Method::Passkey,
        ip,
        words::changed_passkey_removed,
    )
    .await;
    Ok(())
}

/// Finishes registering: verifies the attestation against the stored state,
/// refuses a credential ID registered to any account, stores the passkey.
pub async fn register_finish(
    app: &AppState,
    user: &UserRow,
    cred: &RegisterPublicKeyCredential,
    name: Option<&str>,
    ip: Option<&str>,
) -> ApiResult<PasskeyRow> {
    let state: PasskeyRegistration = take_state(app, &state_key("reg", &user.id))
        .await?
        .ok_or_else(|| ApiError::text(ErrorCode::Conflict, words::passkey_add_again))?;
    let passkey = app
        .webauthn
        .finish_passkey_registration(cred, &state)
        .map_err(|e| {
            tracing::info!(error = %e, "passkey registration refused");
            ApiError::text(ErrorCode::InvalidInput, words::passkey_not_registered)
        })?;
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("Passkey");
    let row = PasskeyRow {
        id: token::new_id(),
        user_id: user.id.clone(),
        credential_id: encode_id(passkey.cred_id().as_ref()),
        passkey: serde_json::to_string(&passkey)?,
        name: name.chars().filter(|c| !c.is_control()).take(64).collect(),
        created_at: now(),
        last_used_at: None,
    };
    if !app.store.insert_passkey(&row).await? {
        return Err(ApiError::text(
            ErrorCode::Conflict,
            words::passkey_registered_already,
        ));
    }
    notify::added(app, user, Method::Passkey, ip, words::changed_passkey_added).await;
    Ok(row)
}
