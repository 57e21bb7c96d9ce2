//! Administration: policy, users, roles, audit (DESIGN §2, §4).

use crate::harness::{PASSWORD, create_user, two_factor, with_admin};
use serde_json::json;

#[tokio::test]
async fn policy_get_put_with_report_and_refusal() {
    let (_server, admin, dir) = with_admin(&[]).await;
    let path = format!("/api/admin/directories/{dir}/policy");
    let r = admin.get(&path).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["policy"]["required_level"], 20);
    assert_eq!(r.json["report"]["warnings"][0]["code"], "password_alone");
    assert_eq!(r.json["report"]["users"]["total"], 1);

    // Unreachable: refused with the report, nothing saved.
    let bad = json!({"required_level": 200, "points": {"password": 20, "sms": 10, "email": 10, "totp": 10, "passkey": 30}});
    let r = admin.put(&path, bad).await;
    assert_eq!((r.status, r.code()), (422, "invalid_policy"));
    assert_eq!(r.content_type(), "application/problem+json");
    assert_eq!(r.json["report"]["errors"][0]["code"], "unreachable");
    assert_eq!(admin.get(&path).await.json["policy"]["required_level"], 20);

    // Unknown fields are refused, not ignored.
    let r = admin
        .put(&path, json!({"required_level": 30, "points": {"password": 20, "sms": 10, "email": 10, "totp": 10, "passkey": 30, "magic": 99}}))
        .await;
    assert_eq!((r.status, r.code()), (400, "invalid_json"));

    // A valid policy is saved and its report answered: the admin has only
    // a password, so the what-if says one user could not reach the level.
    let r = admin.put(&path, two_factor()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let codes: Vec<&str> = r.json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["email_needed", "users_cannot_reach"]);
    assert_eq!(r.json["minimal_combinations"][0], json!(["passkey"]));
    assert_eq!(admin.get(&path).await.json["policy"], two_factor());

    let audit = admin.get("/api/admin/audit?limit=50").await;
    let kinds: Vec<&str> = audit
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"policy.update"));
}

#[tokio::test]
async fn users_create_edit_delete_and_non_admins_are_forbidden() {
    let (server, admin, dir) = with_admin(&[]).await;
    let users = format!("/api/admin/directories/{dir}/users");
    let id = create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "Fay", "email": "fay@example.com"}),
    )
    .await;

    let r = admin.post(&users, json!({"username": "FAY"})).await;
    assert_eq!(
        (r.status, r.code()),
        (409, "conflict"),
        "case variants are one account"
    );
    let r = admin
        .post(&users, json!({"username": "gus", "phone": "079 123"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "invalid_input"));
    assert!(r.json["detail"].as_str().unwrap().contains("country code"));
    let r = admin
        .post(
            &users,
            json!({"username": "gus", "email": "gus@example.com\r\nBcc: x@evil.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "invalid_input"));
    let r = admin.post(&users, json!({"username": "has space"})).await;
    assert_eq!((r.status, r.code()), (400, "invalid_input"));

    let r = admin
        .patch(
            &format!("/api/admin/users/{id}"),
            json!({"phone": "+41 79 123 45 67", "display_name": "Fay F."}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["phone"], "+41791234567");
    assert_eq!(r.json["enrolled"], json!(["password", "sms", "email"]));
    let list = admin.get(&users).await;
    assert_eq!(list.json["users"].as_array().unwrap().len(), 2);
    assert_eq!(list.json["total"], 2);

    // A plain user is logged in but no admin.
    let fay = server.client();
    assert_eq!(
        fay.password_login("fay", PASSWORD).await.json["status"],
        "complete"
    );
    for (m, p) in [
        ("GET", "/api/admin/directories".to_owned()),
        ("GET", format!("/api/admin/directories/{dir}/policy")),
        ("GET", users.clone()),
        ("GET", format!("/api/admin/users/{id}")),
        ("GET", "/api/admin/audit".to_owned()),
    ] {
        let r = fay.send(m, &p, None).await;
        assert_eq!((r.status, r.code()), (403, "forbidden"), "{m} {p}");
    }
    let r = fay
        .put(
            &format!("/api/admin/directories/{dir}/policy"),
            two_factor(),
        )
        .await;
    assert_eq!(r.status, 403);

    // Disabling ends the user's sessions; deleting removes the user.
    let r = admin
        .patch(&format!("/api/admin/users/{id}"), json!({"disabled": true}))
        .await;
    assert_eq!(r.json["disabled"], true);
    assert_eq!(fay.get("/api/session").await.status, 401);
    assert_eq!(
        server.client().password_login("fay", PASSWORD).await.status,
        401
    );
    assert_eq!(
        admin.delete(&format!("/api/admin/users/{id}")).await.status,
        204
    );
    assert_eq!(
        admin.get(&format!("/api/admin/users/{id}")).await.status,
        404
    );

    // An admin cannot lock themselves out: their own account changes only
    // through the profile (SECURITY 34).
    let me = admin.get("/api/session").await.json["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = admin.delete(&format!("/api/admin/users/{me}")).await;
    assert_eq!((r.status, r.code()), (403, "own_account"), "{}", r.text);
}

#[tokio::test]
async fn directories_are_created_by_operators_and_scoped_for_their_admins() {
    let (server, admin, _dir) = with_admin(&[]).await;
    let r = admin
        .post(
            "/api/admin/directories",
            json!({"slug": "staff", "name": "Staff", "policy": two_factor()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let staff = r.json["id"].as_str().unwrap().to_owned();
    let r = admin
        .post(
            "/api/admin/directories",
            json!({"slug": "staff", "name": "Again"}),
        )
        .await;
    assert_eq!(r.code(), "conflict");
    let r = admin
        .post(
            "/api/admin/directories",
            json!({"slug": "Bad Slug", "name": "x"}),
        )
        .await;
    assert_eq!(r.code(), "invalid_input");

    // An admin of `staff` sees only `staff`.
    let out = server.cli(&[
        "admin",
        "create-user",
        "sam",
        "--directory",
        "staff",
        "--admin",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = String::from_utf8_lossy(&out.stdout).to_string();
    let sam = server.client();
    sam.complete_setup(
        &crate::harness::token_of(link.lines().find(|l| l.contains("#token=")).unwrap().trim()),
        PASSWORD,
    )
    .await;
    let out = server.cli(&[
        "admin",
        "set-policy",
        "--directory",
        "staff",
        "--preset",
        "password-only",
    ]);
    assert!(out.status.success());
    let r = sam
        .post(
            "/api/login/password",
            json!({"directory": "staff", "username": "sam", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let dirs = sam.get("/api/admin/directories").await;
    assert_eq!(dirs.json.as_array().unwrap().len(), 1);
    assert_eq!(dirs.json[0]["slug"], "staff");
    let default_id = admin.get("/api/admin/directories").await.json[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        sam.get(&format!("/api/admin/directories/{default_id}/users"))
            .await
            .status,
        403
    );
    assert_eq!(
        sam.get(&format!("/api/admin/directories/{staff}/users"))
            .await
            .status,
        200
    );
    assert_eq!(
        sam.post("/api/admin/directories", json!({"slug": "x", "name": "x"}))
            .await
            .status,
        403
    );
}
