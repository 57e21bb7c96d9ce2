//! Abuse resistance (SECURITY 1, 2, 7, 20-22, 24-28, 31): lockout across
//! flows, enumeration by timing, session fixation and timeouts, CSRF,
//! redirects, re-authentication and notices.

use crate::harness::{
    PASSWORD, Server, create_user, set_policy, two_factor, user_id, with_admin, with_admin_env,
};
use crate::receivers::{SmsGateway, SmtpSink};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn failures_over_parallel_flows_and_case_variants_add_up_and_locked_looks_wrong() {
    let (server, admin, dir) = with_admin(&[("AUTHLEVEL_FAILURE_LIMIT", "10")]).await;
    create_user(&server, &admin, &dir, json!({"username": "lena"})).await;
    let wrong = server
        .client()
        .password_login("lena", "wrong password one")
        .await;

    // 5 parallel logins, 2 wrong passwords each, under case variants.
    let mut tasks = Vec::new();
    for i in 0..5 {
        let c = server.client();
        tasks.push(tokio::spawn(async move {
            let name = ["lena", "LENA", " Lena ", "lEnA", "LeNa"][i];
            for _ in 0..2 {
                let r = c.password_login(name, "not her password").await;
                assert_eq!(r.code(), "invalid_credentials");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // 11 failures: locked. The right password now answers exactly like a wrong one.
    let locked = server.client().password_login("lena", PASSWORD).await;
    assert_eq!(locked.status, wrong.status);
    assert_eq!(locked.text, wrong.text);
    assert_eq!(server.client().get("/api/session").await.status, 401);

    // An administrator lifts the lock.
    let id = user_id(&admin, &dir, "lena").await;
    assert_eq!(
        admin
            .post(&format!("/api/admin/users/{id}/unlock"), json!({}))
            .await
            .status,
        204
    );
    assert_eq!(
        server.client().password_login("lena", PASSWORD).await.json["status"],
        "complete"
    );
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::test]
async fn unknown_users_take_as_long_as_known_ones() {
    // A high failure limit, so the known user does not lock during the run.
    let (server, admin, dir) = with_admin(&[
        ("AUTHLEVEL_FAILURE_LIMIT", "100"),
        ("AUTHLEVEL_LOCKOUT_S", "1"),
        // Hundreds of steps a minute from one address: the rate limits
        // are not what this measures.
        ("AUTHLEVEL_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", "0"),
        ("AUTHLEVEL_LOGIN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE", "0"),
    ])
    .await;
    create_user(&server, &admin, &dir, json!({"username": "known"})).await;
    let c = server.client();
    for _ in 0..5 {
        c.password_login("known", "warm up the server").await;
    }
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..200 {
        // Interleaved, so load on the machine hits both alike.
        let t = Instant::now();
        let r = c.password_login("known", "a wrong password").await;
        known.push(t.elapsed());
        assert_eq!(r.status, 401);
        let t = Instant::now();
        let r = c
            .password_login(&format!("nobody-{i}"), "a wrong password")
            .await;
        unknown.push(t.elapsed());
        assert_eq!(r.status, 401);
        if i % 90 == 89 {
            // Stay below the failure limit.
            let id = user_id(&admin, &dir, "known").await;
            admin
                .post(&format!("/api/admin/users/{id}/unlock"), json!({}))
                .await;
        }
    }
    let (k, u) = (median(known), median(unknown));
    let ratio = u.as_secs_f64() / k.as_secs_f64();
    eprintln!("timing: median unknown {u:?}, known {k:?}, ratio {ratio:.3}");
    assert!(
        (0.9..=1.1).contains(&ratio),
        "median unknown {u:?} vs known {k:?} (ratio {ratio:.3})"
    );
}

#[tokio::test]
async fn a_cookie_planted_before_login_is_useless_after() {
    let (server, admin, dir) = with_admin(&[]).await;
    create_user(&server, &admin, &dir, json!({"username": "vic"})).await;
    // The attacker's own valid session cookie, planted in the victim's browser.
    let attacker = server.client();
    let r = attacker.password_login("admin", PASSWORD).await;
    let planted = r
        .set_cookies()
        .iter()
        .find_map(|c| {
            c.strip_prefix("authlevel_session=")
                .map(|v| v.split(';').next().unwrap().to_owned())
        })
        .unwrap();
    let r = server
        .client()
        .raw(|h, b| {
            h.post(format!("{b}/api/login/password"))
                .header(
                    "cookie",
                    format!("authlevel_session={planted}; authlevel_remember=1"),
                )
                .json(&json!({"username": "vic", "password": PASSWORD}))
        })
        .await;
    let fresh = r
        .set_cookies()
        .iter()
        .find_map(|c| {
            c.strip_prefix("authlevel_session=")
                .map(|v| v.split(';').next().unwrap().to_owned())
        })
        .unwrap();
    assert_ne!(fresh, planted, "a new session token at login");
    let with = |token: String| {
        let c = server.client();
        async move {
            c.raw(|h, b| {
                h.get(format!("{b}/api/session"))
                    .header("cookie", format!("authlevel_session={token}"))
            })
            .await
        }
    };
    assert_eq!(
        with(planted).await.status,
        401,
        "the planted session is ended"
    );
    assert_eq!(with(fresh).await.json["username"], "vic");
}

#[tokio::test]
async fn remembered_devices_and_injected_fields_earn_nothing() {
    let (server, admin, dir) = with_admin(&[]).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "ina", "phone": "+41791234567"}),
    )
    .await;
    set_policy(&admin, &dir, two_factor()).await;
    let r =
        server
            .client()
            .raw(|h, b| {
                h.post(format!("{b}/api/login/password"))
                .header("cookie", "authlevel_remember=trusted-device; device=known")
                .json(&json!({"username": "ina", "password": PASSWORD, "points": 100, "earned": 30,
                    "directory_id": "other", "verified": ["sms"], "level": 30}))
            })
            .await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    assert_eq!(r.json["progress"]["earned"], 20);
}

#[tokio::test]
async fn sessions_end_after_idle_and_absolute_timeouts_and_by_an_admin() {
    let (server, admin, dir) = with_admin(&[("AUTHLEVEL_SESSION_IDLE_TIMEOUT_S", "2")]).await;
    create_user(&server, &admin, &dir, json!({"username": "ida"})).await;
    let c = server.client();
    c.password_login("ida", PASSWORD).await;
    assert_eq!(c.get("/api/session").await.status, 200);
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(c.get("/api/session").await.status, 401, "idle timeout");

    let server2 = Server::start_with(&[("AUTHLEVEL_SESSION_ABSOLUTE_TIMEOUT_S", "2")]);
    let a = server2.client();
    a.complete_setup(&server2.first_start_token(), PASSWORD)
        .await;
    server2.cli(&["admin", "set-policy", "--preset", "password-only"]);
    a.password_login("admin", PASSWORD).await;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(800)).await;
        let _ = a.get("/api/session").await; // activity does not extend the absolute limit
    }
    assert_eq!(a.get("/api/session").await.status, 401, "absolute timeout");

    let c = server.client();
    c.password_login("ida", PASSWORD).await;
    let admin = server.client();
    admin.password_login("admin", PASSWORD).await;
    let id = user_id(&admin, &dir, "ida").await;
    assert_eq!(
        admin
            .delete(&format!("/api/admin/users/{id}/sessions"))
            .await
            .status,
        204
    );
    assert_eq!(
        c.get("/api/session").await.status,
        401,
        "ended by an administrator"
    );
}

#[tokio::test]
async fn cross_site_form_posts_to_login_and_factor_routes_are_refused() {
    let (server, _admin, _dir) = with_admin(&[]).await;
    for path in [
        "/api/login/password",
        "/api/me/passkeys/register/start",
        "/api/me/totp/setup",
        "/api/setup",
    ] {
        for (ct, body) in [
            ("text/plain", "{\"username\":\"a\"}"),
            ("application/x-www-form-urlencoded", "username=a"),
        ] {
            let r = server
                .client()
                .raw(|h, b| {
                    h.post(format!("{b}{path}"))
                        .header("content-type", ct)
                        .body(body)
                })
                .await;
            assert_eq!(
                (r.status, r.code()),
                (415, "unsupported_media_type"),
                "{path} {ct}"
            );
        }
        let r = server
            .client()
            .raw(|h, b| {
                h.post(format!("{b}{path}"))
                    .header("content-type", "application/json")
                    .header("sec-fetch-site", "cross-site")
                    .body("{}")
            })
            .await;
        assert_eq!((r.status, r.code()), (403, "origin_refused"), "{path}");
    }
}

#[tokio::test]
async fn a_login_returns_only_to_allowlisted_targets() {
    let (server, admin, dir) =
        with_admin(&[("AUTHLEVEL_REDIRECT_ALLOWLIST", "https://example.com")]).await;
    create_user(&server, &admin, &dir, json!({"username": "rob"})).await;
    let login = |to: &str| {
        let c = server.client();
        let to = to.to_owned();
        async move {
            c.post(
                "/api/login/password",
                json!({"username": "rob", "password": PASSWORD, "return_to": to}),
            )
            .await
            .json["continue_to"]
                .clone()
        }
    };
    assert_eq!(login("/profile").await, "/profile");
    assert_eq!(
        login("https://example.com/app").await,
        "https://example.com/app"
    );
    for bad in [
        "https://evilexample.com",
        "//evil.com",
        "https://example.com.evil.com",
        "https://example.com@evil.com",
    ] {
        assert_eq!(login(bad).await, serde_json::Value::Null, "{bad}");
    }
}

#[tokio::test]
async fn adding_a_method_needs_a_fresh_login_and_is_told_by_email() {
    let sms = SmsGateway::start().await;
    let smtp = SmtpSink::start();
    let mut env = sms.env();
    env.extend(smtp.env());
    env.push(("AUTHLEVEL_REAUTH_WINDOW_S", "2".into()));
    let (server, admin, dir) = with_admin_env(&env).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "nia", "email": "nia@example.com"}),
    )
    .await;
    let c = server.client();
    c.password_login("nia", PASSWORD).await;
    let before = smtp.all().len();
    let r = c.post("/api/me/totp/setup", json!({})).await;
    assert_eq!(r.status, 200);
    let secret = r.json["secret"].as_str().unwrap().to_owned();
    let r = c
        .post(
            "/api/me/totp/confirm",
            json!({"code": crate::harness::pyotp_code(&secret, 0)}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let notices = smtp.all();
    assert_eq!(notices.len(), before + 1, "a notice by email");
    assert!(
        notices
            .last()
            .unwrap()
            .data
            .contains("An authenticator app was added")
    );
    assert!(!notices.last().unwrap().data.contains(&secret));

    // An old session cannot add a passkey or change the phone.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let r = c.post("/api/me/passkeys/register/start", json!({})).await;
    assert_eq!((r.status, r.code()), (403, "reauth_required"));
    let r = c.patch("/api/me", json!({"phone": "+41791234567"})).await;
    assert_eq!((r.status, r.code()), (403, "reauth_required"));
    let r = c.delete("/api/me/totp").await;
    assert_eq!((r.status, r.code()), (403, "reauth_required"));
    // The display name needs no fresh login.
    assert_eq!(
        c.patch("/api/me", json!({"display_name": "Nia N."}))
            .await
            .status,
        200
    );
    assert!(!server.log().contains(PASSWORD));
}
