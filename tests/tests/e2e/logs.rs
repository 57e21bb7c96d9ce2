//! `log_format = json`: every line of the log is one JSON object with the
//! audit fields at the top level, and none holds a password, a code or a
//! token (scripts/check-logs sweeps this log with the others afterwards).

use crate::harness::{PASSWORD, create_user, set_policy, two_factor, with_admin_env};
use crate::passkeys::{finish, origin, start, user_with_passkey};
use crate::receivers::SmsGateway;
use serde_json::{Value, json};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

const PHONE: &str = "+41791234567";

#[tokio::test]
async fn json_log_lines_parse_and_carry_the_audit_fields_but_no_secret() {
    let sms = SmsGateway::start().await;
    let mut env = sms.env();
    env.push(("AUTHLEVEL_LOG_FORMAT", "json".into()));
    let (server, admin, dir) = with_admin_env(&env).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "jo", "phone": PHONE}),
    )
    .await;
    let mut auth = SoftPasskey::new(true);
    user_with_passkey(&server, &admin, &dir, "pia", &mut auth).await;
    set_policy(&admin, &dir, two_factor()).await;

    // A wrong password, a wrong code, then password and SMS; a passkey.
    let c = server.client();
    let r = c.password_login("jo", "not the password").await;
    assert_eq!(r.status, 401, "{}", r.text);
    let r = c.password_login("jo", PASSWORD).await;
    assert_eq!(r.json["progress"]["earned"], 20, "{}", r.text);
    assert_eq!(c.post("/api/login/sms/send", json!({})).await.status, 200);
    let code = sms.last_to(PHONE).code();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    c.post("/api/login/sms/verify", json!({"code": wrong}))
        .await;
    let r = c.post("/api/login/sms/verify", json!({"code": code})).await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    assert_eq!(c.post("/api/logout", json!({})).await.status, 204);
    let p = server.client();
    let rcr = start(&p, json!({"username": "pia"})).await;
    let cred = auth.do_authentication(origin(&server), rcr).unwrap();
    assert_eq!(finish(&p, &cred).await.json["status"], "complete");

    let log = server.log();
    let lines: Vec<Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.len() > 10, "{log}");
    for l in &lines {
        for key in ["timestamp", "level", "target", "message"] {
            assert!(l.get(key).is_some(), "{key} missing: {l}");
        }
    }
    let audits: Vec<&Value> = lines.iter().filter(|l| l["target"] == "audit").collect();
    let has = |kind: &str, outcome: &str, method: &str| {
        audits.iter().any(|a| {
            a["kind"] == kind
                && a["outcome"] == outcome
                && a["method"] == method
                && a["user"].is_string()
                && a["directory"].is_string()
                && a["ip"].is_string()
        })
    };
    assert!(has("login.password", "failure", "password"), "{log}");
    assert!(has("login.password", "success", "password"), "{log}");
    assert!(has("login.sms", "failure", "sms"), "{log}");
    assert!(has("login.sms", "success", "sms"), "{log}");
    assert!(has("login.passkey", "success", "passkey"), "{log}");
    assert!(audits.iter().any(|a| a["kind"] == "code.send"), "{log}");

    // The sweep of scripts/check-logs, on this log alone (without the
    // timestamps, whose microseconds could match a 6-digit code).
    let text: String = lines
        .iter()
        .map(|l| {
            let mut l = l.clone();
            l["timestamp"] = Value::Null;
            l.to_string()
        })
        .collect();
    for secret in [PASSWORD, "not the password", code.as_str(), "is your"] {
        assert!(!text.contains(secret), "the log holds {secret:?}");
    }
    let hex64 = text
        .split(|c: char| !c.is_ascii_hexdigit())
        .any(|w| w.len() >= 64);
    assert!(!hex64, "the log holds a token-like hex string");
}
