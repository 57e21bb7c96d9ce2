//! The benchmark: starts the real server (this binary re-run with
//! `--server`) on a fresh SQLite database, seeds users, and measures each
//! target as a ratio against the limit measured in the same run on the same
//! machine. Prints one table and writes it to `bench/RESULTS.md`.
//!
//! Run: `scripts/bench` (builds the login page and this binary in release).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flood;
mod harness;
mod logins;
mod page;
mod replay;
mod scale;

use harness::*;
use std::time::Duration;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        // The real server, from the same code as `authlevel`.
        Some("--server") => {
            let rest: Vec<String> = std::iter::once("authlevel".to_owned())
                .chain(args[2..].iter().cloned())
                .collect();
            authlevel_server::cli::main_with(rest)
        }
        Some("--bare") => bare_server(&args[2]),
        _ => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(run());
            std::process::ExitCode::SUCCESS
        }
    }
}

/// Every phase in turn, on a fresh server (the flood on one of its own);
/// their rows printed as one table and written to `bench/RESULTS.md`.
async fn run() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Clients in flight: 8 per core unless BENCH_CLIENTS says. (Not an
    // AUTHLEVEL_ variable: the server refuses settings it does not know.)
    let concurrency = std::env::var("BENCH_CLIENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|n: &usize| *n > 0)
        .unwrap_or(8 * cores);
    eprintln!(
        "authlevel bench: {cores} cores, {concurrency} clients, {RUNS} runs of {RUN_S} s each, median reported"
    );
    let (sms_url, codes) = sms_gateway().await;
    let server = start_server(&sms_url, false);
    // `BENCH_ONLY=logins,postgres,scale,replay,flood`: just those phases,
    // printed, not written (`logins`: hashing, passkey and session on
    // SQLite; `postgres`: the same on PostgreSQL with two instances).
    if let Ok(only) = std::env::var("BENCH_ONLY") {
        let mut rows = Vec::new();
        if only.contains("logins") {
            let bench = logins::Bench::seed(&server, codes.clone(), cores, concurrency).await;
            rows.extend(bench.hashing_phase().await.0);
            rows.extend(bench.passkey_phase().await);
            rows.extend(bench.session_phase().await);
        }
        if only.contains("postgres") {
            rows.extend(logins::postgres_phases(&sms_url, codes, cores, concurrency).await);
        }
        if only.contains("logins") || only.contains("postgres") {
            print_table(&rows, None);
            return;
        }
        let (admin, _) = admin_session(&server).await;
        if only.contains("scale") || only.contains("replay") {
            let (scale, dir) = scale::scale_phase(&server.base, &admin, concurrency).await;
            rows.extend(scale);
            if only.contains("replay") {
                rows.push(replay::sqlite_replay(&server, &admin, &dir).await);
                rows.push(replay::postgres_replay(&sms_url).await);
            }
        }
        if only.contains("flood") {
            let limit = tokio::task::spawn_blocking(move || argon2_rate(cores))
                .await
                .unwrap();
            rows.extend(flood::flood_phase(&sms_url, limit).await);
        }
        print_table(&rows, None);
        return;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_idle = server.rss_kib("VmRSS:");

    let bench = logins::Bench::seed(&server, codes.clone(), cores, concurrency).await;
    let (mut rows, limit) = bench.hashing_phase().await;
    let rss_peak = server.rss_kib("VmHWM:");
    rows.extend(bench.passkey_phase().await);
    rows.extend(bench.session_phase().await);
    rows.extend(memory_rows(cores, rss_idle, rss_peak));
    rows.extend(page::page_phase(&server.public));

    eprintln!("… a directory of 100,000 users");
    // The administrator acts again: at the console the level goes back to
    // password-only, and they log in again, so their writes are fresh.
    server.cli(&["admin", "set-policy", "--preset", "password-only"]);
    let again = serde_json::json!({"username": "admin", "password": PASSWORD});
    post(
        &bench.admin,
        format!("{}/api/login/password", server.base),
        again,
    )
    .await;
    let (scale, dir) = scale::scale_phase(&server.base, &bench.admin, concurrency).await;
    rows.extend(scale);
    rows.push(replay::sqlite_replay(&server, &bench.admin, &dir).await);
    drop(bench);
    drop(server);
    rows.push(replay::postgres_replay(&sms_url).await);
    rows.extend(logins::postgres_phases(&sms_url, codes, cores, concurrency).await);
    eprintln!("… a password-step flood from another address");
    rows.extend(flood::flood_phase(&sms_url, limit).await);

    let heading = format!(
        "# Benchmark results\n\nMachine: {cores} cores; {concurrency} concurrent clients; each figure the median of {RUNS} runs of {RUN_S} s; a ratio to the argon2id limit is the median of the runs' own ratios, each to the limit interpolated between the limit runs before and after it; the session and bare-handler runs alternate, and their ratio is the median of the pairs' ratios.\nRun with `scripts/bench`.\n\n"
    );
    print_table(&rows, Some(&heading));
}

/// The server's memory idle and at its peak under the login load, against
/// a bound of 19 MiB a core (an argon2id hash's memory) and 64 MiB.
fn memory_rows(cores: usize, rss_idle: u64, rss_peak: u64) -> Vec<Row> {
    let mib = |kib: u64| kib as f64 / 1024.0;
    let rss_bound = (cores as f64) * 19.0 + 64.0;
    vec![
        row(
            "server RSS idle (MiB)",
            format!("{:.1}", mib(rss_idle)),
            "".into(),
            "".into(),
        ),
        row(
            format!("server peak RSS under the login load (MiB; bound {rss_bound:.0})"),
            format!("{:.1}", mib(rss_peak)),
            format!("{:.2}", mib(rss_peak) / rss_bound),
            if mib(rss_peak) <= rss_bound {
                "met".into()
            } else {
                format!("missed by {:.1} MiB", mib(rss_peak) - rss_bound)
            },
        ),
    ]
}

/// Prints `rows`; with a `heading`, as the whole results file, written to
/// `bench/RESULTS.md` too.
fn print_table(rows: &[Row], heading: Option<&str>) {
    let mut table = String::new();
    if let Some(heading) = heading {
        table.push_str(heading);
        table.push_str("| measure | value | ratio | target |\n|---|---|---|---|\n");
    }
    for (m, v, r, t) in rows {
        table.push_str(&format!("| {m} | {v} | {r} | {t} |\n"));
    }
    println!("{table}");
    if heading.is_some() {
        std::fs::write("bench/RESULTS.md", &table).unwrap();
    }
}
