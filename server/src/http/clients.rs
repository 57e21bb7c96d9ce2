//! `/api/admin/…/clients`: the applications (OpenID Connect clients) of a
//! directory, registered and removed by its administrators.

use super::error::AppJson;
use super::extract::{Admin, DirectoryAdmin, PathId};
use crate::clock::now;
use crate::contact;
use crate::error::{ApiError, ApiResult};
use crate::oidc;
use crate::state::AppState;
use crate::store::ClientRow;
use crate::token;
use authlevel_core::api::{ClientInfo, CreateClientRequest, CreatedClient};
use authlevel_core::{AuditKind, ErrorCode};
use axum::extract::State;
use axum::http::StatusCode;

fn client_info(c: &ClientRow) -> ClientInfo {
    ClientInfo {
        client_id: c.id.clone(),
        directory_id: c.directory_id.clone(),
        name: c.name.clone(),
        confidential: c.secret_hash.is_some(),
        redirect_uris: c.redirect_uris.clone(),
        post_logout_redirect_uris: c.post_logout_redirect_uris.clone(),
        scopes: c.scopes.clone(),
        min_level: c.min_level,
        created_at: c.created_at,
    }
}

/// Checks a redirect URI an application registers: `https://` and a host
/// name (or IPv4 address), or `http://` to `localhost`, `127.0.0.1` or
/// `[::1]` for development; an optional port; then a path or query in
/// visible ASCII (RFC 3986: anything else is percent-encoded), no
/// `#fragment`, at most 2000 characters. `RedirectUri`'s pattern in the
/// document says the same.
fn check_uri(uri: &str) -> ApiResult<()> {
    let host_ok = match uri.split_once("://") {
        Some(("https", rest)) => host_of(rest).is_some_and(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        }),
        Some(("http", rest)) => {
            host_of(rest).is_some_and(|h| matches!(h, "localhost" | "127.0.0.1" | "[::1]"))
        }
        _ => false,
    };
    let ok = host_ok && uri.len() <= 2000 && uri.bytes().all(|b| b.is_ascii_graphic() && b != b'#');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(crate::text::bad_redirect_uri(
            crate::lang::current(),
            &uri.chars().take(200).collect::<String>(),
        )))
    }
}

/// The host of the authority that begins `rest` (the URI after `://`),
/// when what follows it is nothing or a port of 1 to 5 digits.
fn host_of(rest: &str) -> Option<&str> {
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let (host, port) = match authority.strip_prefix("[::1]") {
        Some(port) => ("[::1]", port),
        None => authority.split_at(authority.find(':').unwrap_or(authority.len())),
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok.then_some(host)
}

/// The directory's applications.
#[utoipa::path(get, path = "/api/admin/directories/{id}/clients", tag = "admin",
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 200, body = Vec<ClientInfo>)))]
pub(super) async fn list_clients(
    State(app): State<AppState>,
    DirectoryAdmin { dir, .. }: DirectoryAdmin,
) -> ApiResult<AppJson<Vec<ClientInfo>>> {
    Ok(AppJson(
        app.store
            .clients(&dir.id)
            .await?
            .iter()
            .map(client_info)
            .collect(),
    ))
}

/// Registers an application; a confidential client's secret is answered once.
#[utoipa::path(post, path = "/api/admin/directories/{id}/clients", tag = "admin", request_body = CreateClientRequest,
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 201, body = CreatedClient)))]
pub(super) async fn create_client(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
    AppJson(req): AppJson<CreateClientRequest>,
) -> ApiResult<(StatusCode, AppJson<CreatedClient>)> {
    let name = contact::display_name(&req.name).map_err(ApiError::invalid)?;
    if req.redirect_uris.is_empty() {
        return Err(ApiError::text(
            ErrorCode::InvalidInput,
            crate::text::redirect_uri_needed,
        ));
    }
    for u in req
        .redirect_uris
        .iter()
        .chain(&req.post_logout_redirect_uris)
    {
        check_uri(u)?;
    }
    let mut scopes = req
        .scopes
        .clone()
        .unwrap_or_else(|| oidc::SCOPES.iter().map(|s| (*s).to_owned()).collect());
    if let Some(bad) = scopes.iter().find(|s| !oidc::SCOPES.contains(&s.as_str())) {
        return Err(ApiError::invalid(crate::text::unknown_scope(
            crate::lang::current(),
            bad,
        )));
    }
    // Every OpenID Connect client may ask for an ID token.
    if !scopes.iter().any(|s| s == "openid") {
        scopes.insert(0, "openid".to_owned());
    }
    let min_level = req.min_level.unwrap_or(admin.dir.policy.required_level);
    if min_level > authlevel_core::MAX_LEVEL {
        return Err(ApiError::invalid(crate::text::min_level_range(
            crate::lang::current(),
            authlevel_core::MAX_LEVEL,
        )));
    }
    let secret = (!req.public).then(token::new_token);
    let row = ClientRow {
        id: token::new_id(),
        directory_id: admin.dir.id.clone(),
        name,
        secret_hash: secret.as_deref().map(|s| oidc::secret_hash(&app, s)),
        redirect_uris: req.redirect_uris.clone(),
        post_logout_redirect_uris: req.post_logout_redirect_uris.clone(),
        scopes,
        min_level,
        created_at: now(),
    };
    app.store.insert_client(&row).await?;
    admin
        .event(AuditKind::ClientCreate, true)
        .detail(format!(
            "client {} ({})",
            row.id,
            if secret.is_some() {
                "confidential"
            } else {
                "public"
            }
        ))
        .record(&app)
        .await;
    Ok((
        StatusCode::CREATED,
        AppJson(CreatedClient {
            client: client_info(&row),
            client_secret: secret,
        }),
    ))
}

/// Removes an application with its codes and tokens.
#[utoipa::path(delete, path = "/api/admin/clients/{id}", tag = "admin",
    params(("id" = String, Path, description = "client_id")),
    responses((status = 204, description = "Removed")))]
pub(super) async fn delete_client(
    State(app): State<AppState>,
    Admin { auth, ip, .. }: Admin,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    let client = app
        .store
        .client(&id)
        .await?
        .ok_or_else(|| ApiError::text(ErrorCode::NotFound, crate::text::no_such_application))?;
    auth.require_admin_of(&client.directory_id)?;
    app.store.delete_client(&client.id).await?;
    auth.event(
        AuditKind::ClientDelete,
        true,
        &client.directory_id,
        ip.as_deref(),
    )
    .detail(format!("client {}", client.id))
    .record(&app)
    .await;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris() {
        assert!(check_uri("https://app.example.com/callback").is_ok());
        assert!(check_uri("http://localhost:3000/cb").is_ok());
        assert!(check_uri("http://localhost.evil.com/cb").is_err());
        assert!(check_uri("http://app.example.com/cb").is_err());
        assert!(check_uri("https://app.example.com/cb#x").is_err());
        assert!(check_uri("http://[::1]:8080/cb?x=1").is_ok());
        assert!(check_uri("https://app.example.com:443?x").is_ok());
        assert!(check_uri("https://[/cb").is_err());
        assert!(check_uri("https://").is_err());
        assert!(check_uri("https://a.example:123456/cb").is_err());
        assert!(check_uri("https://a.example/caf\u{e9}").is_err());
    }
}
