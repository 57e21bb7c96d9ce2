//! OpenID Connect endpoints: discovery, JWKS, authorization (through the
//! normal login, with step-up), token, userinfo, revocation, logout, and the
//! administration of clients.

use crate::audit;
use crate::error::{ApiError, ApiResult, AppJson};
use crate::oidc::{self, AuthRequest, Grant};
use crate::redirect::percent_encode;
use crate::routes::admin::require_admin;
use crate::routes::me::display_name;
use crate::session::{Authenticated, ClientIp, Cookie, load_session};
use crate::state::AppState;
use crate::store::{ClientRow, FlowRow};
use crate::token::{self, now};
use authlevel_core::api::{ClientInfo, CreateClientRequest, CreatedClient, Problem};
use authlevel_core::{ErrorCode, MethodSet};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, LOCATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{AppendHeaders, Html, IntoResponse, Response};
use base64::Engine as _;
use serde_json::json;
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(discovery))
        .routes(routes!(jwks))
        .routes(routes!(authorize))
        .routes(routes!(authorize_continue))
        .routes(routes!(token_endpoint))
        .routes(routes!(userinfo_get, userinfo_post))
        .routes(routes!(revoke))
        .routes(routes!(logout))
        .routes(routes!(list_clients, create_client))
        .routes(routes!(delete_client))
}

type Params = HashMap<String, String>;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A page for a person, when the request cannot go back to the application.
fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{t}</title><h1>{t}</h1><p>{x}</p><p><a href=\"/\">Go to the login page</a></p></html>",
        t = escape(title),
        x = escape(text)
    );
    (status, Html(body)).into_response()
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = uri.to_owned();
    let mut sep = if uri.contains('?') { '&' } else { '?' };
    for (k, v) in pairs {
        out.push(sep);
        out.push_str(k);
        out.push('=');
        out.push_str(&percent_encode(v));
        sep = '&';
    }
    out
}

fn redirect(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(LOCATION, v);
    }
    res
}

/// The discovery document.
#[utoipa::path(get, path = "/.well-known/openid-configuration", tag = "oidc", responses((status = 200, body = Object)))]
async fn discovery(State(app): State<AppState>) -> AppJson<serde_json::Value> {
    let base = &app.config.public_url;
    AppJson(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "userinfo_endpoint": format!("{base}/oauth2/userinfo"),
        "jwks_uri": format!("{base}/.well-known/jwks.json"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "end_session_endpoint": format!("{base}/oauth2/logout"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "scopes_supported": oidc::SCOPES,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp",
            "name", "preferred_username", "email", "email_verified", "phone_number", "phone_number_verified"],
        "claims_parameter_supported": true,
        "authorization_response_iss_parameter_supported": true,
    }))
}

/// The public signing keys.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "oidc", responses((status = 200, body = Object)))]
async fn jwks(State(app): State<AppState>) -> ApiResult<AppJson<serde_json::Value>> {
    Ok(AppJson(oidc::jwks(&app).await?))
}

/// The level an authorization request asks for: the directory's, the
/// client's minimum, `acr_values`, and essential `acr` values in `claims`.
fn required_level(
    directory_level: u32,
    client: &ClientRow,
    p: &Params,
) -> Result<u32, &'static str> {
    let mut level = directory_level.max(client.min_level);
    let mut asked: Vec<String> = p
        .get("acr_values")
        .map(|v| v.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    if let Some(claims) = p.get("claims") {
        let claims: serde_json::Value =
            serde_json::from_str(claims).map_err(|_| "claims is not JSON")?;
        let acr = &claims["id_token"]["acr"];
        if acr["essential"] == true {
            if let Some(v) = acr["value"].as_str() {
                asked.push(v.to_owned());
            }
            for v in acr["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
            {
                asked.push(v.to_owned());
            }
        }
    }
    for a in asked {
        let n: u32 = a
            .parse()
            .map_err(|_| "acr values are levels, such as \"50\"")?;
        if n > authlevel_core::MAX_LEVEL {
            return Err("an acr value is above the highest level");
        }
        level = level.max(n);
    }
    Ok(level)
}

fn satisfies(a: &Authenticated, req: &AuthRequest, requested_at: i64, t: i64) -> bool {
    a.session.level >= req.required_level
        && req
            .max_age
            .is_none_or(|m| t - a.session.authenticated_at <= m)
        && (!req.prompt_login || a.session.authenticated_at >= requested_at)
}

async fn issue_code(
    app: &AppState,
    client: &ClientRow,
    req: &AuthRequest,
    a: &Authenticated,
    ip: Option<&str>,
) -> ApiResult<Response> {
    let code = token::new_token();
    let grant = Grant {
        scope: req.scope.clone(),
        nonce: req.nonce.clone(),
        redirect_uri: req.redirect_uri.clone(),
        code_challenge: req.code_challenge.clone(),
        auth_time: a.session.authenticated_at,
        acr: a.session.level,
        amr: oidc::amr(a.session.methods),
    };
    let t = now();
    let grant_json =
        serde_json::to_string(&grant).map_err(|e| ApiError::Internal(e.to_string()))?;
    app.store
        .insert_oidc_code(
            &token::hash(&code),
            &client.id,
            &a.user.id,
            &grant_json,
            t,
            t + oidc::CODE_TTL_S,
        )
        .await?;
    audit::event("oidc.authorize", true)
        .directory(&client.directory_id)
        .user(Some(&a.user.id))
        .ip(ip)
        .detail(format!("client {} at level {}", client.id, a.session.level))
        .record(app)
        .await;
    let mut pairs = vec![
        ("code", code.as_str()),
        ("iss", app.config.public_url.as_str()),
    ];
    if let Some(s) = &req.state {
        pairs.push(("state", s));
    }
    Ok(redirect(&with_query(&req.redirect_uri, &pairs)))
}

/// The authorization endpoint (code flow). An existing session at the level
/// asked for is reused; otherwise the browser goes through the login page,
/// which resumes from what the session verified and asks only for the
/// missing points, and comes back.
#[utoipa::path(get, path = "/oauth2/authorize", tag = "oidc",
    responses((status = 303, description = "To the application's redirect URI, or to the login page"),
              (status = 400, description = "An error page: unknown client or unregistered redirect URI")))]
async fn authorize(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> ApiResult<Response> {
    let get = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let client = match get("client_id") {
        Some(id) => app.store.client(id).await?,
        None => None,
    };
    let Some(client) = client else {
        return Ok(page(
            StatusCode::BAD_REQUEST,
            "Unknown application",
            "The application that sent you here is not registered with this login.",
        ));
    };
    let Some(redirect_uri) =
        get("redirect_uri").filter(|r| client.redirect_uris.iter().any(|u| u == r))
    else {
        audit::event("oidc.authorize", false)
            .directory(&client.directory_id)
            .ip(ip.as_deref())
            .detail(format!("client {}: unregistered redirect URI", client.id))
            .record(&app)
            .await;
        return Ok(page(
            StatusCode::BAD_REQUEST,
            "Cannot return to the application",
            "The address the application asked to return to is not registered, so this login will not send you there.",
        ));
    };
    let state = get("state").map(str::to_owned);
    let fail = |error: &str, description: &str| {
        let mut pairs = vec![
            ("error", error),
            ("error_description", description),
            ("iss", app.config.public_url.as_str()),
        ];
        if let Some(s) = &state {
            pairs.push(("state", s));
        }
        redirect(&with_query(redirect_uri, &pairs))
    };
    if get("response_type") != Some("code") {
        return Ok(fail(
            "unsupported_response_type",
            "only response_type=code is supported",
        ));
    }
    let scope: Vec<String> = get("scope")
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if !scope.iter().any(|s| s == "openid") || scope.iter().any(|s| !client.scopes.contains(s)) {
        return Ok(fail(
            "invalid_scope",
            "the scope must include openid and only scopes this application may use",
        ));
    }
    let challenge = get("code_challenge").map(str::to_owned);
    match (get("code_challenge_method"), &challenge) {
        (Some("S256"), Some(_)) | (None, None) => {}
        (None, Some(_)) | (Some(_), _) => {
            return Ok(fail(
                "invalid_request",
                "PKCE needs code_challenge_method=S256",
            ));
        }
    }
    if client.secret_hash.is_none() && challenge.is_none() {
        return Ok(fail(
            "invalid_request",
            "a public client must use PKCE (S256)",
        ));
    }
    let Some(dir) = app.store.directory(&client.directory_id).await? else {
        return Ok(fail("server_error", "the application's directory is gone"));
    };
    let required = match required_level(dir.policy.required_level, &client, &p) {
        Ok(l) => l,
        Err(why) => return Ok(fail("invalid_request", why)),
    };
    let max_age = match get("max_age").map(str::parse::<i64>) {
        None => None,
        Some(Ok(n)) if n >= 0 => Some(n),
        Some(_) => {
            return Ok(fail(
                "invalid_request",
                "max_age must be a number of seconds",
            ));
        }
    };
    let prompts: Vec<&str> = get("prompt").unwrap_or("").split_whitespace().collect();
    let req = AuthRequest {
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scope,
        state: state.clone(),
        nonce: get("nonce").map(str::to_owned),
        code_challenge: challenge,
        required_level: required,
        max_age,
        prompt_login: prompts.contains(&"login"),
    };
    let t = now();
    let session = load_session(&app, &headers)
        .await?
        .filter(|a| a.user.directory_id == client.directory_id);
    if let Some(a) = &session
        && satisfies(a, &req, t, t)
    {
        return issue_code(&app, &client, &req, a, ip.as_deref()).await;
    }
    if prompts.contains(&"none") {
        return Ok(fail(
            "login_required",
            "the user must log in, or log in at a higher level",
        ));
    }
    // Park the request and send the browser to the login page. A step-up
    // keeps what the session verified; prompt=login and an exceeded max_age
    // start over.
    let handle = token::new_token();
    let params = serde_json::to_string(&req).map_err(|e| ApiError::Internal(e.to_string()))?;
    app.store
        .insert_oidc_request(
            &token::hash(&handle),
            &client.id,
            &params,
            t,
            t + oidc::REQUEST_TTL_S,
        )
        .await?;
    let carried = session.filter(|a| {
        !req.prompt_login
            && req
                .max_age
                .is_none_or(|m| t - a.session.authenticated_at <= m)
    });
    let flow_token = token::new_token();
    let flow = FlowRow {
        id: token::hash(&flow_token),
        directory_id: client.directory_id.clone(),
        user_id: carried.as_ref().map(|a| a.user.id.clone()),
        verified: carried
            .as_ref()
            .map_or(MethodSet::EMPTY, |a| a.session.methods),
        expires_at: t + app.config.login_flow_timeout_s,
        required_level: Some(required),
        client_name: Some(client.name.clone()),
        continue_to: Some(format!("/oauth2/authorize/continue?request={handle}")),
    };
    app.store.insert_flow(&flow, t).await?;
    let cookie = Cookie::Flow.set(&app.config, &flow_token, app.config.login_flow_timeout_s);
    let login_page = if dir.slug == crate::login::DEFAULT_DIRECTORY {
        "/".to_owned()
    } else {
        format!("/?directory={}", dir.slug)
    };
    Ok((AppendHeaders([cookie]), redirect(&login_page)).into_response())
}

/// Where the login page sends the browser once the login is complete.
#[utoipa::path(get, path = "/oauth2/authorize/continue", tag = "oidc",
    params(("request" = String, Query, description = "The parked authorization request")),
    responses((status = 303, description = "To the application with a code"), (status = 400, description = "An error page")))]
async fn authorize_continue(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> ApiResult<Response> {
    let expired = || {
        page(
            StatusCode::BAD_REQUEST,
            "This sign-in has expired",
            "Go back to the application and start again.",
        )
    };
    let Some(handle) = p.get("request") else {
        return Ok(expired());
    };
    let id = token::hash(handle);
    let Some((params, requested_at)) = app.store.oidc_request(&id, now()).await? else {
        return Ok(expired());
    };
    let req: AuthRequest =
        serde_json::from_str(&params).map_err(|e| ApiError::Internal(e.to_string()))?;
    let Some(client) = app.store.client(&req.client_id).await? else {
        return Ok(expired());
    };
    let session = load_session(&app, &headers)
        .await?
        .filter(|a| a.user.directory_id == client.directory_id);
    match session {
        Some(a) if satisfies(&a, &req, requested_at, now()) => {
            if !app.store.delete_oidc_request(&id).await? {
                return Ok(expired());
            }
            issue_code(&app, &client, &req, &a, ip.as_deref()).await
        }
        _ => Ok(page(
            StatusCode::FORBIDDEN,
            "Not logged in at the level asked for",
            &format!(
                "{} asks for level {}. Go back to the application and try again.",
                client.name, req.required_level
            ),
        )),
    }
}

/// An OAuth error answer.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut res = (
        status,
        AppJson(json!({"error": error, "error_description": description})),
    )
        .into_response();
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"authlevel\""),
        );
    }
    res
}

/// Authenticates the client of a token or revocation request:
/// `client_secret_basic`, `client_secret_post`, or none for public clients.
async fn client_auth(
    app: &AppState,
    headers: &HeaderMap,
    form: &Params,
) -> ApiResult<Result<ClientRow, Response>> {
    let invalid = || {
        oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        )
    };
    let basic = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(i, p)| (url_decode(i), url_decode(p)))
        });
    let (id, secret) = match basic {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (
            form.get("client_id").cloned(),
            form.get("client_secret").cloned(),
        ),
    };
    let Some(id) = id else {
        return Ok(Err(invalid()));
    };
    let Some(client) = app.store.client(&id).await? else {
        return Ok(Err(invalid()));
    };
    let ok = match (&client.secret_hash, &secret) {
        (Some(hash), Some(secret)) => oidc::same(hash, &oidc::secret_hash(app, secret)),
        (None, None) => true,
        _ => false,
    };
    if !ok {
        audit::event("oidc.client_auth", false)
            .directory(&client.directory_id)
            .detail(format!("client {}", client.id))
            .record(app)
            .await;
        return Ok(Err(invalid()));
    }
    Ok(Ok(client))
}

fn url_decode(s: &str) -> String {
    let hex = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn tokens(
    app: &AppState,
    client: &ClientRow,
    user_id: &str,
    family: &str,
    grant: &Grant,
) -> ApiResult<Response> {
    let t = now();
    let grant_json = serde_json::to_string(grant).map_err(|e| ApiError::Internal(e.to_string()))?;
    let access = token::new_token();
    let refresh = token::new_token();
    app.store
        .insert_oidc_token(
            &token::hash(&access),
            "access",
            &client.id,
            user_id,
            family,
            &grant_json,
            t,
            t + oidc::ACCESS_TTL_S,
        )
        .await?;
    app.store
        .insert_oidc_token(
            &token::hash(&refresh),
            "refresh",
            &client.id,
            user_id,
            family,
            &grant_json,
            t,
            t + oidc::REFRESH_TTL_S,
        )
        .await?;
    let id_token = oidc::id_token(app, &client.id, user_id, grant).await?;
    let mut res = AppJson(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": oidc::ACCESS_TTL_S,
        "refresh_token": refresh,
        "id_token": id_token,
        "scope": grant.scope.join(" "),
    }))
    .into_response();
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The token endpoint: `authorization_code` (with PKCE) and `refresh_token`
/// (rotating: a refresh token works once; a replay revokes its family).
#[utoipa::path(post, path = "/oauth2/token", tag = "oidc",
    request_body(content = Object, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = Object), (status = 400, body = Object), (status = 401, body = Object)))]
#[tracing::instrument(skip_all)]
async fn token_endpoint(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<Params>,
) -> ApiResult<Response> {
    let client = match client_auth(&app, &headers, &form).await? {
        Ok(c) => c,
        Err(res) => return Ok(res),
    };
    let bad = |why: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", why);
    let refuse = |why: &'static str| {
        let app = app.clone();
        let client = client.clone();
        let ip = ip.clone();
        async move {
            audit::event("oidc.token", false)
                .directory(&client.directory_id)
                .ip(ip.as_deref())
                .detail(format!("client {}: {why}", client.id))
                .record(&app)
                .await;
            bad(why)
        }
    };
    let t = now();
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some(code) = form.get("code") else {
                return Ok(refuse("code missing").await);
            };
            let code_id = token::hash(code);
            let (client_id, user_id, grant_json) =
                match app.store.use_oidc_code(&code_id, t).await? {
                    Ok(found) => found,
                    Err(replayed) => {
                        if replayed {
                            // A code used twice: whatever it bought is revoked.
                            app.store.revoke_family(&code_id, t).await?;
                            return Ok(refuse("authorization code used before").await);
                        }
                        return Ok(refuse("unknown or expired authorization code").await);
                    }
                };
            let grant: Grant =
                serde_json::from_str(&grant_json).map_err(|e| ApiError::Internal(e.to_string()))?;
            if client_id != client.id {
                return Ok(refuse("authorization code of another client").await);
            }
            if form.get("redirect_uri") != Some(&grant.redirect_uri) {
                return Ok(refuse("redirect_uri does not match").await);
            }
            let pkce = match (&grant.code_challenge, form.get("code_verifier")) {
                (Some(ch), Some(v)) => oidc::pkce_ok(ch, v),
                (None, None) => true,
                _ => false,
            };
            if !pkce {
                return Ok(refuse("PKCE verifier missing or wrong").await);
            }
            if app.store.user(&user_id).await?.is_none_or(|u| u.disabled) {
                return Ok(refuse("account disabled").await);
            }
            audit::event("oidc.token", true)
                .directory(&client.directory_id)
                .user(Some(&user_id))
                .ip(ip.as_deref())
                .detail(format!("client {}: authorization_code", client.id))
                .record(&app)
                .await;
            tokens(&app, &client, &user_id, &code_id, &grant).await
        }
        Some("refresh_token") => {
            let Some(rt) = form.get("refresh_token") else {
                return Ok(refuse("refresh_token missing").await);
            };
            let row = match app.store.use_refresh_token(&token::hash(rt), t).await? {
                Ok(row) => row,
                Err(Some(family)) => {
                    app.store.revoke_family(&family, t).await?;
                    return Ok(refuse("refresh token used before; its family is revoked").await);
                }
                Err(None) => return Ok(refuse("unknown, expired or revoked refresh token").await),
            };
            if row.client_id != client.id {
                return Ok(refuse("refresh token of another client").await);
            }
            if app
                .store
                .user(&row.user_id)
                .await?
                .is_none_or(|u| u.disabled)
            {
                return Ok(refuse("account disabled").await);
            }
            let mut grant: Grant = serde_json::from_str(&row.grant_data)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            grant.nonce = None;
            audit::event("oidc.token", true)
                .directory(&client.directory_id)
                .user(Some(&row.user_id))
                .ip(ip.as_deref())
                .detail(format!("client {}: refresh_token", client.id))
                .record(&app)
                .await;
            tokens(&app, &client, &row.user_id, &row.family, &grant).await
        }
        _ => Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "use authorization_code or refresh_token",
        )),
    }
}

async fn userinfo(app: &AppState, headers: &HeaderMap) -> ApiResult<Response> {
    let unauthorized = || {
        let mut res = StatusCode::UNAUTHORIZED.into_response();
        res.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        res
    };
    let Some(bearer) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Ok(unauthorized());
    };
    let Some(row) = app
        .store
        .oidc_token(&token::hash(bearer.trim()), "access", now())
        .await?
    else {
        return Ok(unauthorized());
    };
    let Some(user) = app.store.user(&row.user_id).await?.filter(|u| !u.disabled) else {
        return Ok(unauthorized());
    };
    let grant: Grant =
        serde_json::from_str(&row.grant_data).map_err(|e| ApiError::Internal(e.to_string()))?;
    let has = |s: &str| grant.scope.iter().any(|g| g == s);
    let mut claims = json!({"sub": user.id});
    if has("profile") {
        claims["name"] = json!(user.display_name);
        claims["preferred_username"] = json!(user.username);
    }
    if has("email")
        && let Some(e) = &user.email
    {
        claims["email"] = json!(e);
        claims["email_verified"] = json!(true);
    }
    if has("phone")
        && let Some(p) = &user.phone
    {
        claims["phone_number"] = json!(p);
        claims["phone_number_verified"] = json!(true);
    }
    Ok(AppJson(claims).into_response())
}

/// Claims about the user of an access token, by its scopes.
#[utoipa::path(get, path = "/oauth2/userinfo", tag = "oidc", responses((status = 200, body = Object), (status = 401)))]
async fn userinfo_get(State(app): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    userinfo(&app, &headers).await
}

/// Claims about the user of an access token (POST form).
#[utoipa::path(post, path = "/oauth2/userinfo", tag = "oidc", responses((status = 200, body = Object), (status = 401)))]
async fn userinfo_post(State(app): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    userinfo(&app, &headers).await
}

/// Revokes a token (RFC 7009); a refresh token takes its family along.
#[utoipa::path(post, path = "/oauth2/revoke", tag = "oidc",
    request_body(content = Object, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200), (status = 401, body = Object)))]
async fn revoke(
    State(app): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<Params>,
) -> ApiResult<Response> {
    let client = match client_auth(&app, &headers, &form).await? {
        Ok(c) => c,
        Err(res) => return Ok(res),
    };
    if let Some(t) = form.get("token")
        && let Some((owner, family)) = app.store.token_owner(&token::hash(t)).await?
        && owner == client.id
    {
        app.store.revoke_family(&family, now()).await?;
        audit::event("oidc.revoke", true)
            .directory(&client.directory_id)
            .detail(format!("client {}", client.id))
            .record(&app)
            .await;
    }
    Ok(StatusCode::OK.into_response())
}

/// RP-initiated logout: ends the session on the server, then returns to a
/// registered post-logout URI of the client the ID token names.
#[utoipa::path(get, path = "/oauth2/logout", tag = "oidc",
    responses((status = 303, description = "To the registered post-logout URI"), (status = 200, description = "A logged-out page")))]
async fn logout(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> ApiResult<Response> {
    let c = &app.config;
    if let Some(t) = Cookie::Session.read(c, &headers) {
        let id = token::hash(&t);
        if let Some(a) = load_session(&app, &headers).await? {
            audit::event("logout", true)
                .user(Some(&a.user.id))
                .ip(ip.as_deref())
                .detail("OpenID Connect logout")
                .record(&app)
                .await;
        }
        app.store.delete_session(&id).await?;
    }
    let clear = AppendHeaders([Cookie::Session.clear(c), Cookie::Flow.clear(c)]);
    let hint = match p.get("id_token_hint") {
        Some(jwt) => oidc::verified_claims(&app, jwt).await,
        None => None,
    };
    let client_id = p.get("client_id").cloned().or_else(|| {
        hint.as_ref()
            .and_then(|h| h["aud"].as_str().map(str::to_owned))
    });
    if let (Some(uri), Some(cid)) = (p.get("post_logout_redirect_uri"), client_id)
        && let Some(client) = app.store.client(&cid).await?
        && client.post_logout_redirect_uris.iter().any(|u| u == uri)
    {
        let to = match p.get("state") {
            Some(s) => with_query(uri, &[("state", s)]),
            None => uri.clone(),
        };
        return Ok((clear, redirect(&to)).into_response());
    }
    Ok((
        clear,
        page(
            StatusCode::OK,
            "You are logged out",
            "You can close this window.",
        ),
    )
        .into_response())
}

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

fn check_uri(uri: &str) -> ApiResult<()> {
    let local = ["http://localhost", "http://127.0.0.1", "http://[::1]"]
        .iter()
        .any(|p| {
            uri.strip_prefix(p).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with(':') || rest.starts_with('/')
            })
        });
    let ok = (uri.starts_with("https://") || local)
        && !uri.contains('#')
        && uri.len() <= 2000
        && !uri.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "`{}` is not a redirect URI this login accepts: use https://, or http://localhost for development, without a #fragment.",
            uri.chars().take(200).collect::<String>()
        )))
    }
}

/// The directory's applications.
#[utoipa::path(get, path = "/api/admin/directories/{id}/clients", tag = "admin",
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 200, body = Vec<ClientInfo>), (status = 403, body = Problem)))]
async fn list_clients(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<AppJson<Vec<ClientInfo>>> {
    require_admin(&app, &auth, &id).await?;
    Ok(AppJson(
        app.store
            .clients(&id)
            .await?
            .iter()
            .map(client_info)
            .collect(),
    ))
}

/// Registers an application; a confidential client's secret is answered once.
#[utoipa::path(post, path = "/api/admin/directories/{id}/clients", tag = "admin", request_body = CreateClientRequest,
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 201, body = CreatedClient), (status = 400, body = Problem), (status = 403, body = Problem)))]
async fn create_client(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: Authenticated,
    Path(id): Path<String>,
    AppJson(req): AppJson<CreateClientRequest>,
) -> ApiResult<(StatusCode, AppJson<CreatedClient>)> {
    require_admin(&app, &auth, &id).await?;
    let dir = app.store.directory(&id).await?.ok_or_else(|| {
        ApiError::with(ErrorCode::NotFound, "There is no directory with this id.")
    })?;
    let name = display_name(&req.name)?;
    if req.redirect_uris.is_empty() {
        return Err(ApiError::invalid(
            "An application needs at least one redirect URI.",
        ));
    }
    for u in req
        .redirect_uris
        .iter()
        .chain(&req.post_logout_redirect_uris)
    {
        check_uri(u)?;
    }
    let scopes = req
        .scopes
        .clone()
        .unwrap_or_else(|| oidc::SCOPES.iter().map(|s| (*s).to_owned()).collect());
    if let Some(bad) = scopes.iter().find(|s| !oidc::SCOPES.contains(&s.as_str())) {
        return Err(ApiError::invalid(format!(
            "Unknown scope `{bad}`; use openid, profile, email, phone."
        )));
    }
    if !scopes.iter().any(|s| s == "openid") {
        return Err(ApiError::invalid("The scopes must include openid."));
    }
    let min_level = req.min_level.unwrap_or(dir.policy.required_level);
    if min_level > authlevel_core::MAX_LEVEL {
        return Err(ApiError::invalid("The minimum level is at most 1000."));
    }
    let secret = (!req.public).then(token::new_token);
    let row = ClientRow {
        id: token::new_id(),
        directory_id: dir.id.clone(),
        name,
        secret_hash: secret.as_deref().map(|s| oidc::secret_hash(&app, s)),
        redirect_uris: req.redirect_uris.clone(),
        post_logout_redirect_uris: req.post_logout_redirect_uris.clone(),
        scopes,
        min_level,
        created_at: now(),
    };
    app.store.insert_client(&row).await?;
    audit::event("client.create", true)
        .directory(&dir.id)
        .actor(&auth.user.id)
        .ip(ip.as_deref())
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
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_client(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let client = app.store.client(&id).await?.ok_or_else(|| {
        ApiError::with(ErrorCode::NotFound, "There is no application with this id.")
    })?;
    require_admin(&app, &auth, &client.directory_id).await?;
    app.store.delete_client(&client.id).await?;
    audit::event("client.delete", true)
        .directory(&client.directory_id)
        .actor(&auth.user.id)
        .ip(ip.as_deref())
        .detail(format!("client {}", client.id))
        .record(&app)
        .await;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_building_and_decoding() {
        assert_eq!(
            with_query("https://a.example/cb", &[("code", "x y"), ("state", "s&t")]),
            "https://a.example/cb?code=x%20y&state=s%26t"
        );
        assert_eq!(
            with_query("https://a.example/cb?x=1", &[("code", "c")]),
            "https://a.example/cb?x=1&code=c"
        );
        assert_eq!(url_decode("a%3Ab+c%2"), "a:b c%2");
        assert_eq!(escape("<b>\"x\"</b>"), "&lt;b&gt;&quot;x&quot;&lt;/b&gt;");
    }

    #[test]
    fn redirect_uris() {
        assert!(check_uri("https://app.example.com/callback").is_ok());
        assert!(check_uri("http://localhost:3000/cb").is_ok());
        assert!(check_uri("http://localhost.evil.com/cb").is_err());
        assert!(check_uri("http://app.example.com/cb").is_err());
        assert!(check_uri("https://app.example.com/cb#x").is_err());
    }
}
