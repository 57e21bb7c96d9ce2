//! The login steps' refusals, checked in seconds: the router `app()` builds,
//! driven with `tower::ServiceExt::oneshot` (axum's testing example) over a
//! real SQLite file, without starting the binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use authlevel_core::api::Role;
use authlevel_server::clock::now;
use authlevel_server::config::Config;
use authlevel_server::crypto::SecretBox;
use authlevel_server::delivery::Delivery;
use authlevel_server::methods::passkey::relying_party;
use authlevel_server::methods::password::hashing::Hasher;
use authlevel_server::store::{NewUser, Store};
use authlevel_server::{AppState, app, token};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

const PASSWORD: &str = "correct horse battery staple";

/// A service over a fresh SQLite file, with a user `ann` (password, phone)
/// under the default `two-factor` policy.
struct Service {
    state: AppState,
    _dir: tempfile::TempDir,
}

/// An answer: status, body, and the cookies it set (`name=value`).
struct Answer {
    status: StatusCode,
    body: Value,
    cookies: Vec<String>,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .cloned()
    }
}

impl Service {
    async fn new(extra: impl FnOnce(&mut Config)) -> Service {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            database_url: format!("sqlite://{}", dir.path().join("a.db").display()),
            secret_key: "11".repeat(32),
            dev: true,
            password_hash_concurrency: 2,
            ..Config::default()
        };
        extra(&mut config);
        let store = Store::open(&config.database_url, 4).await.unwrap();
        store.migrate().await.unwrap();
        let state = AppState::new(
            config.clone(),
            store,
            Hasher::new(config.password_hash_concurrency).unwrap(),
            SecretBox::load(&config.secret_key, &config.key_file).unwrap(),
            Delivery::from_config(&config).unwrap(),
            relying_party(&config).unwrap(),
        );
        authlevel_server::bootstrap::first_start(&state)
            .await
            .unwrap();
        let dir_id = state
            .store
            .directory_by_slug("default")
            .await
            .unwrap()
            .unwrap()
            .id;
        let user = state
            .store
            .insert_user(
                &token::new_id(),
                &NewUser {
                    directory_id: dir_id,
                    username: "ann".into(),
                    display_name: "Ann".into(),
                    email: None,
                    phone: Some("+41791234567".into()),
                    role: Role::User,
                },
                now(),
            )
            .await
            .unwrap()
            .unwrap();
        let hash = state.hasher.hash(PASSWORD).await.unwrap();
        state
            .store
            .set_password_hash(&user.id, &hash, now())
            .await
            .unwrap();
        Service { state, _dir: dir }
    }

    async fn call(&self, method: &str, path: &str, cookie: Option<&str>, body: Value) -> Answer {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let req = req.body(Body::from(body.to_string())).unwrap();
        let res = app(self.state.clone()).oneshot(req).await.unwrap();
        let status = res.status();
        let cookies = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .map(str::to_owned)
            .collect();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            body,
            cookies,
        }
    }

    async fn password(&self, username: &str, password: &str) -> Answer {
        self.call(
            "POST",
            "/api/login/password",
            None,
            json!({"username": username, "password": password}),
        )
        .await
    }

    /// The flow cookie after ann's password step.
    async fn after_password(&self) -> String {
        let a = self.password("ann", PASSWORD).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        a.cookie("authlevel_flow").expect("a flow cookie")
    }
}

#[tokio::test]
async fn password_refusals_look_alike_and_the_lock_holds_the_right_password() {
    let s = Service::new(|c| c.failure_limit = 3).await;
    let wrong = s.password("ann", "wrong password here").await;
    let unknown = s.password("nobody", "wrong password here").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.body, unknown.body,
        "an unknown name answers like a wrong password"
    );
    assert_eq!(wrong.code(), "invalid_credentials");
    // Case variants are one account: they share the counter.
    s.password("ANN", "wrong password here").await;
    s.password("Ann", "wrong password here").await;
    let locked = s.password("ann", PASSWORD).await;
    assert_eq!(
        locked.status,
        StatusCode::UNAUTHORIZED,
        "locked after 3 failures"
    );
    assert_eq!(
        locked.body, wrong.body,
        "a locked account answers like a wrong password"
    );
    let ok_elsewhere = s.call("GET", "/api/login", None, Value::Null).await;
    assert_eq!(ok_elsewhere.status, StatusCode::OK);
}

#[tokio::test]
async fn a_code_step_needs_a_first_step_a_code_and_the_right_code() {
    let s = Service::new(|c| c.code_max_attempts = 2).await;
    let verify = async |cookie: Option<&str>, code: &str| {
        s.call(
            "POST",
            "/api/login/sms/verify",
            cookie,
            json!({"code": code}),
        )
        .await
    };
    let before = verify(None, "123456").await;
    assert_eq!(before.status, StatusCode::CONFLICT);
    assert_eq!(before.code(), "no_login");
    let send = s.call("POST", "/api/login/sms/send", None, json!({})).await;
    assert_eq!(
        send.code(),
        "no_login",
        "no code for an unidentified caller"
    );

    let flow = s.after_password().await;
    let none_sent = verify(Some(&flow), "123456").await;
    assert_eq!(none_sent.code(), "invalid_code");
    assert!(
        none_sent.body["detail"]
            .as_str()
            .unwrap()
            .contains("No code")
    );
    let sent = s
        .call("POST", "/api/login/sms/send", Some(&flow), json!({}))
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let text = s.state.store.outbox(1).await.unwrap()[0].3.clone();
    let code: String = text.chars().take(6).collect();
    let wrong = if code == "000000" { "000001" } else { "000000" };
    assert_eq!(verify(Some(&flow), wrong).await.code(), "invalid_code");
    assert_eq!(verify(Some(&flow), wrong).await.code(), "invalid_code");
    let exhausted = verify(Some(&flow), &code).await;
    assert_eq!(
        exhausted.code(),
        "invalid_code",
        "the right code after 2 wrong ones"
    );
    assert!(
        exhausted.body["detail"]
            .as_str()
            .unwrap()
            .contains("Too many"),
        "{}",
        exhausted.body
    );
}

#[tokio::test]
async fn a_totp_step_needs_a_first_step_and_an_app() {
    let s = Service::new(|_| {}).await;
    let before = s
        .call(
            "POST",
            "/api/login/totp/verify",
            None,
            json!({"code": "123456"}),
        )
        .await;
    assert_eq!(before.code(), "no_login");
    let flow = s.after_password().await;
    let not_enrolled = s
        .call(
            "POST",
            "/api/login/totp/verify",
            Some(&flow),
            json!({"code": "123456"}),
        )
        .await;
    assert_eq!(not_enrolled.status, StatusCode::CONFLICT);
    assert_eq!(not_enrolled.code(), "method_not_offered");
}

#[tokio::test]
async fn a_passkey_finish_needs_its_ceremony_and_decoys_earn_nothing() {
    let s = Service::new(|_| {}).await;
    let assertion = json!({
        "id": "AAAA", "rawId": "AAAA", "type": "public-key", "extensions": {},
        "response": {"authenticatorData": "AAAA", "clientDataJSON": "AAAA", "signature": "AAAA"}
    });
    let no_ceremony = s
        .call("POST", "/api/login/passkey/finish", None, assertion.clone())
        .await;
    assert_eq!(
        no_ceremony.status,
        StatusCode::CONFLICT,
        "{}",
        no_ceremony.body
    );
    assert_eq!(no_ceremony.code(), "no_login");
    // A named start for a name without passkeys: plausible options, and no
    // answer can succeed.
    let start = s
        .call(
            "POST",
            "/api/login/passkey/start",
            None,
            json!({"username": "ann"}),
        )
        .await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.body);
    assert_eq!(
        start.body["publicKey"]["allowCredentials"]
            .as_array()
            .map(Vec::len),
        Some(authlevel_server::methods::passkey::LISTED),
        "decoy credentials, as many as a real list's"
    );
    let ceremony = start.cookie("authlevel_passkey").unwrap();
    let decoy = s
        .call(
            "POST",
            "/api/login/passkey/finish",
            Some(&ceremony),
            assertion.clone(),
        )
        .await;
    assert_eq!(decoy.status, StatusCode::UNAUTHORIZED, "{}", decoy.body);
    assert_eq!(decoy.code(), "invalid_credentials");
    let again = s
        .call(
            "POST",
            "/api/login/passkey/finish",
            Some(&ceremony),
            assertion,
        )
        .await;
    assert_eq!(
        again.code(),
        "no_login",
        "the first finish took the ceremony"
    );
}

#[tokio::test]
async fn a_recovery_code_step_needs_a_first_step_codes_and_a_right_code() {
    let s = Service::new(|_| {}).await;
    let verify = async |cookie: Option<&str>, code: &str| {
        s.call(
            "POST",
            "/api/login/recovery/verify",
            cookie,
            json!({"code": code}),
        )
        .await
    };
    assert_eq!(verify(None, "AAAA-BBBB-CCCC-DDDD").await.code(), "no_login");
    let flow = s.after_password().await;
    let none = verify(Some(&flow), "AAAA-BBBB-CCCC-DDDD").await;
    assert_eq!(none.code(), "method_not_offered", "no codes made yet");
    let ann = s
        .state
        .store
        .user_by_username(
            &s.state
                .store
                .directory_by_slug("default")
                .await
                .unwrap()
                .unwrap()
                .id,
            "ann",
        )
        .await
        .unwrap()
        .unwrap();
    let codes = authlevel_server::methods::recovery::generate(&s.state, &ann, None, false)
        .await
        .unwrap();
    let flow = s.after_password().await;
    let wrong = verify(Some(&flow), "AAAA-BBBB-CCCC-DDDD").await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::UNAUTHORIZED, "invalid_code")
    );
    let right = verify(Some(&flow), &codes[0]).await;
    assert_eq!(right.body["status"], "complete", "{}", right.body);
}

#[tokio::test]
async fn an_approval_needs_a_first_step_a_paired_phone_and_a_phones_token() {
    let s = Service::new(|_| {}).await;
    let before = s.call("POST", "/api/login/app/send", None, json!({})).await;
    assert_eq!(before.code(), "no_login");
    let flow = s.after_password().await;
    let not_paired = s
        .call("POST", "/api/login/app/send", Some(&flow), json!({}))
        .await;
    assert_eq!(not_paired.status, StatusCode::CONFLICT);
    assert_eq!(not_paired.code(), "method_not_offered");
    // The app's routes want a phone's token; a session or nothing is 401.
    let list = s
        .call("GET", "/api/app/approvals", Some(&flow), json!(null))
        .await;
    assert_eq!(list.status, StatusCode::UNAUTHORIZED);
    let answer = s
        .call(
            "POST",
            "/api/app/approvals/x",
            None,
            json!({"choice": 10, "decision": "approve"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    // A pairing link nobody made pairs nothing.
    let start = s
        .call(
            "POST",
            "/api/app/pair/start",
            None,
            json!({"token": "nothing"}),
        )
        .await;
    assert_eq!(start.code(), "setup_link_invalid");
}
