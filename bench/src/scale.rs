//! A directory of 100,000 users: imports, the policy's report and a
//! filtered page of the users list.

use crate::harness::*;
use serde_json::{Value, json};
use std::time::Instant;

/// Users in the directory of the scale phase.
pub const SCALE_USERS: usize = 100_000;

/// A directory of [`SCALE_USERS`] users: rows/s of the CSV imports that
/// fill it (through the API, 50,000 rows a file), then the latency of the
/// policy with its report and what-if, and of a page of a filtered users
/// list, each under `cores` clients.
pub async fn scale_phase(
    base: &str,
    admin: &reqwest::Client,
    concurrency: usize,
) -> (Vec<(String, String, String, String)>, String) {
    let (dir, import_rate) = scale_directory(base, admin).await;
    let per_file = SCALE_USERS / 2;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let clients = cores.min(concurrency);
    let timed = |url: String| {
        let admin = admin.clone();
        async move {
            let (_, lat) = load(clients, move |_| {
                let (u, c) = (url.clone(), admin.clone());
                async move {
                    let r = c.get(u).send().await.unwrap();
                    assert!(r.status().is_success());
                    let _ = r.bytes().await;
                }
            })
            .await;
            (pct(&lat, 0.5), pct(&lat, 0.99))
        }
    };
    let (p50, p99) = timed(format!("{base}/api/admin/directories/{dir}/policy")).await;
    let (u50, u99) = timed(format!(
        "{base}/api/admin/directories/{dir}/users?filter=no_phone&limit=50"
    ))
    .await;
    let (c50, c99) = timed(format!(
        "{base}/api/admin/directories/{dir}/users?filter=cannot_reach&limit=50"
    ))
    .await;
    let rows = vec![
        (
            format!("CSV import into a directory, rows/s (API, files of {per_file} rows)"),
            format!("{import_rate:.0}"),
            "".to_owned(),
            target_verdict(import_rate, 5000.0, " rows/s"),
        ),
        (
            format!(
                "GET …/policy with report and what-if at {SCALE_USERS} users, {clients} clients (p50 {:.1} ms)",
                ms(p50)
            ),
            format!("p99 {:.1} ms", ms(p99)),
            "".to_owned(),
            target_verdict_max(ms(p99), 50.0, " ms"),
        ),
        (
            format!(
                "a page of 50 users without a mobile number, {clients} clients (p50 {:.1} ms)",
                ms(u50)
            ),
            format!("p99 {:.1} ms", ms(u99)),
            "".to_owned(),
            target_verdict_max(ms(u99), 50.0, " ms"),
        ),
        (
            format!(
                "a page of 50 users who cannot reach the level, {clients} clients (p50 {:.1} ms)",
                ms(c50)
            ),
            format!("p99 {:.1} ms", ms(c99)),
            "".to_owned(),
            target_verdict_max(ms(c99), 50.0, " ms"),
        ),
    ];
    (rows, dir)
}

/// Creates the directory `scale` and imports [`SCALE_USERS`] users into it
/// through the API; answers its id and the rows imported per second.
pub async fn scale_directory(base: &str, admin: &reqwest::Client) -> (String, f64) {
    let r = post(
        admin,
        format!("{base}/api/admin/directories"),
        json!({"slug": "scale", "name": "Scale"}),
    )
    .await;
    let dir = r["id"].as_str().unwrap().to_owned();
    let mut rates = Vec::new();
    let per_file = SCALE_USERS / 2;
    for file in 0..2 {
        let mut csv = String::from("username,display_name,email,phone\n");
        for i in file * per_file..(file + 1) * per_file {
            // Two of three have a mobile number; every user an address.
            let phone = if i % 3 == 0 {
                String::new()
            } else {
                format!("+4179{:07}", 2_000_000 + i)
            };
            csv.push_str(&format!(
                "s{i:06},Scale User {i},s{i:06}@example.com,{phone}\n"
            ));
        }
        let t = Instant::now();
        let r = admin
            .post(format!("{base}/api/admin/directories/{dir}/users/import"))
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        let report: Value = r.json().await.unwrap();
        assert_eq!(report["created"], per_file, "{report}");
        rates.push(per_file as f64 / t.elapsed().as_secs_f64());
        eprintln!("  imported {} of {SCALE_USERS}", (file + 1) * per_file);
    }
    (dir, rates.iter().sum::<f64>() / rates.len() as f64)
}
