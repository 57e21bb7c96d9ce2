//! A directory's users at organisation scale (issue: directories and users
//! at scale): paging that visits every user once while users are added,
//! filters that name exactly their users, CSV import whose dry run changes
//! nothing, bulk actions, the policy's what-if as counts, and directories
//! that stay apart.

use crate::harness::{
    Api, PASSWORD, all_users, create_user, pyotp_code_from_uri, set_policy, two_factor, user_id,
    with_admin, with_admin_env,
};
use crate::receivers::SmtpSink;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Posts a CSV file to a directory's import.
async fn import(admin: &Api, dir: &str, csv: &str, query: &str) -> crate::harness::Resp {
    let (path, body) = (
        format!("/api/admin/directories/{dir}/users/import?{query}"),
        csv.to_owned(),
    );
    admin
        .raw(|h, b| {
            h.post(format!("{b}{path}"))
                .header("content-type", "text/csv")
                .body(body)
        })
        .await
}

/// The usernames of a page or a list.
fn names(users: &[Value]) -> Vec<String> {
    users
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect()
}

/// The usernames a filter (and search) lists, over all pages.
async fn listed(admin: &Api, dir: &str, query: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut cursor = String::new();
    loop {
        let r = admin
            .get(&format!(
                "/api/admin/directories/{dir}/users?limit=3&cursor={cursor}&{query}"
            ))
            .await;
        assert_eq!(r.status, 200, "{query}: {}", r.text);
        let page = names(r.json["users"].as_array().unwrap());
        for n in &page {
            assert!(out.insert(n.clone()), "{query}: {n} listed twice");
        }
        assert!(
            r.json["total"].as_u64().unwrap() as usize >= out.len(),
            "{query}: total below what was listed"
        );
        match r.json["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => {
                assert_eq!(
                    r.json["total"].as_u64().unwrap() as usize,
                    out.len(),
                    "{query}: total"
                );
                return out;
            }
        }
    }
}

/// `s` for a query string: every byte but letters and digits as `%XX`.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// Pages of 37 through 500 users while, after each page, users are added
/// before and after the cursor: every user that was there is listed
/// exactly once, in order; a user added after the cursor is listed (once),
/// one added before it is not. (Offset paging lists users twice here.)
#[tokio::test]
async fn paging_visits_every_user_exactly_once_while_users_are_added() {
    let (_server, admin, dir) = with_admin(&[]).await;
    let mut csv = String::from("username\n");
    for i in 0..500 {
        csv.push_str(&format!("u{:04}\n", i * 2));
    }
    let r = import(&admin, &dir, &csv, "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["created"], 500, "{}", r.text);
    let before: BTreeSet<String> = names(&all_users(&admin, &dir).await).into_iter().collect();
    assert_eq!(before.len(), 501);

    let mut seen: Vec<String> = Vec::new();
    let mut expected_new = BTreeSet::new();
    let mut cursor = String::new();
    let mut added = 0;
    loop {
        let r = admin
            .get(&format!(
                "/api/admin/directories/{dir}/users?limit=37&cursor={cursor}"
            ))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        seen.extend(names(r.json["users"].as_array().unwrap()));
        let Some(next) = r.json["next_cursor"].as_str() else {
            break;
        };
        cursor = next.to_owned();
        // Odd numbers sort between the users there; some land before the
        // cursor (already paged past), some after it.
        let at: usize = cursor[1..].parse().unwrap_or(0);
        for name in [
            format!("u{:04}", at.saturating_sub(11) | 1),
            format!("u{:04}", (at + 13) | 1),
            format!("u{:04}", (at + 301) | 1),
        ] {
            if before.contains(&name) || added > 400 {
                continue;
            }
            let r = admin
                .post(
                    &format!("/api/admin/directories/{dir}/users"),
                    json!({"username": name}),
                )
                .await;
            if r.status == 201 {
                added += 1;
                if name > cursor {
                    expected_new.insert(name);
                }
            }
        }
    }
    assert!(added > 20, "too few users added while paging: {added}");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "a user was listed twice");
    assert_eq!(sorted, seen, "pages are in username order");
    let seen: BTreeSet<String> = seen.into_iter().collect();
    let missing: Vec<&String> = before.difference(&seen).collect();
    assert!(missing.is_empty(), "users never listed: {missing:?}");
    let extra: BTreeSet<String> = seen.difference(&before).cloned().collect();
    assert_eq!(
        extra, expected_new,
        "exactly the users added after the cursor are listed"
    );
}

/// Each filter lists exactly the users it names, over pages of three:
/// what each user enrolled is set up here the way users do it (password by
/// setup link, phone and email by the administrator, the app and recovery
/// codes by the user), one user is locked and one disabled.
#[tokio::test]
async fn each_filter_returns_exactly_the_users_it_names() {
    let (server, admin, dir) = with_admin(&[("AUTHLEVEL_FAILURE_LIMIT", "3")]).await;
    create_user(&server, &admin, &dir, json!({"username": "pat"})).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "phil", "display_name": "Philip Stone", "phone": "+41 79 555 01 01"}),
    )
    .await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "emma", "email": "emma@example.com"}),
    )
    .await;
    create_user(&server, &admin, &dir, json!({"username": "rex"})).await;
    let dora = create_user(&server, &admin, &dir, json!({"username": "dora"})).await;
    create_user(&server, &admin, &dir, json!({"username": "lou"})).await;
    // No password: a phone set by the administrator only.
    let r = import(&admin, &dir, "username,phone\nnopw,+41795550303\n", "").await;
    assert_eq!(r.json["created"], 1, "{}", r.text);

    // emma adds the authenticator app, rex recovery codes.
    let emma = server.client();
    assert_eq!(
        emma.password_login("emma", PASSWORD).await.json["status"],
        "complete"
    );
    let setup = emma.post("/api/me/totp/setup", json!({})).await;
    let uri = setup.json["otpauth_uri"].as_str().unwrap().to_owned();
    let secret = setup.json["secret"].as_str().unwrap().to_owned();
    let r = emma
        .post(
            "/api/me/totp/confirm",
            json!({"code": pyotp_code_from_uri(&uri)}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let rex = server.client();
    assert_eq!(
        rex.password_login("rex", PASSWORD).await.json["status"],
        "complete"
    );
    let r = rex.post("/api/me/recovery-codes", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // dora is disabled; lou locked out of the password.
    let r = admin
        .patch(
            &format!("/api/admin/users/{dora}"),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for _ in 0..3 {
        server
            .client()
            .password_login("lou", "wrong password")
            .await;
    }
    set_policy(&admin, &dir, two_factor()).await;

    let enrolled: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("admin", &["password"][..]),
        ("pat", &["password"][..]),
        ("phil", &["password", "sms"][..]),
        ("emma", &["password", "email", "totp"][..]),
        ("rex", &["password", "recovery"][..]),
        ("dora", &["password"][..]),
        ("lou", &["password"][..]),
        ("nopw", &["sms"][..]),
    ]);
    // The API shows what the test did.
    for u in all_users(&admin, &dir).await {
        let name = u["username"].as_str().unwrap();
        let mut shown: Vec<&str> = u["enrolled"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        shown.sort_unstable();
        let mut done = enrolled[name].to_vec();
        done.sort_unstable();
        assert_eq!(shown, done, "{name}");
    }
    let everyone: BTreeSet<String> = enrolled.keys().map(|n| (*n).to_owned()).collect();
    assert_eq!(listed(&admin, &dir, "").await, everyone);

    // The policy being edited: level 20 of password 10, sms 10, email 10,
    // passkey 20 (the app and recovery codes count nothing).
    let edited = json!({"required_level": 20, "points": {"password": 10, "sms": 10, "email": 10, "totp": 0, "passkey": 20, "recovery": 0}});
    let edited = format!("policy={}", encode(&edited.to_string()));
    // The readiness filters name enabled users (dora is disabled), as the
    // policy report counts them.
    for (query, expected) in [
        (
            "filter=no_phone",
            set(&["admin", "pat", "emma", "rex", "lou"]),
        ),
        ("filter=no_second_method", set(&["admin", "pat", "lou"])),
        ("filter=cannot_reach", set(&["admin", "pat", "lou", "nopw"])),
        (
            &format!("filter=cannot_reach_edited&{edited}"),
            set(&["admin", "pat", "lou", "rex", "nopw"]),
        ),
        ("filter=locked", set(&["lou"])),
        ("filter=disabled", set(&["dora"])),
        ("q=PH", set(&["phil"])),
        ("q=stone", set(&["phil"])),
        ("q=emma%40example", set(&["emma"])),
        ("q=%2B4179555", set(&["phil", "nopw"])),
        ("q=%25", set(&[])),
        ("q=_", set(&[])),
        ("q=o&filter=has:sms", set(&["phil", "nopw"])),
        ("q=o&filter=disabled", set(&["dora"])),
    ] {
        assert_eq!(listed(&admin, &dir, query).await, expected, "{query}");
    }
    for method in ["password", "sms", "email", "totp", "passkey", "recovery"] {
        let has: BTreeSet<String> = enrolled
            .iter()
            .filter(|(_, m)| m.contains(&method))
            .map(|(n, _)| (*n).to_owned())
            .collect();
        let lacks: BTreeSet<String> = everyone.difference(&has).cloned().collect();
        assert_eq!(
            listed(&admin, &dir, &format!("filter=has:{method}")).await,
            has,
            "has:{method}"
        );
        assert_eq!(
            listed(&admin, &dir, &format!("filter=lacks:{method}")).await,
            lacks,
            "lacks:{method}"
        );
    }

    // A change of what a user enrolled moves them at once.
    // (Under two-factor now: a fresh login with the app first.)
    let emma = server.client();
    emma.password_login("emma", PASSWORD).await;
    let r = emma
        .post(
            "/api/login/totp/verify",
            json!({"code": crate::harness::pyotp_code(&secret, 30)}),
        )
        .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let r = emma.delete("/api/me/totp").await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(listed(&admin, &dir, "filter=has:totp").await, set(&[]));
    // The policy's what-if: counts per set of methods, enabled users only.
    let p = admin
        .get(&format!("/api/admin/directories/{dir}/policy"))
        .await;
    let counts = p.json["enrolments"].as_array().unwrap();
    let total: u64 = counts.iter().map(|c| c["users"].as_u64().unwrap()).sum();
    assert_eq!(total, 7, "{}", p.text);
    assert!(counts.len() <= 5, "one entry per distinct set: {}", p.text);

    // Refusals, as problems.
    for (query, code) in [
        ("filter=nonsense", "invalid_input"),
        ("filter=cannot_reach_edited", "invalid_input"),
        ("filter=cannot_reach_edited&policy=%7B", "invalid_input"),
        ("limit=0", "invalid_input"),
        ("limit=201", "invalid_input"),
    ] {
        let r = admin
            .get(&format!("/api/admin/directories/{dir}/users?{query}"))
            .await;
        assert_eq!((r.status, r.code()), (400, code), "{query}: {}", r.text);
        assert_eq!(r.content_type(), "application/problem+json");
    }
}

/// A dry run reports every bad row by its line and changes nothing; the
/// import then applies the valid rows only; existing users change only
/// when asked, and a column the file lacks leaves their value alone.
#[tokio::test]
async fn an_import_with_errors_changes_nothing_in_dry_run_and_only_valid_rows_otherwise() {
    let (server, admin, dir) = with_admin(&[]).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "kim", "email": "kim@example.com"}),
    )
    .await;
    let csv = "username,display_name,email,phone,role\n\
               ann,Ann A,ann@example.com,+41 79 111 22 33,user\n\
               bob,Bob,not-an-email,,user\n\
               cat,Cat,,12345,user\n\
               ann,Ann again,,,user\n\
               dan,Dan,,,boss\n\
               kim,Kim,,,user\n\
               \"eve, the second\",\"Eve, Second\",,0041 79 222 33 44,admin\n\
               \n\
               fay,Fay,,+41 44 668 18 00,user\n";
    let before = all_users(&admin, &dir).await;
    let r = import(&admin, &dir, csv, "dry_run=true").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let lines: Vec<u64> = r.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![3, 4, 5, 6, 7, 8, 10], "{}", r.text);
    let says = |line: u64, word: &str| {
        let e = r.json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["line"] == line)
            .unwrap();
        assert!(
            e["message"].as_str().unwrap().contains(word),
            "line {line}: {e}"
        );
    };
    says(3, "email");
    says(4, "country code");
    says(5, "line 2");
    says(6, "role");
    says(7, "exists");
    says(8, "username");
    says(10, "landline");
    assert_eq!(
        (&r.json["dry_run"], &r.json["rows"], &r.json["created"]),
        (&json!(true), &json!(8), &json!(1))
    );
    assert_eq!(
        all_users(&admin, &dir).await,
        before,
        "a dry run changes nothing"
    );
    let audit = admin.get("/api/admin/audit?limit=5").await;
    assert!(!audit.text.contains("users.import"), "{}", audit.text);

    // The import applies the valid row, and only it.
    let r = import(&admin, &dir, csv, "").await;
    assert_eq!(
        (r.json["created"].clone(), r.json["dry_run"].clone()),
        (json!(1), json!(false))
    );
    let now = all_users(&admin, &dir).await;
    assert_eq!(names(&now), vec!["admin", "ann", "kim"]);
    let ann = &now[1];
    assert_eq!(
        (&ann["display_name"], &ann["email"], &ann["phone"]),
        (
            &json!("Ann A"),
            &json!("ann@example.com"),
            &json!("+41791112233")
        )
    );
    let audit = admin.get("/api/admin/audit?limit=5").await;
    assert!(audit.text.contains("users.import"), "{}", audit.text);

    // Updating: only with `update`; a missing column leaves the value.
    let fix = "username,phone\nkim,+41 79 999 88 77\n";
    let r = import(&admin, &dir, fix, "").await;
    assert_eq!(r.json["errors"][0]["line"], 2, "{}", r.text);
    let r = import(&admin, &dir, fix, "update=true").await;
    assert_eq!(r.json["updated"], 1, "{}", r.text);
    let kim = user_id(&admin, &dir, "kim").await;
    let kim = admin.get(&format!("/api/admin/users/{kim}")).await;
    assert_eq!(kim.json["phone"], "+41799998877");
    assert_eq!(kim.json["email"], "kim@example.com");
    assert_eq!(kim.json["enrolled"], json!(["password", "sms", "email"]));
    // An administrator's own account changes only through the profile,
    // not by an import (SECURITY 34).
    let r = import(&admin, &dir, "username,role\nadmin,user\n", "update=true").await;
    assert!(
        r.json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("your own account"),
        "{}",
        r.text
    );

    // What the import refuses whole, as problems.
    let r = admin
        .raw(|h, b| {
            h.post(format!("{b}/api/admin/directories/{dir}/users/import"))
                .header("content-type", "text/plain")
                .body("username\nzed\n")
        })
        .await;
    assert_eq!((r.status, r.code()), (415, "unsupported_media_type"));
    let r = import(&admin, &dir, "username\n\u{fffd}", "").await;
    assert_eq!(r.status, 200);
    let big = format!("username\n{}", "x".repeat(9 * 1024 * 1024));
    let r = import(&admin, &dir, &big, "").await;
    assert_eq!(
        (r.status, r.code()),
        (413, "payload_too_large"),
        "{}",
        r.text
    );
    let r = admin
        .raw(|h, b| {
            h.post(format!("{b}/api/admin/directories/{dir}/users/import"))
                .header("content-type", "text/csv")
                .body(vec![b'u', 0xff, 0xfe, b'\n'])
        })
        .await;
    assert_eq!((r.status, r.code()), (400, "invalid_input"), "{}", r.text);
    // A first line that names no usable columns refuses the whole file.
    let r = import(&admin, &dir, "name,mail\nzed,z@example.com\n", "").await;
    assert_eq!((r.status, r.code()), (422, "invalid_csv"), "{}", r.text);
    assert_eq!(
        names(&all_users(&admin, &dir).await),
        vec!["admin", "ann", "kim"]
    );

    // The CLI: the same checks, the lines on standard output, progress on
    // standard error, and a failing exit when a row has a problem.
    let file = std::env::temp_dir().join(format!("authlevel-import-{}.csv", std::process::id()));
    std::fs::write(&file, "username,email\nlee,lee@example.com\nmo,bad\n").unwrap();
    let out = server.cli(&["admin", "import", file.to_str().unwrap(), "--dry-run"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(stdout.contains("line 3:"), "{stdout}");
    assert!(stdout.contains("dry run"), "{stdout}");
    std::fs::write(&file, "username,email\nlee,lee@example.com\n").unwrap();
    let out = server.cli(&["admin", "import", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("imported 1 of 1"));
    let _ = std::fs::remove_file(&file);
    assert_eq!(
        names(&all_users(&admin, &dir).await),
        vec!["admin", "ann", "kim", "lee"]
    );

    // Export: the columns an import reads, of the users a filter names.
    let r = admin
        .get(&format!(
            "/api/admin/directories/{dir}/users/export?filter=has:sms"
        ))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.content_type().starts_with("text/csv"));
    assert_eq!(
        r.text,
        "username,display_name,email,phone,role\n\
         ann,Ann A,ann@example.com,'+41791112233,user\n\
         kim,kim,kim@example.com,'+41799998877,user\n"
    );
}

/// Bulk actions on a filter and on a selection: setup links by email to
/// those with an address, disable and enable, never the administrator
/// themself.
#[tokio::test]
async fn bulk_actions_on_a_filter_and_a_selection() {
    let smtp = SmtpSink::start();
    let env: Vec<(&str, String)> = smtp.env();
    let (server, admin, dir) = with_admin_env(&env).await;
    let csv = "username,email\nn1,n1@example.com\nn2,n2@example.com\nn3,\n";
    assert_eq!(import(&admin, &dir, csv, "").await.json["created"], 3);
    let bulk = format!("/api/admin/directories/{dir}/users/bulk");
    let r = admin
        .post(
            &bulk,
            json!({"action": "setup_links", "filter": "lacks:password"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["done"], 2, "{}", r.text);
    assert_eq!(
        r.json["skipped"],
        json!([{"username": "n3", "reason": "No email address."}])
    );
    let mails = smtp.all();
    let to_n1 = mails
        .iter()
        .find(|m| m.rcpt_tos.iter().any(|t| t.contains("n1@example.com")))
        .expect("a mail to n1");
    // Undo quoted-printable soft breaks and escapes, if the mailer used it.
    let body = to_n1
        .data
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let link = body
        .split_whitespace()
        .find(|w| w.contains("#token="))
        .expect("a setup link");
    let n1 = server.client();
    n1.complete_setup(&crate::harness::token_of(link), PASSWORD)
        .await;

    let everyone = all_users(&admin, &dir).await;
    let ids: Vec<&str> = everyone.iter().map(|u| u["id"].as_str().unwrap()).collect();
    let r = admin
        .post(&bulk, json!({"action": "disable", "user_ids": ids}))
        .await;
    assert_eq!(r.json["done"], 3, "{}", r.text);
    assert_eq!(r.json["skipped"][0]["username"], "admin", "{}", r.text);
    assert_eq!(
        listed(&admin, &dir, "filter=disabled").await,
        set(&["n1", "n2", "n3"])
    );
    assert_ne!(
        n1.password_login("n1", PASSWORD).await.json["status"],
        "complete"
    );
    let r = admin
        .post(&bulk, json!({"action": "enable", "filter": "disabled"}))
        .await;
    assert_eq!(r.json["done"], 3, "{}", r.text);
    assert_eq!(listed(&admin, &dir, "filter=disabled").await, set(&[]));
    for body in [
        json!({"action": "disable"}),
        json!({"action": "disable", "user_ids": ["x"], "filter": "disabled"}),
        json!({"action": "explode", "filter": "disabled"}),
    ] {
        let r = admin.post(&bulk, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        assert_eq!(r.content_type(), "application/problem+json");
    }
}

/// An administrator of one directory never sees, exports, imports into,
/// acts on or renames another; an operator renames any.
#[tokio::test]
async fn admins_of_one_directory_never_see_or_import_into_another() {
    let (server, admin, default_dir) = with_admin(&[]).await;
    let r = admin
        .post(
            "/api/admin/directories",
            json!({"slug": "staff", "name": "Staff", "policy": {"required_level": 20, "points": {"password": 20, "sms": 10, "email": 10, "totp": 10, "passkey": 30, "recovery": 10}}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let staff = r.json["id"].as_str().unwrap().to_owned();
    create_user(
        &server,
        &admin,
        &staff,
        json!({"username": "sam", "role": "admin"}),
    )
    .await;
    let r = import(&admin, &default_dir, "username\nvictim\n", "").await;
    assert_eq!(r.json["created"], 1);
    let victim = user_id(&admin, &default_dir, "victim").await;
    let before = all_users(&admin, &default_dir).await;

    let sam = server.client();
    let r = sam
        .post(
            "/api/login/password",
            json!({"username": "sam", "password": PASSWORD, "directory": "staff"}),
        )
        .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let other = format!("/api/admin/directories/{default_dir}");
    for r in [
        sam.get(&format!("{other}/users")).await,
        sam.get(&format!("{other}/users?filter=lacks:passkey"))
            .await,
        sam.get(&format!("{other}/users/export")).await,
        import(&sam, &default_dir, "username\nintruder\n", "").await,
        import(&sam, &default_dir, "username\nintruder\n", "dry_run=true").await,
        sam.post(
            &format!("{other}/users/bulk"),
            json!({"action": "disable", "filter": "lacks:passkey"}),
        )
        .await,
        sam.patch(&other, json!({"name": "Mine"})).await,
        sam.patch(
            &format!("/api/admin/directories/{staff}"),
            json!({"name": "Renamed"}),
        )
        .await,
    ] {
        assert!(matches!(r.status, 403 | 404), "{}: {}", r.status, r.text);
        assert!(!r.text.contains("victim"), "{}", r.text);
    }
    // Their own directory holds only their own users, whatever they search
    // for; ids of another directory's users are passed over.
    let mine = sam
        .get(&format!("/api/admin/directories/{staff}/users?q=victim"))
        .await;
    assert_eq!(mine.json["users"], json!([]), "{}", mine.text);
    let r = sam
        .post(
            &format!("/api/admin/directories/{staff}/users/bulk"),
            json!({"action": "disable", "user_ids": [victim]}),
        )
        .await;
    assert_eq!(r.json["done"], 0, "{}", r.text);
    let r = import(&sam, &staff, "username\nvictim\n", "").await;
    assert_eq!(r.json["created"], 1, "a name of their own directory");
    assert_eq!(all_users(&admin, &default_dir).await, before);

    // The operator renames a directory; its slug (its login URL) stays.
    let r = admin
        .patch(
            &format!("/api/admin/directories/{staff}"),
            json!({"name": "Staff & Friends"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (&r.json["name"], &r.json["slug"]),
        (&json!("Staff & Friends"), &json!("staff"))
    );
    let r = admin
        .patch(
            &format!("/api/admin/directories/{staff}"),
            json!({"name": " "}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
}
