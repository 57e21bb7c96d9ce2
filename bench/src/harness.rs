//! What every phase uses: the server (this binary re-run with
//! `--server`), clients, a load generator, medians and the verdicts.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A line of the results: what, its value, its ratio, its target.
pub type Row = (String, String, String, String);

pub const PASSWORD: &str = "correct horse battery staple";
/// Seconds each measured run lasts.
pub const RUN_S: f64 = 3.0;
/// Runs per measurement; the median is reported.
pub const RUNS: usize = 7;

/// A bare axum handler on the same runtime as the server: the ceiling for
/// a request that does nothing.
pub fn bare_server(addr: &str) -> std::process::ExitCode {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let app = axum::Router::new().route("/api/session", axum::routing::get(|| async { "{}" }));
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        println!("ready");
        axum::serve(listener, app).await.unwrap();
    });
    std::process::ExitCode::SUCCESS
}

pub struct Server {
    pub child: Child,
    pub base: String,
    pub public: String,
    pub env: Vec<(String, String)>,
    pub admin_link: String,
    pub _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A fresh server; `rate_limits`: the login and write limits at their
/// defaults (else off: one load generator on one address would measure
/// them).
pub fn start_server(sms_url: &str, rate_limits: bool) -> Server {
    start_server_on(sms_url, rate_limits, None)
}

/// [`start_server`] on the database `database_url` (a fresh SQLite file
/// when `None`).
pub fn start_server_on(sms_url: &str, rate_limits: bool, database_url: Option<&str>) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let public = format!("http://localhost:{port}");
    let env: Vec<(String, String)> = [
        ("AUTHLEVEL_LISTEN", format!("127.0.0.1:{port}")),
        ("AUTHLEVEL_PUBLIC_URL", public.clone()),
        (
            "AUTHLEVEL_DATABASE_URL",
            database_url.map_or_else(
                || format!("sqlite://{}/bench.db", dir.path().display()),
                str::to_owned,
            ),
        ),
        (
            "AUTHLEVEL_KEY_FILE",
            format!("{}/key", dir.path().display()),
        ),
        ("AUTHLEVEL_STATIC_DIR", "dist".to_owned()),
        ("AUTHLEVEL_SMS_DELIVERY", "webhook".to_owned()),
        ("AUTHLEVEL_SMS_WEBHOOK_URL", sms_url.to_owned()),
        ("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".to_owned()),
        (
            "AUTHLEVEL_CODE_PER_DESTINATION_PER_HOUR",
            "1000000".to_owned(),
        ),
        ("AUTHLEVEL_CODE_PER_ACCOUNT_PER_HOUR", "1000000".to_owned()),
        ("AUTHLEVEL_CODE_PER_IP_PER_HOUR", "1000000".to_owned()),
        ("AUTHLEVEL_FAILURE_LIMIT", "100".to_owned()),
        // One load generator on one address: the rate limits would measure
        // themselves.
        ("AUTHLEVEL_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", "0".to_owned()),
        (
            "AUTHLEVEL_LOGIN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE",
            "0".to_owned(),
        ),
        (
            "AUTHLEVEL_ANONYMOUS_WRITES_PER_IP_PER_MINUTE",
            "0".to_owned(),
        ),
        ("RUST_LOG", "warn".to_owned()),
    ]
    .into_iter()
    .filter(|(k, _)| !rate_limits || !k.contains("_PER_MINUTE"))
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let (child, printed) = serve(&env);
    let admin_link = printed
        .iter()
        .find(|line| line.contains("#token="))
        .map(|line| line.trim().to_owned())
        .unwrap_or_default();
    assert!(
        !admin_link.is_empty(),
        "the server did not start (run it with RUST_LOG=info to see why)"
    );
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        public,
        env,
        admin_link,
        _dir: dir,
    }
}

/// Starts `authlevel serve` (this binary's `--server`) with `env`;
/// answers the process and what it printed up to "listening on" (all of
/// it, when it stopped before).
fn serve(env: &[(String, String)]) -> (Child, Vec<String>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--server", "serve"])
        .envs(env.iter().cloned())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut printed = Vec::new();
    for line in std::io::BufRead::lines(std::io::BufReader::new(out)).map_while(Result::ok) {
        let listening = line.contains("listening on");
        printed.push(line);
        if listening {
            break;
        }
    }
    (child, printed)
}

/// A fresh PostgreSQL database `name` on the server of
/// `AUTHLEVEL_TEST_POSTGRES_URL` (default the local `test` database):
/// answers its URL, or where the server was not reachable.
pub async fn fresh_postgres(name: &str) -> Result<String, String> {
    let admin_url = std::env::var("AUTHLEVEL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    sqlx::any::install_default_drivers();
    let Ok(pg) = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect(&admin_url)
        .await
    else {
        return Err(admin_url);
    };
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(&sql).execute(&pg).await.unwrap();
    }
    pg.close().await;
    match admin_url.rsplit_once('/') {
        Some((server, _)) => Ok(format!("{server}/{name}")),
        None => unreachable!("a PostgreSQL URL names its database"),
    }
}

impl Server {
    /// A second instance on this one's database and key, behind the same
    /// public URL, listening on a port of its own.
    pub fn sharing(&self) -> Server {
        let port = free_port();
        let env: Vec<(String, String)> = self
            .env
            .iter()
            .map(|(k, v)| match k.as_str() {
                "AUTHLEVEL_LISTEN" => (k.clone(), format!("127.0.0.1:{port}")),
                _ => (k.clone(), v.clone()),
            })
            .collect();
        let (child, printed) = serve(&env);
        assert!(
            printed.last().is_some_and(|l| l.contains("listening on")),
            "the second instance did not start"
        );
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            public: self.public.clone(),
            env,
            admin_link: String::new(),
            _dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn cli(&self, args: &[&str]) {
        let st = Command::new(std::env::current_exe().unwrap())
            .arg("--server")
            .args(args)
            .envs(self.env.iter().cloned())
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(st.success(), "{args:?}");
    }

    pub fn rss_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

/// One browser's login: fresh cookies over the pooled keep-alive
/// connections of `http`, as a browser reuses its connections.
pub struct Browser {
    http: reqwest::Client,
    cookies: HashMap<String, String>,
}

impl Browser {
    pub fn new(http: &reqwest::Client) -> Browser {
        Browser {
            http: http.clone(),
            cookies: HashMap::new(),
        }
    }

    pub async fn post<T: serde::Serialize>(&mut self, url: String, body: &T) -> Value {
        let mut req = self.http.post(url).json(body);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header(reqwest::header::COOKIE, jar.join("; "));
        }
        let r = req.send().await.unwrap();
        for set in r.headers().get_all(reqwest::header::SET_COOKIE) {
            let set = set.to_str().unwrap_or("");
            let pair = set.split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() || set.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        r.json().await.unwrap_or(Value::Null)
    }
}

/// A client that keeps connections alive and no cookies of its own.
pub fn pooled() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}

pub async fn post(c: &reqwest::Client, url: String, body: Value) -> Value {
    let r = c.post(url).json(&body).send().await.unwrap();
    r.json().await.unwrap_or(Value::Null)
}

/// The server's SQLite (transactions, commits) so far, from `/metrics`.
pub async fn commit_counts(base: &str) -> (f64, f64) {
    let text = pooled()
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (
        value("authlevel_sqlite_transactions_total "),
        value("authlevel_sqlite_commits_total "),
    )
}

pub fn token_of(link: &str) -> String {
    link.split("#token=").nth(1).unwrap().trim().to_owned()
}

/// The first administrator of `server`, set up through its link, under
/// `password-only` and logged in (a client with the session), and the id
/// of the default directory.
pub async fn admin_session(server: &Server) -> (reqwest::Client, String) {
    let base = &server.base;
    drop(setup(base, &server.admin_link).await);
    server.cli(&["admin", "set-policy", "--preset", "password-only"]);
    let admin = client();
    post(
        &admin,
        format!("{base}/api/login/password"),
        json!({"username": "admin", "password": PASSWORD}),
    )
    .await;
    let dirs: Value = admin
        .get(format!("{base}/api/admin/directories"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let dir = dirs[0]["id"].as_str().unwrap().to_owned();
    (admin, dir)
}

/// Opens a setup link, sets the password; answers the enrolment client.
pub async fn setup(base: &str, link: &str) -> reqwest::Client {
    let c = client();
    post(
        &c,
        format!("{base}/api/setup"),
        json!({"token": token_of(link)}),
    )
    .await;
    let r = c
        .post(format!("{base}/api/me/password"))
        .json(&json!({"new_password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    c
}

/// Runs `task` on `concurrency` workers for RUN_S seconds; answers
/// completions per second and the latencies.
pub async fn load<F, Fut>(concurrency: usize, task: F) -> (f64, Vec<Duration>)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let task = Arc::new(task);
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let lat = Arc::new(Mutex::new(Vec::new()));
    let start = Instant::now();
    let mut handles = Vec::new();
    for w in 0..concurrency {
        let (task, stop, done, lat) = (task.clone(), stop.clone(), done.clone(), lat.clone());
        handles.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                task(w).await;
                mine.push(t.elapsed());
                done.fetch_add(1, Ordering::Relaxed);
            }
            lat.lock().unwrap().extend(mine);
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(RUN_S)).await;
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.await.unwrap();
    }
    let rate = done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64();
    let mut l = lat.lock().unwrap().clone();
    l.sort();
    (rate, l)
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

pub fn pct(l: &[Duration], p: f64) -> Duration {
    if l.is_empty() {
        return Duration::ZERO;
    }
    l[((l.len() - 1) as f64 * p) as usize]
}

/// argon2id hashes per second on all cores with the server's parameters,
/// each thread reusing its memory as the server's hashing threads do: the
/// physical limit of password logins on this machine.
pub fn argon2_rate(cores: usize) -> f64 {
    rate_on_all_cores(cores, || {
        let a = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(19 * 1024, 2, 1, None).unwrap(),
        );
        let mut memory = vec![argon2::Block::default(); a.params().block_count()];
        let mut out = [0u8; 32];
        move || {
            a.hash_password_into_with_memory(
                PASSWORD.as_bytes(),
                b"bench-salt-16byt",
                &mut out,
                &mut memory[..],
            )
            .unwrap();
        }
    })
}

/// P-256 signature verifications per second on `cores` threads, with the
/// verifier the server's WebAuthn library uses (`crypto-glue`'s RustCrypto
/// `p256`), each one as a passkey finish does it: the DER signature parsed,
/// the key made a verifying key, the data (authenticator data and a
/// client-data hash) verified. The limit of passkey logins.
pub fn p256_verify_rate(cores: usize) -> f64 {
    use crypto_glue::ecdsa_p256::{
        EcdsaP256DerSignature, EcdsaP256Signature, EcdsaP256SigningKey, EcdsaP256VerifyingKey,
        new_key,
    };
    use crypto_glue::traits::{Signer as _, Verifier as _};
    rate_on_all_cores(cores, || {
        let key = new_key();
        let public = key.public_key();
        let data = [7u8; 37 + 32];
        let sig: EcdsaP256Signature = EcdsaP256SigningKey::from(&key).try_sign(&data).unwrap();
        let der: EcdsaP256DerSignature = sig.to_der();
        move || {
            let sig = EcdsaP256Signature::from_der(der.as_bytes()).unwrap();
            let verifier = EcdsaP256VerifyingKey::from(&public);
            assert!(verifier.verify(&data, &sig).is_ok());
        }
    })
}

/// How many times a second `cores` threads together do the work of the
/// closures `setup` makes (one a thread, made before the clock starts
/// counting its work), for [`RUN_S`] seconds.
fn rate_on_all_cores<S, W>(cores: usize, setup: S) -> f64
where
    S: Fn() -> W + Send + Sync + Copy + 'static,
    W: FnMut(),
{
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let threads: Vec<_> = (0..cores)
        .map(|_| {
            let (stop, done) = (stop.clone(), done.clone());
            std::thread::spawn(move || {
                let mut work = setup();
                while !stop.load(Ordering::Relaxed) {
                    work();
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(RUN_S));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

pub fn gzip_len(bytes: &[u8]) -> usize {
    use std::io::Write as _;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap().len()
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn ratio_verdict(r: f64, target: f64) -> String {
    if r >= target {
        format!("≥ {target:.2}: met")
    } else {
        let gap = target - r;
        if gap < 0.005 {
            // The ratio rounds to the target: show how close.
            format!("≥ {target:.2}: missed by {gap:.3} ({r:.3})")
        } else {
            format!("≥ {target:.2}: missed by {gap:.2}")
        }
    }
}

pub fn target_verdict(v: f64, target: f64, unit: &str) -> String {
    if v >= target {
        format!("≥ {target:.0}{unit}: met")
    } else {
        format!("≥ {target:.0}{unit}: missed by {:.0}{unit}", target - v)
    }
}

pub fn target_verdict_max(v: f64, target: f64, unit: &str) -> String {
    if v <= target {
        format!("≤ {target:.0}{unit}: met")
    } else {
        format!("≤ {target:.0}{unit}: missed by {:.1}{unit}", v - target)
    }
}

/// The newest code sent to each mobile number, as the SMS gateway saw it.
pub type Codes = Arc<Mutex<HashMap<String, String>>>;

/// A stand-in SMS gateway on a port of its own: answers its URL (the
/// server's webhook) and the codes it received.
pub async fn sms_gateway() -> (String, Codes) {
    let codes: Codes = Arc::default();
    let seen = codes.clone();
    let gw = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |body: axum::Json<Value>| {
            let seen = seen.clone();
            async move {
                let msg = body["message"].as_str().unwrap_or("");
                seen.lock().unwrap().insert(
                    body["to"].as_str().unwrap_or("").to_owned(),
                    msg[..6].to_owned(),
                );
                "ok"
            }
        }),
    );
    let gl = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", gl.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(gl, gw).await.unwrap() });
    (url, codes)
}

/// A row of the results.
pub fn row(measure: impl Into<String>, value: String, ratio: String, target: String) -> Row {
    (measure.into(), value, ratio, target)
}
