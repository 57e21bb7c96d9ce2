//! Several instances on one database (SECURITY 12, 14, 20; DESIGN §5): a
//! login moves freely between instances, a code succeeds once over all of
//! them, failures add up across them, and losing an instance loses nothing.
//! Runs on whichever backend the harness uses (SQLite file shared by both
//! processes, or one PostgreSQL database).

use crate::harness::{
    Api, PASSWORD, Server, at_once, create_user, set_policy, two_factor, with_admin, with_admin_env,
};
use crate::passkeys::{origin, start, user_with_passkey};
use crate::receivers::SmsGateway;
use serde_json::{Value, json};
use std::process::Command;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

const PHONE: &str = "+41791234567";
/// Both instances must share the key: TOTP seeds and code hashes use it.
const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

struct Pair {
    a: Server,
    b: Server,
    admin: Api,
    dir: String,
    sms: SmsGateway,
}

/// Instance A (with the admin logged in) and instance B on A's database,
/// with one shared key and SMS going to one gateway.
async fn pair(extra: &[(&str, &str)]) -> Pair {
    let sms = SmsGateway::start().await;
    let mut env: Vec<(&str, String)> = sms.env();
    env.push(("AUTHLEVEL_SECRET_KEY", KEY.into()));
    env.push(("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".into()));
    env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let (a, admin, dir) = with_admin_env(&env).await;
    let b = Server::start_sharing(&a, &[]);
    assert_ne!(a.base, b.base);
    assert_eq!(a.public_url, b.public_url, "one service behind one URL");
    Pair {
        a,
        b,
        admin,
        dir,
        sms,
    }
}

impl Pair {
    async fn sms_user(&self, name: &str) {
        create_user(
            &self.a,
            &self.admin,
            &self.dir,
            json!({"username": name, "phone": PHONE}),
        )
        .await;
        set_policy(&self.admin, &self.dir, two_factor()).await;
    }
}

#[tokio::test]
async fn a_login_started_on_one_instance_finishes_on_the_other() {
    let p = pair(&[]).await;
    p.sms_user("ada").await;

    let on_a = p.a.client();
    let r = on_a.password_login("ada", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    let on_b = on_a.to(&p.b);
    let r = on_b.post("/api/login/sms/send", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = on_b
        .post(
            "/api/login/sms/verify",
            json!({"code": p.sms.last_to(PHONE).code()}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    assert_eq!(r.json["progress"]["earned"], 30);
    // The session is good on both.
    for c in [&on_a, &on_b] {
        let s = c.get("/api/session").await;
        assert_eq!(s.status, 200, "{}", s.text);
        assert_eq!(s.json["methods"], json!(["password", "sms"]));
    }
}

#[tokio::test]
async fn a_passkey_ceremony_started_on_one_instance_finishes_on_the_other() {
    let p = pair(&[]).await;
    let mut auth = SoftPasskey::new(true);
    user_with_passkey(&p.a, &p.admin, &p.dir, "pia", &mut auth).await;
    set_policy(&p.admin, &p.dir, two_factor()).await;

    let on_a = p.a.client();
    let rcr = start(&on_a, json!({"username": "pia"})).await;
    let cred = auth.do_authentication(origin(&p.a), rcr).unwrap();
    let body = serde_json::to_value(&cred).unwrap();
    let on_b = on_a.to(&p.b);
    let r = on_b.post("/api/login/passkey/finish", body.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "complete", "{}", r.text);

    // The state was taken at that finish: replaying it on A fails.
    let replay = p.a.client();
    let r = replay.post("/api/login/passkey/finish", body).await;
    assert_ne!(r.status, 200, "{}", r.text);
    assert_ne!(r.json["status"], "complete", "{}", r.text);
}

/// Verify-then-take (issue 29): a passkey login verifies its answer outside
/// any transaction and takes the ceremony in the one that completes the
/// step. An attacker holding the browser's passkey cookie and the
/// authenticator sends 50 answers to one ceremony at once, half to each
/// instance, each with a higher counter than the last (so the counter rule
/// alone would let several through): exactly one completes, every other
/// finds the ceremony gone (or, verifying after the winner saved its
/// counter, is refused), and no state is left.
#[tokio::test]
async fn fifty_answers_to_one_passkey_ceremony_over_two_instances_complete_once() {
    let p = pair(&[]).await;
    let mut auth = SoftPasskey::new(true);
    user_with_passkey(&p.a, &p.admin, &p.dir, "pax", &mut auth).await;
    set_policy(&p.admin, &p.dir, two_factor()).await;

    let on_a = p.a.client();
    let rcr = start(&on_a, json!({"username": "pax"})).await;
    let answers: Vec<Value> = (0..50)
        .map(|_| {
            let cred = auth.do_authentication(origin(&p.a), rcr.clone()).unwrap();
            serde_json::to_value(&cred).unwrap()
        })
        .collect();
    let on_b = on_a.to(&p.b);
    let finishes = at_once(50, |i| {
        let c = if i % 2 == 0 { &on_a } else { &on_b }.clone();
        let body = answers[i].clone();
        async move { c.post("/api/login/passkey/finish", body).await }
    })
    .await;
    let mut completed = 0;
    for r in finishes {
        if r.json["status"] == "complete" {
            completed += 1;
        } else {
            assert!(
                matches!(
                    (r.status, r.code()),
                    (409, "no_login") | (401, "invalid_credentials")
                ),
                "{}",
                r.text
            );
        }
    }
    assert_eq!(completed, 1, "one ceremony, one completed login");
    let states: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webauthn_states")
        .fetch_one(&p.a.db().await)
        .await
        .unwrap();
    assert_eq!(states, 0);
}

/// Issue 29: the session check reads the database every time (on SQLite
/// through read-only connections of its own, beside sqlx's), with no cache
/// another instance could miss. A session in use on both instances is
/// logged out on B; at once, 50 checks with the copied cookie, half to
/// each instance, all get 401. The same for a user disabled on A.
#[tokio::test]
async fn ending_a_session_on_one_instance_ends_it_on_both_at_once() {
    let p = pair(&[]).await;
    create_user(&p.a, &p.admin, &p.dir, json!({"username": "lou"})).await;
    let stolen = async |p: &Pair| {
        let c = p.a.client();
        let r = c.password_login("lou", PASSWORD).await;
        assert_eq!(r.json["status"], "complete", "{}", r.text);
        let token = r
            .set_cookies()
            .iter()
            .find_map(|c| c.split(';').next()?.strip_prefix("authlevel_session="))
            .map(str::to_owned)
            .expect("a session cookie");
        for on in [&p.a, &p.b] {
            assert_eq!(c.to(on).get("/api/session").await.status, 200);
        }
        (c, token)
    };
    let burst = async |p: &Pair, token: &str| -> Vec<u16> {
        at_once(50, |i| {
            let thief = if i % 2 == 0 { &p.a } else { &p.b }.client();
            let cookie = format!("authlevel_session={token}");
            async move {
                let get = |h: &reqwest::Client, base: &str| {
                    h.get(format!("{base}/api/session"))
                        .header("cookie", cookie)
                };
                thief.raw(get).await.status
            }
        })
        .await
    };

    let (c, token) = stolen(&p).await;
    assert_eq!(c.to(&p.b).post("/api/logout", json!({})).await.status, 204);
    assert_eq!(burst(&p, &token).await, vec![401; 50]);

    let (_, token) = stolen(&p).await;
    let id = crate::harness::user_id(&p.admin, &p.dir, "lou").await;
    let r = p
        .admin
        .patch(&format!("/api/admin/users/{id}"), json!({"disabled": true}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(burst(&p, &token).await, vec![401; 50]);
}

#[tokio::test]
async fn eight_concurrent_verifies_over_two_instances_succeed_once() {
    let p = pair(&[]).await;
    p.sms_user("dee").await;
    let on_a = p.a.client();
    let r = on_a.password_login("dee", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    let r = on_a.post("/api/login/sms/send", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let code = p.sms.last_to(PHONE).code();
    let on_b = on_a.to(&p.b);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let c = if i % 2 == 0 {
            on_a.clone()
        } else {
            on_b.clone()
        };
        let code = code.clone();
        tasks.push(tokio::spawn(async move {
            c.post("/api/login/sms/verify", json!({"code": code})).await
        }));
    }
    let mut complete = 0;
    for t in tasks {
        let r = t.await.unwrap();
        assert_ne!(r.status, 500, "{}", r.text);
        if r.json["status"] == "complete" {
            complete += 1;
        }
    }
    assert_eq!(complete, 1);
}

#[tokio::test]
async fn failures_on_one_instance_count_on_the_other() {
    let p = pair(&[("AUTHLEVEL_FAILURE_LIMIT", "3")]).await;
    create_user(&p.a, &p.admin, &p.dir, json!({"username": "fay"})).await;

    let wrong = "not the password at all";
    let mut answers = Vec::new();
    for server in [&p.a, &p.a, &p.b] {
        let r = server.client().password_login("fay", wrong).await;
        assert_eq!(
            (r.status, r.code()),
            (401, "invalid_credentials"),
            "{}",
            r.text
        );
        answers.push(r.text);
    }
    // Three failures over two instances: locked on both, and a locked
    // account answers like a wrong password.
    for server in [&p.a, &p.b] {
        let r = server.client().password_login("fay", PASSWORD).await;
        assert_eq!(
            (r.status, r.code()),
            (401, "invalid_credentials"),
            "{}",
            r.text
        );
        assert_eq!(r.text, answers[0]);
    }
}

#[tokio::test]
async fn killing_an_instance_mid_login_loses_nothing() {
    let mut p = pair(&[]).await;
    p.sms_user("kim").await;
    let on_a = p.a.client();
    let r = on_a.password_login("kim", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    let r = on_a.post("/api/login/sms/send", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    p.a.kill9();

    let on_b = on_a.to(&p.b);
    let r = on_b
        .post(
            "/api/login/sms/verify",
            json!({"code": p.sms.last_to(PHONE).code()}),
        )
        .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    assert_eq!(on_b.get("/api/session").await.status, 200);
}

#[tokio::test]
async fn a_schema_newer_than_the_binary_is_refused_in_words() {
    let (server, _admin, _dir) = with_admin(&[]).await;
    let pool = server.db().await;
    // What a newer version would leave behind: a migration this binary
    // does not carry.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         SELECT 99999, 'from a newer authlevel', success, checksum, execution_time \
         FROM _sqlx_migrations WHERE version = 1",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let out = server.cli(&["migrate"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the database schema is newer than this binary") && err.contains("99999"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unreachable_database_is_a_clear_startup_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_authlevel-e2e"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "AUTHLEVEL_DATABASE_URL",
            "postgres://someone:hunter2@127.0.0.1:1/nothing",
        )
        .env("AUTHLEVEL_SECRET_KEY", KEY)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot reach or open the database at postgres://someone@127.0.0.1:1/nothing"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "no password in messages: {err}");
}
