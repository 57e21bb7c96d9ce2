//! Web Push (RFC 8030) to a paired phone: the payload encrypted to its
//! subscription (RFC 8291, `aes128gcm`, by `web-push-native`), the request
//! signed with the server's VAPID key (RFC 8292: an ES256 JWT for the push
//! service's origin). The VAPID key is derived from the server key, so
//! every instance that shares the server key signs with the same one and
//! nothing more is kept.

use super::store::DeviceRow;
use crate::state::AppState;
use data_encoding::BASE64URL_NOPAD;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use std::sync::LazyLock;
use std::time::Duration;

/// What became of a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// The push service took it (201).
    Delivered,
    /// The push service says the subscription is gone (404, 410): it is
    /// forgotten.
    Gone,
    /// It failed, in words for the audit log (never the payload).
    Failed(String),
}

/// The server's VAPID key: a P-256 key derived from the server key.
pub fn vapid_key(app: &AppState) -> Option<SigningKey> {
    // A MAC of the server key under a fixed label is uniform; the rare
    // value outside the curve's order takes the next label.
    (0..8).find_map(|i| {
        let bytes = hex::decode(app.secrets.mac(&format!("authlevel vapid key v1 {i}"))).ok()?;
        SigningKey::from_slice(&bytes).ok()
    })
}

/// The VAPID public key, an uncompressed point, base64url.
pub fn public_key(key: &SigningKey) -> String {
    let point = key.verifying_key().as_affine().to_encoded_point(false);
    BASE64URL_NOPAD.encode(point.as_bytes())
}

/// `scheme://host[:port]` of `url`: the audience of its VAPID JWT.
pub fn origin_of(url: &url::Url) -> Option<String> {
    let origin = url.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// The `Authorization` value of a push to `endpoint`: `vapid t=<JWT>,
/// k=<public key>`, the JWT (ES256) naming the endpoint's origin, valid
/// `ttl` and saying who sends (`subject`).
pub fn vapid_authorization(
    key: &SigningKey,
    endpoint: &url::Url,
    ttl: Duration,
    subject: &str,
    now: i64,
) -> Option<String> {
    let header = BASE64URL_NOPAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
    let exp = now + i64::try_from(ttl.as_secs()).ok()?;
    let claims = serde_json::json!({"aud": origin_of(endpoint)?, "exp": exp, "sub": subject});
    let claims = BASE64URL_NOPAD.encode(claims.to_string().as_bytes());
    let signing_input = format!("{header}.{claims}");
    let signature: Signature = key.sign(signing_input.as_bytes());
    let jwt = format!(
        "{signing_input}.{}",
        BASE64URL_NOPAD.encode(&signature.to_bytes())
    );
    Some(format!("vapid t={jwt}, k={}", public_key(key)))
}

/// The client pushes go out with: no redirects (a push service answers
/// where it is), a short timeout.
static CLIENT: LazyLock<reqwest::Client> = LazyLock::new(|| {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default()
});

/// Reads a base64url value, with or without padding.
fn b64url(value: &str) -> Option<Vec<u8>> {
    BASE64URL_NOPAD
        .decode(value.trim_end_matches('=').as_bytes())
        .ok()
}

/// Whether a subscription's parts can be pushed to: an `https://` endpoint
/// (or `http://` in development, for a push service on this machine), a
/// P-256 point and a 16-byte secret.
pub fn valid(app: &AppState, endpoint: &str, p256dh: &str, auth: &str) -> bool {
    let Ok(url) = url::Url::parse(endpoint) else {
        return false;
    };
    let scheme_ok = url.scheme() == "https" || (app.config.dev && url.scheme() == "http");
    scheme_ok
        && url.host().is_some()
        && endpoint.len() <= 2048
        && b64url(p256dh).is_some_and(|k| p256::PublicKey::from_sec1_bytes(&k).is_ok())
        && b64url(auth).is_some_and(|a| a.len() == 16)
}

/// Pushes `payload` to `device`'s subscription, to be kept `ttl` by the
/// push service and delivered with high urgency.
pub async fn push(app: &AppState, device: &DeviceRow, payload: &[u8], ttl: Duration) -> Pushed {
    let (Some(endpoint), Some(p256dh), Some(auth)) = (
        &device.push_endpoint,
        &device.push_p256dh,
        &device.push_auth,
    ) else {
        return Pushed::Failed("no subscription".into());
    };
    let Some(key) = vapid_key(app) else {
        return Pushed::Failed("no VAPID key".into());
    };
    let (Ok(url), Some(ua_public), Some(ua_auth)) = (
        url::Url::parse(endpoint),
        b64url(p256dh).and_then(|k| p256::PublicKey::from_sec1_bytes(&k).ok()),
        b64url(auth).filter(|a| a.len() == 16),
    ) else {
        return Pushed::Failed("the subscription cannot be read".into());
    };
    let ua_auth = web_push_native::Auth::clone_from_slice(&ua_auth);
    let body = match web_push_native::encrypt(payload.to_vec(), &ua_public, &ua_auth) {
        Ok(b) => b,
        Err(e) => return Pushed::Failed(format!("encryption: {e}")),
    };
    let subject = app.config.public_url.clone();
    let Some(authorization) = vapid_authorization(&key, &url, ttl, &subject, crate::clock::now())
    else {
        return Pushed::Failed("the endpoint has no origin".into());
    };
    let sent = CLIENT
        .post(url)
        .header("TTL", ttl.as_secs().to_string())
        .header("Urgency", "high")
        .header("Content-Encoding", "aes128gcm")
        .header("Content-Type", "application/octet-stream")
        .header("Authorization", authorization)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => Pushed::Delivered,
        Ok(r) if matches!(r.status().as_u16(), 404 | 410) => {
            if let Err(e) = app.store.drop_push(&device.id, endpoint).await {
                tracing::warn!(error = %e, "a gone push subscription was not forgotten");
            }
            Pushed::Gone
        }
        Ok(r) => Pushed::Failed(format!("the push service answered {}", r.status().as_u16())),
        Err(e) => Pushed::Failed(format!(
            "the push service did not answer: {}",
            without_url(&e)
        )),
    }
}

/// A transport error in words, without the endpoint's URL (its path is
/// the subscription's capability).
fn without_url(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "no connection".into()
    } else {
        "the request failed".into()
    }
}
