//! Nothing answered is lost: a kill -9 during a stream of writes, and a
//! login in progress across a restart (DESIGN §5).

use crate::harness::{PASSWORD, create_user, set_policy, two_factor, with_admin};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::test]
async fn kill_9_during_user_creation_loses_no_answered_user() {
    let (mut server, admin, dir) = with_admin(&[]).await;
    let created = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for w in 0..4 {
        let admin = admin.clone();
        let created = created.clone();
        let path = format!("/api/admin/directories/{dir}/users");
        writers.push(tokio::spawn(async move {
            for i in 0..10_000 {
                let name = format!("w{w}-u{i}");
                let r = admin
                    .raw(|h, b| {
                        h.post(format!("{b}{path}"))
                            .json(&json!({"username": name}))
                    })
                    .await;
                // Transport errors surface as a panic inside `raw`'s expect;
                // stop at the first non-2xx instead.
                if r.status != 201 {
                    break;
                }
                created.lock().unwrap().push(name);
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill9();
    for w in writers {
        let _ = w.await; // a writer whose request died with the server panics; that is the point
    }
    let answered = created.lock().unwrap().clone();
    assert!(
        answered.len() > 10,
        "the stream was too short to mean anything: {}",
        answered.len()
    );

    server.restart();
    let admin = server.client();
    assert_eq!(
        admin.password_login("admin", PASSWORD).await.json["status"],
        "complete"
    );
    let list = crate::harness::all_users(&admin, &dir).await;
    let names: std::collections::HashSet<&str> = list
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    let lost: Vec<&String> = answered
        .iter()
        .filter(|n| !names.contains(n.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "lost {} of {} answered users: {lost:?}",
        lost.len(),
        answered.len()
    );
}

#[tokio::test]
async fn a_login_in_progress_survives_a_restart() {
    let (mut server, admin, dir) = with_admin(&[]).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "hal", "phone": "+41791234567"}),
    )
    .await;
    set_policy(&admin, &dir, two_factor()).await;
    let c = server.client();
    assert_eq!(
        c.password_login("hal", PASSWORD).await.json["progress"]["earned"],
        20
    );
    server.restart();
    let r = c.get("/api/login").await;
    assert_eq!(r.json["progress"]["earned"], 20, "{}", r.text);
    assert_eq!(r.json["options"][0]["method"], "sms");
}
