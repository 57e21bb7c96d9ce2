//! The approval app: a login is approved on a paired phone. The login page
//! shows a two-digit number; the phone gets a Web Push (or shows it when
//! the app is opened), offers three numbers, and the person picks the one
//! on the screen and approves, which signs the approval's WebAuthn
//! challenge with the phone's device key (user verification: its PIN or
//! biometric). The login page sees the approval on its next
//! `GET /api/login`, which takes it as the step.
//!
//! A phone is paired from a fresh session (the profile or a setup link)
//! with a one-time link: the app opens it, creates the device key (never
//! a passkey: it is kept here, where a passkey login never looks) and
//! subscribes to push. The rules of SECURITY 38: a wrong number is a
//! failure under the one lockout rule and ends the approval; an approval
//! succeeds once (two phones at once: one); sends share the code quotas;
//! "this wasn't me" ends the login and tells the user; the push carries
//! no secret.

pub mod http;
mod pairing;
pub mod push;
pub mod store;

pub(super) mod words;

use crate::audit;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::login::failures;
use crate::login::{Browser, Outcome, Step, codes};
use crate::methods::passkey::encode_id;
use crate::notify;
use crate::state::AppState;
use crate::store::{NewCode, UserRow};
use crate::token;
use authlevel_core::api::{AppSent, NoticeKind};
use authlevel_core::{AuditKind, ErrorCode, Method};
use rand::Rng;
use rand::seq::SliceRandom;
use std::time::Duration;
use store::{ApprovalRow, DeviceRow, Status};

use pairing::device_keys;
pub use pairing::{Pairing, devices, pair_finish, pair_link, pair_start, remove, set_push};
use webauthn_rs::prelude::{Passkey, PasskeyAuthentication, PublicKeyCredential};

/// That a user has a paired phone, as SQL on `users`.
pub const ENROLLED: &str = store::ENROLLED;

/// Seconds an approval waits for its answer (and a push is kept by the
/// push service).
pub const APPROVAL_TTL_S: i64 = 120;

/// Seconds a pairing link works.
pub const PAIRING_TTL_S: i64 = 600;

/// The quota purpose of an approval: it counts with the codes sent.
const PURPOSE: &str = "login_app";

// ---- A login's approval ----------------------------------------------------

/// Three different two-digit numbers in random order, the first of which
/// (before shuffling) is the one the login page shows: `(number, choices)`.
fn numbers() -> (u8, Vec<u8>) {
    let mut rng = rand::rngs::OsRng;
    let mut choices: Vec<u8> = Vec::with_capacity(3);
    while choices.len() < 3 {
        let n = rng.gen_range(10..=99);
        if !choices.contains(&n) {
            choices.push(n);
        }
    }
    let number = choices[0];
    choices.shuffle(&mut rng);
    (number, choices)
}

/// Sends an approval of the browser's login to the user's paired phones:
/// after the first step, under the code quotas (as a code sent would be).
/// Each phone with a push subscription gets a push naming the directory,
/// the application, the time and the browser; the others show it when
/// their app is opened. A push that fails is audited, and its phone named
/// among those to open the app on; when every phone has push and none was
/// reached, the approval ends and the answer is 502.
pub async fn send(app: &AppState, browser: &Browser) -> ApiResult<AppSent> {
    let step = Step::begin(app, browser, Method::App).await?;
    let (user, flow) = (&step.user, &step.flow);
    let devices = app.store.devices(&user.id).await?;
    let keys = device_keys(app, &user.id).await?;
    let (rcr, state): (_, PasskeyAuthentication) = app
        .webauthn
        .start_passkey_authentication(&keys)
        .map_err(ApiError::internal)?;
    let destination = format!("app:{}", user.id);
    let ip = browser.ip();
    let mut tx = codes::take_quota(
        app,
        user,
        PURPOSE,
        Method::App,
        &destination,
        Some(&flow.id),
        ip,
    )
    .await?;
    let (t, (number, choices)) = (now(), numbers());
    let approval = ApprovalRow {
        id: token::new_id(),
        flow_id: flow.id.clone(),
        user_id: user.id.clone(),
        number: i64::from(number),
        choices: choices
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(","),
        state: serde_json::to_string(&state)?,
        challenge: serde_json::to_string(&rcr)?,
        directory: step.dir.name.clone(),
        client_name: flow.client_name.clone(),
        ip: browser.ip.clone(),
        user_agent: browser.user_agent.clone(),
        created_at: t,
        expires_at: t + APPROVAL_TTL_S,
        status: Status::Pending.as_str().into(),
    };
    // The approval counts as a code sent, for the quotas and the wait.
    let quota_id = token::new_token();
    tx.insert_code(&NewCode {
        id: &quota_id,
        user_id: &user.id,
        flow_id: Some(&flow.id),
        purpose: PURPOSE,
        destination: &destination,
        code_hash: &token::new_token(),
        ip,
        now: t,
        expires_at: approval.expires_at,
    })
    .await?;
    tx.insert_approval(&approval).await?;
    tx.commit().await?;
    let payload = serde_json::json!({
        "approval": approval.id,
        "directory": approval.directory,
        "client": approval.client_name,
        "ip": approval.ip,
        "user_agent": approval.user_agent,
        "created_at": approval.created_at,
        "lang": crate::lang::for_user(user.language).as_str(),
    })
    .to_string();
    let ttl = Duration::from_secs(APPROVAL_TTL_S.unsigned_abs());
    let (mut sent_to, mut open_app_on, mut failed) = (Vec::new(), Vec::new(), 0);
    for d in &devices {
        if d.push_endpoint.is_none() {
            open_app_on.push(d.name.clone());
            continue;
        }
        match push::push(app, d, payload.as_bytes(), ttl).await {
            push::Pushed::Delivered => sent_to.push(d.name.clone()),
            outcome => {
                let why = match outcome {
                    push::Pushed::Gone => "the subscription is gone; forgotten".to_owned(),
                    push::Pushed::Failed(why) => why,
                    push::Pushed::Delivered => String::new(),
                };
                failed += 1;
                audit::event(AuditKind::CodeSend, false)
                    .on_user(user)
                    .method(Method::App)
                    .ip(ip)
                    .detail(format!("push to the phone {} failed: {why}", d.id))
                    .record(app)
                    .await;
                open_app_on.push(d.name.clone());
            }
        }
    }
    audit::event(AuditKind::CodeSend, !sent_to.is_empty() || failed == 0)
        .on_user(user)
        .method(Method::App)
        .ip(ip)
        .detail(format!(
            "approval sent: {} by push, {} to open the app",
            sent_to.len(),
            open_app_on.len()
        ))
        .record(app)
        .await;
    if sent_to.is_empty() && failed > 0 && failed == devices.len() {
        // No phone can show it (every one has push, and no push arrived):
        // the approval ends, as a code that could not be sent does.
        app.store.end_approval(&approval.id).await?;
        return Err(ApiError::with(
            ErrorCode::DeliveryFailed,
            words::not_pushed(crate::lang::current(), &open_app_on.join(", ")),
        ));
    }
    Ok(AppSent {
        number,
        sent_to,
        open_app_on,
        expires_in_s: u32::try_from(APPROVAL_TTL_S).unwrap_or(0),
    })
}

/// What the browser's login page learns of its login's approval on a
/// `GET /api/login`: the step, once a phone approved it (the approval is
/// taken in the step's transaction, once); a refusal (a "no", a wrong
/// number), told once; else nothing.
pub async fn collect(app: &AppState, browser: &Browser) -> ApiResult<Option<Outcome>> {
    let Some(flow) = crate::login::load_flow(app, browser.flow.as_deref()).await? else {
        return Ok(None);
    };
    if flow.user_id.is_none() || flow.verified.contains(Method::App) {
        return Ok(None);
    }
    let Ok(step) = Step::begin(app, browser, Method::App).await else {
        return Ok(None);
    };
    let mut tx = app.store.begin().await?;
    if tx.take_approved(&step.flow.id).await? {
        return step.verified(tx).await.map(Some);
    }
    tx.rollback().await?;
    if app.store.tell_refusal(&step.flow.id).await? {
        let (_, mut state) = crate::login::state_of(
            &step.dir,
            Some(&step.flow),
            step.flow.verified,
            Some(&step.user),
        );
        let text = words::approval_refused(crate::lang::current());
        state.tell(NoticeKind::ApprovalRefused, text);
        return Ok(Some(Outcome::Continue {
            state,
            new_flow_token: None,
        }));
    }
    Ok(None)
}

/// What the person answered in the app.
pub struct Answer<'a> {
    /// The number they picked.
    pub choice: u8,
    /// Approve, deny, or "this wasn't me".
    pub decision: authlevel_core::api::ApprovalDecision,
    /// The device key's assertion over the approval's challenge (to
    /// approve).
    pub assertion: Option<&'a PublicKeyCredential>,
}

fn approval_over() -> ApiError {
    ApiError::text(ErrorCode::Conflict, words::approval_over)
}

/// The phone `device` answers the approval `id` of its user.
pub async fn answer(
    app: &AppState,
    device: &DeviceRow,
    id: &str,
    a: Answer<'_>,
    ip: Option<&str>,
) -> ApiResult<()> {
    use authlevel_core::api::ApprovalDecision as Decision;
    let approval = app
        .store
        .approval(id, &device.user_id)
        .await?
        .ok_or_else(|| ApiError::text(ErrorCode::NotFound, words::no_such_approval))?;
    let user = app
        .store
        .user(&device.user_id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::NotFound))?;
    let t = now();
    if approval.status != Status::Pending.as_str() || approval.expires_at < t {
        return Err(approval_over());
    }
    let event = |success| {
        audit::event(AuditKind::Login(Method::App), success)
            .on_user(&user)
            .method(Method::App)
            .ip(ip)
    };
    match a.decision {
        Decision::NotMe => {
            let mut tx = app.store.begin().await?;
            if !tx.answer_approval(id, Status::NotMe, &device.id, t).await? {
                return Err(approval_over());
            }
            tx.delete_flow(&approval.flow_id).await?;
            tx.commit().await?;
            event(false)
                .detail("the user said in the app that this login was not theirs; it ended")
                .record(app)
                .await;
            tell_not_me(app, &user, &approval).await;
            Ok(())
        }
        Decision::Deny => {
            let mut tx = app.store.begin().await?;
            if !tx
                .answer_approval(id, Status::Denied, &device.id, t)
                .await?
            {
                return Err(approval_over());
            }
            tx.commit().await?;
            event(false).detail("declined in the app").record(app).await;
            Ok(())
        }
        Decision::Approve => approve(app, device, &user, &approval, a, ip).await,
    }
}

/// An approval: the right number, and the device key's signature over the
/// challenge, with user verification, from this phone's own key. Anything
/// else is a failure under the lockout rule and ends the approval.
async fn approve(
    app: &AppState,
    device: &DeviceRow,
    user: &UserRow,
    approval: &ApprovalRow,
    a: Answer<'_>,
    ip: Option<&str>,
) -> ApiResult<()> {
    // The signature is checked before the transaction, which then holds
    // no writer while it is.
    let verified = (i64::from(a.choice) == approval.number)
        .then(|| verify(app, device, approval, a.assertion))
        .flatten();
    let t = now();
    let mut tx = app.store.begin().await?;
    let attempt = failures::attempt_in(app, &mut tx, &user.id, Method::App).await?;
    let counted = match (&verified, attempt.allowed()) {
        (Some((key, counter)), true) => {
            let json = serde_json::to_string(key)?;
            tx.update_passkey("app_devices", &device.id, &json, *counter, t)
                .await?
        }
        _ => false,
    };
    if !counted {
        let ended = tx
            .answer_approval(&approval.id, Status::Wrong, &device.id, t)
            .await?;
        tx.commit().await?;
        attempt.tell_if_locked(app, user);
        let why = if i64::from(a.choice) != approval.number {
            "the wrong number was picked"
        } else {
            "the device key's signature was refused"
        };
        audit::event(AuditKind::Login(Method::App), false)
            .on_user(user)
            .method(Method::App)
            .ip(ip)
            .detail(format!("{why}; the approval ended"))
            .record(app)
            .await;
        return Err(if ended {
            ApiError::text(ErrorCode::InvalidCode, words::wrong_number)
        } else {
            approval_over()
        });
    }
    if !tx
        .answer_approval(&approval.id, Status::Approved, &device.id, t)
        .await?
    {
        // Another phone (or a second answer of this one) was first.
        tx.rollback().await?;
        return Err(approval_over());
    }
    attempt.succeeded(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The device key of `device`, updated by a verified assertion over
/// `approval`'s challenge with user verification, and the assertion's
/// counter; `None` when it does not verify.
fn verify(
    app: &AppState,
    device: &DeviceRow,
    approval: &ApprovalRow,
    assertion: Option<&PublicKeyCredential>,
) -> Option<(Passkey, u32)> {
    let assertion = assertion?;
    if encode_id(assertion.get_credential_id()) != device.credential_id {
        return None;
    }
    let state: PasskeyAuthentication = serde_json::from_str(&approval.state).ok()?;
    let result = match app
        .webauthn
        .finish_passkey_authentication(assertion, &state)
    {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(error = %e, "approval assertion refused");
            return None;
        }
    };
    if !result.user_verified() {
        return None;
    }
    let mut key: Passkey = serde_json::from_str(&device.passkey).ok()?;
    key.update_credential(&result);
    Some((key, result.counter()))
}

/// Tells `user` by another channel that a login they did not start was
/// stopped in their app, and that someone may know their password.
async fn tell_not_me(app: &AppState, user: &UserRow, approval: &ApprovalRow) {
    let lang = crate::lang::for_user(user.language);
    let from = approval.ip.as_deref().unwrap_or("?");
    let text = words::not_me_notice(lang, &approval.directory, &user.username, from);
    let subject = crate::text::subject_notice(lang, &approval.directory);
    notify::tell(app, user, &subject, &text, Method::App).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_different_two_digit_numbers_with_the_one_shown() {
        for _ in 0..200 {
            let (number, choices) = numbers();
            assert_eq!(choices.len(), 3);
            assert!(choices.contains(&number));
            assert!(choices.iter().all(|n| (10..=99).contains(n)));
            let mut sorted = choices.clone();
            sorted.dedup();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), 3, "{choices:?}");
        }
    }
}
