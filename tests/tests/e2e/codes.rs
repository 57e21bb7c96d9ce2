//! SMS and email codes with real delivery (SECURITY 8, 11, 12, 23, 30).

use crate::harness::{Api, PASSWORD, Server, create_user, set_policy, two_factor, with_admin_env};
use crate::receivers::{SmsGateway, SmtpSink, first_code};
use serde_json::{Value, json};

const PHONE: &str = "+41791234567";

struct Ctx {
    server: Server,
    admin: Api,
    dir: String,
    sms: SmsGateway,
    smtp: SmtpSink,
}

async fn start(extra: &[(&'static str, &str)]) -> Ctx {
    let sms = SmsGateway::start().await;
    let smtp = SmtpSink::start();
    let mut env: Vec<(&str, String)> = sms.env();
    env.extend(smtp.env());
    env.push(("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".into()));
    env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let (server, admin, dir) = with_admin_env(&env).await;
    Ctx {
        server,
        admin,
        dir,
        sms,
        smtp,
    }
}

impl Ctx {
    async fn user(&self, body: Value) {
        create_user(&self.server, &self.admin, &self.dir, body).await;
    }

    async fn two_factor(&self) {
        set_policy(&self.admin, &self.dir, two_factor()).await;
    }

    /// A client past the password step of `username`.
    async fn after_password(&self, username: &str) -> Api {
        let c = self.server.client();
        let r = c.password_login(username, PASSWORD).await;
        assert_eq!(r.json["status"], "in_progress", "{}", r.text);
        c
    }
}

#[tokio::test]
async fn password_plus_sms_and_password_plus_email_complete() {
    let ctx = start(&[]).await;
    ctx.user(json!({"username": "ann", "phone": PHONE, "email": "ann@example.com", "display_name": "Ann"})).await;
    ctx.two_factor().await;

    let c = ctx.after_password("ann").await;
    let r = c.post("/api/login/sms/send", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json,
        json!({"sent_to": "+41•••••••67", "expires_in_s": 600})
    );
    let sms = ctx.sms.last_to(PHONE);
    assert!(
        sms.message.contains("expires in 10 minutes"),
        "{}",
        sms.message
    );
    assert!(
        sms.message.contains("Default"),
        "the message names the directory"
    );
    let r = c
        .post("/api/login/sms/verify", json!({"code": sms.code()}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "complete");
    assert_eq!(r.json["progress"]["verified"], json!(["password", "sms"]));
    assert_eq!(c.get("/api/session").await.json["level"], 30);

    let c = ctx.after_password("ann").await;
    let r = c.post("/api/login/email/send", json!({})).await;
    assert_eq!(r.json["sent_to"], "a•••@example.com", "{}", r.text);
    let mail = ctx.smtp.all().pop().expect("a mail");
    assert_eq!(mail.rcpt_tos, vec!["ann@example.com"]);
    assert!(mail.data.contains("Subject: Your Default login code"));
    let r = c
        .post(
            "/api/login/email/verify",
            json!({"code": first_code(&mail.data)}),
        )
        .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);

    // Codes never reach the log.
    let log = ctx.server.log();
    assert!(!log.contains(&sms.code()), "an SMS code is in the log");
}

#[tokio::test]
async fn expired_reused_superseded_and_foreign_codes_are_refused() {
    let ctx = start(&[("AUTHLEVEL_CODE_TTL_S", "2")]).await;
    ctx.user(json!({"username": "bea", "phone": PHONE})).await;
    ctx.user(json!({"username": "cid", "phone": "+41791234568"}))
        .await;
    ctx.two_factor().await;

    // Expired: used after its 2 s lifetime.
    let c = ctx.after_password("bea").await;
    c.post("/api/login/sms/send", json!({})).await;
    let old = ctx.sms.last_to(PHONE).code();
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let r = c.post("/api/login/sms/verify", json!({"code": old})).await;
    assert_eq!((r.status, r.code()), (401, "invalid_code"));
    assert!(r.json["detail"].as_str().unwrap().contains("expired"));

    // Superseded: the first code after a resend.
    let r = c.post("/api/login/sms/send", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let first = ctx.sms.last_to(PHONE).code();
    c.post("/api/login/sms/send", json!({})).await;
    let second = ctx.sms.last_to(PHONE).code();
    if first != second {
        let r = c
            .post("/api/login/sms/verify", json!({"code": first}))
            .await;
        assert_eq!((r.status, r.code()), (401, "invalid_code"));
    }
    // From another user's login: cid's code does not work in bea's.
    let other = ctx.after_password("cid").await;
    other.post("/api/login/sms/send", json!({})).await;
    let cids = ctx.sms.last_to("+41791234568").code();
    if cids != second {
        let r = c.post("/api/login/sms/verify", json!({"code": cids})).await;
        assert_eq!((r.status, r.code()), (401, "invalid_code"));
    }
    let r = c
        .post("/api/login/sms/verify", json!({"code": second}))
        .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);

    // Reused: the same code in a new login.
    let again = ctx.after_password("bea").await;
    let r = again
        .post("/api/login/sms/verify", json!({"code": second}))
        .await;
    assert_eq!((r.status, r.code()), (401, "invalid_code"));
    again.post("/api/login/sms/send", json!({})).await;
    let r = again
        .post("/api/login/sms/verify", json!({"code": second}))
        .await;
    if ctx.sms.last_to(PHONE).code() != second {
        assert_eq!((r.status, r.code()), (401, "invalid_code"));
    }
}

#[tokio::test]
async fn eight_concurrent_verifies_of_one_code_succeed_once() {
    eight_concurrent_verifies(&[]).await;
}

/// With fewer pooled connections than requests, no request may hold a
/// transaction's connection while it waits for another: all answer at once
/// (a wait would end in 503s after the pool's timeout).
#[tokio::test]
async fn eight_concurrent_verifies_on_two_pooled_connections() {
    let started = std::time::Instant::now();
    eight_concurrent_verifies(&[("AUTHLEVEL_DATABASE_MAX_CONNECTIONS", "2")]).await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(8),
        "the verifies waited for connections: {:?}",
        started.elapsed()
    );
}

async fn eight_concurrent_verifies(extra: &[(&'static str, &str)]) {
    let ctx = start(extra).await;
    ctx.user(json!({"username": "dee", "phone": PHONE})).await;
    ctx.two_factor().await;
    let c = ctx.after_password("dee").await;
    c.post("/api/login/sms/send", json!({})).await;
    let code = ctx.sms.last_to(PHONE).code();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let c = c.clone();
        let code = code.clone();
        tasks.push(tokio::spawn(async move {
            c.post("/api/login/sms/verify", json!({"code": code})).await
        }));
    }
    let mut complete = 0;
    for t in tasks {
        let r = t.await.unwrap();
        assert!(r.status < 500, "{}", r.text);
        if r.json["status"] == "complete" {
            complete += 1;
        }
    }
    assert_eq!(complete, 1);
}

#[tokio::test]
async fn codes_only_after_the_first_step_and_only_when_enrolled() {
    let ctx = start(&[]).await;
    ctx.user(json!({"username": "eli"})).await;
    // SMS is the only way past the password here, and eli has no number.
    set_policy(&ctx.admin, &ctx.dir, json!({"required_level": 30, "points": {"password": 20, "sms": 10, "email": 0, "totp": 0, "passkey": 0}})).await;

    let anonymous = ctx.server.client();
    let r = anonymous.post("/api/login/sms/send", json!({})).await;
    assert_eq!((r.status, r.code()), (409, "no_login"));
    let r = anonymous
        .post("/api/login/sms/verify", json!({"code": "123456"}))
        .await;
    assert_eq!((r.status, r.code()), (409, "no_login"));
    assert!(
        ctx.sms.all().is_empty(),
        "no code to an unidentified caller"
    );

    let c = ctx.server.client();
    let r = c.password_login("eli", PASSWORD).await;
    assert_eq!(r.json["status"], "blocked");
    assert_eq!(r.json["options"], json!([]));
    let msg = r.json["message"].as_str().unwrap();
    assert!(
        msg.contains("SMS code (10 points) needs a confirmed mobile number"),
        "{msg}"
    );
    let r = c.post("/api/login/sms/send", json!({})).await;
    assert_eq!((r.status, r.code()), (409, "method_not_offered"));
}

#[tokio::test]
async fn a_new_number_counts_only_once_confirmed() {
    let ctx = start(&[]).await;
    ctx.user(json!({"username": "fox"})).await;
    // fox enrols a phone through a setup link.
    let id = crate::harness::user_id(&ctx.admin, &ctx.dir, "fox").await;
    let link = ctx
        .admin
        .post(&format!("/api/admin/users/{id}/setup-link"), json!({}))
        .await;
    ctx.two_factor().await;
    let enrol = ctx.server.client();
    enrol
        .post(
            "/api/setup",
            json!({"token": crate::harness::token_of(link.json["url"].as_str().unwrap())}),
        )
        .await;

    let r = enrol
        .patch("/api/me", json!({"phone": "+41 79 123 45 67"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["pending_phone"], PHONE);
    assert_eq!(r.json["phone"], Value::Null);
    // Unconfirmed: blocked at login, SMS not offered.
    let r = ctx.server.client().password_login("fox", PASSWORD).await;
    assert_eq!(r.json["status"], "blocked", "{}", r.text);

    let code = ctx.sms.last_to(PHONE).code();
    let r = enrol
        .post("/api/me/phone/verify", json!({"code": "000000"}))
        .await;
    if code != "000000" {
        assert_eq!((r.status, r.code()), (401, "invalid_code"));
    }
    let r = enrol
        .post("/api/me/phone/verify", json!({"code": code}))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(
        enrol.get("/api/setup").await.json["enrolled"],
        json!(["password", "sms"])
    );
    let c = ctx.after_password("fox").await;
    let r = c.get("/api/login").await;
    assert_eq!(r.json["options"][0]["method"], "sms");
}

#[tokio::test]
async fn a_failed_delivery_is_an_error_and_kills_the_code() {
    let ctx = start(&[]).await;
    ctx.user(json!({"username": "gil", "phone": PHONE})).await;
    ctx.two_factor().await;
    let c = ctx.after_password("gil").await;
    ctx.sms.set_failing(true);
    let r = c.post("/api/login/sms/send", json!({})).await;
    assert_eq!((r.status, r.code()), (502, "delivery_failed"));
    assert_eq!(r.content_type(), "application/problem+json");
    ctx.sms.set_failing(false);
    let lost = ctx.sms.last_to(PHONE).code();
    let r = c.post("/api/login/sms/verify", json!({"code": lost})).await;
    assert_eq!((r.status, r.code()), (401, "invalid_code"));
    let r = c.post("/api/login/sms/send", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let to = r.json["sent_to"].as_str().unwrap();
    let wrong = if ctx.sms.last_to(PHONE).code() == "000000" {
        "111111"
    } else {
        "000000"
    };
    let r = c
        .post("/api/login/sms/verify", json!({"code": wrong}))
        .await;
    assert_eq!((r.status, r.code()), (401, "invalid_code"));
    // One row per send, written with its code: the failed one says so, and
    // nothing says it was sent.
    let audit = ctx.admin.get("/api/admin/audit?limit=100").await;
    let sends: Vec<_> = audit
        .json
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "code.send")
        .map(|e| {
            (
                e["outcome"].as_str().unwrap(),
                e["detail"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sends,
        [
            ("success", &*format!("login_sms to {to}")),
            ("failure", &*format!("delivery to {to} failed"))
        ],
        "{}",
        audit.text
    );
    // Each refused verify is audited: with no code waiting, and, written
    // with its counted attempt, with a wrong one.
    let refused = audit
        .json
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "login.sms" && e["outcome"] == "failure")
        .count();
    assert_eq!(refused, 2, "{}", audit.text);
}

#[tokio::test]
async fn quotas_and_the_country_allow_list_stop_sms_pumping() {
    let ctx = start(&[("AUTHLEVEL_SMS_ALLOWED_COUNTRIES", "41")]).await;
    ctx.user(json!({"username": "hal", "phone": PHONE})).await;
    ctx.user(json!({"username": "ian", "phone": "+1 415 555 2671"}))
        .await;
    ctx.two_factor().await;

    let c = ctx.after_password("ian").await;
    let r = c.post("/api/login/sms/send", json!({})).await;
    assert_eq!((r.status, r.code()), (400, "invalid_input"), "{}", r.text);

    // 50 requests for one account: the hourly quotas stop them early.
    let c = ctx.after_password("hal").await;
    let mut sent = 0;
    let mut limited = 0;
    for _ in 0..50 {
        let r = c.post("/api/login/sms/send", json!({})).await;
        match r.status {
            200 => sent += 1,
            429 => limited += 1,
            s => panic!("unexpected {s}: {}", r.text),
        }
    }
    assert_eq!(sent, 5, "per-number quota");
    assert_eq!(limited, 45);
    assert_eq!(ctx.sms.all().len(), 5);
    assert!(
        ctx.server.log().contains("code quota reached"),
        "an alert is raised"
    );
    let audit = ctx.admin.get("/api/admin/audit?limit=200").await;
    assert!(
        audit
            .json
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "code.quota")
    );
}

#[tokio::test]
async fn no_header_injection_reaches_the_mail() {
    let ctx = start(&[]).await;
    ctx.user(json!({"username": "jo", "email": "jo@example.com", "phone": PHONE}))
        .await;
    let id = crate::harness::user_id(&ctx.admin, &ctx.dir, "jo").await;
    for body in [
        json!({"email": "jo@example.com\r\nBcc: victim@evil.com"}),
        json!({"display_name": "Jo\r\nBcc: victim@evil.com"}),
    ] {
        let r = ctx
            .admin
            .patch(&format!("/api/admin/users/{id}"), body)
            .await;
        assert_eq!((r.status, r.code()), (400, "invalid_input"));
    }
    ctx.two_factor().await;
    let c = ctx.after_password("jo").await;
    c.post("/api/login/email/send", json!({})).await;
    for mail in ctx.smtp.all() {
        assert_eq!(mail.rcpt_tos, vec!["jo@example.com"]);
        let headers = mail.data.split("\r\n\r\n").next().unwrap().to_lowercase();
        assert!(!headers.contains("\nbcc:"), "{headers}");
    }
}
