//! First start and setup links (DESIGN §4, SECURITY 29).

use crate::harness::{PASSWORD, Server, token_of, with_admin};
use serde_json::json;

#[tokio::test]
async fn first_start_admin_sets_up_through_the_link_once() {
    let server = Server::start();
    let token = server.first_start_token();
    let c = server.client();

    let r = c.post("/api/setup", json!({"token": token})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["username"], "admin");
    assert_eq!(r.json["directory"], "default");
    assert_eq!(r.json["policy"]["required_level"], 30);
    assert_eq!(r.json["enrolled"], json!([]));
    assert_eq!(r.json["can_reach"], false);

    // A setup link never logs anyone in.
    assert_eq!(c.get("/api/session").await.status, 401);
    assert_eq!(c.get("/api/admin/directories").await.status, 401);

    // The password rules hold here too.
    let r = c
        .post("/api/me/password", json!({"new_password": "short7!"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "weak_password"));
    let r = c
        .post("/api/me/password", json!({"new_password": "password123"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "weak_password"));
    assert!(r.json["detail"].as_str().unwrap().contains("common"));
    let r = c
        .post("/api/me/password", json!({"new_password": PASSWORD}))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = c.get("/api/setup").await;
    assert_eq!(r.json["enrolled"], json!(["password"]));

    // The link is spent: a second use, from anyone, is refused.
    let r = server
        .client()
        .post("/api/setup", json!({"token": token}))
        .await;
    assert_eq!((r.status, r.code()), (410, "setup_link_invalid"));
    assert_eq!(r.content_type(), "application/problem+json");

    assert_eq!(c.post("/api/setup/finish", json!({})).await.status, 204);
    assert_eq!(c.get("/api/setup").await.status, 401);

    // Afterwards the admin logs in normally and needs the full level (30):
    // the password alone (20) is not enough under two-factor.
    let r = server.client().password_login("admin", PASSWORD).await;
    assert_eq!(r.status, 200);
    assert_ne!(r.json["status"], "complete", "{}", r.text);
    assert_eq!(r.json["progress"]["earned"], 20);

    // The link was printed once: a restart prints none.
    let mut server = server;
    let before = server.stdout.lock().unwrap().len();
    server.restart();
    let after: Vec<String> = server.stdout.lock().unwrap()[before..].to_vec();
    assert!(after.iter().all(|l| !l.contains("#token=")), "{after:?}");
}

#[tokio::test]
async fn an_expired_setup_link_is_refused() {
    let server = Server::start_with(&[("AUTHLEVEL_SETUP_LINK_TTL_S", "1")]);
    let token = server.first_start_token();
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let r = server
        .client()
        .post("/api/setup", json!({"token": token}))
        .await;
    assert_eq!((r.status, r.code()), (410, "setup_link_invalid"));
    let r = server
        .client()
        .post("/api/setup", json!({"token": "not-a-token"}))
        .await;
    assert_eq!((r.status, r.code()), (410, "setup_link_invalid"));
}

#[tokio::test]
async fn a_new_setup_link_supersedes_the_old_and_recovery_keeps_the_level() {
    let (server, admin, dir) = with_admin(&[]).await;
    let r = admin
        .post(
            &format!("/api/admin/directories/{dir}/users"),
            json!({"username": "rita"}),
        )
        .await;
    let id = r.json["user"]["id"].as_str().unwrap().to_owned();
    let first = token_of(r.json["setup_link"]["url"].as_str().unwrap());
    let r = admin
        .post(&format!("/api/admin/users/{id}/setup-link"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let second = token_of(r.json["url"].as_str().unwrap());
    assert_eq!(
        server
            .client()
            .post("/api/setup", json!({"token": first}))
            .await
            .code(),
        "setup_link_invalid"
    );
    server.client().complete_setup(&second, PASSWORD).await;

    // CLI invite works the same way.
    let out = server.cli(&["admin", "invite", "rita"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let third = token_of(text.lines().find(|l| l.contains("#token=")).unwrap().trim());
    let c = server.client();
    assert_eq!(
        c.post("/api/setup", json!({"token": third})).await.status,
        200
    );
    assert_eq!(
        c.get("/api/session").await.status,
        401,
        "recovery must not log in"
    );
}
