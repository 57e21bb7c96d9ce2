//! A password-step flood from another address: what it does to a user's
//! own logins, with the rate limits at their defaults.

use crate::harness::*;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Seconds each half of the flood phase lasts.
pub const FLOOD_S: f64 = 15.0;

/// A user's password logins, one every half second from 127.0.0.1 (within
/// the per-address and per-account limits), first alone, then while
/// another address (127.0.0.2) floods the password step at ten times what
/// the machine can hash (`limit` hashes/s) with wrong passwords for
/// unknown users. Rate limits at their defaults, on a server of its own.
pub async fn flood_phase(sms_url: &str, limit: f64) -> Vec<(String, String, String, String)> {
    let server = start_server(sms_url, true);
    let base = server.base.clone();
    let (admin, dir) = admin_session(&server).await;
    const USERS: usize = 6;
    for i in 0..USERS {
        let r = post(
            &admin,
            format!("{base}/api/admin/directories/{dir}/users"),
            json!({"username": format!("f{i}")}),
        )
        .await;
        setup(&base, r["setup_link"]["url"].as_str().unwrap()).await;
    }
    // The user's logins for FLOOD_S seconds: their latencies.
    let logins = |base: String| async move {
        let http = pooled();
        let mut lat = Vec::new();
        let start = Instant::now();
        let mut i = 0;
        while start.elapsed().as_secs_f64() < FLOOD_S {
            let t = Instant::now();
            let mut c = Browser::new(&http);
            let r = c
                .post(
                    format!("{base}/api/login/password"),
                    &json!({"username": format!("f{}", i % USERS), "password": PASSWORD}),
                )
                .await;
            assert_eq!(r["status"], "complete", "{r}");
            lat.push(t.elapsed());
            i += 1;
            tokio::time::sleep(Duration::from_millis(500).saturating_sub(t.elapsed())).await;
        }
        lat.sort();
        lat
    };
    let calm = logins(base.clone()).await;
    let rss_before = server.rss_kib("VmHWM:");

    let flooder = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let rate = 10.0 * limit;
    let stop = Arc::new(AtomicBool::new(false));
    let statuses: Arc<Mutex<HashMap<u16, u64>>> = Arc::default();
    let in_flight = Arc::new(tokio::sync::Semaphore::new(2048));
    let (sent, dropped) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let flood = {
        let (stop, statuses, sent, dropped, base) = (
            stop.clone(),
            statuses.clone(),
            sent.clone(),
            dropped.clone(),
            base.clone(),
        );
        tokio::spawn(async move {
            // Every 10 ms, the requests due by then (a timer does not tick
            // faster than a millisecond).
            let mut tick = tokio::time::interval(Duration::from_millis(10));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let start = Instant::now();
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                let due = (start.elapsed().as_secs_f64() * rate) as u64;
                while n < due {
                    n += 1;
                    let Ok(permit) = in_flight.clone().try_acquire_owned() else {
                        dropped.fetch_add(1, Ordering::Relaxed);
                        continue;
                    };
                    let (c, url, statuses, sent) = (
                        flooder.clone(),
                        format!("{base}/api/login/password"),
                        statuses.clone(),
                        sent.clone(),
                    );
                    tokio::spawn(async move {
                        sent.fetch_add(1, Ordering::Relaxed);
                        let status = match c
                        .post(url)
                        .json(&json!({"username": format!("nobody{n}"), "password": "wrong guess"}))
                        .send()
                        .await
                    {
                        Ok(r) => r.status().as_u16(),
                        Err(_) => 0,
                    };
                        *statuses.lock().unwrap().entry(status).or_default() += 1;
                        drop(permit);
                    });
                }
            }
        })
    };
    let flood_start = Instant::now();
    let stormy = logins(base.clone()).await;
    let flood_s = flood_start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    flood.await.unwrap();
    let rss_peak = server.rss_kib("VmHWM:");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rss_bound = (cores as f64) * 19.0 + 64.0;
    let statuses = statuses.lock().unwrap().clone();
    let mut codes: Vec<(u16, u64)> = statuses.into_iter().collect();
    codes.sort();
    let codes: Vec<String> = codes
        .iter()
        .map(|(c, n)| {
            if *c == 0 {
                format!("{n} unanswered")
            } else {
                format!("{n}× {c}")
            }
        })
        .collect();
    let offered = sent.load(Ordering::Relaxed) as f64 / flood_s;
    let (c50, c99) = (pct(&calm, 0.5), pct(&calm, 0.99));
    let (s50, s99) = (pct(&stormy, 0.5), pct(&stormy, 0.99));
    vec![
        (
            format!(
                "password-step flood from 127.0.0.2: {offered:.0} req/s sent (10× the {limit:.0} hashes/s measured; {} not sent, 2048 in flight at most): {}",
                dropped.load(Ordering::Relaxed),
                codes.join(", ")
            ),
            "".to_owned(),
            "".to_owned(),
            "".to_owned(),
        ),
        (
            format!(
                "a user's password logins from 127.0.0.1, calm / during the flood: p50 (ms; {} / {} logins)",
                calm.len(),
                stormy.len()
            ),
            format!("{:.1} / {:.1}", ms(c50), ms(s50)),
            format!("{:.2}", ms(s50) / ms(c50).max(0.001)),
            "".to_owned(),
        ),
        (
            "a user's password logins, calm / during the flood: p99 (ms)".to_owned(),
            format!("{:.1} / {:.1}", ms(c99), ms(s99)),
            format!("{:.2}", ms(s99) / ms(c99).max(0.001)),
            target_verdict_max(ms(s99), 1000.0, " ms"),
        ),
        (
            format!("server peak RSS before / after the flood (MiB; bound {rss_bound:.0})"),
            format!(
                "{:.1} / {:.1}",
                rss_before as f64 / 1024.0,
                rss_peak as f64 / 1024.0
            ),
            "".to_owned(),
            target_verdict_max(rss_peak as f64 / 1024.0, rss_bound, " MiB"),
        ),
    ]
}
