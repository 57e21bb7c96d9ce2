//! The password step, sessions and logout (DESIGN §4; SECURITY 2, 9, 24, 25).

use crate::harness::{PASSWORD, create_user, set_policy, two_factor, with_admin};
use serde_json::json;

#[tokio::test]
async fn password_login_completes_under_password_only_and_logout_kills_the_session() {
    let (server, admin, dir) = with_admin(&[]).await;
    create_user(&server, &admin, &dir, json!({"username": "Ann"})).await;
    let c = server.client();

    // Before: the login page's state offers the first steps.
    let r = c.get("/api/login").await;
    assert_eq!(r.json["status"], "in_progress");
    assert_eq!(r.json["progress"]["required"], 20);
    assert_eq!(r.json["options"][0]["method"], "password");

    let r = c.password_login("ANN", PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "complete");
    assert_eq!(
        r.json["progress"],
        json!({"earned": 20, "required": 20, "verified": ["password"]})
    );
    let cookies = r.set_cookies();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("authlevel_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
            && session.contains("Path=/")
    );
    assert!(
        cookies.iter().any(|c| c.starts_with("authlevel_flow=;")),
        "flow cookie removed: {cookies:?}"
    );
    let token = session
        .split(';')
        .next()
        .unwrap()
        .split('=')
        .nth(1)
        .unwrap()
        .to_owned();
    assert_eq!(token.len(), 64, "256-bit token");

    let r = c.get("/api/session").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["username"], "ann");
    assert_eq!(r.json["level"], 20);
    assert_eq!(r.json["methods"], json!(["password"]));
    assert_eq!(c.get("/api/me").await.json["username"], "ann");

    assert_eq!(c.post("/api/logout", json!({})).await.status, 204);
    assert_eq!(c.get("/api/session").await.status, 401);
    // The old cookie, replayed by hand after logout, is dead on the server.
    let replay = server
        .client()
        .raw(|h, base| {
            h.get(format!("{base}/api/session"))
                .header("cookie", format!("authlevel_session={token}"))
        })
        .await;
    assert_eq!(replay.status, 401);
}

#[tokio::test]
async fn two_factor_stops_at_20_of_30_with_the_options_listed() {
    let (server, admin, dir) = with_admin(&[]).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "bob", "phone": "+41 79 123 45 67", "email": "bob@example.com"}),
    )
    .await;
    create_user(&server, &admin, &dir, json!({"username": "carl"})).await;
    set_policy(&admin, &dir, two_factor()).await;

    let c = server.client();
    let r = c.password_login("bob", PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "in_progress");
    assert_eq!(
        r.json["progress"],
        json!({"earned": 20, "required": 30, "verified": ["password"]})
    );
    let options = r.json["options"].as_array().unwrap();
    let methods: Vec<&str> = options
        .iter()
        .map(|o| o["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods, vec!["sms", "email"]);
    assert!(
        options
            .iter()
            .all(|o| o["points"] == 10 && o["completes"] == true)
    );
    assert_eq!(options[0]["hint"], "+41•••••••67");
    assert_eq!(options[1]["hint"], "b•••@example.com");
    // No session yet; the state survives a reload.
    assert_eq!(c.get("/api/session").await.status, 401);
    assert_eq!(c.get("/api/login").await.json["progress"]["earned"], 20);

    // A user with nothing but a password is told why they cannot get in.
    let r = server.client().password_login("carl", PASSWORD).await;
    assert_eq!(r.json["status"], "blocked");
    assert!(
        r.json["message"]
            .as_str()
            .unwrap()
            .contains("needs a confirmed mobile number")
    );
}

#[tokio::test]
async fn unknown_users_and_wrong_passwords_answer_alike() {
    let (server, admin, dir) = with_admin(&[]).await;
    create_user(&server, &admin, &dir, json!({"username": "dana"})).await;
    let c = server.client();
    let wrong = c.password_login("dana", "not the password at all").await;
    let unknown = c
        .password_login("nobody-here", "not the password at all")
        .await;
    let other_dir = c
        .post(
            "/api/login/password",
            json!({"directory": "nope", "username": "dana", "password": "x"}),
        )
        .await;
    for r in [&wrong, &unknown, &other_dir] {
        assert_eq!(r.status, 401);
        assert_eq!(r.content_type(), "application/problem+json");
        assert_eq!(r.code(), "invalid_credentials");
    }
    assert_eq!(wrong.text, unknown.text);
    assert_eq!(wrong.text, other_dir.text);
    assert!(!wrong.text.contains("not the password"));
}

#[tokio::test]
async fn a_long_unicode_password_is_not_truncated() {
    let (server, admin, dir) = with_admin(&[]).await;
    let r = admin
        .post(
            &format!("/api/admin/directories/{dir}/users"),
            json!({"username": "uma"}),
        )
        .await;
    let token = crate::harness::token_of(r.json["setup_link"]["url"].as_str().unwrap());
    let pw: String = "Grüße-aus-Köln-🌻-".repeat(5).chars().take(64).collect();
    server.client().complete_setup(&token, &pw).await;
    let first63: String = pw.chars().take(63).collect();
    assert_eq!(
        server.client().password_login("uma", &first63).await.status,
        401
    );
    assert_eq!(
        server.client().password_login("uma", &pw).await.json["status"],
        "complete"
    );
}

#[tokio::test]
async fn interim_flow_cookie_and_no_cookie_get_401_on_every_protected_route() {
    let (server, admin, dir) = with_admin(&[]).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "eve", "phone": "+41791234567"}),
    )
    .await;
    set_policy(&admin, &dir, two_factor()).await;
    let interim = server.client();
    let r = interim.password_login("eve", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress");
    let anonymous = server.client();

    let doc = admin.get("/api/openapi.json").await.json;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let protected =
            path.starts_with("/api/me") || path.starts_with("/api/admin") || path == "/api/session";
        if !protected {
            continue;
        }
        let concrete = path.replace("{id}", &dir);
        for method in item.as_object().unwrap().keys() {
            let body = (method != "get" && method != "delete").then(|| json!({}));
            for c in [&interim, &anonymous] {
                let r = c
                    .send(&method.to_uppercase(), &concrete, body.clone())
                    .await;
                assert_eq!(r.status, 401, "{method} {path}: {}", r.text);
                assert_eq!(r.code(), "unauthorized");
            }
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} routes checked");
}
