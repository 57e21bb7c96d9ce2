//! The SMS and email methods: one-time codes of 6 digits from the OS's
//! CSPRNG, stored as a keyed hash, valid `code_ttl_s` (at most 10
//! minutes), one use (an atomic update), a resend supersedes the old code,
//! a few wrong guesses per code, and quotas against SMS pumping and email
//! flooding. The same codes confirm a new mobile number or email address.

use super::{Browser, Outcome, Step};
use crate::audit;
use crate::clock::now;
use crate::contact::{mask_email, mask_phone};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{CodeRow, DirectoryRow, NewCode, Tx, UserPatch, UserRow};
use crate::token;
use crate::{lang, text};
use authlevel_core::api::SendCodeResponse;
use authlevel_core::{AuditKind, ErrorCode, Lang, Method};
use rand::Rng;

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The SMS step of a login.
    LoginSms,
    /// The email step of a login.
    LoginEmail,
    /// Confirming a new mobile number.
    ConfirmPhone,
    /// Confirming a new email address.
    ConfirmEmail,
}

impl Purpose {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Purpose::LoginSms => "login_sms",
            Purpose::LoginEmail => "login_email",
            Purpose::ConfirmPhone => "confirm_phone",
            Purpose::ConfirmEmail => "confirm_email",
        }
    }

    /// The channel it travels by.
    pub const fn channel(self) -> Method {
        match self {
            Purpose::LoginSms | Purpose::ConfirmPhone => Method::Sms,
            Purpose::LoginEmail | Purpose::ConfirmEmail => Method::Email,
        }
    }

    /// The login purpose of a channel.
    pub const fn login(method: Method) -> Purpose {
        match method {
            Method::Email => Purpose::LoginEmail,
            _ => Purpose::LoginSms,
        }
    }
}

/// A fresh code: 6 digits, uniform, from the OS's CSPRNG.
pub fn new_code() -> String {
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

fn lifetime(lang: Lang, ttl_s: i64) -> String {
    if ttl_s >= 120 {
        text::minutes(lang, ttl_s / 60)
    } else {
        text::seconds(lang, ttl_s)
    }
}

fn host_of(public_url: &str) -> &str {
    let rest = public_url.split("://").nth(1).unwrap_or(public_url);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// The message carrying `code`, in `lang`, and its email subject.
fn message(
    app: &AppState,
    dir: &DirectoryRow,
    purpose: Purpose,
    code: &str,
    lang: Lang,
) -> (String, String) {
    let ttl = lifetime(lang, app.config.code_ttl_s);
    let name = dir.name.as_str();
    let (mut m, subject) = match purpose {
        Purpose::LoginSms | Purpose::LoginEmail => (
            text::code_login(lang, code, name, &ttl),
            text::subject_login_code(lang, name),
        ),
        Purpose::ConfirmPhone => (
            text::code_confirm_phone(lang, code, name, &ttl),
            String::new(),
        ),
        Purpose::ConfirmEmail => (
            text::code_confirm_email(lang, code, name, &ttl),
            text::subject_confirm_email(lang, name),
        ),
    };
    if purpose.channel() == Method::Sms {
        // Origin-bound one-time code (WebOTP) so phones can fill it in.
        m.push_str(&format!("\n\n@{} #{code}", host_of(&app.config.public_url)));
    } else {
        m.push_str("\n\n");
        m.push_str(&text::code_email_footer(lang));
    }
    (m, subject)
}

fn rate_limited(detail: impl Into<String>) -> ApiError {
    ApiError::with(ErrorCode::RateLimited, detail)
}

/// Takes one send of `purpose` (a code by `channel`, or an approval) to
/// `destination` from the quotas: the resend wait of the login (or
/// change), and the hourly quotas per destination, account and address.
/// Answers the transaction that holds the quotas' locks, in which the
/// caller stores what it sends (a row of `codes`, which the quotas count):
/// of any number of concurrent sends on any instance, no more pass than the
/// quotas and the wait allow. Refused: 429, audited.
pub async fn take_quota(
    app: &AppState,
    user: &UserRow,
    purpose: &str,
    channel: Method,
    destination: &str,
    flow_id: Option<&str>,
    ip: Option<&str>,
) -> ApiResult<Tx> {
    let (c, t) = (&app.config, now());
    let mut tx = app.store.begin().await?;
    tx.lock_keys(&[
        &format!("code user {}", user.id),
        &format!("code to {destination}"),
        &format!("code from {}", ip.unwrap_or("")),
    ])
    .await?;
    let history = tx
        .code_history(&user.id, purpose, flow_id, t - 3600, destination, ip)
        .await?;
    if let Some(last) = history.last_at {
        let wait = last + c.code_resend_cooldown_s - t;
        if wait > 0 {
            tx.rollback().await?;
            let wait = text::seconds(lang::current(), wait);
            return Err(rate_limited(text::code_wait(lang::current(), &wait)));
        }
    }
    let over = if history.per_destination >= c.code_per_destination_per_hour {
        Some("destination")
    } else if history.per_user >= c.code_per_account_per_hour {
        Some("account")
    } else if ip.is_some() && history.per_ip >= c.code_per_ip_per_hour {
        Some("address")
    } else {
        None
    };
    if let Some(which) = over {
        // Ended before the audit, which writes outside it.
        tx.rollback().await?;
        // An alert for the people who run the service: quotas hit can mean
        // SMS pumping, mail flooding or push bombing.
        tracing::warn!(target: "alert", channel = channel.as_str(), quota = which, user = %user.id, "code quota reached");
        audit::event(AuditKind::CodeQuota, false)
            .on_user(user)
            .method(channel)
            .ip(ip)
            .detail(format!("hourly {which} quota reached"))
            .record(app)
            .await;
        return Err(rate_limited(text::code_quota(lang::current())));
    }
    Ok(tx)
}

/// Sends a new code for `purpose` to `destination` (E.164 number or email
/// address), bound to the flow `flow_id` for login codes.
#[allow(clippy::too_many_arguments)]
pub async fn send(
    app: &AppState,
    dir: &DirectoryRow,
    user: &UserRow,
    purpose: Purpose,
    destination: &str,
    flow_id: Option<&str>,
    ip: Option<&str>,
) -> ApiResult<SendCodeResponse> {
    let c = &app.config;
    let t = now();
    let channel = purpose.channel();
    if channel == Method::Sms {
        let allowed = c.allowed_countries().unwrap_or_default();
        let country_ok = allowed.is_empty()
            || phonenumber::parse(None, destination)
                .ok()
                .is_some_and(|n| allowed.contains(&n.code().value()));
        if !country_ok {
            return Err(ApiError::with(
                ErrorCode::InvalidInput,
                text::sms_country_refused(lang::current()),
            ));
        }
    }
    let mut tx = take_quota(
        app,
        user,
        purpose.as_str(),
        channel,
        destination,
        flow_id,
        ip,
    )
    .await?;
    let code = new_code();
    let id = token::new_token();
    let hash = app.secrets.mac(&format!("{id}:{code}"));
    tx.insert_code(&NewCode {
        id: &id,
        user_id: &user.id,
        flow_id,
        purpose: purpose.as_str(),
        destination,
        code_hash: &hash,
        ip,
        now: t,
        expires_at: t + c.code_ttl_s,
    })
    .await?;
    let masked = if channel == Method::Sms {
        mask_phone(destination)
    } else {
        mask_email(destination)
    };
    // The send's audit row commits with the code: one commit per send.
    // A failed hand-over below turns it into a failure.
    let sent_event = audit::event(AuditKind::CodeSend, true)
        .on_user(user)
        .method(channel)
        .ip(ip)
        .detail(format!("{} to {masked}", purpose.as_str()))
        .append(&mut tx)
        .await?;
    tx.commit().await?;
    let (body, subject) = message(app, dir, purpose, &code, lang::for_user(user.language));
    let sent = match channel {
        Method::Sms => app.delivery.sms.send(destination, &body).await,
        _ => {
            let name = Some(user.display_name.as_str()).filter(|n| !n.is_empty());
            app.delivery
                .email
                .send(name, destination, &subject, &body)
                .await
        }
    };
    if let Err(e) = sent {
        tracing::error!(error = %e, channel = channel.as_str(), "code delivery failed");
        let mut tx = app.store.begin().await?;
        tx.invalidate_code(&id, t).await?;
        sent_event
            .commit_failed(tx, format!("delivery to {masked} failed"))
            .await?;
        return Err(ApiError::with(
            ErrorCode::DeliveryFailed,
            text::code_not_sent(lang::current(), &masked),
        ));
    }
    sent_event.succeeded();
    let dev_outbox = match channel {
        Method::Sms => app.delivery.sms.is_log(),
        _ => matches!(
            app.delivery.email,
            crate::delivery::email::Email::Log { .. }
        ),
    };
    if dev_outbox && c.dev {
        app.store
            .insert_outbox(t, channel.as_str(), destination, &body)
            .await?;
    }
    Ok(SendCodeResponse {
        sent_to: masked,
        expires_in_s: u32::try_from(c.code_ttl_s).unwrap_or(600),
    })
}

/// Why a code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No code is waiting (never sent, superseded, or used).
    NoCode,
    /// Past its lifetime.
    Expired,
    /// Too many wrong guesses on this code.
    Exhausted,
    /// Wrong, or the method is locked after too many failures.
    Wrong,
}

impl Refusal {
    /// The answer for the user: the same code for all, a helpful detail.
    pub fn error(self) -> ApiError {
        ApiError::with(
            ErrorCode::InvalidCode,
            match self {
                Refusal::NoCode => text::code_none,
                Refusal::Expired => text::code_expired,
                Refusal::Exhausted => text::code_exhausted,
                Refusal::Wrong => text::code_wrong,
            }(lang::current()),
        )
    }
}

/// The newest unused code of `user` for `purpose` (and the flow).
async fn waiting(
    app: &AppState,
    user: &UserRow,
    purpose: Purpose,
    flow_id: Option<&str>,
) -> ApiResult<Option<CodeRow>> {
    Ok(app
        .store
        .current_code(&user.id, purpose.as_str(), flow_id)
        .await?)
}

/// Checks `code` against the waiting code `row` in `tx`, the step's
/// transaction, where the lockout rule took this attempt (`allowed` is its
/// answer): one statement counts the try on the code and uses it when it
/// is right, unexpired and within `code_max_attempts` tries, so of any
/// number of concurrent tries on any instance at most that many are
/// checked and one succeeds. Answers the destination the code went to.
async fn check(
    app: &AppState,
    tx: &mut Tx,
    row: &CodeRow,
    code: &str,
    allowed: bool,
) -> ApiResult<Result<String, Refusal>> {
    let c = &app.config;
    let t = now();
    let hash = app.secrets.mac(&format!("{}:{}", row.id, normalize(code)));
    let Some(tried) = tx
        .try_code(&row.id, &hash, allowed, t, c.code_max_attempts)
        .await?
    else {
        // Used meanwhile, by a concurrent try: no code waits any more.
        return Ok(Err(Refusal::NoCode));
    };
    Ok(if tried.used {
        Ok(row.destination.clone())
    } else if tried.expires_at < t {
        Err(Refusal::Expired)
    } else if tried.attempts > c.code_max_attempts {
        Err(Refusal::Exhausted)
    } else {
        // Wrong, or the method is locked: they answer alike.
        Err(Refusal::Wrong)
    })
}

/// The destination of `method` for `user`: the confirmed number or address.
fn destination(user: &UserRow, method: Method) -> ApiResult<String> {
    match method {
        Method::Sms => user.phone.clone(),
        _ => user.email.clone(),
    }
    .ok_or_else(|| ApiError::code(ErrorCode::MethodNotOffered))
}

/// Sends a code of `method` (SMS or email) for the browser's login in
/// progress, only after its first step.
pub async fn send_for_login(
    app: &AppState,
    browser: &Browser,
    method: Method,
) -> ApiResult<SendCodeResponse> {
    let step = Step::begin(app, browser, method).await?;
    let to = destination(&step.user, method)?;
    send(
        app,
        &step.dir,
        &step.user,
        Purpose::login(method),
        &to,
        Some(&step.flow.id),
        browser.ip(),
    )
    .await
}

/// The code step of the browser's login: `method` is SMS or email.
pub async fn verify(
    app: &AppState,
    browser: &Browser,
    method: Method,
    code: &str,
) -> ApiResult<Outcome> {
    let mut step = Step::begin(app, browser, method).await?;
    let purpose = Purpose::login(method);
    let Some(row) = waiting(app, &step.user, purpose, Some(&step.flow.id)).await? else {
        return Err(step.refused(None, Refusal::NoCode.error()).await?);
    };
    let mut tx = app.store.begin().await?;
    let allowed = step.attempt(&mut tx).await?;
    match check(app, &mut tx, &row, code, allowed).await? {
        Ok(_) => step.verified(tx).await,
        Err(refusal) => Err(step.refused(Some(tx), refusal.error()).await?),
    }
}

/// Confirms a new mobile number (`method` SMS) or email address with the
/// code sent to it: the pending value becomes the confirmed one, and the
/// user hears of it.
pub async fn confirm(
    app: &AppState,
    user: &UserRow,
    method: Method,
    code: &str,
    ip: Option<&str>,
) -> ApiResult<()> {
    let (purpose, pending) = match method {
        Method::Sms => (Purpose::ConfirmPhone, user.pending_phone.clone()),
        _ => (Purpose::ConfirmEmail, user.pending_email.clone()),
    };
    let Some(pending) = pending else {
        return Err(ApiError::with(
            ErrorCode::Conflict,
            text::nothing_pending(lang::current()),
        ));
    };
    let Some(row) = waiting(app, user, purpose, None).await? else {
        return Err(Refusal::NoCode.error());
    };
    let mut tx = app.store.begin().await?;
    let attempt = super::failures::attempt_in(app, &mut tx, &user.id, purpose.channel()).await?;
    let checked = check(app, &mut tx, &row, code, attempt.allowed()).await?;
    if checked.is_ok() {
        attempt.succeeded(&mut tx).await?;
    }
    tx.commit().await?;
    let destination = checked.map_err(Refusal::error)?;
    if destination != pending {
        return Err(Refusal::NoCode.error());
    }
    let patch = match method {
        Method::Sms => UserPatch {
            phone: Some(Some(pending)),
            pending_phone: Some(None),
            ..UserPatch::default()
        },
        _ => UserPatch {
            email: Some(Some(pending)),
            pending_email: Some(None),
            ..UserPatch::default()
        },
    };
    app.store.update_user(&user.id, &patch, now()).await?;
    let (kind, words): (_, crate::notify::What) = match method {
        Method::Sms => (AuditKind::PhoneConfirm, text::changed_phone_confirmed),
        _ => (AuditKind::EmailConfirm, text::changed_email_confirmed),
    };
    crate::notify::method_changed(app, user, kind, method, ip, Some(words)).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: std::collections::HashSet<String> = (0..200).map(|_| new_code()).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        );
        assert!(codes.len() > 190);
        assert_eq!(normalize(" 123 456 "), "123456");
        assert_eq!(
            host_of("https://login.example.com:8443/x"),
            "login.example.com"
        );
        assert_eq!(lifetime(Lang::En, 600), "10 minutes");
    }
}
