//! Passkeys with a software authenticator (SECURITY 14-18).

use crate::harness::{
    Api, Backend, PASSWORD, Resp, Server, create_user, set_policy, token_of, two_factor, with_admin,
};
use serde_json::{Value, json};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::prelude::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_rs_proto::{
    CreationChallengeResponse, PublicKeyCredential, RequestChallengeResponse,
    UserVerificationPolicy,
};

pub(crate) fn origin(server: &Server) -> Url {
    Url::parse(&server.public_url).unwrap()
}

/// Registers a passkey from `c` (a session or a setup link's enrolment).
async fn register(server: &Server, c: &Api, auth: &mut impl WebauthnAuthenticator) -> Value {
    let r = c.post("/api/me/passkeys/register/start", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ccr: CreationChallengeResponse = serde_json::from_value(r.json).unwrap();
    let cred = auth
        .do_registration(origin(server), ccr)
        .expect("the authenticator registers");
    let r = c
        .post(
            "/api/me/passkeys/register/finish",
            json!({"credential": cred, "name": "Laptop"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json
}

/// Starts a passkey step; answers the options.
pub(crate) async fn start(c: &Api, body: Value) -> RequestChallengeResponse {
    let r = c.post("/api/login/passkey/start", body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    serde_json::from_value(r.json).unwrap()
}

/// Sends a passkey step's assertion.
pub(crate) async fn finish(c: &Api, cred: &PublicKeyCredential) -> Resp {
    c.post(
        "/api/login/passkey/finish",
        serde_json::to_value(cred).unwrap(),
    )
    .await
}

/// A user made by the admin who enrols a passkey through their setup link
/// (and has the harness password).
pub(crate) async fn user_with_passkey(
    server: &Server,
    admin: &Api,
    dir: &str,
    name: &str,
    auth: &mut impl WebauthnAuthenticator,
) -> String {
    let r = admin
        .post(
            &format!("/api/admin/directories/{dir}/users"),
            json!({"username": name}),
        )
        .await;
    let id = r.json["user"]["id"].as_str().unwrap().to_owned();
    let enrol = server.client();
    enrol
        .post(
            "/api/setup",
            json!({"token": token_of(r.json["setup_link"]["url"].as_str().unwrap())}),
        )
        .await;
    enrol
        .post("/api/me/password", json!({"new_password": PASSWORD}))
        .await;
    register(server, &enrol, auth).await;
    assert_eq!(
        enrol.get("/api/setup").await.json["enrolled"],
        json!(["password", "passkey"])
    );
    enrol.post("/api/setup/finish", json!({})).await;
    id
}

#[tokio::test]
async fn passwordless_login_and_password_plus_passkey_at_level_50() {
    let (server, admin, dir) = with_admin(&[]).await;
    let mut auth = SoftPasskey::new(true);
    user_with_passkey(&server, &admin, &dir, "pia", &mut auth).await;
    set_policy(&admin, &dir, two_factor()).await;

    // Passkey alone reaches 30 under two-factor.
    let c = server.client();
    let rcr = start(&c, json!({"username": "pia"})).await;
    assert_eq!(
        rcr.public_key.user_verification,
        UserVerificationPolicy::Required
    );
    // The real passkey, then fake ones up to a fixed count (SECURITY 22).
    assert_eq!(rcr.public_key.allow_credentials.len(), 4);
    let cred = auth.do_authentication(origin(&server), rcr).unwrap();
    let r = finish(&c, &cred).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "complete");
    assert_eq!(
        r.json["progress"],
        json!({"earned": 30, "required": 30, "verified": ["passkey"]})
    );
    assert_eq!(
        c.get("/api/session").await.json["methods"],
        json!(["passkey"])
    );
    let listed = c.get("/api/me/passkeys").await;
    assert_eq!(listed.json[0]["name"], "Laptop");
    assert!(listed.json[0]["last_used_at"].is_i64());

    // At level 50: password (20) then passkey (30).
    crate::harness::set_policy_cli(&server, &["--preset", "two-factor", "--level", "50"]);
    let c = server.client();
    let r = c.password_login("pia", PASSWORD).await;
    assert_eq!(r.json["progress"]["earned"], 20);
    assert_eq!(
        r.json["options"],
        json!([{"method": "passkey", "points": 30, "completes": true}])
    );
    let rcr = start(&c, json!({})).await;
    let cred = auth.do_authentication(origin(&server), rcr).unwrap();
    let r = finish(&c, &cred).await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    assert_eq!(r.json["progress"]["earned"], 50);

    // The passkey alone is 30 of 50: the password is what is left.
    let c = server.client();
    let rcr = start(&c, json!({"username": "pia"})).await;
    let cred = auth.do_authentication(origin(&server), rcr).unwrap();
    let r = finish(&c, &cred).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    assert_eq!(
        r.json["options"],
        json!([{"method": "password", "points": 20, "completes": true}])
    );
    let r = c.password_login("pia", PASSWORD).await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
}

#[tokio::test]
async fn a_replayed_finish_and_foreign_origins_fail() {
    let (server, admin, dir) = with_admin(&[]).await;
    let mut auth = SoftPasskey::new(true);
    user_with_passkey(&server, &admin, &dir, "rex", &mut auth).await;
    set_policy(&admin, &dir, two_factor()).await;

    let c = server.client();
    let started = c
        .post("/api/login/passkey/start", json!({"username": "rex"}))
        .await;
    assert_eq!(started.status, 200, "{}", started.text);
    // The ceremony's token, as an attacker who copied the browser's cookies
    // would hold it. The state itself is in the database (SECURITY 14), not
    // in the cookie: the cookie is a 64-character token, and a row exists.
    let sealed = started
        .set_cookies()
        .into_iter()
        .find_map(|c| {
            c.split(';')
                .next()
                .and_then(|p| p.strip_prefix("authlevel_passkey="))
                .map(str::to_owned)
        })
        .expect("the passkey cookie");
    assert_eq!(sealed.len(), 64, "{sealed}");
    let db = server.db().await;
    let states: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webauthn_states")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(states, 1);
    let rcr: RequestChallengeResponse = serde_json::from_value(started.json).unwrap();
    let cred = serde_json::to_value(auth.do_authentication(origin(&server), rcr).unwrap()).unwrap();
    assert_eq!(
        c.post("/api/login/passkey/finish", cred.clone()).await.json["status"],
        "complete"
    );
    // The same request again, in the same browser: the ceremony is gone.
    let r = c.post("/api/login/passkey/finish", cred.clone()).await;
    assert_ne!(r.status, 200, "{}", r.text);
    // The first finish deleted the state.
    let states: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webauthn_states")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(states, 0);
    // The copied cookie with the copied assertion: the ceremony is gone.
    // (Many passkeys keep their counter at 0, so the counter must not be
    // what stops it: the stored one goes back below the assertion's.)
    // A changed cookie opens nothing.
    let stored: String = sqlx::query_scalar("SELECT passkey FROM passkeys")
        .fetch_one(&db)
        .await
        .unwrap();
    let mut stored: Value = serde_json::from_str(&stored).unwrap();
    stored["cred"]["counter"] = json!(0);
    sqlx::query("UPDATE passkeys SET passkey = $1")
        .bind(stored.to_string())
        .execute(&db)
        .await
        .unwrap();
    let mut tampered = sealed.clone().into_bytes();
    tampered[30] = if tampered[30] == b'A' { b'B' } else { b'A' };
    for cookie in [sealed, String::from_utf8(tampered).unwrap()] {
        let thief = server.client();
        let r = thief
            .raw(|http, base| {
                http.post(format!("{base}/api/login/passkey/finish"))
                    .header("cookie", format!("authlevel_passkey={cookie}"))
                    .json(&cred)
            })
            .await;
        assert_eq!((r.status, r.code()), (409, "no_login"), "{}", r.text);
        assert_eq!(thief.get("/api/session").await.status, 401);
    }
    // And in a new ceremony: the challenge does not match.
    let other = server.client();
    let rcr = start(&other, json!({"username": "rex"})).await;
    let r = other.post("/api/login/passkey/finish", cred).await;
    assert_eq!(
        (r.status, r.code()),
        (401, "invalid_credentials"),
        "{}",
        r.text
    );
    assert_eq!(other.get("/api/session").await.status, 401);
    // That refused finish took the ceremony too: its own right answer,
    // sent after, finds none (one finish per ceremony, whatever its outcome).
    let right = auth.do_authentication(origin(&server), rcr).unwrap();
    let r = finish(&other, &right).await;
    assert_eq!((r.status, r.code()), (409, "no_login"), "{}", r.text);
    assert_eq!(other.get("/api/session").await.status, 401);
    // The refusal is in the audit log, with its reason and the account.
    let audit = admin.get("/api/admin/audit?limit=50").await;
    let refused = audit
        .json
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "login.passkey" && e["outcome"] == "failure")
        .map(|e| e["detail"].as_str().unwrap_or("").to_owned())
        .collect::<Vec<_>>();
    assert!(
        refused.iter().any(|d| d.starts_with("assertion refused")),
        "{refused:?}"
    );

    let port = server.public_url.rsplit(':').next().unwrap().to_owned();
    for evil in [
        format!("http://evil-localhost:{port}"),
        format!("https://localhost:{port}"),
        "http://localhost:1".to_owned(),
    ] {
        let c = server.client();
        let rcr = start(&c, json!({"username": "rex"})).await;
        let Ok(cred) = auth.do_authentication(Url::parse(&evil).unwrap(), rcr) else {
            continue; // the authenticator itself refused the origin for this RP ID
        };
        let r = finish(&c, &cred).await;
        assert_eq!(
            (r.status, r.code()),
            (401, "invalid_credentials"),
            "{evil}: {}",
            r.text
        );
    }
}

#[tokio::test]
async fn without_user_verification_a_passkey_earns_nothing() {
    let (server, admin, dir) = with_admin(&[]).await;
    let mut auth = SoftPasskey::new(true);
    user_with_passkey(&server, &admin, &dir, "uvo", &mut auth).await;
    set_policy(&admin, &dir, two_factor()).await;
    let c = server.client();
    let r = c.password_login("uvo", PASSWORD).await;
    assert_eq!(r.json["progress"]["earned"], 20);
    let mut rcr = start(&c, json!({})).await;
    // The authenticator is asked not to verify the user: its assertion is
    // signed correctly but lacks the UV flag.
    rcr.public_key.user_verification = UserVerificationPolicy::Discouraged_DO_NOT_USE;
    let cred = auth.do_authentication(origin(&server), rcr).unwrap();
    let r = finish(&c, &cred).await;
    assert_eq!(
        (r.status, r.code()),
        (401, "invalid_credentials"),
        "{}",
        r.text
    );
    assert_eq!(c.get("/api/login").await.json["progress"]["earned"], 20);
    assert_eq!(c.get("/api/session").await.status, 401);
}

#[tokio::test]
async fn a_counter_at_or_below_the_stored_one_is_refused() {
    let (server, admin, dir) = with_admin(&[]).await;
    let mut auth = SoftPasskey::new(true);
    user_with_passkey(&server, &admin, &dir, "cnt", &mut auth).await;
    set_policy(&admin, &dir, two_factor()).await;
    let c = server.client();
    let rcr = start(&c, json!({"username": "cnt"})).await;
    let cred = auth.do_authentication(origin(&server), rcr).unwrap();
    assert_eq!(finish(&c, &cred).await.json["status"], "complete");

    // A clone of the authenticator would sign with a counter the server has
    // seen; make the stored counter run ahead to see that refused.
    let pool = server.db().await;
    let stored: String = sqlx::query_scalar("SELECT passkey FROM passkeys")
        .fetch_one(&pool)
        .await
        .unwrap();
    let counter = serde_json::from_str::<Value>(&stored).unwrap()["cred"]["counter"]
        .as_u64()
        .unwrap();
    assert!(
        counter >= 1,
        "the counter was saved after the login: {stored}"
    );
    let run_ahead = match server.backend() {
        Backend::Sqlite => {
            "UPDATE passkeys SET passkey = json_set(passkey, '$.cred.counter', 1000)"
        }
        Backend::Postgres => {
            "UPDATE passkeys SET passkey = jsonb_set(passkey::jsonb, '{cred,counter}', '1000')::text"
        }
    };
    sqlx::query(run_ahead).execute(&pool).await.unwrap();

    let c = server.client();
    let rcr = start(&c, json!({"username": "cnt"})).await;
    let cred = auth.do_authentication(origin(&server), rcr).unwrap();
    let r = finish(&c, &cred).await;
    assert_eq!(
        (r.status, r.code()),
        (401, "invalid_credentials"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn a_credential_belongs_to_one_account_and_deleting_removes_its_option() {
    let (server, admin, dir) = with_admin(&[]).await;
    let mut auth = SoftPasskey::new(true);
    user_with_passkey(&server, &admin, &dir, "ona", &mut auth).await;
    create_user(&server, &admin, &dir, json!({"username": "two"})).await;
    let id = crate::harness::user_id(&admin, &dir, "two").await;
    let link = admin
        .post(&format!("/api/admin/users/{id}/setup-link"), json!({}))
        .await;
    set_policy(&admin, &dir, two_factor()).await;

    // ona's registration, captured and offered for a second account.
    let ona = server.client();
    let rcr = start(&ona, json!({"username": "ona"})).await;
    let cred = auth.do_authentication(origin(&server), rcr).unwrap();
    finish(&ona, &cred).await;
    let r = ona.post("/api/me/passkeys/register/start", json!({})).await;
    let ccr: CreationChallengeResponse = serde_json::from_value(r.json.clone()).unwrap();
    // ona's existing credential is excluded.
    assert_eq!(
        ccr.public_key.exclude_credentials.as_ref().map(Vec::len),
        Some(1)
    );
    let captured = auth.do_registration(origin(&server), ccr).unwrap();

    let two = server.client();
    two.post(
        "/api/setup",
        json!({"token": token_of(link.json["url"].as_str().unwrap())}),
    )
    .await;
    two.post("/api/me/passkeys/register/start", json!({})).await;
    let r = two
        .post(
            "/api/me/passkeys/register/finish",
            json!({"credential": captured}),
        )
        .await;
    assert!(r.status == 400 || r.status == 409, "{}", r.text);
    // The database refuses a second row with the same credential ID.
    let pool = server.db().await;
    let dup = sqlx::query(
        "INSERT INTO passkeys (id, user_id, credential_id, passkey, name, created_at) \
         SELECT 'dup', $1, credential_id, passkey, name, created_at FROM passkeys LIMIT 1",
    )
    .bind(&id)
    .execute(&pool)
    .await;
    assert!(dup.is_err(), "a unique index on credential_id");

    // Deleting the passkey (from a fresh login) removes it from the options.
    let listed = ona.get("/api/me/passkeys").await;
    let pk = listed.json[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        ona.delete(&format!("/api/me/passkeys/{pk}")).await.status,
        204
    );
    let r = server.client().password_login("ona", PASSWORD).await;
    assert_eq!(r.json["status"], "blocked", "{}", r.text);
    let methods: Vec<&str> = r.json["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["method"].as_str().unwrap())
        .collect();
    assert!(!methods.contains(&"passkey"));
}

#[tokio::test]
async fn passkey_options_for_unknown_users_look_like_real_ones() {
    let (server, admin, dir) = with_admin(&[]).await;
    let mut auth = SoftPasskey::new(true);
    user_with_passkey(&server, &admin, &dir, "real", &mut auth).await;
    set_policy(&admin, &dir, two_factor()).await;
    let c = server.client();
    let real = start(&c, json!({"username": "real"})).await;
    let fake = start(&c, json!({"username": "nobody"})).await;
    let again = start(&c, json!({"username": "nobody"})).await;
    assert_eq!(
        real.public_key.allow_credentials.len(),
        fake.public_key.allow_credentials.len()
    );
    assert_eq!(
        real.public_key.allow_credentials[0].id.len(),
        fake.public_key.allow_credentials[0].id.len()
    );
    assert_eq!(
        fake.public_key.allow_credentials[0].id,
        again.public_key.allow_credentials[0].id
    );
    assert_eq!(
        real.public_key.user_verification,
        fake.public_key.user_verification
    );
}

#[tokio::test]
async fn a_passkey_of_a_disabled_account_earns_nothing() {
    let (server, admin, dir) = with_admin(&[]).await;
    let mut auth = SoftPasskey::new(true);
    let id = user_with_passkey(&server, &admin, &dir, "dan", &mut auth).await;
    // A passkey counts, and the administrator's password alone stays a
    // fresh login for the disabling below.
    set_policy(
        &admin,
        &dir,
        json!({"required_level": 20, "points": {"password": 20, "sms": 0, "email": 0, "totp": 0, "passkey": 20}}),
    )
    .await;

    // Named while enabled, the options list the real passkey.
    let c = server.client();
    let rcr = start(&c, json!({"username": "dan"})).await;
    // The real passkey, then fake ones up to a fixed count (SECURITY 22).
    assert_eq!(rcr.public_key.allow_credentials.len(), 4);
    // Disabled before the passkey answers: the finish refuses it.
    let r = admin
        .patch(&format!("/api/admin/users/{id}"), json!({"disabled": true}))
        .await;
    assert_eq!(r.json["disabled"], true);
    let cred = auth.do_authentication(origin(&server), rcr).unwrap();
    let r = finish(&c, &cred).await;
    assert_eq!(
        (r.status, r.code()),
        (401, "invalid_credentials"),
        "{}",
        r.text
    );
    assert_eq!(c.get("/api/session").await.status, 401);

    // Named while disabled, the options are a decoy's: no real passkey.
    let rcr = start(&server.client(), json!({"username": "dan"})).await;
    // The real passkey, then fake ones up to a fixed count (SECURITY 22).
    assert_eq!(rcr.public_key.allow_credentials.len(), 4);
    assert!(auth.do_authentication(origin(&server), rcr).is_err());
}
