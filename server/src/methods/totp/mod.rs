//! The authenticator-app method: TOTP (RFC 6238) with HMAC-SHA1, 6 digits,
//! 30-second steps and one step of skew either way. A step once accepted
//! for a user is never accepted again; the database enforces that
//! atomically. Enrolment (a new secret, confirmed with a code from the app)
//! and the login step.

pub mod http;
pub mod store;

pub(super) mod words;

use crate::audit;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::login::{Browser, Outcome, Step};
use crate::notify;
use crate::redirect::percent_encode;
use crate::state::AppState;
use crate::store::UserRow;
use authlevel_core::api::TotpSetupResponse;
use authlevel_core::{AuditKind, ErrorCode, Method};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

/// That a user has a confirmed authenticator app, as SQL on `users`.
pub const ENROLLED: &str = store::ENROLLED;

/// Seconds per step.
pub const STEP_S: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;

/// A new random 160-bit secret (the size RFC 4226 recommends).
pub fn new_secret() -> Vec<u8> {
    let mut s = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut s);
    s
}

/// The secret in base32 without padding, as authenticator apps take it.
pub fn base32(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

/// The time step of Unix time `t`.
pub fn step_of(t: i64) -> i64 {
    t.div_euclid(STEP_S)
}

/// The code for `step` (RFC 4226 dynamic truncation over HMAC-SHA1).
pub fn code_at_step(secret: &[u8], step: i64, digits: u32) -> String {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[h.len() - 1] & 0x0f);
    let bin = (u32::from(h[offset] & 0x7f) << 24)
        | (u32::from(h[offset + 1]) << 16)
        | (u32::from(h[offset + 2]) << 8)
        | u32::from(h[offset + 3]);
    let code = bin % 10u32.pow(digits);
    format!("{code:0width$}", width = digits as usize)
}

/// The step whose code `code` is, within one step of `now`, if any.
/// Compares every candidate so the time does not depend on which matched.
pub fn matching_step(secret: &[u8], code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = step_of(now);
    let mut found = None;
    for step in [current - 1, current, current + 1] {
        let expected = code_at_step(secret, step, DIGITS);
        if crate::crypto::same(&expected, &code) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// The `otpauth://` URI an authenticator app scans; the issuer is the
/// directory's name.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_S}",
        percent_encode(issuer),
        percent_encode(account),
        base32(secret),
        percent_encode(issuer)
    )
}

/// The URI as a QR code in SVG.
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

/// Starts setting up an authenticator app for `user`: a new secret, its
/// `otpauth://` URI and QR code. It counts only after [`confirm`].
pub async fn setup(app: &AppState, user: &UserRow) -> ApiResult<TotpSetupResponse> {
    let dir = crate::login::directory_of(app, user).await?;
    let secret = new_secret();
    let sealed = app.secrets.seal(&secret, &user.id)?;
    app.store.set_pending_totp(&user.id, &sealed, now()).await?;
    let uri = otpauth_uri(&secret, &dir.name, &user.username);
    let qr_svg = qr_svg(&uri).ok_or_else(|| ApiError::internal("QR code"))?;
    Ok(TotpSetupResponse {
        secret: base32(&secret),
        otpauth_uri: uri,
        qr_svg,
    })
}

/// Confirms the new secret with a code from the app; from then on the app
/// is offered at login, and the user hears of it.
pub async fn confirm(
    app: &AppState,
    user: &UserRow,
    code: &str,
    ip: Option<&str>,
) -> ApiResult<()> {
    let Some(sealed) = app.store.totp(&user.id).await?.and_then(|r| r.pending_enc) else {
        return Err(ApiError::text(ErrorCode::Conflict, words::totp_setup_first));
    };
    let secret = app.secrets.open(&sealed, &user.id)?;
    let Some(step) = matching_step(&secret, code, now()) else {
        audit::event(AuditKind::TotpConfirm, false)
            .on_user(user)
            .method(Method::Totp)
            .ip(ip)
            .record(app)
            .await;
        return Err(ApiError::text(ErrorCode::InvalidCode, words::totp_no_match));
    };
    if !app
        .store
        .confirm_totp(&user.id, &sealed, step, now())
        .await?
    {
        return Err(ApiError::text(
            ErrorCode::Conflict,
            words::totp_setup_changed,
        ));
    }
    notify::added(app, user, Method::Totp, ip, words::changed_totp_added).await;
    Ok(())
}

/// Removes the authenticator app, and the user hears of it.
pub async fn remove(app: &AppState, user: &UserRow, ip: Option<&str>) -> ApiResult<()> {
    if !app.store.delete_totp(&user.id).await? {
        return Err(ApiError::text(ErrorCode::NotFound, words::totp_none));
    }
    notify::removed(app, user, Method::Totp, ip, words::changed_totp_removed).await;
    Ok(())
}

/// The authenticator-app step of the browser's login.
pub async fn verify(app: &AppState, browser: &Browser, code: &str) -> ApiResult<Outcome> {
    let mut step = Step::begin(app, browser, Method::Totp).await?;
    let refused = || ApiError::text(ErrorCode::InvalidCode, crate::text::code_wrong);
    let Some(sealed) = app
        .store
        .totp(&step.user.id)
        .await?
        .and_then(|r| r.secret_enc)
    else {
        return Err(step.refused(None, refused()).await?);
    };
    let secret = app.secrets.open(&sealed, &step.user.id)?;
    let mut tx = app.store.begin().await?;
    let allowed = step.attempt(&mut tx).await?;
    let accepted = match matching_step(&secret, code, now()) {
        Some(s) if allowed => tx.consume_totp_step(&step.user.id, s).await?,
        _ => false,
    };
    if accepted {
        return step.verified(tx).await;
    }
    Err(step.refused(Some(tx), refused()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, the SHA-1 rows (8 digits, secret "12345678901234567890").
    #[test]
    fn rfc6238_appendix_b_sha1() {
        let secret = b"12345678901234567890";
        for (t, code) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code_at_step(secret, step_of(t), 8), code, "T = {t}");
        }
    }

    #[test]
    fn skew_of_one_step_either_way_and_no_more() {
        let secret = b"12345678901234567890";
        let now = 1_234_567_890;
        let step = step_of(now);
        for d in [-1, 0, 1] {
            let code = code_at_step(secret, step + d, DIGITS);
            assert_eq!(matching_step(secret, &code, now), Some(step + d));
        }
        for d in [-2, 2] {
            let code = code_at_step(secret, step + d, DIGITS);
            assert_eq!(matching_step(secret, &code, now), None);
        }
        assert_eq!(matching_step(secret, "12345", now), None);
        assert_eq!(matching_step(secret, "abcdef", now), None);
    }

    #[test]
    fn uri_and_qr() {
        let uri = otpauth_uri(b"12345678901234567890", "Acme Staff", "ann@x");
        assert_eq!(
            uri,
            "otpauth://totp/Acme%20Staff:ann%40x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20Staff&algorithm=SHA1&digits=6&period=30"
        );
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"));
    }
}
