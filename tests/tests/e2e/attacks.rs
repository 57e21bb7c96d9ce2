//! Security under attack (the security issue; SECURITY 16, 20, 22, 25, 28,
//! 29, 31): what many requests at once, two instances, stolen cookies and
//! two accounts in one browser must not get past. Each test names the item
//! and the SECURITY requirement it proves.

use crate::harness::{
    Api, PASSWORD, Server, create_user, pyotp_code, set_policy, with_admin, with_admin_env,
};
use crate::receivers::SmsGateway;
use serde_json::{Value, json};
use std::time::Duration;

/// Attempts in a burst.
const BURST: usize = 60;
/// The failure limit the bursts run against.
const LIMIT: usize = 10;

/// The `password-only` preset as JSON.
fn password_only() -> Value {
    json!({"required_level": 20, "points": {"password": 20, "sms": 0, "email": 0, "totp": 0, "passkey": 0}})
}

/// Sends `wrong` attempts at once with `send`, and the right one last,
/// while they are in flight, once `counted` says the server has counted at
/// least the limit's worth of them (so the right one is the last in line,
/// whatever the machine's speed); answers the right one's response and the
/// wrong ones'.
async fn burst<F, Fut>(
    wrong: usize,
    send: F,
    counted: impl AsyncFn() -> bool,
) -> (crate::harness::Resp, Vec<crate::harness::Resp>)
where
    F: Fn(usize, bool) -> Fut,
    Fut: std::future::Future<Output = crate::harness::Resp> + Send + 'static,
{
    let tasks: Vec<_> = (0..wrong).map(|i| tokio::spawn(send(i, false))).collect();
    let waiting = std::time::Instant::now();
    while !counted().await {
        assert!(
            waiting.elapsed() < Duration::from_secs(30),
            "the burst was never counted"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let right = tokio::spawn(send(wrong, true));
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    (right.await.unwrap(), answers)
}

/// A failure count as the database holds it.
async fn failure_count(server: &Server, user_id: &str, method: &str) -> i64 {
    use sqlx::Row;
    let db = server.db().await;
    sqlx::query("SELECT count FROM failures WHERE user_id = $1 AND method = $2")
        .bind(user_id)
        .bind(method)
        .fetch_optional(&db)
        .await
        .unwrap()
        .map_or(0, |r| r.try_get::<i64, _>("count").unwrap())
}

/// How many tries the user's code has had.
async fn code_tries(server: &Server, user_id: &str) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT attempts FROM codes WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&server.db().await)
        .await
        .unwrap()
        .map_or(0, |r| r.try_get::<i64, _>("attempts").unwrap())
}

/// How many password steps on `user_id` were verified and refused (audit
/// details without "locked").
async fn verified_password_failures(server: &Server, user_id: &str) -> usize {
    use sqlx::Row;
    let db = server.db().await;
    sqlx::query(
        "SELECT detail FROM audit WHERE user_id = $1 AND kind = 'login.password' AND outcome = 'failure'",
    )
    .bind(user_id)
    .fetch_all(&db)
    .await
    .unwrap()
    .iter()
    .filter(|r| {
        !r.try_get::<Option<String>, _>("detail")
            .unwrap()
            .unwrap_or_default()
            .contains("locked")
    })
    .count()
}

async fn password_burst(two_instances: bool) {
    let (a, admin, dir) = with_admin(&[
        ("AUTHLEVEL_FAILURE_LIMIT", "10"),
        ("AUTHLEVEL_SECRET_KEY", &"ab".repeat(32)),
        // The lockout is what this attacks, not the rate limits, nor the
        // hashing queue (4 threads queue 64).
        ("AUTHLEVEL_LOGIN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE", "0"),
        ("AUTHLEVEL_PASSWORD_HASH_CONCURRENCY", "4"),
    ])
    .await;
    let b = two_instances.then(|| Server::start_sharing(&a, &[]));
    set_policy(&admin, &dir, password_only()).await;
    let rita = create_user(&a, &admin, &dir, json!({"username": "rita"})).await;
    let clients: Vec<Api> = (0..=BURST)
        .map(|i| match &b {
            Some(b) if i % 2 == 1 => b.client(),
            _ => a.client(),
        })
        .collect();
    let (right, wrong) = burst(
        BURST - 1,
        |i, right| {
            let c = clients[i].clone();
            async move {
                let pw = if right {
                    PASSWORD
                } else {
                    "not rita's password"
                };
                c.password_login("rita", pw).await
            }
        },
        async || failure_count(&a, &rita, "password").await >= i64::try_from(LIMIT).unwrap(),
    )
    .await;
    assert!(wrong.iter().all(|r| r.code() == "invalid_credentials"));
    assert_eq!(
        right.status, 401,
        "the right password, sent last in a burst of {BURST}, logged in: {}",
        right.text
    );
    assert_eq!(right.text, wrong[0].text, "locked answers like wrong");
    assert_eq!(clients[BURST].get("/api/session").await.status, 401);
    assert_eq!(
        failure_count(&a, &rita, "password").await,
        i64::try_from(BURST).unwrap(),
        "every attempt of the burst is counted"
    );
    let verified = verified_password_failures(&a, &rita).await;
    assert!(
        verified <= LIMIT,
        "{verified} wrong passwords were verified; the limit is {LIMIT}"
    );
}

/// Item 1, SECURITY 20: 59 wrong passwords and the right one sent at once
/// get at most `failure_limit` verifications; the right one does not log in.
#[tokio::test]
async fn security_20_a_burst_of_60_password_guesses_does_not_get_past_the_lockout() {
    password_burst(false).await;
}

/// Item 1, SECURITY 20: the same, spread over two instances on one database.
#[tokio::test]
async fn security_20_a_burst_over_two_instances_does_not_get_past_the_lockout() {
    password_burst(true).await;
}

/// Item 1, SECURITY 20: a burst of authenticator-app codes after the
/// password step, with the right code last, does not complete the login.
#[tokio::test]
async fn security_20_a_burst_of_60_totp_guesses_does_not_get_past_the_lockout() {
    let (server, admin, dir) = with_admin(&[("AUTHLEVEL_FAILURE_LIMIT", "10")]).await;
    let id = create_user(&server, &admin, &dir, json!({"username": "tom"})).await;
    // tom sets up the app through a setup link (he cannot log in yet).
    let link = admin
        .post(&format!("/api/admin/users/{id}/setup-link"), json!({}))
        .await;
    // The administrator's last write: under two-factor their password
    // alone is no fresh login.
    set_policy(&admin, &dir, crate::harness::two_factor()).await;
    let enrol = server.client();
    enrol
        .post(
            "/api/setup",
            json!({"token": crate::harness::token_of(link.json["url"].as_str().unwrap())}),
        )
        .await;
    let secret = enrol.post("/api/me/totp/setup", json!({})).await.json["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = enrol
        .post(
            "/api/me/totp/confirm",
            json!({"code": pyotp_code(&secret, -30)}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);

    let c = server.client();
    assert_eq!(
        c.password_login("tom", PASSWORD).await.json["status"],
        "in_progress"
    );
    let right_code = pyotp_code(&secret, 0);
    let wrong_code = if right_code == "000000" {
        "000001"
    } else {
        "000000"
    };
    let (right, wrong) = burst(
        BURST - 1,
        |_, right| {
            let c = c.clone();
            let code = if right {
                right_code.clone()
            } else {
                wrong_code.to_owned()
            };
            async move {
                c.post("/api/login/totp/verify", json!({"code": code}))
                    .await
            }
        },
        async || failure_count(&server, &id, "totp").await >= i64::try_from(LIMIT).unwrap(),
    )
    .await;
    assert!(
        wrong.iter().all(|r| r.code() == "invalid_code"),
        "{}",
        wrong[0].text
    );
    assert_eq!(
        right.code(),
        "invalid_code",
        "the right code, sent last in a burst of {BURST}: {}",
        right.text
    );
    assert_eq!(c.get("/api/session").await.status, 401);
    assert_eq!(
        failure_count(&server, &id, "totp").await,
        i64::try_from(BURST).unwrap()
    );
}

/// Item 1, SECURITY 12 and 20: one SMS code, tried 60 times at once with
/// the right code last, is checked at most `code_max_attempts` times and
/// does not complete the login; every try is counted.
#[tokio::test]
async fn security_20_a_burst_on_one_sms_code_is_checked_at_most_max_attempts_times() {
    let sms = SmsGateway::start().await;
    let mut env: Vec<(&str, String)> = sms.env();
    env.push(("AUTHLEVEL_FAILURE_LIMIT", "100".into()));
    let (server, admin, dir) = with_admin_env(&env).await;
    let id = create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "sia", "phone": "+41791234567"}),
    )
    .await;
    set_policy(&admin, &dir, crate::harness::two_factor()).await;
    let c = server.client();
    c.password_login("sia", PASSWORD).await;
    let sent = c.post("/api/login/sms/send", json!({})).await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let code = sms.last_to("+41791234567").code();
    let wrong_code = if code == "000000" { "000001" } else { "000000" };
    let (right, wrong) = burst(
        BURST - 1,
        |_, right| {
            let c = c.clone();
            let code = if right {
                code.clone()
            } else {
                wrong_code.to_owned()
            };
            async move { c.post("/api/login/sms/verify", json!({"code": code})).await }
        },
        async || code_tries(&server, &id).await >= 5,
    )
    .await;
    let checked = wrong
        .iter()
        .chain([&right])
        .filter(|r| {
            r.json["detail"]
                .as_str()
                .unwrap_or("")
                .contains("not valid")
        })
        .count();
    assert!(
        checked <= 5,
        "{checked} tries of one code were checked; code_max_attempts is 5"
    );
    assert_eq!(right.code(), "invalid_code", "{}", right.text);
    assert_eq!(c.get("/api/session").await.status, 401);
    assert_eq!(
        code_tries(&server, &id).await,
        i64::try_from(BURST).unwrap()
    );
    assert_eq!(
        failure_count(&server, &id, "sms").await,
        i64::try_from(BURST).unwrap()
    );
}

/// Item 2, SECURITY 25 and 28: a step-up that verified only an email code
/// is no re-authentication. After it, every account change answers
/// `reauth_required`; the session keeps the absolute limit of the first
/// login; a fresh password and a second method make changes possible.
#[tokio::test]
async fn security_28_a_step_up_is_not_a_fresh_login_and_keeps_the_absolute_limit() {
    use crate::receivers::{SmtpSink, first_code};
    let sms = SmsGateway::start().await;
    let smtp = SmtpSink::start();
    let mut env: Vec<(&str, String)> = sms.env();
    env.extend(smtp.env());
    env.push(("AUTHLEVEL_REAUTH_WINDOW_S", "2".into()));
    env.push(("AUTHLEVEL_SESSION_ABSOLUTE_TIMEOUT_S", "12".into()));
    env.push(("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".into()));
    let (server, admin, dir) = with_admin_env(&env).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "eve", "phone": "+41791234567", "email": "eve@example.com"}),
    )
    .await;
    let client = admin
        .post(
            &format!("/api/admin/directories/{dir}/clients"),
            json!({"name": "Bank", "redirect_uris": ["http://localhost:9/cb"], "public": true}),
        )
        .await;
    assert_eq!(client.status, 201, "{}", client.text);
    let client_id = client.json["client"]["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    set_policy(&admin, &dir, crate::harness::two_factor()).await;

    // A full login: password and SMS.
    let browser = server.client();
    browser.password_login("eve", PASSWORD).await;
    browser.post("/api/login/sms/send", json!({})).await;
    let r = browser
        .post(
            "/api/login/sms/verify",
            json!({"code": sms.last_to("+41791234567").code()}),
        )
        .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let first = browser.get("/api/session").await.json;

    // Older than the re-authentication window, an application asks for 40:
    // the step-up verifies only an email code.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let authorize = format!(
        "/oauth2/authorize?client_id={client_id}&redirect_uri=http%3A%2F%2Flocalhost%3A9%2Fcb\
         &response_type=code&scope=openid&code_challenge_method=S256\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&acr_values=40"
    );
    let r = browser.get(&authorize).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(
        browser.get("/api/login").await.json["progress"]["earned"],
        30
    );
    assert_eq!(
        browser
            .post("/api/login/email/send", json!({}))
            .await
            .status,
        200
    );
    let mail = smtp.all().pop().unwrap();
    let r = browser
        .post(
            "/api/login/email/verify",
            json!({"code": first_code(&mail.data)}),
        )
        .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let stepped = browser.get("/api/session").await.json;
    assert_eq!(stepped["level"], 40);
    assert_eq!(
        stepped["expires_at"], first["expires_at"],
        "a step-up keeps the absolute limit of the first login"
    );
    assert_eq!(
        stepped["authenticated_at"], first["authenticated_at"],
        "auth_time is the last first step, not the step-up"
    );

    // Every account change needs a fresh full login.
    let refused = [
        browser
            .post(
                "/api/me/password",
                json!({"new_password": "a brand new password"}),
            )
            .await,
        browser
            .post("/api/me/passkeys/register/start", json!({}))
            .await,
        browser.delete("/api/me/passkeys/nonexistent").await,
        browser.post("/api/me/totp/setup", json!({})).await,
        browser
            .patch("/api/me", json!({"phone": "+41791234568"}))
            .await,
        browser
            .patch("/api/me", json!({"email": "eve@evil.example"}))
            .await,
    ];
    for r in &refused {
        assert_eq!(r.status, 403, "{}", r.text);
        assert_eq!(r.code(), "reauth_required", "{}", r.text);
    }

    // A fresh password and a second method: changes are possible again.
    let r = browser.password_login("eve", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    browser.post("/api/login/sms/send", json!({})).await;
    let r = browser
        .post(
            "/api/login/sms/verify",
            json!({"code": sms.last_to("+41791234567").code()}),
        )
        .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let r = browser
        .post(
            "/api/me/password",
            json!({"new_password": "a brand new password"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);

    // The stepped-up session, had it been kept, ends at the first login's
    // absolute limit: a second browser that only stepped up is out by then.
    let other = server.client();
    other.password_login("eve", "a brand new password").await;
    other.post("/api/login/sms/send", json!({})).await;
    other
        .post(
            "/api/login/sms/verify",
            json!({"code": sms.last_to("+41791234567").code()}),
        )
        .await;
    let began = other.get("/api/session").await.json["expires_at"]
        .as_i64()
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    other.get(&authorize).await;
    other.post("/api/login/email/send", json!({})).await;
    let mail = smtp.all().pop().unwrap();
    other
        .post(
            "/api/login/email/verify",
            json!({"code": first_code(&mail.data)}),
        )
        .await;
    let s = other.get("/api/session").await;
    assert_eq!(s.json["level"], 40, "{}", s.text);
    assert_eq!(s.json["expires_at"].as_i64().unwrap(), began);
    let wait = began - crate::attacks::unix_now() + 1;
    tokio::time::sleep(Duration::from_secs(u64::try_from(wait.max(0)).unwrap())).await;
    assert_eq!(
        other.get("/api/session").await.status,
        401,
        "the absolute timeout counts from the first login"
    );
}

/// Now, as Unix seconds.
pub fn unix_now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// Item 3, SECURITY 29: an administrator opens Bob's setup link in the
/// browser they are logged in with. The page says whose account it sets
/// up, and every enrolment call acts on Bob's account only: the password
/// typed goes to Bob, the administrator's stays.
#[tokio::test]
async fn security_29_a_setup_link_in_a_logged_in_browser_sets_up_the_links_account() {
    let (server, admin, dir) = with_admin(&[]).await;
    let created = admin
        .post(
            &format!("/api/admin/directories/{dir}/users"),
            json!({"username": "bob"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let token = crate::harness::token_of(created.json["setup_link"]["url"].as_str().unwrap());

    // The same browser: the admin's session cookie and now Bob's enrolment.
    let opened = admin.post("/api/setup", json!({"token": token})).await;
    assert_eq!(opened.status, 200, "{}", opened.text);
    assert_eq!(opened.json["username"], "bob");
    assert_eq!(
        opened.json["logged_in_as"], "admin",
        "the page says plainly that this browser is someone else's"
    );
    let options = admin
        .post("/api/me/passkeys/register/start", json!({}))
        .await;
    assert_eq!(options.status, 200, "{}", options.text);
    assert_eq!(
        options.json["publicKey"]["user"]["name"], "bob",
        "a passkey registered now is Bob's"
    );
    let set = admin
        .post(
            "/api/me/password",
            json!({"new_password": "bobs own new password"}),
        )
        .await;
    assert_eq!(set.status, 204, "{}", set.text);

    // The admin's password is unchanged; Bob has the one typed for him.
    let fresh = server.client();
    assert_eq!(
        fresh.password_login("admin", PASSWORD).await.json["status"],
        "complete"
    );
    assert_eq!(
        server
            .client()
            .password_login("admin", "bobs own new password")
            .await
            .status,
        401
    );
    let bob = server
        .client()
        .password_login("bob", "bobs own new password")
        .await;
    assert_eq!(bob.json["status"], "complete", "{}", bob.text);
    // The admin's session was not ended by opening the link.
    assert_eq!(admin.get("/api/session").await.json["username"], "admin");
}

/// Item 6, SECURITY 28: a user sees and ends their own sessions, and
/// removing the email address or the mobile number is told by the other
/// channel.
#[tokio::test]
async fn security_28_own_sessions_can_be_seen_and_ended_and_removals_are_told() {
    use crate::receivers::SmtpSink;
    let sms = SmsGateway::start().await;
    let smtp = SmtpSink::start();
    let mut env: Vec<(&str, String)> = sms.env();
    env.extend(smtp.env());
    let (server, admin, dir) = with_admin_env(&env).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "sam", "phone": "+41791234567", "email": "sam@example.com"}),
    )
    .await;
    let [a, b, c] = [server.client(), server.client(), server.client()];
    for x in [&a, &b] {
        assert_eq!(
            x.password_login("sam", PASSWORD).await.json["status"],
            "complete"
        );
    }
    let list = a.get("/api/me/sessions").await;
    assert_eq!(list.status, 200, "{}", list.text);
    let list = list.json.as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(list.iter().all(|s| s["methods"][0]["method"] == "password"
        && s["methods"][0]["verified_at"].as_i64().is_some()
        && s["ip"] == "127.0.0.1"));
    let other = list.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(a.delete("/api/me/sessions/not-a-session").await.status, 404);
    assert_eq!(
        a.delete(&format!("/api/me/sessions/{other}")).await.status,
        204
    );
    assert_eq!(
        b.get("/api/session").await.status,
        401,
        "ended on the server"
    );
    assert_eq!(
        c.password_login("sam", PASSWORD).await.json["status"],
        "complete"
    );
    assert_eq!(
        a.post("/api/me/sessions/end-others", json!({}))
            .await
            .status,
        204
    );
    assert_eq!(c.get("/api/session").await.status, 401);
    assert_eq!(
        a.get("/api/session").await.status,
        200,
        "the current one stays"
    );

    // Removing the email address is told by SMS; then removing the mobile
    // number, the one channel left, is told to it.
    let r = a.patch("/api/me", json!({"email": ""})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let told = sms.last_to("+41791234567");
    assert!(
        told.message.contains("The email address was removed"),
        "{}",
        told.message
    );
    let r = a.patch("/api/me", json!({"phone": ""})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let all = sms.all();
    assert!(
        all.iter()
            .any(|m| m.message.contains("The mobile number was removed")),
        "{all:?}"
    );
}

/// Waits, if need be, until the current minute (a rate limit's window)
/// has at least 20 seconds left, so a test's requests share one window.
async fn early_in_a_minute() {
    let left = 60 - unix_now().rem_euclid(60);
    if left < 20 {
        tokio::time::sleep(Duration::from_secs(u64::try_from(left).unwrap() + 1)).await;
    }
}

/// A rate-limit counter's count in the current minute.
async fn counted(server: &Server, key: &str) -> i64 {
    use sqlx::Row;
    let window = unix_now() - unix_now().rem_euclid(60);
    sqlx::query("SELECT count FROM counters WHERE key = $1 AND window_start = $2")
        .bind(key)
        .bind(window)
        .fetch_optional(&server.db().await)
        .await
        .unwrap()
        .map_or(0, |r| r.try_get::<i64, _>("count").unwrap())
}

/// Item 4: the password step is rate-limited per account name in the
/// shared database (a 429 with `Retry-After`, before any hashing), across
/// two instances; names that are no account are limited alike.
#[tokio::test]
async fn item_4_password_steps_are_rate_limited_per_name_over_two_instances() {
    let (a, admin, dir) = with_admin(&[
        ("AUTHLEVEL_LOGIN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE", "5"),
        ("AUTHLEVEL_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", "0"),
        ("AUTHLEVEL_SECRET_KEY", &"cd".repeat(32)),
    ])
    .await;
    create_user(&a, &admin, &dir, json!({"username": "known"})).await;
    let b = Server::start_sharing(&a, &[]);
    early_in_a_minute().await;
    for name in ["known", "nobody-here"] {
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let c = if i % 2 == 0 { a.client() } else { b.client() };
                let name = name.to_owned();
                tokio::spawn(async move { c.password_login(&name, "wrong password x").await })
            })
            .collect();
        let mut answers = Vec::new();
        for t in tasks {
            answers.push(t.await.unwrap());
        }
        let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
        let limited: Vec<_> = answers.iter().filter(|r| r.status == 429).collect();
        assert_eq!(limited.len(), 3, "{name}: {statuses:?}");
        assert_eq!(
            statuses.iter().filter(|s| **s == 401).count(),
            5,
            "{statuses:?}"
        );
        assert_eq!(limited[0].code(), "rate_limited");
        let retry: u64 = limited[0].headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry), "{retry}");
    }
}

/// Item 4: the password step is rate-limited per client address.
#[tokio::test]
async fn item_4_password_steps_are_rate_limited_per_address() {
    let (server, _admin, _dir) = with_admin(&[
        ("AUTHLEVEL_LOGIN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE", "0"),
        ("AUTHLEVEL_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", "6"),
    ])
    .await;
    early_in_a_minute().await;
    let before = counted(&server, "password ip 127.0.0.1").await;
    let mut statuses = Vec::new();
    for i in 0..8 {
        let c = server.client();
        statuses.push(
            c.password_login(&format!("n{i}"), "wrong password x")
                .await
                .status,
        );
    }
    let allowed = usize::try_from(6 - before).unwrap();
    assert!(
        statuses[..allowed].iter().all(|s| *s == 401),
        "{statuses:?}"
    );
    assert!(
        statuses[allowed..].iter().all(|s| *s == 429),
        "{statuses:?}"
    );
}

/// Item 4: a full hashing queue answers 503 with `Retry-After` at once,
/// never a 500, and a login after the flood works.
#[tokio::test]
async fn item_4_a_flood_beyond_the_hashing_queue_is_refused_at_once() {
    let (server, _admin, _dir) = with_admin(&[
        ("AUTHLEVEL_PASSWORD_HASH_CONCURRENCY", "1"),
        ("AUTHLEVEL_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", "0"),
        ("AUTHLEVEL_LOGIN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE", "0"),
    ])
    .await;
    let tasks: Vec<_> = (0..80)
        .map(|i| {
            let c = server.client();
            tokio::spawn(async move {
                c.password_login(&format!("flood-{i}"), "wrong password x")
                    .await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        let r = t.await.unwrap();
        if r.status == 503 {
            assert_eq!(r.code(), "unavailable", "{}", r.text);
            assert_eq!(r.headers["retry-after"], "1");
        }
        statuses.push(r.status);
    }
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 503),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&503),
        "a queue of 16 per thread is full: {statuses:?}"
    );
    let ok = server.client().password_login("admin", PASSWORD).await;
    assert_eq!(ok.json["status"], "complete", "{}", ok.text);
}

/// Item 13: unauthenticated requests that store a row (a passkey sign-in
/// begun, an application's authorization request) are limited per address.
#[tokio::test]
async fn item_13_unauthenticated_writes_are_limited_per_address() {
    let (server, admin, dir) =
        with_admin(&[("AUTHLEVEL_ANONYMOUS_WRITES_PER_IP_PER_MINUTE", "20")]).await;
    set_policy(&admin, &dir, crate::harness::two_factor()).await;
    early_in_a_minute().await;
    let c = server.client();
    let mut statuses = Vec::new();
    for _ in 0..25 {
        statuses.push(c.post("/api/login/passkey/start", json!({})).await.status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        20,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
    use sqlx::Row;
    let rows: i64 = sqlx::query("SELECT COUNT(*) AS n FROM webauthn_states")
        .fetch_one(&server.db().await)
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(rows, 20, "a refused start stores nothing");
}

/// Item 11, SECURITY 23: the quotas and the resend wait of codes are one
/// atomic step with storing the code: 20 sends at once to one number get
/// at most the hourly quota of messages to the real gateway (and at most one
/// within the resend wait).
#[tokio::test]
async fn item_11_twenty_sends_at_once_send_at_most_the_quota() {
    let sms = SmsGateway::start().await;
    let mut env: Vec<(&str, String)> = sms.env();
    env.push(("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".into()));
    env.push(("AUTHLEVEL_CODE_PER_DESTINATION_PER_HOUR", "5".into()));
    env.push(("AUTHLEVEL_CODE_PER_ACCOUNT_PER_HOUR", "50".into()));
    env.push(("AUTHLEVEL_CODE_PER_IP_PER_HOUR", "50".into()));
    let (server, admin, dir) = with_admin_env(&env).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "pia", "phone": "+41791234567"}),
    )
    .await;
    set_policy(&admin, &dir, crate::harness::two_factor()).await;
    let c = server.client();
    c.password_login("pia", PASSWORD).await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.post("/api/login/sms/send", json!({})).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        15,
        "{statuses:?}"
    );
    assert_eq!(sms.all().len(), 5, "messages at the gateway");

    // With the resend wait, one send of a burst goes out.
    let env = sms.env();
    let (server, admin, dir) = with_admin_env(&env).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "pia", "phone": "+41791234599"}),
    )
    .await;
    set_policy(&admin, &dir, crate::harness::two_factor()).await;
    let c = server.client();
    c.password_login("pia", PASSWORD).await;
    let before = sms.all().len();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.post("/api/login/sms/send", json!({})).await.status })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        ok += usize::from(t.await.unwrap() == 200);
    }
    assert_eq!(ok, 1);
    assert_eq!(sms.all().len() - before, 1);
}

/// Item 12, SECURITY 16: two logins at once with two clones of one
/// authenticator (the same signature counter), for two ceremonies: at most
/// one is accepted; the counter update is conditional.
#[tokio::test]
async fn security_16_two_concurrent_logins_with_one_counter_value_succeed_at_most_once() {
    use crate::passkeys::{finish, origin, start, user_with_passkey};
    use webauthn_authenticator_rs::WebauthnAuthenticator;
    use webauthn_authenticator_rs::softtoken::SoftToken;
    let (server, admin, dir) = with_admin(&[]).await;
    let (mut token, _) = SoftToken::new(true).unwrap();
    user_with_passkey(&server, &admin, &dir, "clo", &mut token).await;
    set_policy(&admin, &dir, crate::harness::two_factor()).await;
    for round in 0..5 {
        // A clone: the same key and the same counter.
        let mut clone = SoftToken::from_cbor(&token.to_cbor().unwrap()).unwrap();
        let (a, b) = (server.client(), server.client());
        let ra = start(&a, json!({"username": "clo"})).await;
        let rb = start(&b, json!({"username": "clo"})).await;
        let ca = token.do_authentication(origin(&server), ra).unwrap();
        let cb = clone.do_authentication(origin(&server), rb).unwrap();
        let (fa, fb) = tokio::join!(finish(&a, &ca), finish(&b, &cb));
        let completed = [&fa, &fb]
            .iter()
            .filter(|r| r.json["status"] == "complete")
            .count();
        assert_eq!(
            completed, 1,
            "round {round}: of two logins with one counter value, exactly one completes"
        );
        for r in [&fa, &fb] {
            assert!(
                r.json["status"] == "complete" || r.code() == "invalid_credentials",
                "{}",
                r.text
            );
        }
    }
}

/// Item 7, SECURITY 22: a named passkey sign-in answers alike for a name
/// with passkeys and one without (or no account at all): the same number
/// of listed credentials of the same length, and the same answer for case
/// variants of a name.
#[tokio::test]
async fn security_22_passkey_options_tell_nothing_of_which_names_have_passkeys() {
    use crate::passkeys::{start, user_with_passkey};
    use webauthn_authenticator_rs::softpasskey::SoftPasskey;
    let (server, admin, dir) = with_admin(&[]).await;
    let mut auth = SoftPasskey::new(true);
    let id = user_with_passkey(&server, &admin, &dir, "alice", &mut auth).await;
    // Alice has two passkeys: the second through a new setup link.
    let link = admin
        .post(&format!("/api/admin/users/{id}/setup-link"), json!({}))
        .await;
    set_policy(&admin, &dir, crate::harness::two_factor()).await;
    let c = server.client();
    c.post(
        "/api/setup",
        json!({"token": crate::harness::token_of(link.json["url"].as_str().unwrap())}),
    )
    .await;
    let mut second = SoftPasskey::new(true);
    let r = c.post("/api/me/passkeys/register/start", json!({})).await;
    let ccr = serde_json::from_value(r.json).unwrap();
    use webauthn_authenticator_rs::WebauthnAuthenticator;
    let cred = second
        .do_registration(crate::passkeys::origin(&server), ccr)
        .unwrap();
    let r = c
        .post(
            "/api/me/passkeys/register/finish",
            json!({"credential": cred}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    let ids = async |name: &str| -> Vec<Vec<u8>> {
        start(&server.client(), json!({"username": name}))
            .await
            .public_key
            .allow_credentials
            .into_iter()
            .map(|a| a.id.to_vec())
            .collect()
    };
    let real = ids("alice").await;
    let decoy = ids("nobody").await;
    assert_eq!(
        real.len(),
        decoy.len(),
        "as many listed for a name without passkeys"
    );
    assert!(
        real.iter()
            .chain(&decoy)
            .all(|id| id.len() == real[0].len())
    );
    for variant in ["ALICE", " Alice "] {
        assert_eq!(ids(variant).await, real, "{variant:?}");
    }
    for variant in ["NOBODY", " Nobody "] {
        assert_eq!(
            ids(variant).await,
            decoy,
            "{variant:?} answers as nobody does"
        );
    }
}
