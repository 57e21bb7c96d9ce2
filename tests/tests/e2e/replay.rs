//! The login history, replaying a draft policy over it, and a policy staged
//! report-only (issue 28), on real logins of known shapes.

use crate::harness::{Api, PASSWORD, Server, create_user, with_admin_env};
use crate::passkeys::{finish, origin, user_with_passkey};
use crate::receivers::SmsGateway;
use serde_json::{Value, json};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

/// A policy of the `r` directory at `level` (password 20, codes and the
/// authenticator app 10, passkey 30).
fn policy(level: u32) -> Value {
    json!({"required_level": level, "points": {"password": 20, "sms": 10, "email": 10, "totp": 10, "passkey": 30, "recovery": 0}})
}

struct Ctx {
    server: Server,
    admin: Api,
    dir: String,
    sms: SmsGateway,
}

impl Ctx {
    fn path(&self, tail: &str) -> String {
        format!("/api/admin/directories/{}/policy{tail}", self.dir)
    }

    async fn replay(&self, policy: Value) -> Value {
        let r = self
            .admin
            .post(&self.path("/replay"), json!({"policy": policy, "days": 30}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json
    }

    /// A client past the password step of `name` in the `r` directory.
    async fn password(&self, name: &str) -> (Api, Value) {
        let c = self.server.client();
        let r = c
            .post(
                "/api/login/password",
                json!({"directory": "r", "username": name, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        (c, r.json)
    }

    /// The login history rows of the directory, as `user:ended:verified`.
    async fn history(&self) -> Vec<String> {
        let db = self.server.db().await;
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT u.username, h.ended, h.verified FROM login_history h \
             JOIN users u ON u.id = h.user_id WHERE h.directory_id = $1 ORDER BY u.username",
        )
        .bind(&self.dir)
        .fetch_all(&db)
        .await
        .unwrap();
        rows.into_iter()
            .map(|(u, e, v)| format!("{u}:{e}:{v}"))
            .collect()
    }

    /// Waits (housekeeping runs every second here) until `check` holds.
    async fn until(&self, what: &str, mut check: impl AsyncFnMut() -> bool) {
        let held = crate::harness::settled(async || check().await.then_some(())).await;
        assert!(held.is_some(), "{what}: not within 10 s");
    }
}

async fn start() -> Ctx {
    let sms = SmsGateway::start().await;
    let mut env = sms.env();
    env.push(("AUTHLEVEL_HOUSEKEEPING_INTERVAL_S", "1".into()));
    let (server, admin, _) = with_admin_env(&env).await;
    let r = admin
        .post(
            "/api/admin/directories",
            json!({"slug": "r", "name": "Replay", "policy": policy(20)}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let dir = r.json["id"].as_str().unwrap().to_owned();
    Ctx {
        server,
        admin,
        dir,
        sms,
    }
}

const PHONE: &str = "+41791234567";

/// Logins of six known shapes: alice with the password alone (at level 20,
/// before the level rose to 30), bob with password + SMS, carol with a
/// passkey, dave abandoned after the password, erin blocked by the level
/// (a password is all she has), frank with password + SMS and nothing else.
async fn six_logins(ctx: &Ctx) {
    let (server, admin, dir) = (&ctx.server, &ctx.admin, ctx.dir.as_str());
    create_user(server, admin, dir, json!({"username": "alice"})).await;
    create_user(
        server,
        admin,
        dir,
        json!({"username": "bob", "phone": PHONE, "email": "bob@example.com"}),
    )
    .await;
    let mut auth = SoftPasskey::new(true);
    user_with_passkey(server, admin, dir, "carol", &mut auth).await;
    create_user(
        server,
        admin,
        dir,
        json!({"username": "dave", "phone": "+41791234568"}),
    )
    .await;
    create_user(server, admin, dir, json!({"username": "erin"})).await;
    create_user(
        server,
        admin,
        dir,
        json!({"username": "frank", "phone": "+41791234569"}),
    )
    .await;

    let (_, r) = ctx.password("alice").await;
    assert_eq!(r["status"], "complete");
    let r = admin.put(&ctx.path(""), policy(30)).await;
    assert_eq!(r.status, 200, "{}", r.text);

    for (name, phone) in [("bob", PHONE), ("frank", "+41791234569")] {
        let (c, r) = ctx.password(name).await;
        assert_eq!(r["status"], "in_progress");
        assert_eq!(c.post("/api/login/sms/send", json!({})).await.status, 200);
        let code = ctx.sms.last_to(phone).code();
        let r = c.post("/api/login/sms/verify", json!({"code": code})).await;
        assert_eq!(r.json["status"], "complete", "{}", r.text);
    }
    let c = server.client();
    let rcr = crate::passkeys::start(&c, json!({"directory": "r", "username": "carol"})).await;
    let cred = auth.do_authentication(origin(server), rcr).unwrap();
    assert_eq!(finish(&c, &cred).await.json["status"], "complete");
    let (_, r) = ctx.password("dave").await;
    assert_eq!(r["status"], "in_progress");
    let (_, r) = ctx.password("erin").await;
    assert_eq!(r["status"], "blocked");

    // The two unfinished logins end at their flow's timeout: brought
    // forward here, then housekeeping moves them to the history.
    let db = server.db().await;
    sqlx::query(
        "UPDATE login_flows SET expires_at = $1 WHERE directory_id = $2 AND user_id IS NOT NULL",
    )
    .bind(authlevel_core_now() - 1)
    .bind(dir)
    .execute(&db)
    .await
    .unwrap();
    ctx.until("six history rows", async || ctx.history().await.len() == 6)
        .await;
    assert_eq!(
        ctx.history().await,
        [
            "alice:complete:password",
            "bob:complete:password+sms",
            "carol:complete:passkey",
            "dave:abandoned:password",
            "erin:blocked:password",
            "frank:complete:password+sms",
        ]
    );
}

fn authlevel_core_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

fn counts(v: &Value) -> [u64; 5] {
    ["logins", "same", "more_steps", "fewer_steps", "impossible"].map(|k| v[k].as_u64().unwrap())
}

/// The usernames a replay lists for `outcome`.
async fn users(ctx: &Ctx, outcome: &str) -> Vec<String> {
    let r = ctx
        .admin
        .get(&format!("{}?outcome={outcome}", ctx.path("/replay/users")))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut names: Vec<String> = r.json["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn replaying_a_draft_over_logins_of_known_shapes() {
    let ctx = start().await;
    six_logins(&ctx).await;

    // The active policy changes nothing.
    let same = ctx.replay(policy(30)).await;
    assert_eq!(counts(&same), [6, 6, 0, 0, 0], "{same}");
    assert_eq!(same["daily"].as_array().unwrap().len(), 30);
    assert_eq!(same["daily"][29]["same"], 6, "today is last");
    assert_eq!(
        same["by_client"],
        json!([{"client": "", "logins": 6, "same": 6, "more_steps": 0, "fewer_steps": 0, "impossible": 0}])
    );

    // At 40: bob (email left) and carol (her password) need another step;
    // dave and frank could not have got there; alice and erin were
    // blocked at 30 already.
    let up = ctx.replay(policy(40)).await;
    assert_eq!(counts(&up), [6, 2, 2, 0, 2], "{up}");
    assert_eq!(
        up["users"],
        json!({"more_steps": 2, "fewer_steps": 0, "impossible": 2})
    );
    assert_eq!(
        up["next_options"],
        json!([{"method": "password", "logins": 1}, {"method": "email", "logins": 1}])
    );
    assert_eq!(users(&ctx, "more_steps").await, ["bob", "carol"]);
    assert_eq!(users(&ctx, "impossible").await, ["dave", "frank"]);
    let csv = ctx
        .admin
        .get(&format!(
            "{}?outcome=impossible",
            ctx.path("/replay/users.csv")
        ))
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    assert!(
        csv.text.starts_with("id,username,logins,last_at\n"),
        "{}",
        csv.text
    );
    assert_eq!(csv.text.lines().count(), 3, "{}", csv.text);

    // At 20 the password alone completes: every login but carol's passkey
    // would have been shorter or possible at all.
    let down = ctx.replay(policy(20)).await;
    assert_eq!(counts(&down), [6, 1, 0, 5, 0], "{down}");
    assert_eq!(
        users(&ctx, "fewer_steps").await,
        ["alice", "bob", "dave", "erin", "frank"]
    );

    // Bad input: a problem, not a 500.
    let r = ctx
        .admin
        .post(
            &ctx.path("/replay"),
            json!({"policy": policy(30), "days": 0}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "invalid_input"), "{}", r.text);
    let r = ctx
        .admin
        .post(&ctx.path("/replay"), json!({"policy": policy(0)}))
        .await;
    assert_eq!((r.status, r.code()), (400, "invalid_input"), "{}", r.text);
    let r = ctx
        .admin
        .get(&format!("{}?outcome=never", ctx.path("/replay/users")))
        .await;
    assert_eq!((r.status, r.code()), (400, "invalid_input"), "{}", r.text);
    assert_eq!(users(&ctx, "same").await, ["carol"]);
}

#[tokio::test]
async fn a_staged_policy_scores_new_logins_without_changing_them_and_promote_needs_a_fresh_login() {
    let ctx = start().await;
    six_logins(&ctx).await;
    assert_eq!(ctx.admin.get(&ctx.path("/staged")).await.status, 404);

    let r = ctx.admin.put(&ctx.path("/staged"), policy(40)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Bob logs in again: at the active 30 with password + SMS, as before.
    let (c, r) = ctx.password("bob").await;
    assert_eq!(r["status"], "in_progress");
    c.post("/api/login/sms/send", json!({})).await;
    let code = ctx.sms.last_to(PHONE).code();
    let r = c.post("/api/login/sms/verify", json!({"code": code})).await;
    assert_eq!(
        r.json["status"], "complete",
        "the staged policy changes nothing: {}",
        r.text
    );
    let staged = ctx.admin.get(&ctx.path("/staged")).await;
    assert_eq!(staged.status, 200, "{}", staged.text);
    assert_eq!(staged.json["policy"]["required_level"], 40);
    assert_eq!(
        staged.json["active"],
        json!({"complete": 1, "abandoned": 0, "blocked": 0})
    );
    assert_eq!(counts(&staged.json), [1, 0, 1, 0, 0], "{}", staged.text);

    // Audited: staging, and (below) promoting.
    assert_eq!(audited(&ctx, "policy.stage").await, 1);

    // Promote needs a fresh login: an administrator whose login is older
    // than the re-authentication window is refused.
    let db = ctx.server.db().await;
    sqlx::query(
        "UPDATE sessions SET password_at = password_at - 100000 WHERE password_at IS NOT NULL",
    )
    .execute(&db)
    .await
    .unwrap();
    let r = ctx
        .admin
        .post(&ctx.path("/staged/promote"), json!({}))
        .await;
    assert_eq!((r.status, r.code()), (403, "reauth_required"), "{}", r.text);
    let r = ctx.admin.password_login("admin", PASSWORD).await;
    assert_eq!(r.json["status"], "complete");
    let r = ctx
        .admin
        .post(&ctx.path("/staged/promote"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let active = ctx.admin.get(&ctx.path("")).await;
    assert_eq!(active.json["policy"]["required_level"], 40);
    assert_eq!(ctx.admin.get(&ctx.path("/staged")).await.status, 404);
    assert_eq!(audited(&ctx, "policy.promote").await, 1);

    // Staged and dropped.
    assert_eq!(
        ctx.admin.put(&ctx.path("/staged"), policy(30)).await.status,
        200
    );
    assert_eq!(ctx.admin.delete(&ctx.path("/staged")).await.status, 204);
    assert_eq!(ctx.admin.delete(&ctx.path("/staged")).await.status, 404);
    assert_eq!(audited(&ctx, "policy.unstage").await, 1);
    // A replay is not audited.
    ctx.replay(policy(40)).await;
    assert_eq!(audited(&ctx, "policy.replay").await, 0);
}

/// How many audit events of `kind` there are.
async fn audited(ctx: &Ctx, kind: &str) -> usize {
    let audit = ctx.admin.get("/api/admin/audit?limit=200").await;
    assert_eq!(audit.status, 200, "{}", audit.text);
    audit
        .json
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .count()
}

#[tokio::test]
async fn history_older_than_history_days_is_deleted_by_housekeeping() {
    let ctx = start().await;
    let (server, admin, dir) = (&ctx.server, &ctx.admin, ctx.dir.as_str());
    create_user(server, admin, dir, json!({"username": "alice"})).await;
    create_user(server, admin, dir, json!({"username": "bert"})).await;
    for name in ["alice", "bert"] {
        assert_eq!(ctx.password(name).await.1["status"], "complete");
    }
    assert_eq!(ctx.history().await.len(), 2);
    // Alice's login, and a day's counts, 91 days ago: past the default 90.
    let db = server.db().await;
    sqlx::query(
        "UPDATE login_history SET at = at - 91 * 86400 \
         WHERE user_id = (SELECT id FROM users WHERE username = 'alice')",
    )
    .execute(&db)
    .await
    .unwrap();
    sqlx::query("UPDATE login_shapes SET day = day - 91")
        .execute(&db)
        .await
        .unwrap();
    ctx.until("alice's old login deleted", async || {
        ctx.history().await == ["bert:complete:password"]
    })
    .await;
    let (shapes,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM login_shapes")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(shapes, 0, "the old day's counts are gone too");
}
