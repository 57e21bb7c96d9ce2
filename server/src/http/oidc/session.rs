//! What an application asks about a logged-in user: the userinfo endpoint,
//! and RP-initiated logout (confirmed by the person unless the application
//! names them with an ID token).

use super::{OAuthForm, OAuthResult, Params, escape, page, redirect, with_query};
use crate::audit;
use crate::clock::now;
use crate::http::answers::router;
use crate::http::cookies::Cookie;
use crate::http::error::AppJson;
use crate::login::Browser;
use crate::oidc::{self, Grant};
use crate::session;
use crate::state::AppState;
use crate::text;
use crate::token;
use authlevel_core::AuditKind;
use axum::extract::{Query, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_SECURITY_POLICY, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{AppendHeaders, Html, IntoResponse, Response};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    router![userinfo_get, userinfo_post, logout, logout_confirmed]
}

/// The parameters of an RP-initiated logout (OpenID Connect RP-Initiated
/// Logout 1.0), for the document; all optional, unknown ones ignored.
#[derive(utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct LogoutParams {
    /// An ID token this server issued; when it names the session's user,
    /// the logout needs no confirmation.
    id_token_hint: Option<String>,
    /// The application, when there is no hint.
    client_id: Option<String>,
    /// Where to return: one of the application's registered post-logout
    /// URIs, else nowhere.
    post_logout_redirect_uri: Option<String>,
    /// Returned with the redirect.
    state: Option<String>,
}

/// The form of a confirmed logout: the parameters of the GET.
type LogoutForm = LogoutParams;

async fn userinfo(app: &AppState, headers: &HeaderMap) -> OAuthResult<Response> {
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
        .oidc_token(
            &token::hash(bearer.trim()),
            "access",
            now(),
            now() - app.config.session_idle_timeout_s,
        )
        .await?
    else {
        return Ok(unauthorized());
    };
    let Some(user) = app.store.user(&row.user_id).await?.filter(|u| !u.disabled) else {
        return Ok(unauthorized());
    };
    let grant: Grant = serde_json::from_str(&row.grant_data)?;
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

/// The userinfo endpoint's route for one HTTP method: the two differ only
/// in the method, the operation id and the words.
macro_rules! userinfo_route {
    ($(#[doc = $doc:literal])* $method:ident $name:ident = $operation_id:literal) => {
        $(#[doc = $doc])*
        #[utoipa::path($method, path = "/oauth2/userinfo", tag = "oidc", operation_id = $operation_id,
            params(("Authorization" = Option<String>, Header, description = "`Bearer` and an access token")),
            responses((status = 200, body = Object, description = "The claims"),
                      (status = 401, description = "No valid access token (`WWW-Authenticate: Bearer`)")))]
        async fn $name(State(app): State<AppState>, headers: HeaderMap) -> OAuthResult<Response> {
            userinfo(&app, &headers).await
        }
    };
}

userinfo_route!(
    /// Claims about the user of an access token, by its scopes.
    get userinfo_get = "userinfo"
);

userinfo_route!(
    /// Claims about the user of an access token (POST form).
    post userinfo_post = "userinfo_post"
);

/// RP-initiated logout. With an `id_token_hint` this server signed for
/// the session's user, it ends the session at once and returns to a
/// registered post-logout URI of the client the token (or `client_id`)
/// names. Without one, a link from anywhere could log people out, so a
/// browser holding a session gets a page that asks first; its button POSTs
/// the same parameters here (under the `Origin` check of every POST).
#[utoipa::path(get, path = "/oauth2/logout", tag = "oidc", operation_id = "oidc_logout",
    params(LogoutParams),
    responses(
        (status = 303, description = "To the registered post-logout URI"),
        (status = 200, body = String, content_type = "text/html", description = "A logged-out page, or (without a valid `id_token_hint`, while a session is open) a page asking to confirm the logout")))]
async fn logout(
    State(app): State<AppState>,
    browser: Browser,
    Query(p): Query<Params>,
) -> OAuthResult<Response> {
    let hint = match p.get("id_token_hint") {
        Some(jwt) => oidc::verified_claims(&app, jwt).await,
        None => None,
    };
    if let Some(auth) = session::load(&app, browser.session.as_deref()).await?
        && hint.as_ref().and_then(|h| h["sub"].as_str()) != Some(auth.user.id.as_str())
    {
        let back = return_to(&app, &p, hint.as_ref()).await?;
        return Ok(confirmation(&app, &auth.user.username, &p, back.as_deref()));
    }
    end_session(&app, &browser, &p, hint.as_ref()).await
}

/// The logout a person confirmed on the page [`logout`] showed: ends the
/// session, then returns as a logout with a valid hint does.
#[utoipa::path(post, path = "/oauth2/logout", tag = "oidc", operation_id = "oidc_logout_confirmed",
    request_body(content = LogoutForm, content_type = "application/x-www-form-urlencoded",
        description = "The parameters of the GET"),
    responses(
        (status = 303, description = "To the registered post-logout URI"),
        (status = 200, body = String, content_type = "text/html", description = "A logged-out page"),
        (status = 400, body = super::OAuthErrorBody, description = "`invalid_request`: not a form")))]
async fn logout_confirmed(
    State(app): State<AppState>,
    browser: Browser,
    OAuthForm(p): OAuthForm,
) -> OAuthResult<Response> {
    let hint = match p.get("id_token_hint") {
        Some(jwt) => oidc::verified_claims(&app, jwt).await,
        None => None,
    };
    end_session(&app, &browser, &p, hint.as_ref()).await
}

/// Ends the browser's session (audited), clears its cookies, and returns to
/// the registered post-logout URI, or shows a logged-out page.
async fn end_session(
    app: &AppState,
    browser: &Browser,
    p: &Params,
    hint: Option<&serde_json::Value>,
) -> OAuthResult<Response> {
    let c = &app.config;
    if let Some(t) = &browser.session {
        let id = token::hash(t);
        if let Some(a) = session::load(app, Some(t)).await? {
            audit::event(AuditKind::Logout, true)
                .user(Some(&a.user.id))
                .ip(browser.ip())
                .detail("OpenID Connect logout")
                .record(app)
                .await;
        }
        app.store.delete_session(&id).await?;
    }
    let clear = AppendHeaders([Cookie::Session.clear(c), Cookie::Flow.clear(c)]);
    if let Some(to) = return_to(app, p, hint).await? {
        return Ok((clear, redirect(&to)).into_response());
    }
    Ok((
        clear,
        page(
            StatusCode::OK,
            &crate::text::logged_out_title(crate::lang::current()),
            &crate::text::logged_out(crate::lang::current()),
        ),
    )
        .into_response())
}

/// Where a logout returns to: `post_logout_redirect_uri` (with `state`)
/// when the client `client_id` or the hint's audience names registered it.
async fn return_to(
    app: &AppState,
    p: &Params,
    hint: Option<&serde_json::Value>,
) -> OAuthResult<Option<String>> {
    let client_id = p
        .get("client_id")
        .cloned()
        .or_else(|| hint.and_then(|h| h["aud"].as_str().map(str::to_owned)));
    if let (Some(uri), Some(cid)) = (p.get("post_logout_redirect_uri"), client_id)
        && let Some(client) = app.store.client(&cid).await?
        && client.post_logout_redirect_uris.iter().any(|u| u == uri)
    {
        return Ok(Some(match p.get("state") {
            Some(s) => with_query(uri, &[("state", s)]),
            None => uri.clone(),
        }));
    }
    Ok(None)
}

/// The page asking `username` to confirm the logout: a form that POSTs the
/// request's parameters back, no script (the CSP allows none). Its own CSP
/// lets the form's answer redirect to `back`'s origin (browsers hold a
/// form's redirects to `form-action`), and its referrer policy makes the
/// browser send this site's `Origin` with the POST (under `no-referrer` a
/// form sends `Origin: null`, which the CSRF guard refuses).
fn confirmation(app: &AppState, username: &str, p: &Params, back: Option<&str>) -> Response {
    let mut fields = String::new();
    let mut names: Vec<&String> = p.keys().collect();
    names.sort();
    for name in names {
        fields.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(name),
            escape(&p[name])
        ));
    }
    let lang = crate::lang::current();
    let question = text::logout_question(lang);
    let body = format!(
        "<!doctype html><html lang=\"{lang}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <meta name=\"referrer\" content=\"same-origin\"><title>{question}</title><h1>{question}</h1>\
         <p>{why}</p>\
         <form method=\"post\" action=\"{action}\">{fields}<button type=\"submit\">{button}</button></form>\
         <p><a href=\"/\">{stay}</a></p></html>",
        lang = lang.as_str(),
        question = escape(&question),
        why = escape(&text::logout_why(lang, username)),
        button = escape(&text::logout_button(lang)),
        stay = escape(&text::stay_logged_in(lang)),
        action = escape(&format!("{}/oauth2/logout", app.config.public_url)),
    );
    let back_origin = back.and_then(origin_of).unwrap_or_default();
    let csp = format!(
        "default-src 'none'; base-uri 'none'; form-action 'self'{}{back_origin}; frame-ancestors 'none'",
        if back_origin.is_empty() { "" } else { " " },
    );
    let mut res = (StatusCode::OK, Html(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.headers_mut().insert(CONTENT_SECURITY_POLICY, v);
    }
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The origin (`https://host:port`) of an absolute http(s) URL, when it is
/// plain enough to name in a CSP source list.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    (matches!(scheme, "http" | "https") && !authority.is_empty() && authority.chars().all(plain))
        .then(|| format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn origins_for_the_csp() {
        for (uri, origin) in [
            (
                "https://wiki.example.com:8443/bye?x=1",
                Some("https://wiki.example.com:8443"),
            ),
            ("http://[::1]:9/bye", Some("http://[::1]:9")),
            ("https://a.example;script-src *", None),
            ("javascript:alert(1)", None),
        ] {
            assert_eq!(origin_of(uri).as_deref(), origin, "{uri}");
        }
    }
}
