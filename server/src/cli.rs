//! The command line: `authlevel serve` (the default), `authlevel migrate`,
//! and `authlevel admin …` for the operator at the console; and the log
//! (`log_format`: lines for people or JSON objects for log shippers).

use crate::clock::now;
use crate::config::Config;
use crate::contact;
use crate::crypto::SecretBox;
use crate::login::DEFAULT_DIRECTORY;
use crate::password::{self, Hasher};
use crate::setup::issue_link;
use crate::state::AppState;
use crate::store::{NewUser, Store};
use crate::token;
use authlevel_core::api::Role;
use authlevel_core::{Method, Preset};
use clap::{Parser, Subcommand};
use std::io::BufRead as _;
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

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Creates a user and prints their setup link.
    CreateUser {
        /// The username.
        username: String,
        /// The directory's slug.
        #[arg(long, default_value = DEFAULT_DIRECTORY)]
        directory: String,
        /// Makes the user an administrator of the directory.
        #[arg(long)]
        admin: bool,
        /// A confirmed email address.
        #[arg(long)]
        email: Option<String>,
        /// A confirmed mobile number with country code.
        #[arg(long)]
        phone: Option<String>,
    },
    /// Prints a new setup link for a user (earlier unused links stop working).
    Invite {
        /// The username.
        username: String,
        /// The directory's slug.
        #[arg(long, default_value = DEFAULT_DIRECTORY)]
        directory: String,
    },
    /// Sets a user's password, read from the first line of standard input.
    SetPassword {
        /// The username.
        username: String,
        /// The directory's slug.
        #[arg(long, default_value = DEFAULT_DIRECTORY)]
        directory: String,
    },
    /// Sets a directory's policy from a preset and/or values, after the same
    /// checks as the admin API; prints the report.
    SetPolicy {
        /// The directory's slug.
        #[arg(long, default_value = DEFAULT_DIRECTORY)]
        directory: String,
        /// Start from a preset: password-only, two-factor, low-bar-mfa.
        #[arg(long)]
        preset: Option<String>,
        /// The required level.
        #[arg(long)]
        level: Option<u32>,
        /// Points per method, e.g. `password=20,sms=10`.
        #[arg(long)]
        points: Option<String>,
    },
    /// Makes a new OpenID Connect signing key active; the old ones stay in
    /// the JWKS for a day so tokens they signed still verify.
    RotateKeys,
    /// Imports users from a CSV file (username,display_name,email,phone,role),
    /// the same way as the console: every row checked first, each problem
    /// named by its line, then the valid rows applied 500 to a transaction,
    /// with progress on standard error.
    Import {
        /// The CSV file; `-` reads standard input.
        file: PathBuf,
        /// The directory's slug.
        #[arg(long, default_value = DEFAULT_DIRECTORY)]
        directory: String,
        /// Only check the rows and report; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Update users that exist (by username) instead of refusing them.
        #[arg(long)]
        update: bool,
    },
    /// Lists the users of a directory.
    ListUsers {
        /// The directory's slug.
        #[arg(long, default_value = DEFAULT_DIRECTORY)]
        directory: String,
    },
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
    Store(AdminCommand),
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
        Command::Admin(Admin::Store(cmd)) => admin(config, cmd).await,
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
    let webauthn = crate::login::passkey::relying_party(&config)?;
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
            let mut tick = tokio::time::interval(Duration::from_secs(60));
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

async fn admin(config: Config, cmd: AdminCommand) -> Result<(), String> {
    let app = state(config).await?;
    let dir_of = |slug: String| {
        let app = app.clone();
        async move {
            app.store
                .directory_by_slug(&slug)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| {
                    format!(
                        "there is no directory `{slug}` (start the server once to create `default`)"
                    )
                })
        }
    };
    let user_of = |directory: String, username: String| {
        let app = app.clone();
        async move {
            let dir = dir_of(directory).await?;
            let name = contact::normalize_username(&username)?;
            app.store
                .user_by_username(&dir.id, &name)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("there is no user `{name}` in this directory"))
        }
    };
    match cmd {
        AdminCommand::CreateUser {
            username,
            directory,
            admin,
            email,
            phone,
        } => {
            let dir = dir_of(directory).await?;
            let new = NewUser {
                directory_id: dir.id.clone(),
                username: contact::normalize_username(&username)?,
                display_name: username.trim().to_owned(),
                email: email.map(|e| contact::normalize_email(&e)).transpose()?,
                phone: phone.map(|p| contact::normalize_phone(&p)).transpose()?,
                role: if admin { Role::Admin } else { Role::User },
            };
            let user = app
                .store
                .insert_user(&token::new_id(), &new, now())
                .await
                .map_err(|e| e.to_string())?
                .ok_or("this username is taken in this directory")?;
            crate::audit::event(authlevel_core::AuditKind::UserCreate, true)
                .directory(&dir.id)
                .user(Some(&user.id))
                .detail("created at the console")
                .record(&app)
                .await;
            let link = issue_link(&app, &user.id)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Created `{}`. One-time setup link (valid 24 h):\n  {}",
                user.username, link.url
            );
        }
        AdminCommand::Invite {
            username,
            directory,
        } => {
            let user = user_of(directory, username).await?;
            let link = issue_link(&app, &user.id)
                .await
                .map_err(|e| e.to_string())?;
            crate::audit::event(authlevel_core::AuditKind::UserSetupLink, true)
                .on_user(&user)
                .detail("issued at the console")
                .record(&app)
                .await;
            println!(
                "One-time setup link for `{}` (valid 24 h):\n  {}",
                user.username, link.url
            );
        }
        AdminCommand::SetPassword {
            username,
            directory,
        } => {
            let user = user_of(directory, username).await?;
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            let pw = line.trim_end_matches(['\r', '\n']);
            password::check_new(pw, &user.username).map_err(|r| r.to_string())?;
            let hash = app.hasher.hash(pw).await.map_err(|e| e.to_string())?;
            app.store
                .set_password_hash(&user.id, &hash, now())
                .await
                .map_err(|e| e.to_string())?;
            crate::audit::event(authlevel_core::AuditKind::PasswordSet, true)
                .on_user(&user)
                .method(authlevel_core::Method::Password)
                .detail("set at the console")
                .record(&app)
                .await;
            println!("Password set for `{}`.", user.username);
        }
        AdminCommand::SetPolicy {
            directory,
            preset,
            level,
            points,
        } => {
            let dir = dir_of(directory).await?;
            let mut policy = match preset.as_deref() {
                None => dir.policy,
                Some(name) => Preset::ALL
                    .into_iter()
                    .find(|p| p.as_str() == name)
                    .ok_or_else(|| {
                        format!(
                            "unknown preset `{name}`; use password-only, two-factor or low-bar-mfa"
                        )
                    })?
                    .policy(),
            };
            if let Some(level) = level {
                policy.required_level = level;
            }
            for pair in points.iter().flat_map(|p| p.split(',')) {
                let (name, value) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("`{pair}` should look like sms=10"))?;
                let method =
                    Method::parse(name.trim()).ok_or_else(|| format!("unknown method `{name}`"))?;
                let value: u32 = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("`{value}` is not a number"))?;
                policy.points.set(method, value);
            }
            let users = app
                .store
                .enrolment_counts(&dir.id)
                .await
                .map_err(|e| e.to_string())?;
            let report = authlevel_core::analyse(&policy, Some(&users));
            for f in report.errors.iter() {
                println!("error: {}", f.message);
            }
            for f in report.warnings.iter() {
                println!("warning: {}", f.message);
            }
            if !report.is_ok() {
                return Err("the policy has errors; nothing was saved".into());
            }
            app.store
                .set_policy(&dir.id, &policy, now())
                .await
                .map_err(|e| e.to_string())?;
            crate::audit::event(authlevel_core::AuditKind::PolicyUpdate, true)
                .directory(&dir.id)
                .detail("set at the console")
                .record(&app)
                .await;
            let combos: Vec<String> = report
                .minimal_combinations
                .iter()
                .map(|c| authlevel_core::report::describe(*c))
                .collect();
            println!(
                "Policy saved: level {}; ways in: {}.",
                policy.required_level,
                combos.join("; ")
            );
        }
        AdminCommand::RotateKeys => {
            let kid = crate::oidc::rotate_keys(&app)
                .await
                .map_err(|e| e.to_string())?;
            crate::audit::event(authlevel_core::AuditKind::OidcRotateKeys, true)
                .detail(format!("new key {kid}"))
                .record(&app)
                .await;
            println!("New signing key `{kid}` is active; earlier keys stay published for a day.");
        }
        AdminCommand::Import {
            file,
            directory,
            dry_run,
            update,
        } => {
            let dir = dir_of(directory).await?;
            let text = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin()).map_err(|e| e.to_string())?
            } else {
                std::fs::read_to_string(&file)
                    .map_err(|e| format!("cannot read {}: {e}", file.display()))?
            };
            let report = crate::roster::import(
                &app,
                &dir,
                None,
                None,
                &text,
                crate::roster::ImportMode { dry_run, update },
                |done, all| {
                    eprint!("\rimported {done} of {all} rows");
                    if done == all {
                        eprintln!();
                    }
                },
            )
            .await
            .map_err(|e| e.to_string())?;
            for e in &report.errors {
                println!("line {}: {}", e.line, e.message);
            }
            let verb = if report.dry_run { "would be " } else { "" };
            println!(
                "{} rows: {} {verb}created, {} {verb}updated, {} with problems{}.",
                report.rows,
                report.created,
                report.updated,
                report.errors.len(),
                if report.dry_run {
                    " (dry run: nothing changed)"
                } else {
                    ""
                }
            );
            if !report.errors.is_empty() {
                return Err(format!(
                    "{} rows have problems and were not imported; fix them and import again",
                    report.errors.len()
                ));
            }
        }
        AdminCommand::ListUsers { directory } => {
            let dir = dir_of(directory).await?;
            for u in app.store.users(&dir.id).await.map_err(|e| e.to_string())? {
                let methods: Vec<&str> = u
                    .enrolled()
                    .iter()
                    .map(authlevel_core::Method::as_str)
                    .collect();
                println!(
                    "{}\t{}\t{}{}\t{}",
                    u.username,
                    u.role.as_str(),
                    if u.disabled { "disabled " } else { "" },
                    u.display_name,
                    methods.join(",")
                );
            }
        }
    }
    Ok(())
}
