//! The command line: `authlevel serve` (the default), `authlevel migrate`,
//! and `authlevel admin …` for the operator at the console; and the log
//! (`log_format`: lines for people or JSON objects for log shippers).

use crate::clock::now;
use crate::config::Config;
use crate::crypto::SecretBox;
use crate::methods::password::hashing::Hasher;
use crate::state::AppState;
use crate::store::Store;
use clap::{Parser, Subcommand};

mod admin;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// authlevel: a points-based multi-factor login service.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// A TOML configuration file; AUTHLEVEL_* environment variables override it.
    #[arg(long, env = "AUTHLEVEL_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the server (the default).
    Serve,
    /// Brings the database schema up to date and exits.
    Migrate,
    /// Manages users from the console; backs the database up.
    #[command(subcommand)]
    Admin(Admin),
}

/// `authlevel admin …`: the backup, which only reads the database, and the
/// commands that work on it through the store.
#[derive(Debug, Subcommand)]
enum Admin {
    /// Copies the SQLite database to a new FILE, consistent while the
    /// service runs (PostgreSQL: use pg_dump). Never replaces a file.
    Backup {
        /// Where the copy goes; must not exist yet.
        file: PathBuf,
    },
    #[command(flatten)]
    Store(admin::AdminCommand),
}

/// Runs the command line; the exit code says whether it worked.
pub fn main() -> ExitCode {
    main_with(std::env::args().collect())
}

/// Runs the command line with these arguments (the first is the program name).
pub fn main_with(args: Vec<String>) -> ExitCode {
    // The database, its backups and the key file hold secrets: whatever
    // this process creates is its owner's alone (SECURITY 37).
    crate::files::private_by_default();
    let cli = Cli::parse_from(args);
    let config = match Config::load(cli.config.as_deref(), std::env::vars()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    init_log(&config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

async fn open(config: &Config) -> Result<Store, String> {
    let store = Store::open_with(
        &config.database_url,
        config.database_max_connections,
        config.sqlite_synchronous != "normal",
    )
    .await
    .map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    Ok(store)
}

/// The log on standard error: `text` lines, or with `json` one JSON object
/// per line whose keys are the event's fields (`kind`, `outcome`, `method`,
/// `user`, … of an audit line) beside `timestamp`, `level`, `target` and
/// `message`. `RUST_LOG` filters both.
fn init_log(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let log = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    if format == "json" {
        log.json()
            .flatten_event(true)
            .with_current_span(false)
            .with_ansi(false)
            .init();
    } else {
        log.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init();
    }
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            open(&config).await?;
            println!("The database schema is up to date.");
            Ok(())
        }
        // Nothing opens the database through the store first: a backup only
        // reads, and never migrates what it copies.
        Command::Admin(Admin::Backup { file }) => backup(&config, &file).await,
        Command::Admin(Admin::Store(cmd)) => admin::run(state(config).await?, cmd).await,
    }
}

async fn backup(config: &Config, file: &std::path::Path) -> Result<(), String> {
    let bytes = crate::store::backup::backup(&config.database_url, file)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Backed up the database to {} ({bytes} bytes).",
        file.display()
    );
    if config.secret_key.is_empty() {
        println!(
            "It does not hold the key: keep a copy of {} too (docs/operating.md, Backups).",
            config.key_file.display()
        );
    } else {
        println!("It does not hold the key: keep secret_key with it (docs/operating.md, Backups).");
    }
    Ok(())
}

/// The label whose MAC under the server key is the key's fingerprint: it
/// tells keys apart and reveals nothing of them.
const KEY_FINGERPRINT: &str = "authlevel server key fingerprint v1";

/// Refuses a server key other than the one the database was first used
/// with (whose fingerprint the first instance to start stored): an
/// instance with another key could not check the codes the others sent or
/// open the TOTP secrets they sealed, and would fail them one by one.
async fn check_key(config: &Config, store: &Store, secrets: &SecretBox) -> Result<(), String> {
    let mine = secrets.mac(KEY_FINGERPRINT);
    let first = store
        .setting_or_insert("key_fingerprint", &mine)
        .await
        .map_err(|e| e.to_string())?;
    if first == mine {
        return Ok(());
    }
    let source = if config.secret_key.is_empty() {
        format!("key_file {}", config.key_file.display())
    } else {
        "secret_key".to_owned()
    };
    Err(format!(
        "this instance's server key (from {source}) is not the key this database was first \
         used with: their fingerprints differ. Every instance on one database must share one \
         key: give this instance the same secret_key (or a copy of the key file) as the \
         instances already running, and start it again"
    ))
}

/// What `serve` and the `admin` commands work with, once the server key is
/// known to be the database's.
async fn state(config: Config) -> Result<AppState, String> {
    let store = open(&config).await?;
    let hasher = Hasher::new(config.password_hash_concurrency).map_err(|e| e.to_string())?;
    let secrets =
        SecretBox::load(&config.secret_key, &config.key_file).map_err(|e| e.to_string())?;
    check_key(&config, &store, &secrets).await?;
    let delivery = crate::delivery::Delivery::from_config(&config).map_err(|e| e.to_string())?;
    let webauthn = crate::methods::passkey::relying_party(&config)?;
    Ok(AppState::new(
        config, store, hasher, secrets, delivery, webauthn,
    ))
}

async fn serve(config: Config) -> Result<(), String> {
    let app = state(config).await?;
    if let Some(link) = crate::bootstrap::first_start(&app)
        .await
        .map_err(|e| e.to_string())?
    {
        // Printed once, to the console of whoever started the service: the
        // only way in to a new installation. It is not a log line.
        println!("First start: set up the `admin` account with this one-time link (valid 24 h):");
        println!("  {}", link.url);
    }
    let listener = tokio::net::TcpListener::bind(&app.config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", app.config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "authlevel listening on http://{addr} (public URL {})",
        app.config.public_url
    );
    tracing::info!(%addr, "listening");

    let housekeeping = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut tick =
                tokio::time::interval(Duration::from_secs(app.config.housekeeping_interval_s));
            loop {
                tick.tick().await;
                if let Err(e) = app.store.housekeeping(now(), &app.config.retention()).await {
                    tracing::warn!(error = %e, "housekeeping failed");
                }
            }
        })
    };
    let router = crate::app(app);
    let result = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| e.to_string());
    housekeeping.abort();
    result
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
