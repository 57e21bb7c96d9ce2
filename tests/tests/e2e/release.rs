//! The release build of `scripts/release`: one static file that carries
//! its pages. These tests look at the binary named by `AUTHLEVEL_TEST_BIN`
//! and say they were skipped without it (the cargo-built binary of the
//! suite serves `dist/` from disk); `scripts/test` runs them, with the
//! login, passkey and OpenID Connect tests, against the static build.

use crate::harness::{PASSWORD, binary};
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::json;
use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The binary under test when `AUTHLEVEL_TEST_BIN` names one.
fn release_binary(test: &str) -> Option<PathBuf> {
    if std::env::var_os("AUTHLEVEL_TEST_BIN").is_some_and(|v| !v.is_empty()) {
        return Some(binary());
    }
    eprintln!("{test}: skipped, AUTHLEVEL_TEST_BIN names no release build (scripts/release)");
    None
}

/// The paths of the scripts, styles and WebAssembly an `index.html` loads.
fn assets(html: &str) -> Vec<String> {
    html.split(['"', '\'', '(', ')', ' '])
        .filter(|s| s.starts_with('/'))
        .filter(|s| [".js", ".wasm", ".css"].iter().any(|e| s.ends_with(e)))
        .map(str::to_owned)
        .collect()
}

/// A server started as an operator would: the binary, an empty folder and
/// a config file in it, no environment. Killed when dropped.
pub(crate) struct Bare {
    child: std::process::Child,
    /// The folder: the config file, the database, the key.
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub port: u16,
    /// The first start's setup token.
    pub token: String,
}

impl Bare {
    /// Starts `bin` with `--config … serve`, through `wrapper` (a program
    /// and its arguments that ends by running the rest) when given.
    pub(crate) fn start(bin: &std::path::Path, wrapper: &[&str]) -> Bare {
        let dir = tempfile::tempdir().unwrap();
        let port = crate::harness::free_port();
        let config = dir.path().join("authlevel.toml");
        std::fs::write(
            &config,
            format!(
                "listen = \"127.0.0.1:{port}\"\npublic_url = \"http://localhost:{port}\"\n\
                 database_url = \"sqlite://{d}/authlevel.db\"\nkey_file = \"{d}/authlevel.key\"\n",
                d = dir.path().display()
            ),
        )
        .unwrap();
        let mut cmd = match wrapper {
            [program, args @ ..] => {
                let mut cmd = Command::new(program);
                cmd.args(args).arg(bin);
                cmd
            }
            [] => Command::new(bin),
        };
        let mut child = cmd
            .env_clear()
            .current_dir(dir.path())
            .arg("--config")
            .arg(&config)
            .arg("serve")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut token = None;
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(t) = line.split("#token=").nth(1) {
                    token = Some(t.trim().to_owned());
                }
                if line.contains("listening on") {
                    let _ = tx.send(token.take());
                }
            }
        });
        let mut bare = Bare {
            child,
            dir,
            config,
            port,
            token: String::new(),
        };
        bare.token = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the server starts")
            .expect("the first start prints a setup link");
        bare
    }

    /// The binary's command line with the same config file.
    pub(crate) fn cli(&self, bin: &std::path::Path, args: &[&str]) -> std::process::Output {
        Command::new(bin)
            .env_clear()
            .current_dir(self.dir.path())
            .arg("--config")
            .arg(&self.config)
            .args(args)
            .output()
            .unwrap()
    }

    /// Sets the admin's password through the setup link, the policy to
    /// `password-only`, and logs in: argon2id both ways, and the database.
    pub(crate) async fn admin_logs_in(&self, bin: &std::path::Path) {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let port = self.port;
        let post = |path: &str, body: serde_json::Value| {
            http.post(format!("http://127.0.0.1:{port}{path}"))
                .header("origin", format!("http://localhost:{port}"))
                .json(&body)
                .send()
        };
        let r = post("/api/setup", json!({"token": self.token}))
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = post("/api/me/password", json!({"new_password": PASSWORD}))
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        let r = post("/api/setup/finish", json!({})).await.unwrap();
        assert_eq!(r.status(), 204);
        let out = self.cli(bin, &["admin", "set-policy", "--preset", "password-only"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r = post(
            "/api/login/password",
            json!({"username": "admin", "password": PASSWORD}),
        )
        .await
        .unwrap();
        let state: serde_json::Value = r.json().await.unwrap();
        assert_eq!(state["status"], "complete", "{state}");
    }
}

impl Drop for Bare {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn the_binary_alone_with_a_config_file_serves_its_pages_and_logs_in() {
    let Some(bin) = release_binary("release") else {
        return;
    };
    // An empty folder: no dist/, nothing but the config file.
    let server = Bare::start(&bin, &[]);
    let port = server.port;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let get = |path: &str| http.get(format!("{base}{path}")).send();

    // The login page at `/`, the console at its pages, each with what it loads.
    for (path, bundle) in [("/", "authlevel-frontend"), ("/admin", "authlevel-console")] {
        let r = get(path).await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
        let csp = r.headers()[CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("'sha256-"), "the loader's hash: {csp}");
        let html = r.text().await.unwrap();
        let files = assets(&html);
        assert!(
            files
                .iter()
                .any(|f| f.contains(bundle) && f.ends_with(".wasm")),
            "{path} loads {bundle}'s WebAssembly: {html}"
        );
        for file in files {
            let r = get(&file).await.unwrap();
            assert_eq!(r.status(), 200, "{file}");
            let kind = r.headers()[CONTENT_TYPE].to_str().unwrap().to_owned();
            let want = match file.rsplit('.').next() {
                Some("wasm") => "application/wasm",
                Some("js") => "text/javascript",
                _ => "text/css",
            };
            assert!(kind.starts_with(want), "{file}: {kind}");
            assert!(!r.bytes().await.unwrap().is_empty(), "{file}");
        }
    }
    assert_eq!(get("/healthz").await.unwrap().text().await.unwrap(), "ok");
    assert_eq!(get("/readyz").await.unwrap().text().await.unwrap(), "ready");

    // The first admin sets a password through the link and logs in.
    server.admin_logs_in(&bin).await;
}

#[test]
fn the_release_binary_is_statically_linked() {
    let Some(bin) = release_binary("release") else {
        return;
    };
    let Ok(out) = Command::new("file").arg("-L").arg(&bin).output() else {
        eprintln!("release: `file` is not installed; cannot look at the binary");
        return;
    };
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("statically linked") || said.contains("static-pie linked"),
        "{said}"
    );
    // And the loader agrees: nothing to load beside it.
    if let Ok(out) = Command::new("ldd").arg(&bin).output() {
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            said.contains("not a dynamic executable") || said.contains("statically linked"),
            "{said}"
        );
    }
}
