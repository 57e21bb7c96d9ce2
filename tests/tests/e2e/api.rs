//! The API's contract: problem+json for bad input, the OpenAPI document
//! against the router, CSRF guards, security headers.

use crate::harness::{Server, with_admin};
use serde_json::json;

#[tokio::test]
async fn bad_input_gets_problem_json_never_a_500() {
    let server = Server::start();
    let c = server.client();
    let malformed = c
        .raw(|h, b| {
            h.post(format!("{b}/api/login/password"))
                .header("content-type", "application/json")
                .body("{\"username\": ")
        })
        .await;
    assert_eq!((malformed.status, malformed.code()), (400, "invalid_json"));
    assert_eq!(malformed.content_type(), "application/problem+json");

    let wrong_type = c
        .raw(|h, b| {
            h.post(format!("{b}/api/login/password"))
                .header("content-type", "text/plain")
                .body("{}")
        })
        .await;
    assert_eq!(
        (wrong_type.status, wrong_type.code()),
        (415, "unsupported_media_type")
    );

    let form = c
        .raw(|h, b| {
            h.post(format!("{b}/api/login/password"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("username=a&password=b")
        })
        .await;
    assert_eq!(form.status, 415);

    let big = "x".repeat(100 * 1024);
    let oversized = c
        .post(
            "/api/login/password",
            json!({"username": "a", "password": big}),
        )
        .await;
    assert_eq!(
        (oversized.status, oversized.code()),
        (413, "payload_too_large")
    );
    assert!(!oversized.text.contains("xxxx"));

    let wrong_shape = c
        .post(
            "/api/login/password",
            json!({"username": 5, "password": "secret-value-1"}),
        )
        .await;
    assert_eq!(
        (wrong_shape.status, wrong_shape.code()),
        (400, "invalid_json")
    );
    assert!(!wrong_shape.text.contains("secret-value"));

    let unknown = c.get("/api/does-not-exist").await;
    assert_eq!((unknown.status, unknown.code()), (404, "not_found"));
    let method = c.send("DELETE", "/api/login/password", None).await;
    assert_eq!((method.status, method.code()), (405, "method_not_allowed"));
    for r in [
        &malformed,
        &wrong_type,
        &oversized,
        &wrong_shape,
        &unknown,
        &method,
    ] {
        assert_eq!(r.content_type(), "application/problem+json");
        assert!(r.json["title"].as_str().is_some_and(|t| !t.is_empty()));
    }
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let (server, admin, _dir) = with_admin(&[]).await;
    for path in ["/api/login/password", "/api/me/password", "/api/logout"] {
        let r = server
            .client()
            .raw(|h, b| {
                h.post(format!("{b}{path}"))
                    .header("origin", "https://evil.example")
                    .header("content-type", "application/json")
                    .body("{}")
            })
            .await;
        assert_eq!((r.status, r.code()), (403, "origin_refused"), "{path}");
        let r = server
            .client()
            .raw(|h, b| {
                h.post(format!("{b}{path}"))
                    .header("content-type", "text/plain")
                    .body("{}")
            })
            .await;
        assert_eq!(r.status, 415, "{path}");
    }
    // A same-origin request passes the guard.
    let origin = server.public_url.clone();
    let r = admin
        .raw(|h, b| {
            h.put(format!("{b}/api/admin/directories/x/policy"))
                .header("origin", origin)
                .header("content-type", "application/json")
                .body("{}")
        })
        .await;
    assert_ne!(r.code(), "origin_refused");
    let r = admin
        .raw(|h, b| {
            h.put(format!("{b}/api/admin/directories/x/policy"))
                .header("origin", "http://localhost:1")
                .header("content-type", "application/json")
                .body("{}")
        })
        .await;
    assert_eq!(r.code(), "origin_refused");
}

#[tokio::test]
async fn openapi_lists_every_route_the_router_serves() {
    let (_server, admin, dir) = with_admin(&[]).await;
    let doc = admin.get("/api/openapi.json").await;
    assert_eq!(doc.status, 200);
    let paths = doc.json["paths"].as_object().unwrap();
    // Every path the core names is documented: the constants, and the
    // functions, called with the document's own `{id}` for an id.
    use authlevel_core::Method;
    use authlevel_core::api::paths;
    let id = "{id}";
    let mut named: Vec<String> = [
        paths::LOGIN,
        paths::LOGIN_PASSWORD,
        paths::LOGIN_PASSKEY_START,
        paths::LOGIN_PASSKEY_FINISH,
        paths::SETUP,
        paths::SETUP_FINISH,
        paths::SESSION,
        paths::LOGOUT,
        paths::ME,
        paths::ME_PASSWORD,
        paths::ME_TOTP_SETUP,
        paths::ME_TOTP_CONFIRM,
        paths::ME_TOTP,
        paths::ME_PASSKEYS,
        paths::ME_PASSKEYS_REGISTER_START,
        paths::ME_PASSKEYS_REGISTER_FINISH,
        paths::ME_RECOVERY_CODES,
        paths::ME_SESSIONS,
        paths::ME_SESSIONS_END_OTHERS,
        paths::ADMIN_DIRECTORIES,
        paths::ADMIN_AUDIT,
        paths::OPENAPI,
        paths::HEALTHZ,
        paths::READYZ,
        paths::METRICS,
    ]
    .map(str::to_owned)
    .to_vec();
    named.extend([Method::Sms, Method::Email].map(paths::login_send));
    named.extend(
        [Method::Sms, Method::Email, Method::Totp, Method::Recovery].map(paths::login_verify),
    );
    named.extend([
        paths::me_passkey(id),
        paths::me_session(id),
        paths::admin_policy(id),
        paths::admin_users(id),
        paths::admin_user(id),
        paths::admin_setup_link(id),
        paths::admin_unlock(id),
        paths::admin_user_sessions(id),
        paths::admin_recovery_codes(id),
        paths::admin_clients(id),
        paths::admin_client(id),
    ]);
    for p in &named {
        assert!(paths.contains_key(p), "{p} is not in the OpenAPI document");
    }
    let all = ["get", "post", "put", "patch", "delete"];
    for (path, item) in paths {
        let concrete = path.replace("{id}", &dir);
        let documented: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for method in all {
            let body = (method != "get" && method != "delete").then(|| json!({}));
            let r = admin.send(&method.to_uppercase(), &concrete, body).await;
            let routed = r.status != 405 && r.json["detail"] != "There is no such API route.";
            // Every documented method is served; every other is not.
            assert_eq!(
                routed,
                documented.contains(&method),
                "{method} {path}: {} {}",
                r.status,
                r.text
            );
        }
    }
}

#[tokio::test]
async fn pages_and_ops() {
    let server = Server::start();
    let c = server.client();
    let page = c.get("/setup").await;
    assert_eq!(page.status, 200);
    let csp = page
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(
        page.headers.get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert_eq!(c.get("/healthz").await.text, "ok");
    assert_eq!(c.get("/readyz").await.text, "ready");
    let _ = c.password_login("x", "y").await;
    let m = c.get("/metrics").await;
    assert!(
        m.text
            .contains("authlevel_login_steps_total{method=\"password\",outcome=\"failure\"} 1"),
        "{}",
        m.text
    );
}
