//! Replaying a draft policy over 1,000,000 logins of a directory of
//! 100,000 users, on SQLite and on PostgreSQL: the history is written
//! straight into the database (ten logins a user over 30 days, of twelve
//! shapes, a third of them for an application), then the replay is asked
//! through the API, one request at a time.

use crate::harness::*;
use crate::scale::{SCALE_USERS, scale_directory};
use serde_json::json;
use std::time::{Duration, Instant};

/// Logins per user in the history.
const PER_USER: usize = 10;

/// Replays timed per backend.
const SAMPLES: usize = 9;

/// Fills the directory's history with `PER_USER` logins per user.
async fn seed(database_url: &str, dir: &str) {
    sqlx::any::install_default_drivers();
    let db = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(database_url)
        .await
        .unwrap();
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let last = i64::try_from(PER_USER).unwrap() - 1;
    sqlx::query(&format!(
        "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < {last}), \
         u AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM users WHERE directory_id = $1), \
         s(sid, verified, enrolled, ended, earned) AS (VALUES \
           (0, 'password+sms', 7, 'complete', 30), (1, 'password+email', 5, 'complete', 30), \
           (2, 'passkey', 21, 'complete', 30), (3, 'password+totp', 13, 'complete', 30), \
           (4, 'password', 7, 'abandoned', 20), (5, 'password', 5, 'abandoned', 20), \
           (6, 'password+sms', 3, 'complete', 30), (7, 'password+app', 69, 'complete', 30), \
           (8, 'passkey', 16, 'complete', 30), (9, 'password+email', 39, 'complete', 30), \
           (10, 'password+recovery', 37, 'complete', 30), (11, 'password', 1, 'blocked', 20)) \
         INSERT INTO login_history (at, directory_id, user_id, client_id, asked_level, verified, \
           enrolled, required, earned, ended, shape) \
         SELECT $2 - ((u.rn * 7919 + k.n * 104729) % 2592000), $1, u.id, \
           CASE WHEN k.n % 3 = 0 THEN 'portal' ELSE '' END, NULL, s.verified, s.enrolled, 30, \
           s.earned, s.ended, s.verified || '|' || s.enrolled || '|' || s.ended || '|0' \
         FROM u CROSS JOIN k JOIN s ON s.sid = (u.rn + k.n) % 12"
    ))
    .bind(dir)
    .bind(now)
    .execute(&db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO login_shapes (directory_id, day, client_id, asked_level, verified, enrolled, \
           ended, logins) \
         SELECT directory_id, at / 86400, client_id, COALESCE(asked_level, 0), verified, enrolled, \
           ended, COUNT(*) FROM login_history WHERE directory_id = $1 \
         GROUP BY directory_id, at / 86400, client_id, COALESCE(asked_level, 0), verified, \
           enrolled, ended",
    )
    .bind(dir)
    .execute(&db)
    .await
    .unwrap();
    db.close().await;
}

/// The median and the slowest of [`SAMPLES`] replays of a draft at level
/// 40 (which moves most logins, so every outcome's users are counted).
async fn time_replays(base: &str, admin: &reqwest::Client, dir: &str) -> (Duration, Duration) {
    let url = format!("{base}/api/admin/directories/{dir}/policy/replay");
    let draft = json!({"policy": {"required_level": 40, "points": {"password": 20, "sms": 10, "email": 10, "totp": 10, "passkey": 30, "recovery": 10, "app": 10}}, "days": 30});
    let mut times = Vec::new();
    for i in 0..=SAMPLES {
        let t = Instant::now();
        let r = admin.post(&url).json(&draft).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        let answer: serde_json::Value = r.json().await.unwrap();
        let logins = answer["logins"].as_u64().unwrap();
        assert!(
            logins >= u64::try_from(SCALE_USERS * PER_USER * 29 / 30).unwrap(),
            "{answer}"
        );
        // The first warms the caches.
        if i > 0 {
            times.push(t.elapsed());
        }
    }
    times.sort();
    (times[times.len() / 2], times[times.len() - 1])
}

/// The replay row of one backend.
fn replay_row(backend: &str, p50: Duration, max: Duration) -> Row {
    row(
        format!(
            "replay of a draft over {} logins, {SCALE_USERS} users, {backend} (p50 of {SAMPLES}, slowest {:.0} ms)",
            SCALE_USERS * PER_USER,
            ms(max)
        ),
        format!("p50 {:.0} ms", ms(p50)),
        "".to_owned(),
        target_verdict_max(ms(p50), 1000.0, " ms"),
    )
}

/// The replay on SQLite, in the scale phase's directory of `server`.
pub async fn sqlite_replay(server: &Server, admin: &reqwest::Client, dir: &str) -> Row {
    let url = server
        .env
        .iter()
        .find(|(k, _)| k == "AUTHLEVEL_DATABASE_URL")
        .map(|(_, v)| v.clone())
        .unwrap();
    eprintln!("… 1,000,000 logins of history on SQLite");
    seed(&url, dir).await;
    let (p50, max) = time_replays(&server.base, admin, dir).await;
    replay_row("SQLite", p50, max)
}

/// The replay on PostgreSQL (`AUTHLEVEL_TEST_POSTGRES_URL`, default the
/// local `test` database): a fresh database of its own, a server on it, a
/// directory of 100,000 users imported, the history written.
pub async fn postgres_replay(sms_url: &str) -> Row {
    let url = match fresh_postgres("authlevel_bench_replay").await {
        Ok(url) => url,
        Err(at) => {
            return row(
                format!("replay of a draft, PostgreSQL at {at}"),
                "not reachable".into(),
                "".into(),
                "not measured".into(),
            );
        }
    };
    eprintln!("… a directory of 100,000 users and 1,000,000 logins on PostgreSQL");
    let server = start_server_on(sms_url, false, Some(&url));
    let (admin, _) = admin_session(&server).await;
    let (dir, _) = scale_directory(&server.base, &admin).await;
    seed(&url, &dir).await;
    let (p50, max) = time_replays(&server.base, &admin, &dir).await;
    drop(server);
    replay_row("PostgreSQL", p50, max)
}
