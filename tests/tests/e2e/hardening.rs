//! Hardening from issue 17: the client's address behind trusted proxies
//! (item 5), no code in a production log (item 8, SECURITY 31), and the dev
//! outbox for operators only (item 9).

use crate::harness::{
    Api, PASSWORD, Resp, Server, create_user, set_policy, two_factor, with_admin,
};
use crate::receivers::SmsGateway;
use authlevel_server::crypto::SecretBox;
use serde_json::{Value, json};
use sqlx::Row;

const PHONE: &str = "+41791234567";

/// POSTs JSON as a client behind a proxy that says `X-Forwarded-For: xff`.
async fn post_via(c: &Api, xff: &str, path: &str, body: Value) -> Resp {
    c.raw(|h, b| {
        h.post(format!("{b}{path}"))
            .header("x-forwarded-for", xff)
            .json(&body)
    })
    .await
}

/// A client past the password step of `username`, behind `xff`.
async fn after_password_via(server: &Server, xff: &str, username: &str) -> Api {
    let c = server.client();
    let r = post_via(
        &c,
        xff,
        "/api/login/password",
        json!({"username": username, "password": PASSWORD}),
    )
    .await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    c
}

/// The addresses the audit log recorded for events of `kind`.
async fn audit_ips(admin: &Api, kind: &str) -> Vec<String> {
    let audit = admin.get("/api/admin/audit?limit=500").await;
    assert_eq!(audit.status, 200, "{}", audit.text);
    let mut ips: Vec<String> = audit
        .json
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .map(|e| e["ip"].as_str().unwrap_or("").to_owned())
        .collect();
    ips.sort();
    ips
}

/// A server whose per-address code quota is 2 an hour (the other quotas
/// out of the way), with `trusted_proxies`, SMS to a real gateway, and the
/// users ann and ben, each with a phone, under two-factor.
async fn quota_server(trusted_proxies: &str) -> (Server, Api, SmsGateway) {
    let sms = SmsGateway::start().await;
    let mut env: Vec<(&str, String)> = sms.env();
    env.extend([
        ("AUTHLEVEL_TRUSTED_PROXIES", trusted_proxies.to_owned()),
        ("AUTHLEVEL_CODE_PER_IP_PER_HOUR", "2".into()),
        ("AUTHLEVEL_CODE_PER_ACCOUNT_PER_HOUR", "100".into()),
        ("AUTHLEVEL_CODE_PER_DESTINATION_PER_HOUR", "100".into()),
        ("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".into()),
    ]);
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (server, admin, dir) = with_admin(&pairs).await;
    for name in ["ann", "ben"] {
        create_user(
            &server,
            &admin,
            &dir,
            json!({"username": name, "phone": PHONE}),
        )
        .await;
    }
    set_policy(&admin, &dir, two_factor()).await;
    (server, admin, sms)
}

/// Issue 17 item 5: behind a trusted proxy (the test's own address,
/// 127.0.0.1), the per-address code quota and the audit log use the
/// address the proxy forwarded, the rightmost one that is not a proxy:
/// two clients behind it have a quota each, and what a client writes into
/// the header itself (the left part) changes nothing.
#[tokio::test]
async fn item_5_behind_a_trusted_proxy_quota_and_audit_use_the_forwarded_address() {
    let (server, admin, sms) = quota_server("127.0.0.1/32, ::1").await;

    // Ann's client rotates what it writes left of the proxy's entry.
    let ann = after_password_via(&server, "198.51.100.1, 203.0.113.7", "ann").await;
    let mut statuses = Vec::new();
    for i in 2..5 {
        let xff = format!("198.51.100.{i}, 203.0.113.7");
        statuses.push(
            post_via(&ann, &xff, "/api/login/sms/send", json!({}))
                .await
                .status,
        );
    }
    assert_eq!(statuses, [200, 200, 429], "ann's address has a quota of 2");

    // Ben, another client behind the same proxy, has a quota of his own.
    let ben = after_password_via(&server, "203.0.113.8", "ben").await;
    let r = post_via(&ben, "203.0.113.8", "/api/login/sms/send", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(sms.all().len(), 3);

    assert_eq!(
        audit_ips(&admin, "code.send").await,
        ["203.0.113.7", "203.0.113.7", "203.0.113.8"]
    );
    assert_eq!(audit_ips(&admin, "code.quota").await, ["203.0.113.7"]);
    let logins = audit_ips(&admin, "login.password").await;
    assert!(
        logins.contains(&"203.0.113.7".to_owned()) && logins.contains(&"203.0.113.8".to_owned()),
        "{logins:?}"
    );
    assert!(
        !logins.iter().any(|ip| ip.starts_with("198.51.100.")),
        "what the client wrote is no address: {logins:?}"
    );
}

/// Issue 17 item 5: from a peer that is not a trusted proxy, the header is
/// ignored, so an attacker cannot rotate `X-Forwarded-For` to escape the
/// per-address code quota.
#[tokio::test]
async fn item_5_from_an_untrusted_peer_the_forwarded_header_is_ignored() {
    // The proxies are elsewhere; the test connects from 127.0.0.1.
    let (server, admin, sms) = quota_server("10.0.0.0/8").await;

    let ann = after_password_via(&server, "203.0.113.1", "ann").await;
    let mut statuses = Vec::new();
    for i in 2..5 {
        let xff = format!("203.0.113.{i}");
        statuses.push(
            post_via(&ann, &xff, "/api/login/sms/send", json!({}))
                .await
                .status,
        );
    }
    assert_eq!(statuses, [200, 200, 429], "one address, one quota");
    let ben = after_password_via(&server, "198.51.100.9", "ben").await;
    let r = post_via(&ben, "198.51.100.9", "/api/login/sms/send", json!({})).await;
    assert_eq!(r.status, 429, "the same peer: {}", r.text);
    assert_eq!(sms.all().len(), 2);
    assert_eq!(
        audit_ips(&admin, "code.send").await,
        ["127.0.0.1", "127.0.0.1"]
    );
}

/// The codes made for `user_id` that appear in `text`: every run of 6
/// digits in it is checked against the stored keyed hashes (a code is
/// stored as `mac(id:code)` under the server key).
async fn codes_in(server: &Server, user_id: &str, text: &str) -> Vec<String> {
    let key = SecretBox::load("", &server.dir.path().join("authlevel.key")).unwrap();
    let pool = server.db().await;
    let rows = sqlx::query("SELECT id, code_hash FROM codes WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(!rows.is_empty(), "codes were made");
    let digits: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for start in 0..digits.len().saturating_sub(5) {
        let window: String = digits[start..start + 6].iter().collect();
        if !window.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        for row in &rows {
            let (id, hash): (String, String) = (row.get("id"), row.get("code_hash"));
            if key.mac(&format!("{id}:{window}")) == hash {
                found.push(window.clone());
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Everything a server printed: standard output and its log.
fn everything(server: &Server) -> String {
    let out = server.stdout.lock().unwrap().join("\n");
    format!("{out}\n{}", server.log())
}

/// A user with a phone and an email address, past the password step, who
/// asked for an SMS and an email code; answers their id and the two
/// answers.
async fn ask_for_codes(server: &Server, admin: &Api, dir: &str) -> (String, Resp, Resp) {
    let id = create_user(
        server,
        admin,
        dir,
        json!({"username": "nia", "phone": PHONE, "email": "nia@example.com"}),
    )
    .await;
    set_policy(admin, dir, two_factor()).await;
    let c = server.client();
    let r = c.password_login("nia", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    let sms = c.post("/api/login/sms/send", json!({})).await;
    let email = c.post("/api/login/email/send", json!({})).await;
    (id, sms, email)
}

/// Issue 17 item 8, SECURITY 31: with `sms_delivery` and `email_delivery`
/// = `log` outside dev mode, neither code appears anywhere in what the
/// server printed; the log says that each message was withheld and why,
/// and the user hears that no code was sent. In dev mode the codes are
/// printed, as before (which also shows the search finds a printed code).
#[tokio::test]
async fn item_8_security_31_log_delivery_prints_no_code_outside_dev_mode() {
    let (server, admin, dir) = with_admin(&[
        ("AUTHLEVEL_DEV", "false"),
        ("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0"),
    ])
    .await;
    let (nia, sms, email) = ask_for_codes(&server, &admin, &dir).await;
    for r in [&sms, &email] {
        assert_eq!((r.status, r.code()), (502, "delivery_failed"), "{}", r.text);
    }
    let printed = everything(&server);
    assert_eq!(
        codes_in(&server, &nia, &printed).await,
        Vec::<String>::new()
    );
    assert!(!printed.contains("login code"), "no message: {printed}");
    for channel in ["SMS", "email"] {
        assert!(
            printed.contains(&format!("{channel} message withheld")),
            "{printed}"
        );
    }
    assert!(
        printed.contains("prints messages only in dev mode")
            && printed.contains("README, \"Delivering codes\""),
        "the log says why and where to read on: {printed}"
    );

    // Dev mode: printed on the console, as before.
    let (server, admin, dir) = with_admin(&[("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0")]).await;
    let (nia, sms, email) = ask_for_codes(&server, &admin, &dir).await;
    assert_eq!(
        (sms.status, email.status),
        (200, 200),
        "{} {}",
        sms.text,
        email.text
    );
    let console = server.stdout.lock().unwrap().join("\n");
    assert_eq!(
        codes_in(&server, &nia, &console).await.len(),
        2,
        "{console}"
    );
}

/// Issue 17 item 9: the dev outbox holds every directory's codes, so only
/// operators (administrators of `default`) read it; an administrator of
/// another directory gets 403.
#[tokio::test]
async fn item_9_the_dev_outbox_is_for_operators_only() {
    let (server, admin, _dir) = with_admin(&[]).await;
    assert_eq!(admin.get("/api/admin/dev/outbox").await.status, 200);
    let r = admin
        .post(
            "/api/admin/directories",
            json!({"slug": "staff", "name": "Staff"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let out = server.cli(&[
        "admin",
        "create-user",
        "sam",
        "--directory",
        "staff",
        "--admin",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = String::from_utf8_lossy(&out.stdout).to_string();
    let token =
        crate::harness::token_of(link.lines().find(|l| l.contains("#token=")).unwrap().trim());
    let sam = server.client();
    sam.complete_setup(&token, PASSWORD).await;
    let out = server.cli(&[
        "admin",
        "set-policy",
        "--directory",
        "staff",
        "--preset",
        "password-only",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = sam
        .post(
            "/api/login/password",
            json!({"directory": "staff", "username": "sam", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let r = sam.get("/api/admin/dev/outbox").await;
    assert_eq!((r.status, r.code()), (403, "forbidden"), "{}", r.text);
}
