//! The authorization endpoint (code flow) and where the login page sends
//! the browser back to once the login is complete.

use super::{OAuthError, OAuthResult, Params, client_event, redirect, with_query};
use crate::audit;
use crate::clock::now;
use crate::http::answers::router;
use crate::http::cookies::Cookie;
use crate::http::extract::{ClientIp, RateLimited};
use crate::limits;
use crate::login::DEFAULT_DIRECTORY;
use crate::oidc::{self, AuthError, AuthRequest, Grant};
use crate::session::{self, Authenticated};
use crate::state::AppState;
use crate::store::{ClientRow, FlowRow};
use crate::token;
use authlevel_core::{AuditKind, MethodSet, MethodTimes, Policy, Signals};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    router![authorize, authorize_continue]
}

/// The parameters of an authorization request, as `oidc::AuthRequest`
/// checks them (for the document; the handler reads them from the query).
/// Once the client and its redirect URI are known, a request that breaks
/// any other rule goes back to the application as an error redirect
/// (RFC 6749 §4.1.2.1), not to a page.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AuthorizeParams {
    /// The application's `client_id`; unknown: an error page (400).
    #[param(min_length = 1)]
    client_id: String,
    /// One of the application's registered redirect URIs, exactly;
    /// otherwise an error page (400).
    #[param(min_length = 1)]
    redirect_uri: String,
    /// Only the authorization code flow.
    #[param(pattern = "^code$")]
    response_type: String,
    /// Space-separated scopes: `openid` and any of `profile`, `email`,
    /// `phone` the application may use.
    #[param(
        pattern = "^[ ]*(?:(?:openid|profile|email|phone)[ ]+)*openid(?:[ ]+(?:openid|profile|email|phone))*[ ]*$"
    )]
    scope: String,
    /// Returned to the application as is.
    state: Option<String>,
    /// Put in the ID token.
    nonce: Option<String>,
    /// PKCE (RFC 7636): the base64url SHA-256 of the verifier, 43 to 128
    /// unreserved characters. Required of public clients.
    #[param(pattern = "^[A-Za-z0-9._~-]{43,128}$")]
    code_challenge: Option<String>,
    /// `S256`, with a `code_challenge`.
    #[param(pattern = "^S256$")]
    code_challenge_method: Option<String>,
    /// The most seconds since the login the application accepts.
    #[param(minimum = 0)]
    max_age: Option<i64>,
    /// Space-separated: `login` asks for a new login, `none` for no login
    /// page (an error when the session does not do); others are ignored.
    prompt: Option<String>,
    /// Space-separated levels the login must reach (the highest counts),
    /// each at most 1000.
    #[param(pattern = "^[ ]*(?:[+]?0*(?:[0-9]{1,3}|1000)(?:[ ]+|$))*$")]
    acr_values: Option<String>,
    /// A JSON object (OpenID Connect Core §5.5); an essential `acr` in its
    /// `id_token` member asks for a level, as `acr_values` does.
    claims: Option<String>,
}

fn satisfies(
    a: &Authenticated,
    policy: &Policy,
    req: &AuthRequest,
    requested_at: i64,
    t: i64,
) -> bool {
    // Only the methods within their lifetime count.
    let (level, _) = session::counts_at(&a.session, policy, t);
    req.satisfied_by(level, a.session.authenticated_at, requested_at, t)
}

/// The session of the request's cookie, if it is in the client's directory.
async fn session_for(
    app: &AppState,
    headers: &HeaderMap,
    client: &ClientRow,
) -> OAuthResult<Option<Authenticated>> {
    let token = Cookie::Session.read(&app.config, headers);
    Ok(session::load(app, token.as_deref())
        .await?
        .filter(|a| a.user.directory_id == client.directory_id))
}

/// A code for the session `a`: its `acr` is the level now, its `amr` the
/// methods that count now (under `policy`'s lifetimes).
async fn issue_code(
    app: &AppState,
    client: &ClientRow,
    policy: &Policy,
    req: &AuthRequest,
    a: &Authenticated,
    ip: Option<&str>,
) -> OAuthResult<Response> {
    let code = token::new_token();
    let t = now();
    let (level, live) = session::counts_at(&a.session, policy, t);
    let grant = Grant {
        scope: req.scope.clone(),
        nonce: req.nonce.clone(),
        redirect_uri: req.redirect_uri.clone(),
        code_challenge: req.code_challenge.clone(),
        auth_time: a.session.authenticated_at,
        acr: level,
        amr: oidc::amr(live),
    };
    let grant_json = serde_json::to_string(&grant)?;
    app.store
        .insert_oidc_code(
            &token::hash(&code),
            &client.id,
            &a.user.id,
            &a.session.public_id,
            &grant_json,
            t,
            t + oidc::CODE_TTL_S,
        )
        .await?;
    audit::event(AuditKind::OidcAuthorize, true)
        .on_user(&a.user)
        .ip(ip)
        .detail(format!("client {} at level {level}", client.id))
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

/// An error sent back to the application's redirect URI.
fn to_client(
    app: &AppState,
    redirect_uri: &str,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> OAuthError {
    let mut pairs = vec![
        ("error", error),
        ("error_description", description),
        ("iss", app.config.public_url.as_str()),
    ];
    if let Some(s) = state {
        pairs.push(("state", s));
    }
    OAuthError::ToClient {
        location: with_query(redirect_uri, &pairs),
    }
}

/// The authorization endpoint (code flow). An existing session at the level
/// asked for is reused; otherwise the browser goes through the login page,
/// which resumes from what the session verified and asks only for the
/// missing points, and comes back.
#[utoipa::path(get, path = "/oauth2/authorize", tag = "oidc", operation_id = "authorize",
    params(AuthorizeParams),
    responses((status = 303, description = "To the application's redirect URI (with a code, or with an error for a request that breaks a rule), or to the login page"),
              (status = 400, body = String, content_type = "text/html", description = "An error page: unknown client or unregistered redirect URI")))]
async fn authorize(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    _: RateLimited,
    Query(p): Query<Params>,
) -> OAuthResult<Response> {
    let client = match p.get("client_id").filter(|v| !v.is_empty()) {
        Some(id) => app.store.client(id).await?,
        None => None,
    };
    let Some(client) = client else {
        return Err(OAuthError::page(
            StatusCode::BAD_REQUEST,
            crate::text::oidc_unknown_app_title(crate::lang::current()),
            crate::text::oidc_unknown_app(crate::lang::current()),
        ));
    };
    let dir = app.store.directory(&client.directory_id).await?;
    let level = dir.as_ref().map_or(0, |d| d.policy.required_level);
    let req = match AuthRequest::from_query(&p, &client, level) {
        Ok(req) => req,
        Err(AuthError::UnregisteredRedirect) => {
            client_event(
                AuditKind::OidcAuthorize,
                false,
                &client,
                "unregistered redirect URI",
            )
            .ip(ip.as_deref())
            .record(&app)
            .await;
            return Err(OAuthError::page(
                StatusCode::BAD_REQUEST,
                crate::text::oidc_no_return_title(crate::lang::current()),
                crate::text::oidc_no_return(crate::lang::current()),
            ));
        }
        Err(AuthError::ToClient {
            redirect_uri,
            state,
            error,
            description,
        }) => {
            return Err(to_client(
                &app,
                &redirect_uri,
                state.as_deref(),
                error,
                description,
            ));
        }
    };
    let refuse = |error, why| to_client(&app, &req.redirect_uri, req.state.as_deref(), error, why);
    let Some(dir) = dir else {
        return Err(refuse(
            "server_error",
            "the application's directory is gone",
        ));
    };
    let t = now();
    let session = session_for(&app, &headers, &client).await?;
    if let Some(a) = &session
        && satisfies(a, &dir.policy, &req, t, t)
    {
        return issue_code(&app, &client, &dir.policy, &req, a, ip.as_deref()).await;
    }
    if req.prompt_none {
        return Err(refuse(
            "login_required",
            "the user must log in, or log in at a higher level",
        ));
    }
    // Park the request and send the browser to the login page. A step-up
    // keeps what the session verified and still counts (within its
    // lifetime); prompt=login and an exceeded max_age start over.
    let handle = token::new_token();
    let params = serde_json::to_string(&req)?;
    let mut tx = app.store.begin().await?;
    limits::take(
        &mut tx,
        limits::MINUTE,
        &limits::anonymous_write(&app, ip.as_deref()),
        crate::text::too_many_sign_in_requests,
    )
    .await?;
    tx.insert_oidc_request(
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
    let live = |a: &Authenticated| dir.policy.max_age_s.live_times(&a.session.times, t);
    let flow_token = token::new_token();
    let flow = FlowRow {
        id: token::hash(&flow_token),
        directory_id: client.directory_id.clone(),
        user_id: carried.as_ref().map(|a| a.user.id.clone()),
        verified: carried.as_ref().map_or(MethodSet::EMPTY, |a| {
            a.session.methods.intersection(live(a).methods())
        }),
        times: carried.as_ref().map_or(MethodTimes::default(), live),
        session_expires_at: carried.as_ref().map(|a| a.session.expires_at),
        expires_at: t + app.config.login_flow_timeout_s,
        required_level: Some(req.required_level),
        client_name: Some(client.name.clone()),
        client_id: Some(client.id.clone()),
        continue_to: Some(format!("/oauth2/authorize/continue?request={handle}")),
        signals: Signals::NONE,
    };
    tx.insert_flow(&flow, t).await?;
    tx.commit().await?;
    let cookie = Cookie::Flow.set(&app.config, &flow_token, app.config.login_flow_timeout_s);
    let login_page = if dir.slug == DEFAULT_DIRECTORY {
        "/".to_owned()
    } else {
        format!("/?directory={}", dir.slug)
    };
    Ok((AppendHeaders([cookie]), redirect(&login_page)).into_response())
}

/// Where the login page sends the browser once the login is complete.
#[utoipa::path(get, path = "/oauth2/authorize/continue", tag = "oidc", operation_id = "authorize_continue",
    params(("request" = String, Query, description = "The parked authorization request (from the login's `continue_to`)")),
    responses((status = 303, description = "To the application with a code"),
              (status = 400, body = String, content_type = "text/html", description = "An error page: no `request`"),
              (status = 403, body = String, content_type = "text/html", description = "An error page: not logged in at the level the application asks for"),
              (status = 404, body = String, content_type = "text/html", description = "An error page: the request is unknown, used or expired")))]
async fn authorize_continue(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> OAuthResult<Response> {
    let page = |status| {
        OAuthError::page(
            status,
            crate::text::oidc_expired_title(crate::lang::current()),
            crate::text::oidc_start_again(crate::lang::current()),
        )
    };
    // A handle that names no parked request names nothing: 404.
    let expired = || page(StatusCode::NOT_FOUND);
    let handle = p
        .get("request")
        .ok_or_else(|| page(StatusCode::BAD_REQUEST))?;
    let id = token::hash(handle);
    let (params, requested_at) = app
        .store
        .oidc_request(&id, now())
        .await?
        .ok_or_else(expired)?;
    let req: AuthRequest = serde_json::from_str(&params)?;
    let client = app
        .store
        .client(&req.client_id)
        .await?
        .ok_or_else(expired)?;
    let policy = app
        .store
        .directory(&client.directory_id)
        .await?
        .ok_or_else(expired)?
        .policy;
    match session_for(&app, &headers, &client).await? {
        Some(a) if satisfies(&a, &policy, &req, requested_at, now()) => {
            if !app.store.delete_oidc_request(&id).await? {
                return Err(expired());
            }
            issue_code(&app, &client, &policy, &req, &a, ip.as_deref()).await
        }
        _ => Err(OAuthError::page(
            StatusCode::FORBIDDEN,
            crate::text::oidc_level_title(crate::lang::current()),
            crate::text::oidc_level(crate::lang::current(), &client.name, req.required_level),
        )),
    }
}
