//! `authlevel admin backup`: a copy taken while clients log in restores
//! into a new server where everything of that moment works; a backup
//! killed half-way harms nothing. On PostgreSQL the command points to
//! `pg_dump`.

use crate::harness::{Api, Backend, PASSWORD, Server, create_user, set_policy, with_admin};
use crate::passkeys::{finish, origin, start, user_with_passkey};
use openidconnect::core::{CoreClient, CoreIdTokenClaims, CoreProviderMetadata, CoreResponseType};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    PkceCodeChallenge, RedirectUrl, TokenResponse,
};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

const CALLBACK: &str = "http://localhost:9/callback";
const CLIENTS: usize = 8;

/// A policy where the password alone, or a passkey alone, logs in.
fn password_or_passkey() -> serde_json::Value {
    json!({"required_level": 20, "points": {"password": 20, "sms": 0, "email": 0, "totp": 0, "passkey": 20}})
}

/// Runs `authlevel admin backup FILE` against `server`'s database.
fn run_backup(server: &Server, file: &Path) -> std::process::Output {
    server.cli(&["admin", "backup", file.to_str().unwrap()])
}

/// A full OpenID Connect code flow for `user` on `server`, through a
/// password login; answers the verified ID token's subject.
async fn oidc_login(server: &Server, client_id: &str, secret: &str, user: &str) -> String {
    let http = openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let meta = CoreProviderMetadata::discover_async(
        IssuerUrl::new(server.public_url.clone()).unwrap(),
        &http,
    )
    .await
    .expect("discovery");
    let rp = CoreClient::from_provider_metadata(
        meta,
        ClientId::new(client_id.into()),
        Some(ClientSecret::new(secret.into())),
    )
    .set_redirect_uri(RedirectUrl::new(CALLBACK.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, nonce) = rp
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .url();
    let browser = server.client();
    let path = format!("{}?{}", url.path(), url.query().unwrap_or(""));
    assert_eq!(browser.get(&path).await.status, 303);
    let r = browser.password_login(user, PASSWORD).await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let r = browser.get(r.json["continue_to"].as_str().unwrap()).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let back = r.headers["location"].to_str().unwrap().to_owned();
    let back = openidconnect::url::Url::parse(&back).unwrap();
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let tokens = rp
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("token exchange");
    let claims: &CoreIdTokenClaims = tokens
        .id_token()
        .unwrap()
        .claims(&rp.id_token_verifier(), &nonce)
        .expect("a valid ID token");
    claims.subject().to_string()
}

async fn passkey_login(server: &Server, user: &str, auth: &mut SoftPasskey) {
    let c = server.client();
    let rcr = start(&c, json!({"username": user})).await;
    let cred = auth.do_authentication(origin(server), rcr).unwrap();
    let r = finish(&c, &cred).await;
    assert_eq!(r.json["status"], "complete", "{user}: {}", r.text);
}

#[tokio::test]
async fn a_backup_taken_while_8_clients_log_in_restores_every_user_passkey_and_client() {
    let (server, admin, dir) = with_admin(&[]).await;
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("authlevel-backup.db");
    if server.backend() == Backend::Postgres {
        let out = run_backup(&server, &file);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("pg_dump"), "{err}");
        assert!(!file.exists());
        return;
    }
    set_policy(&admin, &dir, password_or_passkey()).await;
    let mut users = Vec::new();
    for i in 0..CLIENTS {
        let name = format!("user{i}");
        create_user(&server, &admin, &dir, json!({"username": name})).await;
        users.push(name);
    }
    let mut keys = Vec::new();
    for name in ["pia", "pat"] {
        let mut auth = SoftPasskey::new(true);
        user_with_passkey(&server, &admin, &dir, name, &mut auth).await;
        keys.push((name, auth));
    }
    let r = admin
        .post(
            &format!("/api/admin/directories/{dir}/clients"),
            json!({"name": "Wiki", "redirect_uris": [CALLBACK]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let client_id = r.json["client"]["client_id"].as_str().unwrap().to_owned();
    let secret = r.json["client_secret"].as_str().unwrap().to_owned();
    let subject = oidc_login(&server, &client_id, &secret, "user0").await;

    // Eight clients log in over and over, before, during and after the backup.
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for name in users.clone() {
        let c: Api = server.client();
        let (stop, done) = (stop.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while n < 2 || !stop.load(Ordering::SeqCst) {
                let r = c.password_login(&name, PASSWORD).await;
                assert_eq!(r.json["status"], "complete", "{name}: {}", r.text);
                n += 1;
                done.fetch_add(1, Ordering::SeqCst);
            }
            n
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while done.load(Ordering::SeqCst) < CLIENTS && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = done.load(Ordering::SeqCst);
    let out = {
        let (server_file, mut cmd) = (file.clone(), server.cli_command());
        tokio::task::spawn_blocking(move || {
            cmd.args(["admin", "backup", server_file.to_str().unwrap()])
                .output()
                .unwrap()
        })
        .await
        .unwrap()
    };
    let during = done.load(Ordering::SeqCst) - before;
    stop.store(true, Ordering::SeqCst);
    let mut logins = 0;
    for t in tasks {
        logins += t.await.unwrap();
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Backed up the database"), "{said}");
    assert!(
        said.contains("authlevel.key"),
        "says to keep the key: {said}"
    );
    assert!(
        during > 0,
        "logins went on while the backup ran ({logins} in all)"
    );

    // After the backup: a user it cannot hold, and a second backup to the
    // same name is refused.
    create_user(&server, &admin, &dir, json!({"username": "late"})).await;
    let again = run_backup(&server, &file);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));

    // Restore as the guide says: the file as the database of a new server,
    // with the old key file.
    let restored = tempfile::tempdir().unwrap();
    let db = restored.path().join("authlevel.db");
    std::fs::copy(&file, &db).unwrap();
    let key = restored.path().join("authlevel.key");
    std::fs::copy(server.dir.path().join("authlevel.key"), &key).unwrap();
    let url = format!("sqlite://{}", db.display());
    let new = Server::start_with(&[
        ("AUTHLEVEL_DATABASE_URL", url.as_str()),
        ("AUTHLEVEL_KEY_FILE", key.to_str().unwrap()),
    ]);
    assert!(
        !new.stdout
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("#token=")),
        "a restored database is no first start"
    );
    // The login history came along (issue 28): the logins before the
    // backup, and the application user0's login was for.
    sqlx::any::install_default_drivers();
    let restored_db = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    let (rows, for_client): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN client_id = $1 THEN 1 ELSE 0 END), 0) \
         FROM login_history",
    )
    .bind(&client_id)
    .fetch_one(&restored_db)
    .await
    .unwrap();
    restored_db.close().await;
    assert!(
        rows >= i64::try_from(CLIENTS).unwrap(),
        "{rows} history rows"
    );
    assert!(
        for_client >= 1,
        "user0's login for the client is in the history"
    );
    for name in users.iter().map(String::as_str).chain(["admin"]) {
        let r = new.client().password_login(name, PASSWORD).await;
        assert_eq!(r.json["status"], "complete", "{name}: {}", r.text);
    }
    for (name, auth) in keys.iter_mut() {
        passkey_login(&new, name, auth).await;
    }
    let r = new.client().password_login("late", PASSWORD).await;
    assert_ne!(r.json["status"], "complete", "the backup was taken before");
    assert_eq!(
        oidc_login(&new, &client_id, &secret, "user0").await,
        subject
    );
    assert_ne!(
        oidc_login(&new, &client_id, &secret, "user1").await,
        subject
    );
}

/// `PRAGMA integrity_check` of the server's live database.
async fn integrity_check(server: &Server) {
    let pool = server.db().await;
    let (verdict,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(verdict, "ok");
    pool.close().await;
}

#[tokio::test]
async fn killing_the_backup_leaves_the_live_database_intact() {
    let (mut server, _admin, _dir) = with_admin(&[]).await;
    if server.backend() == Backend::Postgres {
        return; // SQLite only: PostgreSQL is backed up with pg_dump.
    }
    // 128 MiB more to copy, so the backup takes long enough to be killed.
    let pool = server.db().await;
    sqlx::query("CREATE TABLE backup_filler (b BLOB)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO backup_filler SELECT randomblob(1048576) FROM \
         (WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 128) SELECT x FROM n)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("b.db");
    let mut child = server.cli_spawn(&["admin", "backup", file.to_str().unwrap()]);
    let partial = |folder: &Path| {
        std::fs::read_dir(folder).unwrap().find_map(|e| {
            let e = e.unwrap();
            let started = e.file_name().to_string_lossy().contains(".partial-")
                && e.metadata().is_ok_and(|m| m.len() > 0);
            started.then(|| e.path())
        })
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let seen = loop {
        if let Some(p) = partial(folder.path()) {
            break p;
        }
        assert!(
            Instant::now() < deadline,
            "the backup never started copying"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the backup ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(1));
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        !file.exists(),
        "a killed backup leaves no file under the final name (only {})",
        seen.display()
    );

    // The live database: sound, serving, and sound after a restart too.
    integrity_check(&server).await;
    let r = server.client().password_login("admin", PASSWORD).await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    server.restart();
    integrity_check(&server).await;
    let r = server.client().password_login("admin", PASSWORD).await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    // The leftover is not in the way of the next backup.
    let out = run_backup(&server, &file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
