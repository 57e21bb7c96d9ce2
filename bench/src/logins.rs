//! Logins against their limits: the password step and two-factor logins
//! against argon2id on all cores, passkey-only logins, and the session
//! check against a bare axum handler.

use crate::harness::*;
use serde_json::json;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::prelude::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

/// The server with its users seeded: one a client, each with a mobile
/// number and a passkey on a software authenticator.
pub struct Bench<'a> {
    /// The server.
    pub server: &'a Server,
    /// Every instance's base URL, `server`'s first: client `w` talks to
    /// `bases[w % n]`.
    pub bases: Arc<Vec<String>>,
    /// Put after each row's name: which database and instances.
    pub label: String,
    /// Pooled keep-alive connections, as browsers reuse theirs.
    pub http: reqwest::Client,
    /// The first administrator, logged in.
    pub admin: reqwest::Client,
    /// The codes the SMS gateway received.
    pub codes: Codes,
    /// Each user's authenticator.
    pub authenticators: Arc<Vec<Arc<Mutex<SoftPasskey>>>>,
    /// The origin the passkeys are for.
    pub origin: Url,
    /// Cores of this machine.
    pub cores: usize,
    /// Clients in flight.
    pub concurrency: usize,
}

impl<'a> Bench<'a> {
    /// Seeds `server`: the administrator, then one user per client, each
    /// with a mobile number and a passkey.
    pub async fn seed(
        server: &'a Server,
        codes: Codes,
        cores: usize,
        concurrency: usize,
    ) -> Bench<'a> {
        let base = server.base.clone();
        let (admin, dir) = admin_session(server).await;
        let origin = Url::parse(&server.public).unwrap();
        let mut authenticators = Vec::new();
        for i in 0..concurrency {
            let r = post(
                &admin,
                format!("{base}/api/admin/directories/{dir}/users"),
                json!({"username": format!("u{i}"), "phone": format!("+4179{:07}", 1_000_000 + i)}),
            )
            .await;
            let enrol = setup(&base, r["setup_link"]["url"].as_str().unwrap()).await;
            let start = post(
                &enrol,
                format!("{base}/api/me/passkeys/register/start"),
                json!({}),
            )
            .await;
            let ccr: webauthn_rs_proto::CreationChallengeResponse =
                serde_json::from_value(start).unwrap();
            let mut a = SoftPasskey::new(true);
            let cred = a.do_registration(origin.clone(), ccr).unwrap();
            let finish = format!("{base}/api/me/passkeys/register/finish");
            post(&enrol, finish, json!({"credential": cred})).await;
            authenticators.push(Arc::new(Mutex::new(a)));
        }
        eprintln!("… seeded {concurrency} users");
        Bench {
            server,
            bases: Arc::new(vec![base]),
            label: String::new(),
            http: pooled(),
            admin,
            codes,
            authenticators: Arc::new(authenticators),
            origin,
            cores,
            concurrency,
        }
    }

    /// The argon2id limit, password-step logins and two-factor logins,
    /// measured in turn, run by run, with one more limit run at the end,
    /// so each login run lies between two limit runs: its ratio is to the
    /// limit interpolated to its place in time, which cancels a steady
    /// drift of the machine's speed (a VM's neighbours; argon2id is
    /// memory-bound). Each ratio reported is the median of its runs'
    /// ratios. Answers the rows and the limit.
    pub async fn hashing_phase(&self) -> (Vec<Row>, f64) {
        let cores = self.cores;
        let limit_run = || async move {
            tokio::task::spawn_blocking(move || argon2_rate(cores))
                .await
                .unwrap()
        };
        let (mut limits, mut passwords, mut two_factors) = (Vec::new(), Vec::new(), Vec::new());
        for run in 1..=RUNS {
            eprintln!("… the argon2id limit (run {run} of {RUNS})");
            limits.push(limit_run().await);
            eprintln!("… password-step logins (run {run} of {RUNS})");
            passwords.push(self.password_run().await);
            eprintln!("… two-factor logins (password + SMS) (run {run} of {RUNS})");
            two_factors.push(self.two_factor_run().await);
        }
        eprintln!("… the argon2id limit (closing run)");
        limits.push(limit_run().await);
        // Run i's limit, interpolated: the password run is a third of the
        // way from limit run i to limit run i + 1, the two-factor run two
        // thirds.
        let ratios = |v: &[f64], at: f64| -> Vec<f64> {
            v.iter()
                .enumerate()
                .map(|(i, x)| x / (limits[i] * (1.0 - at) + limits[i + 1] * at))
                .collect()
        };
        let described = |rates: Vec<f64>, at: f64| {
            let r = ratios(&rates, at);
            let (lo, hi) = r
                .iter()
                .fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(*x), hi.max(*x)));
            let ratio = median(r);
            (
                median(rates),
                ratio,
                format!("{ratio:.2} (runs {lo:.2}–{hi:.2})"),
            )
        };
        let (password, password_ratio, password_words) = described(passwords, 1.0 / 3.0);
        let (two_factor, two_factor_ratio, two_factor_words) = described(two_factors, 2.0 / 3.0);
        let limit = median(limits);
        let rows = vec![
            row(
                "argon2id hashes/s, all cores (the limit)",
                format!("{limit:.1}"),
                "".into(),
                "".into(),
            ),
            row(
                "password-step logins/s (HTTP)",
                format!("{password:.1}"),
                password_words,
                ratio_verdict(password_ratio, 0.90),
            ),
            row(
                "complete two-factor logins/s (password + SMS webhook)",
                format!("{two_factor:.1}"),
                two_factor_words,
                ratio_verdict(two_factor_ratio, 0.85),
            ),
        ];
        (self.labelled(rows), limit)
    }

    /// `rows` with this bench's label after each name.
    fn labelled(&self, rows: Vec<Row>) -> Vec<Row> {
        rows.into_iter()
            .map(|(name, value, ratio, target)| {
                (format!("{name}{}", self.label), value, ratio, target)
            })
            .collect()
    }

    /// Sets the level at the console: once it is 30, the administrator's
    /// password alone is no fresh login for an administrative write
    /// (SECURITY 34), and the benchmark does not log in again each run.
    fn set_level(&self, level: u32) {
        let level = level.to_string();
        let args = [
            "admin",
            "set-policy",
            "--preset",
            "two-factor",
            "--level",
            &level,
        ];
        self.server.cli(&args);
    }

    /// One run of logins at level 20: the password step alone completes,
    /// one argon2id each.
    async fn password_run(&self) -> f64 {
        self.set_level(20);
        let (bs, h) = (self.bases.clone(), self.http.clone());
        load(self.concurrency, move |w| {
            let (b, http) = (bs[w % bs.len()].clone(), h.clone());
            async move {
                let mut c = Browser::new(&http);
                let body = json!({"username": format!("u{w}"), "password": PASSWORD});
                let r = c.post(format!("{b}/api/login/password"), &body).await;
                assert_eq!(r["status"], "complete", "{r}");
            }
        })
        .await
        .0
    }

    /// One run of logins at level 30: the password, an SMS through the
    /// gateway, its code.
    async fn two_factor_run(&self) -> f64 {
        self.set_level(30);
        let (bs, cd, h) = (self.bases.clone(), self.codes.clone(), self.http.clone());
        load(self.concurrency, move |w| {
            let (b, cd, http) = (bs[w % bs.len()].clone(), cd.clone(), h.clone());
            async move {
                let mut c = Browser::new(&http);
                let body = json!({"username": format!("u{w}"), "password": PASSWORD});
                c.post(format!("{b}/api/login/password"), &body).await;
                c.post(format!("{b}/api/login/sms/send"), &json!({})).await;
                let number = format!("+4179{:07}", 1_000_000 + w);
                let code = cd.lock().unwrap().get(&number).cloned().unwrap();
                let r = c
                    .post(format!("{b}/api/login/sms/verify"), &json!({"code": code}))
                    .await;
                assert_eq!(r["status"], "complete", "{r}");
            }
        })
        .await
        .0
    }

    /// Passkey-only logins with the software authenticators, and the
    /// SQLite transactions that shared a commit meanwhile.
    pub async fn passkey_phase(&self) -> Vec<Row> {
        eprintln!("… passkey-only logins");
        let counts_before = commit_counts(&self.server.base).await;
        let (b, auths, o, h) = (
            self.bases.clone(),
            self.authenticators.clone(),
            self.origin.clone(),
            self.http.clone(),
        );
        let (concurrency, cores) = (self.concurrency, self.cores);
        // Passkey runs and P-256 limit runs alternate; a run's ratio is to
        // the limit run after it.
        let (mut rates, mut limits, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let (b, auths, o, h) = (b.clone(), auths.clone(), o.clone(), h.clone());
            let rate = load(concurrency, move |w| {
                let b = b[w % b.len()].clone();
                let (auths, o, http) = (auths.clone(), o.clone(), h.clone());
                async move {
                    let mut c = Browser::new(&http);
                    let body = json!({"username": format!("u{w}")});
                    let start = c.post(format!("{b}/api/login/passkey/start"), &body).await;
                    let rcr: webauthn_rs_proto::RequestChallengeResponse =
                        serde_json::from_value(start).unwrap();
                    let cred = auths[w].lock().unwrap().do_authentication(o, rcr).unwrap();
                    let r = c.post(format!("{b}/api/login/passkey/finish"), &cred).await;
                    assert_eq!(r["status"], "complete", "{r}");
                }
            })
            .await
            .0;
            let limit = tokio::task::spawn_blocking(move || p256_verify_rate(cores))
                .await
                .unwrap();
            rates.push(rate);
            limits.push(limit);
            ratios.push(rate / limit);
        }
        let (passkey, limit, ratio) = (median(rates), median(limits), median(ratios));
        let counts_after = commit_counts(&self.server.base).await;
        let per_commit =
            (counts_after.0 - counts_before.0) / (counts_after.1 - counts_before.1).max(1.0);
        let mut rows = vec![
            row(
                "P-256 signature verifications/s, all cores (the passkey limit)",
                format!("{limit:.0}"),
                "".into(),
                "".into(),
            ),
            row(
                "passkey-only logins/s (software authenticator)",
                format!("{passkey:.0}"),
                format!("{ratio:.3}"),
                ratio_verdict(ratio, 0.10),
            ),
        ];
        // SQLite's group commit (PostgreSQL has its own, unmeasured here).
        if counts_after.1 > counts_before.1 {
            rows.push(row(
                "passkey logins: SQLite transactions per commit (group commit)",
                format!("{per_commit:.1}"),
                "".into(),
                "".into(),
            ));
        }
        self.labelled(rows)
    }

    /// `GET /api/session` with the administrator's session against a bare
    /// axum handler in a process of its own. The two alternate, run by
    /// run; the ratio is the median of the runs' own ratios (each pair a
    /// few seconds apart).
    pub async fn session_phase(&self) -> Vec<Row> {
        eprintln!("… GET /api/session against a bare handler");
        let bare_port = free_port();
        let mut bare = Command::new(std::env::current_exe().unwrap())
            .args(["--bare", &format!("127.0.0.1:{bare_port}")])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let ready = bare.stdout.take().unwrap();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(ready), &mut line).unwrap();
        let concurrency = self.concurrency;
        // One run of GETs, client `w` at `urls[w % n]`: (rate, sorted
        // latencies).
        let get_run = |urls: Arc<Vec<String>>, c: reqwest::Client| {
            load(concurrency, move |w| {
                let (u, cc) = (urls[w % urls.len()].clone(), c.clone());
                async move {
                    let r = cc.get(u).send().await.unwrap();
                    assert!(r.status().is_success());
                    let _ = r.bytes().await;
                }
            })
        };
        let session_urls = Arc::new(
            self.bases
                .iter()
                .map(|b| format!("{b}/api/session"))
                .collect::<Vec<_>>(),
        );
        let bare_url = Arc::new(vec![format!("http://127.0.0.1:{bare_port}/api/session")]);
        let (mut sessions, mut bares, mut session_ratios) = (Vec::new(), Vec::new(), Vec::new());
        let (mut session_lat, mut bare_lat) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let (s, sl) = get_run(session_urls.clone(), self.admin.clone()).await;
            let (b, bl) = get_run(bare_url.clone(), client()).await;
            sessions.push(s);
            bares.push(b);
            session_ratios.push(s / b);
            (session_lat, bare_lat) = (sl, bl);
        }
        let _ = bare.kill();
        let _ = bare.wait();
        let (session_rate, bare_rate, ratio) =
            (median(sessions), median(bares), median(session_ratios));
        let (s50, s99) = (pct(&session_lat, 0.5), pct(&session_lat, 0.99));
        let (b50, b99) = (pct(&bare_lat, 0.5), pct(&bare_lat, 0.99));
        self.labelled(vec![
            row(
                format!(
                    "GET /api/session req/s (p50 {:.2} ms, p99 {:.2} ms)",
                    ms(s50),
                    ms(s99)
                ),
                format!("{session_rate:.0}"),
                format!("{ratio:.2}"),
                ratio_verdict(ratio, 0.50),
            ),
            row(
                format!(
                    "bare axum handler req/s (p50 {:.2} ms, p99 {:.2} ms)",
                    ms(b50),
                    ms(b99)
                ),
                format!("{bare_rate:.0}"),
                "".into(),
                "".into(),
            ),
        ])
    }
}

/// The same login phases on PostgreSQL (`AUTHLEVEL_TEST_POSTGRES_URL`,
/// default the local `test` database's server), on a fresh database of
/// their own, with two instances: client `w` talks to instance `w % 2`, so
/// a login's steps and the session checks land on both.
pub async fn postgres_phases(
    sms_url: &str,
    codes: Codes,
    cores: usize,
    concurrency: usize,
) -> Vec<Row> {
    let label = " — PostgreSQL, two instances";
    let url = match fresh_postgres("authlevel_bench_logins").await {
        Ok(url) => url,
        Err(at) => {
            return vec![row(
                format!("login phases{label}, at {at}"),
                "not reachable".into(),
                "".into(),
                "not measured".into(),
            )];
        }
    };
    eprintln!("… the login phases on PostgreSQL, two instances");
    let a = start_server_on(sms_url, false, Some(&url));
    let b = a.sharing();
    let mut bench = Bench::seed(&a, codes, cores, concurrency).await;
    bench.bases = Arc::new(vec![a.base.clone(), b.base.clone()]);
    bench.label = label.to_owned();
    let mut rows = bench.hashing_phase().await.0;
    rows.extend(bench.passkey_phase().await);
    rows.extend(bench.session_phase().await);
    rows
}
