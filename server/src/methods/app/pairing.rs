//! Pairing a phone: a one-time link from a fresh session, the device
//! key's ceremony, the phone stored with the hash of its app's token; and
//! the paired phones, listed, removed, their push subscriptions replaced.

use super::store::DeviceRow;
use super::{PAIRING_TTL_S, push, words};
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::methods::passkey::{encode_id, start_registration};
use crate::notify;
use crate::state::AppState;
use crate::store::UserRow;
use crate::token;
use authlevel_core::api::{AppDevice, AppPairLink, AppPaired, PushSubscription};
use authlevel_core::{ErrorCode, Method};
use webauthn_rs::prelude::{
    CreationChallengeResponse, Passkey, PasskeyRegistration, RegisterPublicKeyCredential,
};
use webauthn_rs_proto::ResidentKeyRequirement;

/// A one-time link (and its QR code) that pairs a phone with `user`'s
/// account, valid [`PAIRING_TTL_S`].
pub async fn pair_link(app: &AppState, user: &UserRow) -> ApiResult<AppPairLink> {
    let token = token::new_token();
    let expires_at = now() + PAIRING_TTL_S;
    app.store
        .insert_pairing(&token::hash(&token), &user.id, expires_at)
        .await?;
    let pair_url = format!("{}/app/#pair={token}", app.config.public_url);
    let qr_svg = crate::methods::totp::qr_svg(&pair_url).unwrap_or_default();
    Ok(AppPairLink {
        pair_url,
        qr_svg,
        expires_in_s: u32::try_from(PAIRING_TTL_S).unwrap_or(0),
    })
}

fn pairing_spent() -> ApiError {
    ApiError::text(ErrorCode::SetupLinkInvalid, words::pairing_invalid)
}

/// The device key's creation options for the pairing link `token`: user
/// verification required, not discoverable (it is asked for by its ID),
/// none of the user's paired phones again. Once per link.
pub async fn pair_start(app: &AppState, token: &str) -> ApiResult<CreationChallengeResponse> {
    let id = token::hash(token);
    // Who the link is for, before the ceremony's state is kept with it.
    let Some(user_id) = app.store.pairing_user(&id, now()).await? else {
        return Err(pairing_spent());
    };
    let user = app.store.user(&user_id).await?.ok_or_else(pairing_spent)?;
    // Not discoverable: the app asks for it by its ID, and a passkey login
    // (which asks for discoverable credentials) never finds it.
    let keys = device_keys(app, &user.id).await?;
    let (ccr, state) = start_registration(app, &user, &keys, ResidentKeyRequirement::Discouraged)?;
    let state = serde_json::to_string(&state)?;
    if app.store.start_pairing(&id, &state, now()).await?.is_none() {
        return Err(pairing_spent());
    }
    Ok(ccr)
}

/// What the app sends to finish pairing.
pub struct Pairing<'a> {
    /// The link's token.
    pub token: &'a str,
    /// The device key's attestation.
    pub credential: &'a RegisterPublicKeyCredential,
    /// The phone's name.
    pub name: &'a str,
    /// Its push subscription, when it has one.
    pub push: Option<&'a PushSubscription>,
}

/// Finishes pairing: takes the link, verifies the device key against the
/// started ceremony, stores the phone with the hash of a new token for its
/// app, and tells the user.
pub async fn pair_finish(app: &AppState, p: Pairing<'_>, ip: Option<&str>) -> ApiResult<AppPaired> {
    let push = match p.push {
        Some(s) if !push::valid(app, &s.endpoint, &s.keys.p256dh, &s.keys.auth) => {
            return Err(ApiError::text(
                ErrorCode::InvalidInput,
                words::bad_subscription,
            ));
        }
        s => s,
    };
    let Some((user_id, state)) = app.store.take_pairing(&token::hash(p.token), now()).await? else {
        return Err(pairing_spent());
    };
    let user = app.store.user(&user_id).await?.ok_or_else(pairing_spent)?;
    let state: PasskeyRegistration = serde_json::from_str(&state)?;
    let key = app
        .webauthn
        .finish_passkey_registration(p.credential, &state)
        .map_err(|e| {
            tracing::info!(error = %e, "device key refused");
            ApiError::text(ErrorCode::InvalidInput, words::device_key_refused)
        })?;
    let name: String = p
        .name
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    let device = DeviceRow {
        id: token::new_id(),
        user_id: user.id.clone(),
        name: if name.is_empty() {
            "Phone".into()
        } else {
            name
        },
        credential_id: encode_id(key.cred_id().as_ref()),
        passkey: serde_json::to_string(&key)?,
        push_endpoint: push.map(|s| s.endpoint.clone()),
        push_p256dh: push.map(|s| s.keys.p256dh.clone()),
        push_auth: push.map(|s| s.keys.auth.clone()),
        created_at: now(),
        last_used_at: None,
    };
    let device_token = token::new_token();
    if !app
        .store
        .insert_device(&device, &token::hash(&device_token))
        .await?
    {
        return Err(ApiError::text(
            ErrorCode::Conflict,
            words::device_registered_already,
        ));
    }
    notify::added(app, &user, Method::App, ip, words::changed_app_added).await;
    Ok(AppPaired {
        device_id: device.id,
        device_token,
    })
}

/// A user's paired phones, as their profile lists them.
pub async fn devices(app: &AppState, user: &UserRow) -> ApiResult<Vec<AppDevice>> {
    Ok(app
        .store
        .devices(&user.id)
        .await?
        .into_iter()
        .map(|d| AppDevice {
            push: d.push_endpoint.is_some(),
            id: d.id,
            name: d.name,
            created_at: d.created_at,
            last_used_at: d.last_used_at,
        })
        .collect())
}

/// Removes a paired phone of `user`, who hears of it.
pub async fn remove(app: &AppState, user: &UserRow, id: &str, ip: Option<&str>) -> ApiResult<()> {
    if !app.store.delete_device(&user.id, id).await? {
        return Err(ApiError::text(ErrorCode::NotFound, words::no_such_device));
    }
    notify::removed(app, user, Method::App, ip, words::changed_app_removed).await;
    Ok(())
}

/// Replaces the push subscription of the phone `device`.
pub async fn set_push(app: &AppState, device: &DeviceRow, s: &PushSubscription) -> ApiResult<()> {
    if !push::valid(app, &s.endpoint, &s.keys.p256dh, &s.keys.auth) {
        return Err(ApiError::text(
            ErrorCode::InvalidInput,
            words::bad_subscription,
        ));
    }
    let parts = (
        s.endpoint.as_str(),
        s.keys.p256dh.as_str(),
        s.keys.auth.as_str(),
    );
    app.store.set_push(&device.id, Some(parts)).await?;
    Ok(())
}

pub(super) async fn device_keys(app: &AppState, user_id: &str) -> ApiResult<Vec<Passkey>> {
    app.store
        .devices(user_id)
        .await?
        .iter()
        .map(|d| serde_json::from_str(&d.passkey).map_err(ApiError::internal))
        .collect()
}
