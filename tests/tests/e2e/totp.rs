//! The authenticator app (issue: TOTP as a method; SECURITY 11, 12).

use crate::harness::{
    PASSWORD, create_user, pyotp_code, pyotp_code_from_uri, set_policy, two_factor, with_admin,
};
use serde_json::json;

#[tokio::test]
async fn enrol_confirm_then_password_plus_totp_completes_and_codes_work_once() {
    let (server, admin, dir) = with_admin(&[]).await;
    create_user(&server, &admin, &dir, json!({"username": "tia"})).await;
    let id = crate::harness::user_id(&admin, &dir, "tia").await;
    let link = admin
        .post(&format!("/api/admin/users/{id}/setup-link"), json!({}))
        .await;
    set_policy(&admin, &dir, two_factor()).await;

    // Enrol from a fresh session: under two-factor tia cannot log in yet, so
    // enrol through a setup link, the way a new user does.
    let token = crate::harness::token_of(link.json["url"].as_str().unwrap());
    let enrol = server.client();
    assert_eq!(
        enrol.post("/api/setup", json!({"token": token})).await.json["can_reach"],
        false
    );

    let setup = enrol.post("/api/me/totp/setup", json!({})).await;
    assert_eq!(setup.status, 200, "{}", setup.text);
    let secret = setup.json["secret"].as_str().unwrap().to_owned();
    let uri = setup.json["otpauth_uri"].as_str().unwrap().to_owned();
    assert!(
        uri.starts_with("otpauth://totp/Default:tia?secret="),
        "{uri}"
    );
    assert!(setup.json["qr_svg"].as_str().unwrap().contains("<svg"));

    // Unconfirmed: not offered at login.
    let c = server.client();
    let r = c.password_login("tia", PASSWORD).await;
    assert_eq!(r.json["status"], "blocked", "{}", r.text);
    let r = c
        .post(
            "/api/login/totp/verify",
            json!({"code": pyotp_code(&secret, 0)}),
        )
        .await;
    assert_eq!((r.status, r.code()), (409, "method_not_offered"));

    // A wrong code does not confirm; an independent implementation's code
    // from the otpauth URI does.
    let r = enrol
        .post("/api/me/totp/confirm", json!({"code": "000000"}))
        .await;
    assert_eq!((r.status, r.code()), (401, "invalid_code"));
    let r = enrol
        .post(
            "/api/me/totp/confirm",
            json!({"code": pyotp_code_from_uri(&uri)}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = enrol.get("/api/setup").await;
    assert_eq!(r.json["enrolled"], json!(["password", "totp"]));
    assert_eq!(r.json["can_reach"], true);
    enrol.post("/api/setup/finish", json!({})).await;

    // Password, then the app: 20 + 10 = 30, complete. (The next step's code,
    // as the current step was used to confirm.)
    let c = server.client();
    let r = c.password_login("tia", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress");
    assert_eq!(
        r.json["options"],
        json!([{"method": "totp", "points": 10, "completes": true}])
    );
    let code = pyotp_code(&secret, 30);
    let r = c
        .post("/api/login/totp/verify", json!({"code": code}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "complete");
    assert_eq!(r.json["progress"]["verified"], json!(["password", "totp"]));
    assert_eq!(c.get("/api/session").await.json["level"], 30);

    // The same code again, in a new login: refused.
    let again = server.client();
    again.password_login("tia", PASSWORD).await;
    let r = again
        .post("/api/login/totp/verify", json!({"code": code}))
        .await;
    assert_eq!((r.status, r.code()), (401, "invalid_code"));
    // A code two steps old: refused.
    let r = again
        .post(
            "/api/login/totp/verify",
            json!({"code": pyotp_code(&secret, -60)}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "invalid_code"));
    assert_eq!(again.get("/api/session").await.status, 401);

    // The log never shows the secret or a code.
    let log = server.log();
    assert!(!log.contains(&secret) && !log.contains(&code));
}

#[tokio::test]
async fn totp_before_the_first_step_is_refused_and_removal_needs_a_fresh_login() {
    let (server, admin, _dir) = with_admin(&[("AUTHLEVEL_REAUTH_WINDOW_S", "1")]).await;
    let r = server
        .client()
        .post("/api/login/totp/verify", json!({"code": "123456"}))
        .await;
    assert_eq!((r.status, r.code()), (409, "no_login"));
    // The admin's login is now older than the 1 s re-authentication window.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let r = admin.post("/api/me/totp/setup", json!({})).await;
    assert_eq!((r.status, r.code()), (403, "reauth_required"));
    let r = admin.delete("/api/me/totp").await;
    assert_eq!((r.status, r.code()), (403, "reauth_required"));
}
