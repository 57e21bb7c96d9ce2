//! Recovery codes (SECURITY 13): a set of one-time codes for a lost phone,
//! made from a fresh login, each used once over every instance, counted in
//! the lockout, told by email on every use, replaced whole, revoked by an
//! administrator.

use crate::harness::{Api, PASSWORD, Server, create_user, set_policy, two_factor, with_admin_env};
use crate::receivers::{SmtpSink, first_code};
use serde_json::{Value, json};
use std::time::Duration;

struct Ctx {
    a: Server,
    b: Server,
    admin: Api,
    smtp: SmtpSink,
    rex: String,
}

async fn start() -> Ctx {
    let smtp = SmtpSink::start();
    let mut env: Vec<(&str, String)> = smtp.env();
    env.push(("AUTHLEVEL_SECRET_KEY", "ef".repeat(32)));
    env.push(("AUTHLEVEL_REAUTH_WINDOW_S", "2".into()));
    env.push(("AUTHLEVEL_FAILURE_LIMIT", "5".into()));
    env.push(("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".into()));
    let (a, admin, dir) = with_admin_env(&env).await;
    let rex = create_user(
        &a,
        &admin,
        &dir,
        json!({"username": "rex", "email": "rex@example.com"}),
    )
    .await;
    set_policy(&admin, &dir, two_factor()).await;
    let b = Server::start_sharing(&a, &[]);
    Ctx {
        a,
        b,
        admin,
        smtp,
        rex,
    }
}

impl Ctx {
    /// An administrator's write. Under two-factor their password alone is
    /// no fresh login (SECURITY 34): the operator lowers the level at the
    /// console, the administrator logs in again and acts, and the level
    /// goes back.
    async fn admin_write(&self, method: &str, path: &str) -> crate::harness::Resp {
        crate::harness::set_policy_cli(&self.a, &["--preset", "password-only"]);
        assert_eq!(
            self.admin.password_login("admin", PASSWORD).await.json["status"],
            "complete"
        );
        let r = self.admin.send(method, path, Some(json!({}))).await;
        crate::harness::set_policy_cli(&self.a, &["--preset", "two-factor"]);
        r
    }

    /// A full login of rex on `c`: password and an email code.
    async fn full_login(&self, c: &Api) {
        assert_eq!(
            c.password_login("rex", PASSWORD).await.json["status"],
            "in_progress"
        );
        assert_eq!(c.post("/api/login/email/send", json!({})).await.status, 200);
        let mail = self.smtp.all().pop().unwrap();
        let r = c
            .post(
                "/api/login/email/verify",
                json!({"code": first_code(&mail.data)}),
            )
            .await;
        assert_eq!(r.json["status"], "complete", "{}", r.text);
    }

    /// The password step of rex on a new client of `server`.
    async fn after_password(&self, server: &Server) -> Api {
        let c = server.client();
        let r = c.password_login("rex", PASSWORD).await;
        assert_eq!(r.json["status"], "in_progress", "{}", r.text);
        c
    }
}

fn codes(r: &crate::harness::Resp) -> Vec<String> {
    r.json["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

async fn use_code(c: &Api, code: &str) -> crate::harness::Resp {
    c.post("/api/login/recovery/verify", json!({"code": code}))
        .await
}

#[tokio::test]
async fn recovery_codes_from_enrolment_to_login_reuse_concurrency_lockout_regeneration_and_revocation()
 {
    let ctx = start().await;
    let profile = ctx.a.client();
    ctx.full_login(&profile).await;

    // Made only from a fresh login.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stale = profile.post("/api/me/recovery-codes", json!({})).await;
    assert_eq!(
        (stale.status, stale.code()),
        (403, "reauth_required"),
        "{}",
        stale.text
    );
    ctx.full_login(&profile).await;
    let made = profile.post("/api/me/recovery-codes", json!({})).await;
    assert_eq!(made.status, 200, "{}", made.text);
    let set = codes(&made);
    assert_eq!(set.len(), 10);
    assert!(
        set.iter()
            .all(|c| c.len() == 19 && c.matches('-').count() == 3)
    );
    assert_eq!(
        profile.get("/api/me/recovery-codes").await.json,
        json!({"remaining": 10})
    );

    // Password and a recovery code (typed in lower case, without dashes).
    let c = ctx.after_password(&ctx.a).await;
    let offered: Vec<Value> = c.get("/api/login").await.json["options"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        offered
            .iter()
            .any(|o| o["method"] == "recovery" && o["points"] == 10)
    );
    let mails_before = ctx.smtp.all().len();
    let r = use_code(&c, &set[0].replace('-', "").to_lowercase()).await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    assert_eq!(
        r.json["notices"][0]["kind"], "recovery_code_used",
        "{}",
        r.text
    );
    assert!(
        r.json["notices"][0]["text"]
            .as_str()
            .unwrap()
            .contains("Set up a new phone"),
        "{}",
        r.text
    );
    assert_eq!(
        c.get("/api/session").await.json["methods"],
        json!(["password", "recovery"])
    );
    // The notice, at the real SMTP server.
    let mails = ctx.smtp.all();
    assert!(
        mails[mails_before..]
            .iter()
            .any(|m| m.data.contains("A recovery code was used to log in")),
        "no notice among {} new mails",
        mails.len() - mails_before
    );

    // The same code again: refused.
    let c = ctx.after_password(&ctx.b).await;
    let again = use_code(&c, &set[0]).await;
    assert_eq!(
        (again.status, again.code()),
        (401, "invalid_code"),
        "{}",
        again.text
    );

    // 8 uses of one code at once over two instances: one succeeds.
    let mut clients = Vec::new();
    for i in 0..8 {
        clients.push(
            ctx.after_password(if i % 2 == 0 { &ctx.a } else { &ctx.b })
                .await,
        );
    }
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|c| {
            let code = set[1].clone();
            tokio::spawn(async move { use_code(&c, &code).await })
        })
        .collect();
    let mut completed = 0;
    for t in tasks {
        completed += usize::from(t.await.unwrap().json["status"] == "complete");
    }
    assert_eq!(completed, 1, "one code, one login");

    // Wrong codes count toward the lockout (limit 5, with the 7 refused
    // uses above): now even a right code is refused, like a wrong one.
    let c = ctx.after_password(&ctx.a).await;
    let wrong = use_code(&c, "AAAA-BBBB-CCCC-DDDD").await;
    assert_eq!(wrong.code(), "invalid_code");
    let locked = use_code(&c, &set[2]).await;
    assert_eq!(locked.text, wrong.text, "locked answers like wrong");
    let r = ctx
        .admin_write("POST", &format!("/api/admin/users/{}/unlock", ctx.rex))
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(use_code(&c, &set[2]).await.json["status"], "complete");

    // A new set replaces the old one.
    ctx.full_login(&profile).await;
    let new_set = codes(&profile.post("/api/me/recovery-codes", json!({})).await);
    let c = ctx.after_password(&ctx.b).await;
    assert_eq!(use_code(&c, &set[3]).await.code(), "invalid_code");
    assert_eq!(use_code(&c, &new_set[0]).await.json["status"], "complete");

    // An administrator revokes them: none left, none offered.
    let user = ctx
        .admin
        .get(&format!("/api/admin/users/{}", ctx.rex))
        .await;
    assert_eq!(user.json["recovery_codes"], 9);
    let r = ctx
        .admin_write(
            "DELETE",
            &format!("/api/admin/users/{}/recovery-codes", ctx.rex),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let user = ctx
        .admin
        .get(&format!("/api/admin/users/{}", ctx.rex))
        .await;
    assert_eq!(user.json["recovery_codes"], 0);
    let c = ctx.after_password(&ctx.a).await;
    let r = use_code(&c, &new_set[1]).await;
    assert_eq!(
        (r.status, r.code()),
        (409, "method_not_offered"),
        "{}",
        r.text
    );
}
