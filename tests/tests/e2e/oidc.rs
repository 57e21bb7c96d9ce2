//! OpenID Connect with an independent relying party (the `openidconnect`
//! crate): discovery, code + PKCE through a real login, ID token checks,
//! `acr`/`amr`, refresh rotation, step-up, logout, and the refusals.

use crate::harness::{
    Api, PASSWORD, Server, create_user, pyotp_code, set_policy, two_factor, with_admin_env,
};
use crate::receivers::{SmsGateway, SmtpSink, first_code};
use openidconnect::core::{CoreClient, CoreIdTokenClaims, CoreProviderMetadata, CoreResponseType};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use serde_json::{Value, json};

const PHONE: &str = "+41791234567";
const CALLBACK: &str = "http://localhost:9/callback";

struct Ctx {
    server: Server,
    admin: Api,
    dir: String,
    sms: SmsGateway,
    smtp: SmtpSink,
    http: openidconnect::reqwest::Client,
}

async fn start() -> Ctx {
    let sms = SmsGateway::start().await;
    let smtp = SmtpSink::start();
    let mut env = sms.env();
    env.extend(smtp.env());
    env.push(("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".into()));
    let (server, admin, dir) = with_admin_env(&env).await;
    create_user(&server, &admin, &dir, json!({"username": "olga", "phone": PHONE, "email": "olga@example.com", "display_name": "Olga"})).await;
    let http = openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Ctx {
        server,
        admin,
        dir,
        sms,
        smtp,
        http,
    }
}

impl Ctx {
    /// The `two-factor` policy: the administrator's last write, as their
    /// password alone is then no fresh login (register the clients first).
    async fn two_factor(&self) {
        set_policy(&self.admin, &self.dir, two_factor()).await;
    }

    /// Registers a client; answers (client_id, secret).
    async fn client(&self, name: &str, extra: Value) -> (String, Option<String>) {
        let mut body = json!({"name": name, "redirect_uris": [CALLBACK], "post_logout_redirect_uris": ["http://localhost:9/bye"]});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = self
            .admin
            .post(
                &format!("/api/admin/directories/{}/clients", self.dir),
                body,
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        (
            r.json["client"]["client_id"].as_str().unwrap().to_owned(),
            r.json["client_secret"].as_str().map(str::to_owned),
        )
    }

    async fn rp(
        &self,
        id: &str,
        secret: Option<&str>,
    ) -> CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    > {
        let meta = CoreProviderMetadata::discover_async(
            IssuerUrl::new(self.server.public_url.clone()).unwrap(),
            &self.http,
        )
        .await
        .expect("discovery");
        CoreClient::from_provider_metadata(
            meta,
            ClientId::new(id.into()),
            secret.map(|s| ClientSecret::new(s.into())),
        )
        .set_redirect_uri(RedirectUrl::new(CALLBACK.into()).unwrap())
    }

    /// Password then SMS in `browser`'s current login.
    async fn password_and_sms(&self, browser: &Api) -> Value {
        let r = browser.password_login("olga", PASSWORD).await;
        assert_eq!(r.json["status"], "in_progress", "{}", r.text);
        assert_eq!(
            browser.post("/api/login/sms/send", json!({})).await.status,
            200
        );
        let code = self.sms.last_to(PHONE).code();
        let r = browser
            .post("/api/login/sms/verify", json!({"code": code}))
            .await;
        assert_eq!(r.json["status"], "complete", "{}", r.text);
        r.json
    }
}

fn location(r: &crate::harness::Resp) -> String {
    r.headers
        .get("location")
        .expect("a redirect")
        .to_str()
        .unwrap()
        .to_owned()
}

fn query(url: &str, key: &str) -> Option<String> {
    let u = openidconnect::url::Url::parse(url).unwrap();
    u.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Follows an authorization URL in `browser`, answers where it went. The
/// URL names the public origin (localhost); the browser's cookies are kept
/// for the address the harness talks to, so the path is sent there.
async fn visit(browser: &Api, url: &str) -> crate::harness::Resp {
    let u = openidconnect::url::Url::parse(url).unwrap();
    let path = format!("{}?{}", u.path(), u.query().unwrap_or(""));
    browser.get(&path).await
}

#[tokio::test]
async fn code_flow_with_pkce_through_a_real_login_refresh_rotation_and_logout() {
    let ctx = start().await;
    let (id, secret) = ctx.client("Wiki", json!({})).await;
    ctx.two_factor().await;
    let rp = ctx.rp(&id, secret.as_deref()).await;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = rp
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();

    // No session: to the login page, with the login flow set.
    let browser = ctx.server.client();
    let r = visit(&browser, url.as_str()).await;
    assert_eq!(r.status, 303);
    assert_eq!(location(&r), "/");
    let state = ctx.password_and_sms(&browser).await;
    let cont = state["continue_to"]
        .as_str()
        .expect("the login says where to go on")
        .to_owned();
    let r = browser.get(&cont).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let back = location(&r);
    assert!(back.starts_with(CALLBACK), "{back}");
    assert_eq!(
        query(&back, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    let code = query(&back, "code").unwrap();

    let tokens = rp
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&ctx.http)
        .await
        .expect("token exchange");
    let claims: &CoreIdTokenClaims = tokens
        .id_token()
        .unwrap()
        .claims(&rp.id_token_verifier(), &nonce)
        .expect("a valid ID token");
    assert_eq!(claims.auth_context_ref().map(|a| a.as_str()), Some("30"));
    let amr: Vec<&str> = claims
        .auth_method_refs()
        .unwrap()
        .iter()
        .map(|a| a.as_str())
        .collect();
    assert_eq!(amr, vec!["pwd", "sms", "mfa"]);
    assert!(claims.auth_time().is_some());

    let info = ctx
        .http
        .get(format!("{}/oauth2/userinfo", ctx.server.base))
        .bearer_auth(tokens.access_token().secret())
        .send()
        .await
        .unwrap();
    let info: Value = info.json().await.unwrap();
    assert_eq!(info["email"], "olga@example.com");
    assert_eq!(info["name"], "Olga");
    assert!(
        info.get("phone_number").is_none(),
        "phone was not asked for"
    );

    // A session at the level is reused: straight back with a code.
    let (url2, _, _) = rp
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(PkceCodeChallenge::new_random_sha256().0)
        .url();
    assert!(location(&visit(&browser, url2.as_str()).await).starts_with(CALLBACK));

    // Refresh rotation: the old refresh token is refused after use, and its
    // replay revokes the new one too.
    let old = tokens.refresh_token().unwrap().clone();
    let renewed = rp
        .exchange_refresh_token(&old)
        .unwrap()
        .request_async(&ctx.http)
        .await
        .expect("refresh");
    assert_ne!(renewed.refresh_token().unwrap().secret(), old.secret());
    assert!(
        rp.exchange_refresh_token(&old)
            .unwrap()
            .request_async(&ctx.http)
            .await
            .is_err()
    );
    assert!(
        rp.exchange_refresh_token(renewed.refresh_token().unwrap())
            .unwrap()
            .request_async(&ctx.http)
            .await
            .is_err()
    );

    // RP-initiated logout.
    let id_token = tokens.id_token().unwrap().to_string();
    let r = browser
        .get(&format!(
            "/oauth2/logout?id_token_hint={id_token}&post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A9%2Fbye&state=s1"
        ))
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(location(&r), "http://localhost:9/bye?state=s1");
    assert_eq!(browser.get("/api/session").await.status, 401);
    let r = browser
        .get("/oauth2/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F")
        .await;
    assert_eq!(
        r.status, 200,
        "an unregistered post-logout URI is not followed"
    );

    let audit = ctx.admin.get("/api/admin/audit?limit=200").await;
    let kinds: Vec<&str> = audit
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"oidc.authorize") && kinds.contains(&"oidc.token"));
}

#[tokio::test]
async fn step_up_from_level_30_asks_only_for_the_missing_20_points() {
    let ctx = start().await;
    let (id, secret_c) = ctx.client("Bank", json!({"min_level": 50})).await;
    ctx.two_factor().await;
    // olga enrols an authenticator app from a fresh session.
    let browser = ctx.server.client();
    ctx.password_and_sms(&browser).await;
    let setup = browser.post("/api/me/totp/setup", json!({})).await;
    let secret = setup.json["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        browser
            .post(
                "/api/me/totp/confirm",
                json!({"code": pyotp_code(&secret, 0)})
            )
            .await
            .status,
        204
    );
    assert_eq!(browser.get("/api/session").await.json["level"], 30);

    let rp = ctx.rp(&id, secret_c.as_deref()).await;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, nonce) = rp
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .url();
    let r = visit(&browser, url.as_str()).await;
    assert_eq!(location(&r), "/");

    // The login resumes at 30 of 50 from what the session verified.
    let r = browser.get("/api/login").await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    assert_eq!(
        r.json["progress"],
        json!({"earned": 30, "required": 50, "verified": ["password", "sms"]})
    );
    assert_eq!(
        r.json["notices"][0]["kind"], "client_asks_more",
        "{}",
        r.text
    );
    assert!(
        r.json["notices"][0]["text"]
            .as_str()
            .unwrap()
            .contains("Bank asks for level 50"),
        "{}",
        r.text
    );
    let offered: Vec<&str> = r.json["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        offered,
        vec!["totp", "email"],
        "only the missing points, never the password again"
    );

    let r = browser
        .post(
            "/api/login/totp/verify",
            json!({"code": pyotp_code(&secret, 30)}),
        )
        .await;
    assert_eq!(r.json["progress"]["earned"], 40, "{}", r.text);
    browser.post("/api/login/email/send", json!({})).await;
    let mail = ctx.smtp.all().pop().unwrap();
    let r = browser
        .post(
            "/api/login/email/verify",
            json!({"code": first_code(&mail.data)}),
        )
        .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let r = browser.get(r.json["continue_to"].as_str().unwrap()).await;
    let code = query(&location(&r), "code").expect("a code");
    let tokens = rp
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&ctx.http)
        .await
        .unwrap();
    let claims = tokens
        .id_token()
        .unwrap()
        .claims(&rp.id_token_verifier(), &nonce)
        .unwrap();
    assert_eq!(claims.auth_context_ref().map(|a| a.as_str()), Some("50"));
    let amr: Vec<&str> = claims
        .auth_method_refs()
        .unwrap()
        .iter()
        .map(|a| a.as_str())
        .collect();
    assert_eq!(amr, vec!["pwd", "otp", "sms", "mail", "mfa"]);
    assert_eq!(browser.get("/api/session").await.json["level"], 50);
}

/// A fresh authorization code for `client_id` from a browser logged in at 30.
async fn fresh_code(ctx: &Ctx, browser: &Api, client_id: &str, challenge: &str) -> String {
    let url = format!(
        "/oauth2/authorize?response_type=code&client_id={client_id}&redirect_uri={}&scope=openid&state=s&code_challenge={challenge}&code_challenge_method=S256",
        "http%3A%2F%2Flocalhost%3A9%2Fcallback"
    );
    let r = browser.get(&url).await;
    let to = location(&r);
    if to == "/" {
        let state = ctx.password_and_sms(browser).await;
        let r = browser.get(state["continue_to"].as_str().unwrap()).await;
        return query(&location(&r), "code").unwrap();
    }
    query(&to, "code").unwrap_or_else(|| panic!("no code in {to}"))
}

async fn token(ctx: &Ctx, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> (u16, Value) {
    let mut req = ctx
        .http
        .post(format!("{}/oauth2/token", ctx.server.base))
        .form(form);
    if let Some((id, secret)) = basic {
        req = req.basic_auth(id, Some(secret));
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn refusals() {
    let ctx = start().await;
    let (id, secret) = ctx.client("Wiki", json!({})).await;
    let secret = secret.unwrap();
    let (other, other_secret) = ctx.client("Other", json!({})).await;
    let other_secret = other_secret.unwrap();
    let (public, _) = ctx.client("Spa", json!({"public": true})).await;
    ctx.two_factor().await;
    let browser = ctx.server.client();
    // RFC 7636 Appendix B.
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    // An unregistered redirect URI: an error page, no redirect.
    for (cid, uri) in [
        (id.as_str(), "https%3A%2F%2Fevil.example%2Fcb"),
        ("unknown", "http%3A%2F%2Flocalhost%3A9%2Fcallback"),
    ] {
        let r = browser
            .get(&format!("/oauth2/authorize?response_type=code&client_id={cid}&redirect_uri={uri}&scope=openid&code_challenge={challenge}&code_challenge_method=S256"))
            .await;
        assert_eq!(r.status, 400);
        assert!(r.headers.get("location").is_none());
        assert!(r.text.contains("<h1>"));
    }
    // A public client without PKCE: back with an error.
    let r = browser
        .get(&format!("/oauth2/authorize?response_type=code&client_id={public}&redirect_uri=http%3A%2F%2Flocalhost%3A9%2Fcallback&scope=openid&state=z"))
        .await;
    let to = location(&r);
    assert_eq!(query(&to, "error").as_deref(), Some("invalid_request"));
    assert_eq!(query(&to, "state").as_deref(), Some("z"));

    let base = |code: &str| {
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.to_owned()),
            ("redirect_uri", CALLBACK.to_owned()),
        ]
    };

    // Missing verifier, then wrong verifier.
    let code = fresh_code(&ctx, &browser, &id, challenge).await;
    let form = base(&code);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = token(&ctx, &pairs, Some((&id, &secret))).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let code = fresh_code(&ctx, &browser, &id, challenge).await;
    let mut form = base(&code);
    form.push((
        "code_verifier",
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx".into(),
    ));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        token(&ctx, &pairs, Some((&id, &secret))).await.1["error"],
        "invalid_grant"
    );

    // Wrong secret.
    let code = fresh_code(&ctx, &browser, &id, challenge).await;
    let mut form = base(&code);
    form.push(("code_verifier", verifier.into()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = token(&ctx, &pairs, Some((&id, "not-the-secret"))).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    // Code from another client.
    let (status, body) = token(&ctx, &pairs, Some((&other, &other_secret))).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // That code was used up by the attempt; a fresh one works once, then is refused.
    let code = fresh_code(&ctx, &browser, &id, challenge).await;
    let mut form = base(&code);
    form.push(("code_verifier", verifier.into()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = token(&ctx, &pairs, Some((&id, &secret))).await;
    assert_eq!(status, 200, "{body}");
    let access = body["access_token"].as_str().unwrap().to_owned();
    let (status, body) = token(&ctx, &pairs, Some((&id, &secret))).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // ...and what it bought is revoked.
    let info = ctx
        .http
        .get(format!("{}/oauth2/userinfo", ctx.server.base))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(info.status().as_u16(), 401);
    // client_secret_post works as well.
    let code = fresh_code(&ctx, &browser, &id, challenge).await;
    let mut form = base(&code);
    form.push(("code_verifier", verifier.into()));
    form.push(("client_id", id.clone()));
    form.push(("client_secret", secret.clone()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(token(&ctx, &pairs, None).await.0, 200);
    // No token in the log.
    assert!(!ctx.server.log().contains(&access));
}
