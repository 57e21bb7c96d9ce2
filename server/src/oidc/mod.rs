//! OpenID Connect provider: the pieces of the protocol that are not HTTP —
//! signing keys (ES256, generated on first use, sealed in the database,
//! rotated on command), ID tokens with `acr` (the level reached) and `amr`
//! (RFC 8176), PKCE, client secrets, and what a grant carries from the
//! authorization to the tokens.

pub mod request;

pub use request::{AuthError, AuthRequest};

use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::token;
use authlevel_core::MethodSet;
use base64::Engine as _;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Seconds an authorization code works.
pub const CODE_TTL_S: i64 = 60;
/// Seconds an access token works.
pub const ACCESS_TTL_S: i64 = 600;
/// Seconds an ID token is valid.
pub const ID_TOKEN_TTL_S: i64 = 600;
/// Seconds a refresh token works (each use rotates it).
pub const REFRESH_TTL_S: i64 = 30 * 86400;
/// Seconds a pending authorization request waits for its login.
pub const REQUEST_TTL_S: i64 = 900;
/// How long a retired key stays in the JWKS: longer than any token it signed.
pub const RETIRED_KEY_GRACE_S: i64 = 86400;

/// The scopes this provider knows.
pub const SCOPES: [&str; 4] = ["openid", "profile", "email", "phone"];

/// What a code or token carries: the login behind it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Grant {
    /// Granted scopes.
    pub scope: Vec<String>,
    /// The nonce of the authorization request.
    pub nonce: Option<String>,
    /// The redirect URI the code was sent to.
    pub redirect_uri: String,
    /// The PKCE challenge to check the verifier against.
    pub code_challenge: Option<String>,
    /// When the user logged in.
    pub auth_time: i64,
    /// The level reached.
    pub acr: u32,
    /// RFC 8176 method references.
    pub amr: Vec<String>,
}

/// RFC 8176 values for the methods of a login (`mfa` with two or more).
pub fn amr(methods: MethodSet) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in methods.iter() {
        for v in m.spec().amr {
            if !out.iter().any(|o| o == v) {
                out.push((*v).to_owned());
            }
        }
    }
    if methods.len() >= 2 {
        out.push("mfa".into());
    }
    out
}

/// The stored form of a client secret (a keyed hash).
pub fn secret_hash(app: &AppState, secret: &str) -> String {
    app.secrets.mac(&format!("oidc client secret:{secret}"))
}

/// base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `verifier` answers the S256 `challenge` (RFC 7636).
pub fn pkce_ok(challenge: &str, verifier: &str) -> bool {
    let valid = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    valid && crate::crypto::same(&b64(&Sha256::digest(verifier.as_bytes())), challenge)
}

fn public_jwk(kid: &str, key: &SigningKey) -> String {
    let point = key.verifying_key().to_encoded_point(false);
    let x = point.x().map(|x| b64(x)).unwrap_or_default();
    let y = point.y().map(|y| b64(y)).unwrap_or_default();
    serde_json::json!({"kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": kid, "use": "sig", "alg": "ES256"})
        .to_string()
}

/// Creates a new signing key and makes it the active one; older keys are
/// retired (kept in the JWKS for a day, so their tokens still verify).
pub async fn rotate_keys(app: &AppState) -> ApiResult<String> {
    let key = SigningKey::random(&mut rand::rngs::OsRng);
    let kid = token::new_id()[..16].to_owned();
    let sealed = app
        .secrets
        .seal(&key.to_bytes(), &format!("oidc-key:{kid}"))
        .map_err(ApiError::internal)?;
    let t = now();
    app.store
        .insert_oidc_key(&kid, "ES256", &sealed, &public_jwk(&kid, &key), t)
        .await?;
    app.store.retire_oidc_keys_except(&kid, t).await?;
    Ok(kid)
}

/// The active signing key, created on first use.
pub async fn signing_key(app: &AppState) -> ApiResult<(String, SigningKey)> {
    let (kid, sealed) = match app.store.active_oidc_key().await? {
        Some(k) => k,
        None => {
            rotate_keys(app).await?;
            app.store
                .active_oidc_key()
                .await?
                .ok_or_else(|| ApiError::internal("no signing key after creating one"))?
        }
    };
    let bytes = app
        .secrets
        .open(&sealed, &format!("oidc-key:{kid}"))
        .map_err(ApiError::internal)?;
    let key = SigningKey::from_slice(&bytes).map_err(ApiError::internal)?;
    Ok((kid, key))
}

/// The JWKS document.
pub async fn jwks(app: &AppState) -> ApiResult<serde_json::Value> {
    if app.store.active_oidc_key().await?.is_none() {
        rotate_keys(app).await?;
    }
    let keys: Vec<serde_json::Value> = app
        .store
        .published_oidc_keys(now() - RETIRED_KEY_GRACE_S)
        .await?
        .iter()
        .filter_map(|k| serde_json::from_str(k).ok())
        .collect();
    Ok(serde_json::json!({ "keys": keys }))
}

/// Signs `claims` as a compact JWS with ES256.
pub async fn sign(app: &AppState, claims: &serde_json::Value) -> ApiResult<String> {
    let (kid, key) = signing_key(app).await?;
    let header = serde_json::json!({"alg": "ES256", "typ": "JWT", "kid": kid});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let sig: Signature = key.sign(input.as_bytes());
    Ok(format!("{input}.{}", b64(&sig.to_bytes())))
}

/// The claims of a JWT this server signed (for `id_token_hint`), if its
/// signature verifies with a published key. Expiry is not checked: an
/// expired ID token still names who is logging out.
pub async fn verified_claims(app: &AppState, jwt: &str) -> Option<serde_json::Value> {
    use p256::ecdsa::VerifyingKey;
    use p256::ecdsa::signature::Verifier as _;
    let mut parts = jwt.split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    let decode = |x: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(x)
            .ok()
    };
    let header: serde_json::Value = serde_json::from_slice(&decode(h)?).ok()?;
    let kid = header["kid"].as_str()?;
    let jwks = jwks(app).await.ok()?;
    let jwk = jwks["keys"].as_array()?.iter().find(|k| k["kid"] == kid)?;
    let mut sec1 = vec![4u8];
    sec1.extend(decode(jwk["x"].as_str()?)?);
    sec1.extend(decode(jwk["y"].as_str()?)?);
    let vk = VerifyingKey::from_sec1_bytes(&sec1).ok()?;
    let sig = Signature::from_slice(&decode(s)?).ok()?;
    vk.verify(format!("{h}.{p}").as_bytes(), &sig).ok()?;
    serde_json::from_slice(&decode(p)?).ok()
}

/// The ID token for `user` from `grant`, issued at `t` (with the access
/// and refresh tokens beside it).
pub async fn id_token(
    app: &AppState,
    client_id: &str,
    user_id: &str,
    grant: &Grant,
    t: i64,
) -> ApiResult<String> {
    let mut claims = serde_json::json!({
        "iss": app.config.public_url,
        "sub": user_id,
        "aud": client_id,
        "azp": client_id,
        "iat": t,
        "exp": t + ID_TOKEN_TTL_S,
        "auth_time": grant.auth_time,
        "acr": grant.acr.to_string(),
        "amr": grant.amr,
    });
    if let Some(nonce) = &grant.nonce {
        claims["nonce"] = serde_json::Value::String(nonce.clone());
    }
    sign(app, &claims).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use authlevel_core::Method;

    #[test]
    fn amr_values_follow_rfc_8176() {
        assert_eq!(amr(MethodSet::of(&[Method::Password])), vec!["pwd"]);
        assert_eq!(
            amr(MethodSet::of(&[Method::Password, Method::Sms])),
            vec!["pwd", "sms", "mfa"]
        );
        assert_eq!(amr(MethodSet::of(&[Method::Passkey])), vec!["hwk", "user"]);
    }

    #[test]
    fn pkce_s256() {
        // RFC 7636 Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_ok(challenge, verifier));
        assert!(!pkce_ok(
            challenge,
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx"
        ));
        assert!(!pkce_ok(challenge, "short"));
    }
}
