//! Starts the real server binary on a free port with a fresh database, and
//! talks to it over real HTTP.
//!
//! The backend comes from `AUTHLEVEL_TEST_BACKEND`: `sqlite` (the default; a
//! file in the server's temporary directory) or `postgres` (a fresh database
//! `authlevel_t_<random>` per server, made through
//! `AUTHLEVEL_TEST_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/test`,
//! and dropped at the end). When PostgreSQL is asked for but unreachable the
//! run fails under `CI=true`; locally it is skipped with a message on stderr.
//!
//! The binary is the one cargo builds for the suite, or the one named by
//! `AUTHLEVEL_TEST_BIN` (say, the static release build of `scripts/release`,
//! which carries its pages). It runs in the server's own empty folder, so
//! nothing beside the binary (no `dist/`) is found by accident.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The password every harness-made account gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// A running server process.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`, for API calls.
    pub base: String,
    /// The configured public origin, `http://localhost:PORT`.
    pub public_url: String,
    /// Holds the log (and, for the first server on a database, the SQLite
    /// file and the key file).
    pub dir: Arc<tempfile::TempDir>,
    port: u16,
    env: Vec<(String, String)>,
    /// Lines the server printed on standard output, over all its runs.
    pub stdout: Arc<Mutex<Vec<String>>>,
    /// The database, shared by every server started with `start_sharing`.
    db: Arc<Database>,
}

/// Which database the servers of this run use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file per server.
    Sqlite,
    /// A fresh PostgreSQL database per server.
    Postgres,
}

impl Backend {
    /// The backend `AUTHLEVEL_TEST_BACKEND` asks for (`sqlite` when unset).
    pub fn from_env() -> Backend {
        match std::env::var("AUTHLEVEL_TEST_BACKEND").as_deref() {
            Ok("postgres" | "postgresql" | "pg") => Backend::Postgres,
            Ok("" | "sqlite") | Err(_) => Backend::Sqlite,
            Ok(other) => {
                panic!("AUTHLEVEL_TEST_BACKEND must be `sqlite` or `postgres`, not `{other}`")
            }
        }
    }
}

/// A server's database: a SQLite file in `dir`, or a PostgreSQL database
/// dropped when the last server using it is gone.
struct Database {
    url: String,
    backend: Backend,
    /// The PostgreSQL database's name, to drop.
    pg_name: Option<String>,
    /// Keeps the SQLite file (and the first server's key file) alive.
    _dir: Arc<tempfile::TempDir>,
}

fn postgres_admin_url() -> String {
    std::env::var("AUTHLEVEL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Runs `f` on a runtime of its own (the harness's callers are synchronous
/// code inside a test's runtime).
fn on_own_runtime<T: Send + 'static>(
    f: impl FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(f())
    })
    .join()
    .expect("the database thread")
}

/// Runs one statement on the PostgreSQL admin database.
fn postgres_admin(sql: String) -> Result<(), String> {
    on_own_runtime(move || {
        Box::pin(async move {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&postgres_admin_url())
                .await
                .map_err(|e| e.to_string())?;
            let r = sqlx::query(&sql).execute(&mut conn).await;
            let _ = conn.close().await;
            r.map(|_| ()).map_err(|e| e.to_string())
        })
    })
}

/// Checks once that PostgreSQL answers. Fails the test under `CI=true`;
/// otherwise says loudly that the PostgreSQL run is skipped and ends the
/// test process successfully.
fn require_postgres() {
    static CHECK: OnceLock<Result<(), String>> = OnceLock::new();
    let check = CHECK.get_or_init(|| postgres_admin("SELECT 1".into()));
    let Err(e) = check else { return };
    let url = postgres_admin_url();
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    if ci {
        panic!(
            "AUTHLEVEL_TEST_BACKEND=postgres, but PostgreSQL at {url} does not answer ({e}); \
             CI=true, so this is a failure, not a skip. Start PostgreSQL or set \
             AUTHLEVEL_TEST_POSTGRES_URL."
        );
    }
    static SKIP: OnceLock<()> = OnceLock::new();
    SKIP.get_or_init(|| {
        use std::io::Write;
        // Written to the process's stderr directly: the test harness does
        // not capture it, so the message is seen.
        let _ = writeln!(
            std::io::stderr(),
            "\n\n******************************************************************\n\
             SKIPPING the PostgreSQL end-to-end run: PostgreSQL at {url}\n\
             does not answer ({e}).\n\
             Nothing was tested on PostgreSQL. (Under CI=true this fails.)\n\
             ******************************************************************\n"
        );
        std::process::exit(0);
    });
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name unlikely to be used by any other test, here or in another process.
fn unique(prefix: &str) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    format!("{prefix}{:016x}", h.finish())
}

impl Database {
    fn new(dir: &Arc<tempfile::TempDir>) -> Database {
        match Backend::from_env() {
            Backend::Sqlite => Database {
                url: format!("sqlite://{}/authlevel.db", dir.path().display()),
                backend: Backend::Sqlite,
                pg_name: None,
                _dir: dir.clone(),
            },
            Backend::Postgres => {
                require_postgres();
                let name = unique("authlevel_t_");
                if let Err(e) = postgres_admin(format!("CREATE DATABASE {name}")) {
                    panic!("cannot create the test database {name}: {e}");
                }
                let admin = postgres_admin_url();
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                Database {
                    url: format!("{base}/{name}"),
                    backend: Backend::Postgres,
                    pg_name: Some(name),
                    _dir: dir.clone(),
                }
            }
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let _ = postgres_admin(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// The server binary under test: `AUTHLEVEL_TEST_BIN`, else the one cargo
/// built for the suite.
pub fn binary() -> std::path::PathBuf {
    match std::env::var_os("AUTHLEVEL_TEST_BIN") {
        Some(path) if !path.is_empty() => {
            let path = std::path::PathBuf::from(path);
            assert!(
                path.is_file(),
                "AUTHLEVEL_TEST_BIN names {}, which is not a file",
                path.display()
            );
            path
        }
        _ => env!("CARGO_BIN_EXE_authlevel-e2e").into(),
    }
}

/// A port no other part of this test run is given, for a server or a
/// receiver to listen on.
///
/// Taken below the kernel's ephemeral range (32768–60999 on Linux), and
/// never the same twice in one process: a port from `bind(":0")` is free
/// only until the listener is dropped, and the kernel hands ports of that
/// range to the tests' own outgoing connections (HTTP clients, database
/// pools) in the meantime, which made a server fail to start with "Address
/// in use" once in a few hundred starts.
pub fn free_port() -> u16 {
    const FIRST: u32 = 20_000;
    const SPAN: u32 = 12_000;
    static NEXT: AtomicU64 = AtomicU64::new(0);
    // Each test process (cargo runs binaries one after another, but the
    // browser tests' servers may run beside them) starts at its own place.
    let offset = std::process::id().wrapping_mul(2_654_435_761) % SPAN;
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed) as u32;
        let port = (FIRST + (offset + n) % SPAN) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

impl Server {
    /// A server on a fresh database.
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// A server on a fresh database with extra `AUTHLEVEL_*` settings.
    pub fn start_with(extra: &[(&str, &str)]) -> Server {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let db = Arc::new(Database::new(&dir));
        Server::start_on(dir, db, None, extra)
    }

    /// A second instance on `first`'s database, with `first`'s settings and
    /// key, behind the same public URL (as behind a load balancer), on a
    /// port of its own; `extra` settings are added.
    pub fn start_sharing(first: &Server, extra: &[(&str, &str)]) -> Server {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        Server::start_on(dir, first.db.clone(), Some(first), extra)
    }

    fn start_on(
        dir: Arc<tempfile::TempDir>,
        db: Arc<Database>,
        first: Option<&Server>,
        extra: &[(&str, &str)],
    ) -> Server {
        let port = free_port();
        let public_url = first.map_or_else(
            || format!("http://localhost:{port}"),
            |f| f.public_url.clone(),
        );
        let mut env: Vec<(String, String)> = first.map_or_else(Vec::new, |f| f.env.clone());
        let own = [
            ("AUTHLEVEL_LISTEN", format!("127.0.0.1:{port}")),
            ("AUTHLEVEL_PUBLIC_URL", public_url.clone()),
            ("AUTHLEVEL_DATABASE_URL", db.url.clone()),
        ];
        env.retain(|(k, _)| !own.iter().any(|(o, _)| o == k));
        env.extend(own.into_iter().map(|(k, v)| (k.to_owned(), v)));
        if first.is_some() {
            return Server::finish_start(dir, db, port, public_url, env, extra);
        }
        env.extend([
            (
                "AUTHLEVEL_STATIC_DIR".into(),
                format!("{}/no-dist", dir.path().display()),
            ),
            ("AUTHLEVEL_DEV".into(), "true".into()),
            (
                "AUTHLEVEL_KEY_FILE".into(),
                format!("{}/authlevel.key", dir.path().display()),
            ),
        ]);
        Server::finish_start(dir, db, port, public_url, env, extra)
    }

    fn finish_start(
        dir: Arc<tempfile::TempDir>,
        db: Arc<Database>,
        port: u16,
        public_url: String,
        mut env: Vec<(String, String)>,
        extra: &[(&str, &str)],
    ) -> Server {
        for (k, v) in extra {
            env.retain(|(key, _)| key != k);
            env.push(((*k).into(), (*v).into()));
        }
        let mut server = Server {
            child: None,
            base: format!("http://127.0.0.1:{port}"),
            public_url,
            dir,
            port,
            env,
            stdout: Arc::new(Mutex::new(Vec::new())),
            db,
        };
        server.spawn();
        server
    }

    /// The backend this server's database is on.
    pub fn backend(&self) -> Backend {
        self.db.backend
    }

    /// A pool on this server's database (whichever backend), for tests that
    /// look at or change stored rows directly.
    pub async fn db(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::any::AnyPoolOptions::new()
            .max_connections(2)
            .connect(&self.db.url)
            .await
            .expect("connect to the server's database")
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(binary());
        cmd.current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "info,sqlx=warn")
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("server.log"))
            .expect("log file");
        let mut child = self
            .command()
            .arg("serve")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start the server binary");
        let out = child.stdout.take().expect("stdout");
        let lines = self.stdout.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if line.contains("listening on") {
                    let _ = tx.send(());
                }
                lines.lock().expect("lines").push(line);
            }
        });
        self.child = Some(child);
        if rx.recv_timeout(Duration::from_secs(30)).is_err() {
            panic!("server did not start; log:\n{}", self.log());
        }
    }

    /// Kills the process with SIGKILL: no shutdown, no flush.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Kills and starts again on the same database and port.
    pub fn restart(&mut self) {
        self.kill9();
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(50));
        }
        self.spawn();
    }

    /// The first-start setup token, from the link the server printed.
    pub fn first_start_token(&self) -> String {
        let lines = self.stdout.lock().expect("lines");
        lines
            .iter()
            .find_map(|l| l.split("#token=").nth(1).map(|t| t.trim().to_owned()))
            .expect("the first start printed a setup link")
    }

    /// Runs the binary's command line against the same database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        self.command().args(args).output().expect("run the CLI")
    }

    /// The binary's command line against the same database, to add
    /// arguments to and run.
    pub fn cli_command(&self) -> Command {
        self.command()
    }

    /// Starts the binary's command line against the same database, without
    /// waiting for it (its output is discarded).
    pub fn cli_spawn(&self, args: &[&str]) -> Child {
        self.command()
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the CLI")
    }

    /// What the server wrote to its log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// A client with its own cookie jar.
    pub fn client(&self) -> Api {
        Api::new(&self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
        // Keep every server's log for scripts/check-logs, which looks for
        // passwords and tokens after the whole suite.
        let keep = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-logs");
        if std::fs::create_dir_all(&keep).is_ok() {
            let name = format!("{}-{}.log", std::process::id(), self.port);
            let _ = std::fs::copy(self.dir.path().join("server.log"), keep.join(name));
        }
    }
}

/// An HTTP response, read whole.
#[derive(Debug)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body as JSON (`Null` when empty or not JSON).
    pub json: Value,
    /// The body as text.
    pub text: String,
}

impl Resp {
    /// The problem `code`, if the body is a problem.
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Every `Set-Cookie` header.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }
}

/// A browser-like client: a cookie jar, JSON bodies.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    /// Base URL.
    pub base: String,
}

impl Api {
    /// A client of its own for the server at `base` (`http://127.0.0.1:PORT`).
    pub fn at(base: &str) -> Api {
        Api::new(base)
    }

    fn new(base: &str) -> Api {
        Api {
            http: reqwest::Client::builder()
                .cookie_store(true)
                // No kept-alive connections: a restarted server must not meet a
                // stale socket.
                .pool_max_idle_per_host(0)
                // Redirects are looked at, not followed, as a test of the
                // authorization endpoint needs.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: base.to_owned(),
        }
    }

    /// The same client (the same cookie jar) talking to `server`: one
    /// browser behind a load balancer that picks another instance.
    pub fn to(&self, server: &Server) -> Api {
        Api {
            http: self.http.clone(),
            base: server.base.clone(),
        }
    }

    /// Sends a request with an optional JSON body.
    pub async fn send(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(m, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        } else if method == "POST" {
            req = req.header("content-type", "application/json");
        }
        Self::read(req.send().await.expect("request")).await
    }

    /// Sends a raw request built by `f`.
    pub async fn raw(
        &self,
        f: impl FnOnce(&reqwest::Client, &str) -> reqwest::RequestBuilder,
    ) -> Resp {
        Self::read(f(&self.http, &self.base).send().await.expect("request")).await
    }

    async fn read(r: reqwest::Response) -> Resp {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            json,
            text,
        }
    }

    /// GET.
    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None).await
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send("POST", path, Some(body)).await
    }

    /// PUT with a JSON body.
    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.send("PUT", path, Some(body)).await
    }

    /// PATCH with a JSON body.
    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.send("PATCH", path, Some(body)).await
    }

    /// DELETE.
    pub async fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, None).await
    }

    /// The password step.
    pub async fn password_login(&self, username: &str, password: &str) -> Resp {
        self.post(
            "/api/login/password",
            serde_json::json!({"username": username, "password": password}),
        )
        .await
    }

    /// Opens a setup link, sets the password, finishes.
    pub async fn complete_setup(&self, token: &str, password: &str) {
        let r = self
            .post("/api/setup", serde_json::json!({"token": token}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let r = self
            .post(
                "/api/me/password",
                serde_json::json!({"new_password": password}),
            )
            .await;
        assert_eq!(r.status, 204, "{}", r.text);
        let r = self.post("/api/setup/finish", serde_json::json!({})).await;
        assert_eq!(r.status, 204, "{}", r.text);
    }
}

/// POSTs JSON from `browser` as a client at `ip` behind a proxy the server
/// trusts (`X-Forwarded-For: ip`).
pub async fn post_from(browser: &Api, ip: &str, path: &str, body: Value) -> Resp {
    let (ip, path) = (ip.to_owned(), path.to_owned());
    browser
        .raw(move |h, b| {
            h.post(format!("{b}{path}"))
                .header("x-forwarded-for", ip)
                .json(&body)
        })
        .await
}

/// Sends `n` requests at once, each from a task of its own (`f(i)` makes
/// the i-th); answers what each answered, in order.
pub async fn at_once<T, F>(n: usize, f: impl Fn(usize) -> F) -> Vec<T>
where
    T: Send + 'static,
    F: std::future::Future<Output = T> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(f(i))).collect();
    let mut answers = Vec::with_capacity(n);
    for t in tasks {
        answers.push(t.await.expect("a request task"));
    }
    answers
}

/// Polls `probe` every 100 ms for up to ten seconds until it answers
/// something: for what the server does a little after an answer (what it
/// printed reaches the harness through a reader thread; housekeeping runs
/// on its own clock).
pub async fn settled<T>(mut probe: impl AsyncFnMut() -> Option<T>) -> Option<T> {
    for _ in 0..100 {
        if let Some(found) = probe().await {
            return Some(found);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// The token in a setup link.
pub fn token_of(link: &str) -> String {
    link.split("#token=")
        .nth(1)
        .expect("a setup link")
        .to_owned()
}

/// [`with_admin`] with settings whose values were built at run time (a
/// receiver's address, a repeated key), as the receivers' `env()` give them.
pub async fn with_admin_env(env: &[(&str, String)]) -> (Server, Api, String) {
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    with_admin(&pairs).await
}

/// A server whose `admin` has the harness password, under `password-only`
/// so the admin can log in with it, and a client logged in as the admin.
/// Answers the default directory's id too.
pub async fn with_admin(extra: &[(&str, &str)]) -> (Server, Api, String) {
    let server = Server::start_with(extra);
    let admin = server.client();
    admin
        .complete_setup(&server.first_start_token(), PASSWORD)
        .await;
    let out = server.cli(&["admin", "set-policy", "--preset", "password-only"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = admin.password_login("admin", PASSWORD).await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let dirs = admin.get("/api/admin/directories").await;
    let dir = dirs.json[0]["id"]
        .as_str()
        .expect("default directory")
        .to_owned();
    (server, admin, dir)
}

/// Creates a user through the admin API, sets their password through the
/// setup link, and answers the user's id.
pub async fn create_user(server: &Server, admin: &Api, dir: &str, body: Value) -> String {
    let r = admin
        .post(&format!("/api/admin/directories/{dir}/users"), body)
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let token = token_of(r.json["setup_link"]["url"].as_str().expect("link"));
    server.client().complete_setup(&token, PASSWORD).await;
    r.json["user"]["id"].as_str().expect("id").to_owned()
}

/// Sets the directory's policy through the admin API.
pub async fn set_policy(admin: &Api, dir: &str, policy: Value) {
    let r = admin
        .put(&format!("/api/admin/directories/{dir}/policy"), policy)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// Sets the `default` directory's policy at the command line
/// (`authlevel admin set-policy ARGS`), as an operator at the console does:
/// for a change after the level was raised, when the administrator's
/// password alone is no fresh login any more (SECURITY 34).
pub fn set_policy_cli(server: &Server, args: &[&str]) {
    let mut all = vec!["admin", "set-policy"];
    all.extend_from_slice(args);
    let out = server.cli(&all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The `two-factor` preset as JSON.
pub fn two_factor() -> Value {
    serde_json::json!({"required_level": 30, "points": {"password": 20, "sms": 10, "email": 10, "totp": 10, "passkey": 30, "recovery": 10}})
}

/// A TOTP code from an independent implementation (Python's `pyotp`), for
/// the base32 `secret`, `offset_s` seconds from now.
pub fn pyotp_code(secret: &str, offset_s: i64) -> String {
    python(&format!(
        "import pyotp, time; print(pyotp.TOTP('{secret}').at(time.time() + ({offset_s})))"
    ))
}

/// The current code of an `otpauth://` URI, as `pyotp` reads the URI.
pub fn pyotp_code_from_uri(uri: &str) -> String {
    python(&format!(
        "import pyotp; print(pyotp.parse_uri('{uri}').now())"
    ))
}

fn python(program: &str) -> String {
    let out = Command::new("python3")
        .args(["-c", program])
        .output()
        .expect("python3 runs (scripts/setup installs pyotp)");
    assert!(
        out.status.success(),
        "python3 failed (is pyotp installed? scripts/setup installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Every user of a directory, page by page through the admin API.
pub async fn all_users(admin: &Api, dir: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let r = admin
            .get(&format!(
                "/api/admin/directories/{dir}/users?limit=200&cursor={cursor}"
            ))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        out.extend(r.json["users"].as_array().expect("users").iter().cloned());
        match r.json["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return out,
        }
    }
}

/// The id of the user `name` of a directory.
pub async fn user_id(admin: &Api, dir: &str, name: &str) -> String {
    let r = admin
        .get(&format!("/api/admin/directories/{dir}/users?q={name}"))
        .await;
    r.json["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["username"] == name)
        .unwrap_or_else(|| panic!("no user {name}: {}", r.text))["id"]
        .as_str()
        .expect("id")
        .to_owned()
}
