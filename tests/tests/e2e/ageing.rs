//! Points that age and points that rise (DESIGN §4 "Ageing and risk"): a
//! method's lifetime for applications' requests, risk signals that raise a
//! login's level, and token introspection (RFC 7662) for resource servers.
//! The application is a plain HTTP client (reqwest), as a relying party's
//! backend is.

use crate::harness::{
    Api, PASSWORD, Resp, Server, create_user, post_from, set_policy_cli, with_admin_env,
};
use crate::receivers::{SmsGateway, SmtpSink, first_code};
use serde_json::{Value, json};

const PHONE: &str = "+41791234567";
const CALLBACK: &str = "http%3A%2F%2Flocalhost%3A9%2Fcallback";
/// A PKCE verifier and its S256 challenge (RFC 7636 Appendix B).
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

struct Ctx {
    server: Server,
    admin: Api,
    dir: String,
    sms: SmsGateway,
    smtp: SmtpSink,
    olga: String,
}

async fn start(extra: &[(&str, String)]) -> Ctx {
    let sms = SmsGateway::start().await;
    let smtp = SmtpSink::start();
    let mut env = sms.env();
    env.extend(smtp.env());
    env.push(("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".into()));
    env.extend(extra.iter().cloned());
    let (server, admin, dir) = with_admin_env(&env).await;
    let olga = create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "olga", "phone": PHONE, "email": "olga@example.com"}),
    )
    .await;
    Ctx {
        server,
        admin,
        dir,
        sms,
        smtp,
        olga,
    }
}

impl Ctx {
    /// Registers a client in directory `dir`; answers (client_id, secret).
    async fn client_in(&self, dir: &str, name: &str, public: bool) -> (String, Option<String>) {
        let r = self
            .admin
            .post(
                &format!("/api/admin/directories/{dir}/clients"),
                json!({"name": name, "redirect_uris": ["http://localhost:9/callback"], "post_logout_redirect_uris": [], "public": public}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        (
            r.json["client"]["client_id"].as_str().unwrap().to_owned(),
            r.json["client_secret"].as_str().map(str::to_owned),
        )
    }

    /// Registers a confidential client; answers (client_id, secret).
    async fn client(&self, name: &str) -> (String, String) {
        let (id, secret) = self.client_in(&self.dir, name, false).await;
        (id, secret.unwrap())
    }

    /// Sends and verifies an SMS code in `browser`'s login (from `ip`).
    async fn sms_step(&self, browser: &Api, ip: &str) -> Resp {
        let r = post_from(browser, ip, "/api/login/sms/send", json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let code = self.sms.last_to(PHONE).code();
        post_from(browser, ip, "/api/login/sms/verify", json!({"code": code})).await
    }

    /// Sends and verifies an email code in `browser`'s login (from `ip`).
    async fn email_step(&self, browser: &Api, ip: &str) -> Resp {
        let r = post_from(browser, ip, "/api/login/email/send", json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        // The newest mail with a code (a lockout notice may come between).
        let code = self
            .smtp
            .all()
            .iter()
            .rev()
            .find_map(|m| std::panic::catch_unwind(|| first_code(&m.data)).ok())
            .expect("an email code");
        post_from(
            browser,
            ip,
            "/api/login/email/verify",
            json!({"code": code}),
        )
        .await
    }

    /// A form POST to the token or introspection endpoint.
    async fn form(&self, path: &str, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> Resp {
        let form: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let basic = basic.map(|(i, s)| (i.to_owned(), s.to_owned()));
        let path = path.to_owned();
        self.server
            .client()
            .raw(move |h, b| {
                let req = h.post(format!("{b}{path}")).form(&form);
                match basic {
                    Some((id, secret)) => req.basic_auth(id, Some(secret)),
                    None => req,
                }
            })
            .await
    }
}

/// Olga's password step from a client at `ip`.
async fn password_from(browser: &Api, ip: &str) -> Resp {
    let body = json!({"username": "olga", "password": PASSWORD});
    post_from(browser, ip, "/api/login/password", body).await
}

/// An authorization request of `client` for level `acr`.
fn authorize_url(client: &str, acr: u32) -> String {
    format!(
        "/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={CALLBACK}&scope=openid&state=s&acr_values={acr}&code_challenge={CHALLENGE}&code_challenge_method=S256"
    )
}

fn location(r: &Resp) -> String {
    r.headers
        .get("location")
        .unwrap_or_else(|| panic!("a redirect: {} {}", r.status, r.text))
        .to_str()
        .unwrap()
        .to_owned()
}

fn code_in(location: &str) -> String {
    location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .unwrap_or_else(|| panic!("no code in {location}"))
        .to_owned()
}

/// The claims of a JWT (its signature is the `oidc` tests' business).
fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(payload.as_bytes())
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn methods(state: &Value) -> Vec<String> {
    state["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["method"].as_str().unwrap().to_owned())
        .collect()
}

/// An SMS whose lifetime is 2 s counts for an application at first; after
/// it, the session's level is 20 for applications, the application's
/// request for 30 asks only for a second method (never the password), and
/// the new tokens say 30 again; a refresh once the SMS aged again says 20.
/// Introspection answers a live token with its `acr`, a revoked one with
/// `active: false`, and refuses callers that are not confidential clients.
#[tokio::test]
async fn a_method_past_its_lifetime_stops_counting_for_applications() {
    let ctx = start(&[]).await;
    let (shop, shop_secret) = ctx.client("Shop").await;
    let (api, api_secret) = ctx.client("Shop API").await;
    let (app, _) = ctx.client_in(&ctx.dir, "Shop app", true).await;
    let r = ctx
        .admin
        .post(
            "/api/admin/directories",
            json!({"slug": "other", "name": "Other"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let other_dir = r.json["id"].as_str().unwrap().to_owned();
    let (stranger, stranger_secret) = ctx.client_in(&other_dir, "Elsewhere", false).await;
    let stranger_secret = stranger_secret.unwrap();
    set_policy_cli(
        &ctx.server,
        &["--preset", "two-factor", "--max-age", "sms=2"],
    );
    let policy = ctx
        .admin
        .get(&format!("/api/admin/directories/{}/policy", ctx.dir))
        .await;
    assert_eq!(
        policy.json["policy"]["max_age_s"],
        json!({"sms": 2}),
        "{}",
        policy.text
    );

    let browser = ctx.server.client();
    let r = browser.password_login("olga", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    let r = ctx.sms_step(&browser, "127.0.0.1").await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let s = browser.get("/api/session").await.json;
    assert_eq!(
        (s["level"].as_u64(), s["level_now"].as_u64()),
        (Some(30), Some(30)),
        "{s}"
    );
    assert!(s["level_drops_at"].is_i64(), "{s}");

    // At once: the session does, a code straight away.
    let r = browser.get(&authorize_url(&shop, 30)).await;
    let code = code_in(&location(&r));
    let r = ctx
        .form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "http://localhost:9/callback"),
                ("code_verifier", VERIFIER),
            ],
            Some((&shop, &shop_secret)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(claims(r.json["id_token"].as_str().unwrap())["acr"], "30");
    let access = r.json["access_token"].as_str().unwrap().to_owned();
    let refresh = r.json["refresh_token"].as_str().unwrap().to_owned();

    // The shop's API asks about the token.
    let r = ctx
        .form(
            "/oauth2/introspect",
            &[("token", &access)],
            Some((&api, &api_secret)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["active"], true, "{}", r.text);
    assert_eq!(r.json["acr"], "30");
    assert_eq!(r.json["sub"], ctx.olga.as_str());
    assert_eq!(r.json["client_id"], shop.as_str());
    assert_eq!(r.json["amr"], json!(["pwd", "sms", "mfa"]));
    assert!(
        r.json["auth_time"].is_i64() && r.json["exp"].is_i64(),
        "{}",
        r.text
    );
    // Callers that are no confidential client of the directory.
    let r = ctx
        .form("/oauth2/introspect", &[("token", &access)], None)
        .await;
    assert_eq!(
        (r.status, r.json["error"].as_str()),
        (401, Some("invalid_client")),
        "{}",
        r.text
    );
    let r = ctx
        .form(
            "/oauth2/introspect",
            &[("token", &access)],
            Some((&api, "not-the-secret")),
        )
        .await;
    assert_eq!(r.status, 401, "{}", r.text);
    let r = ctx
        .form(
            "/oauth2/introspect",
            &[("token", "made-up")],
            Some((&api, &api_secret)),
        )
        .await;
    assert_eq!(r.json, json!({"active": false}), "{}", r.text);
    // A public client (no secret) may not ask; another directory's client
    // learns nothing.
    let r = ctx
        .form(
            "/oauth2/introspect",
            &[("token", &access), ("client_id", &app)],
            None,
        )
        .await;
    assert_eq!(
        (r.status, r.json["error"].as_str()),
        (401, Some("invalid_client")),
        "{}",
        r.text
    );
    let r = ctx
        .form(
            "/oauth2/introspect",
            &[("token", &access)],
            Some((&stranger, &stranger_secret)),
        )
        .await;
    assert_eq!(r.json, json!({"active": false}), "{}", r.text);

    // The SMS ages out: 20 for applications, nothing more to drop.
    tokio::time::sleep(std::time::Duration::from_millis(3_100)).await;
    let s = browser.get("/api/session").await.json;
    assert_eq!(
        (s["level"].as_u64(), s["level_now"].as_u64()),
        (Some(30), Some(20)),
        "{s}"
    );
    assert!(s.get("level_drops_at").is_none(), "{s}");
    let sessions = browser.get("/api/me/sessions").await.json;
    assert_eq!(sessions[0]["level_now"], 20, "{sessions}");

    // The shop asks for 30 again: only a second method, from 20.
    let r = browser.get(&authorize_url(&shop, 30)).await;
    assert_eq!(location(&r), "/", "{}", r.text);
    let state = browser.get("/api/login").await.json;
    assert_eq!(state["status"], "in_progress", "{state}");
    assert_eq!(state["progress"]["earned"], 20, "{state}");
    assert_eq!(state["progress"]["required"], 30, "{state}");
    assert_eq!(
        state["progress"]["verified"],
        json!(["password"]),
        "{state}"
    );
    let offered = methods(&state);
    assert!(offered.contains(&"sms".to_owned()), "{offered:?}");
    assert!(
        !offered.iter().any(|m| m == "password" || m == "passkey"),
        "only a second method: {offered:?}"
    );
    let r = ctx.sms_step(&browser, "127.0.0.1").await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let r = browser.get(r.json["continue_to"].as_str().unwrap()).await;
    let code = code_in(&location(&r));
    let r = ctx
        .form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "http://localhost:9/callback"),
                ("code_verifier", VERIFIER),
            ],
            Some((&shop, &shop_secret)),
        )
        .await;
    assert_eq!(
        claims(r.json["id_token"].as_str().unwrap())["acr"],
        "30",
        "{}",
        r.text
    );

    // The first refresh token, once the new SMS aged too: acr is the level
    // at issue time.
    tokio::time::sleep(std::time::Duration::from_millis(3_100)).await;
    let r = ctx
        .form(
            "/oauth2/token",
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
            Some((&shop, &shop_secret)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        claims(r.json["id_token"].as_str().unwrap())["acr"],
        "20",
        "{}",
        r.text
    );
    let access = r.json["access_token"].as_str().unwrap().to_owned();
    let r = ctx
        .form(
            "/oauth2/introspect",
            &[("token", &access)],
            Some((&api, &api_secret)),
        )
        .await;
    assert_eq!(
        (r.json["active"].as_bool(), r.json["acr"].as_str()),
        (Some(true), Some("20")),
        "{}",
        r.text
    );

    // Revoked: no longer active, for anyone.
    let r = ctx
        .form(
            "/oauth2/revoke",
            &[("token", &access)],
            Some((&shop, &shop_secret)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = ctx
        .form(
            "/oauth2/introspect",
            &[("token", &access), ("token_type_hint", "access_token")],
            Some((&api, &api_secret)),
        )
        .await;
    assert_eq!(r.json, json!({"active": false}), "{}", r.text);
}

/// Risk signals raise the level and the state names them: a login from a
/// browser without the known-browser cookie needs 40 under `new_browser:
/// 10` (in Dutch and English), with the cookie 30; `new_network` is keyed
/// by the forwarded address behind the trusted proxy; after the lockout
/// engaged for the user, `many_failures` adds its points. Signals earn
/// nothing: the points earned are the methods'.
#[tokio::test]
async fn risk_signals_raise_the_level_and_say_why() {
    let ctx = start(&[
        ("AUTHLEVEL_TRUSTED_PROXIES", "127.0.0.1".into()),
        ("AUTHLEVEL_FAILURE_LIMIT", "3".into()),
        // Many logins in a row: the code quotas are not what this tests.
        ("AUTHLEVEL_CODE_PER_DESTINATION_PER_HOUR", "100".into()),
        ("AUTHLEVEL_CODE_PER_ACCOUNT_PER_HOUR", "100".into()),
        ("AUTHLEVEL_CODE_PER_IP_PER_HOUR", "100".into()),
    ])
    .await;
    // Pete has a phone only: password and SMS reach 30, no more.
    create_user(
        &ctx.server,
        &ctx.admin,
        &ctx.dir,
        json!({"username": "pete", "phone": "+41797654321"}),
    )
    .await;
    set_policy_cli(
        &ctx.server,
        &["--preset", "two-factor", "--risk", "new_browser=10"],
    );
    let home = "198.51.100.7";

    // A signal never blocks: for Pete the level rises only as far as his
    // methods reach, and the signal is still named.
    let r = ctx.server.client().password_login("pete", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    assert_eq!(r.json["progress"]["required"], 30, "{}", r.text);
    assert!(
        r.json["message"]
            .as_str()
            .unwrap_or("")
            .ends_with("Your account's methods reach 30 points, so this login asks for that."),
        "{}",
        r.text
    );
    assert_eq!(
        r.json["progress"]["signals"],
        json!([{"signal": "new_browser", "points": 10}]),
        "{}",
        r.text
    );

    // A new browser: 40, and why.
    let browser = ctx.server.client();
    let r = password_from(&browser, home).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    assert_eq!(r.json["progress"]["required"], 40, "{}", r.text);
    assert_eq!(r.json["progress"]["earned"], 20, "{}", r.text);
    assert_eq!(
        r.json["progress"]["signals"],
        json!([{"signal": "new_browser", "points": 10}]),
        "{}",
        r.text
    );
    let notice = r.json["notices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "risk_raised")
        .unwrap_or_else(|| panic!("{}", r.text));
    assert_eq!(notice["text"], "This browser is new to us: 10 points more.");
    // In Dutch too.
    let dutch = ctx.server.client();
    let r = dutch
        .raw(|h, b| {
            h.post(format!("{b}/api/login/password"))
                .header("accept-language", "nl")
                .json(&json!({"username": "olga", "password": PASSWORD}))
        })
        .await;
    assert!(
        r.json["message"]
            .as_str()
            .unwrap_or("")
            .contains("Deze browser kennen we nog niet: 10 punten extra."),
        "{}",
        r.text
    );
    // Password and SMS (30) are not enough now; the email code is.
    let r = ctx.sms_step(&browser, home).await;
    assert_eq!(
        (
            r.json["status"].as_str(),
            r.json["progress"]["earned"].as_u64()
        ),
        (Some("in_progress"), Some(30)),
        "{}",
        r.text
    );
    let r = ctx.email_step(&browser, home).await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    assert_eq!(
        r.json["progress"]["earned"], 40,
        "signals earn nothing: {}",
        r.text
    );

    // The same browser, known now: 30, no signal.
    assert_eq!(browser.post("/api/logout", json!({})).await.status, 204);
    let r = password_from(&browser, home).await;
    assert_eq!(r.json["progress"]["required"], 30, "{}", r.text);
    assert!(r.json["progress"].get("signals").is_none(), "{}", r.text);
    let r = ctx.sms_step(&browser, home).await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);

    // A network: the same /24 is known, another is new.
    set_policy_cli(&ctx.server, &["--risk", "new_browser=0,new_network=10"]);
    for (ip, required) in [("198.51.100.99", 30), ("203.0.113.5", 40)] {
        assert_eq!(browser.post("/api/logout", json!({})).await.status, 204);
        let r = password_from(&browser, ip).await;
        assert_eq!(r.json["progress"]["required"], required, "{ip}: {}", r.text);
        if required == 40 {
            assert_eq!(
                r.json["progress"]["signals"],
                json!([{"signal": "new_network", "points": 10}]),
                "{}",
                r.text
            );
        }
        let mut r = ctx.sms_step(&browser, ip).await;
        if required == 40 {
            r = ctx.email_step(&browser, ip).await;
        }
        assert_eq!(r.json["status"], "complete", "{ip}: {}", r.text);
    }
    // 203.0.113.0/24 is known from now on.
    assert_eq!(browser.post("/api/logout", json!({})).await.status, 204);
    let r = password_from(&browser, "203.0.113.77").await;
    assert_eq!(r.json["progress"]["required"], 30, "{}", r.text);
    let r = ctx.sms_step(&browser, "203.0.113.77").await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    assert_eq!(browser.post("/api/logout", json!({})).await.status, 204);

    // Guesses elsewhere engage the lockout: many failures, 5 more.
    set_policy_cli(&ctx.server, &["--risk", "new_network=0,many_failures=5"]);
    let guesser = ctx.server.client();
    for _ in 0..3 {
        let r = post_from(
            &guesser,
            "192.0.2.66",
            "/api/login/password",
            json!({"username": "olga", "password": "not her password"}),
        )
        .await;
        assert_eq!(r.status, 401, "{}", r.text);
    }
    let r = password_from(&browser, home).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    assert_eq!(r.json["progress"]["required"], 35, "{}", r.text);
    assert_eq!(
        r.json["progress"]["signals"],
        json!([{"signal": "many_failures", "points": 5}]),
        "{}",
        r.text
    );
    // The completed login's audit event names the signal.
    let r = ctx.sms_step(&browser, home).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    let r = ctx.email_step(&browser, home).await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let audit = ctx.admin.get("/api/admin/audit?limit=20").await.text;
    assert!(audit.contains("risk: many_failures +5"), "{audit}");
}
