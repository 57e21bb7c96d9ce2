//! `authlevel admin …` at the console: one struct per subcommand, each with
//! its own `run`, on the store the service uses ([`Console`]). The backup,
//! which only reads the database, is in the parent module.

use crate::clock::now;
use crate::contact;
use crate::login::DEFAULT_DIRECTORY;
use crate::methods::password::hashing as password;
use crate::setup::issue_link;
use crate::state::AppState;
use crate::store::{DirectoryRow, NewUser, UserRow};
use crate::token;
use authlevel_core::api::Role;
use authlevel_core::{Method, Preset, Signal};
use clap::{Args, Subcommand};
use std::io::BufRead as _;
use std::path::PathBuf;

/// The commands that work on the database through the store.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Creates a user and prints their setup link.
    CreateUser(CreateUser),
    /// Prints a new setup link for a user (earlier unused links stop working).
    Invite(Invite),
    /// Sets a user's password, read from the first line of standard input.
    SetPassword(SetPassword),
    /// Sets a directory's policy from a preset and/or values, after the same
    /// checks as the admin API; prints the report.
    SetPolicy(SetPolicy),
    /// Makes a new OpenID Connect signing key active; the old ones stay in
    /// the JWKS for a day so tokens they signed still verify.
    RotateKeys(RotateKeys),
    /// Imports users from a CSV file (username,display_name,email,phone,role),
    /// the same way as the console: every row checked first, each problem
    /// named by its line, then the valid rows applied 500 to a transaction,
    /// with progress on standard error.
    Import(Import),
    /// Lists the users of a directory.
    ListUsers(ListUsers),
}

/// Runs `cmd` with `app`.
pub async fn run(app: AppState, cmd: AdminCommand) -> Result<(), String> {
    let console = Console { app };
    match cmd {
        AdminCommand::CreateUser(c) => c.run(&console).await,
        AdminCommand::Invite(c) => c.run(&console).await,
        AdminCommand::SetPassword(c) => c.run(&console).await,
        AdminCommand::SetPolicy(c) => c.run(&console).await,
        AdminCommand::RotateKeys(c) => c.run(&console).await,
        AdminCommand::Import(c) => c.run(&console).await,
        AdminCommand::ListUsers(c) => c.run(&console).await,
    }
}

/// An error as the words the console prints.
trait Said<T> {
    fn said(self) -> Result<T, String>;
}

impl<T, E: std::fmt::Display> Said<T> for Result<T, E> {
    fn said(self) -> Result<T, String> {
        self.map_err(|e| e.to_string())
    }
}

/// `--directory`: the directory's slug, `default` when not given.
#[derive(Debug, Args)]
pub struct InDirectory {
    /// The directory's slug.
    #[arg(long, default_value = DEFAULT_DIRECTORY)]
    pub directory: String,
}

/// A user by username, in `--directory`.
#[derive(Debug, Args)]
pub struct AUser {
    /// The username.
    pub username: String,
    #[command(flatten)]
    pub at: InDirectory,
}

/// The service's state, for a command at the console.
pub struct Console {
    app: AppState,
}

impl Console {
    /// The directory `slug`.
    async fn dir(&self, slug: String) -> Result<DirectoryRow, String> {
        self.app
            .store
            .directory_by_slug(&slug)
            .await
            .said()?
            .ok_or_else(|| {
                format!(
                    "there is no directory `{slug}` (start the server once to create `default`)"
                )
            })
    }

    /// The user a command names.
    async fn user(&self, who: AUser) -> Result<UserRow, String> {
        let dir = self.dir(who.at.directory).await?;
        let name = contact::normalize_username(&who.username)?;
        self.app
            .store
            .user_by_username(&dir.id, &name)
            .await
            .said()?
            .ok_or_else(|| format!("there is no user `{name}` in this directory"))
    }
}

/// Creates a user and prints their setup link.
#[derive(Debug, Args)]
pub struct CreateUser {
    #[command(flatten)]
    pub who: AUser,
    /// Makes the user an administrator of the directory.
    #[arg(long)]
    pub admin: bool,
    /// A confirmed email address.
    #[arg(long)]
    pub email: Option<String>,
    /// A confirmed mobile number with country code.
    #[arg(long)]
    pub phone: Option<String>,
}

impl CreateUser {
    async fn run(self, c: &Console) -> Result<(), String> {
        let dir = c.dir(self.who.at.directory).await?;
        let new = NewUser {
            directory_id: dir.id.clone(),
            username: contact::normalize_username(&self.who.username)?,
            display_name: self.who.username.trim().to_owned(),
            email: self
                .email
                .map(|e| contact::normalize_email(&e))
                .transpose()?,
            phone: self
                .phone
                .map(|p| contact::normalize_phone(&p))
                .transpose()?,
            role: if self.admin { Role::Admin } else { Role::User },
        };
        let user = c
            .app
            .store
            .insert_user(&token::new_id(), &new, now())
            .await
            .said()?
            .ok_or("this username is taken in this directory")?;
        crate::audit::event(authlevel_core::AuditKind::UserCreate, true)
            .directory(&dir.id)
            .user(Some(&user.id))
            .detail("created at the console")
            .record(&c.app)
            .await;
        let link = issue_link(&c.app, &user.id).await.said()?;
        println!(
            "Created `{}`. One-time setup link (valid 24 h):\n  {}",
            user.username, link.url
        );
        Ok(())
    }
}

/// Prints a new setup link for a user (earlier unused links stop working).
#[derive(Debug, Args)]
pub struct Invite {
    #[command(flatten)]
    pub who: AUser,
}

impl Invite {
    async fn run(self, c: &Console) -> Result<(), String> {
        let user = c.user(self.who).await?;
        let link = issue_link(&c.app, &user.id).await.said()?;
        crate::audit::event(authlevel_core::AuditKind::UserSetupLink, true)
            .on_user(&user)
            .detail("issued at the console")
            .record(&c.app)
            .await;
        println!(
            "One-time setup link for `{}` (valid 24 h):\n  {}",
            user.username, link.url
        );
        Ok(())
    }
}

/// Sets a user's password, read from the first line of standard input.
#[derive(Debug, Args)]
pub struct SetPassword {
    #[command(flatten)]
    pub who: AUser,
}

impl SetPassword {
    async fn run(self, c: &Console) -> Result<(), String> {
        let user = c.user(self.who).await?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).said()?;
        let pw = line.trim_end_matches(['\r', '\n']);
        password::check_new(pw, &user.username).map_err(|r| r.to_string())?;
        let hash = c.app.hasher.hash(pw).await.said()?;
        c.app
            .store
            .set_password_hash(&user.id, &hash, now())
            .await
            .said()?;
        crate::audit::event(authlevel_core::AuditKind::PasswordSet, true)
            .on_user(&user)
            .method(authlevel_core::Method::Password)
            .detail("set at the console")
            .record(&c.app)
            .await;
        println!("Password set for `{}`.", user.username);
        Ok(())
    }
}

/// Sets a directory's policy from a preset and/or values, after the same
/// checks as the admin API; prints the report.
#[derive(Debug, Args)]
pub struct SetPolicy {
    #[command(flatten)]
    pub at: InDirectory,
    /// Start from a preset: password-only, two-factor, low-bar-mfa.
    #[arg(long)]
    pub preset: Option<String>,
    /// The required level.
    #[arg(long)]
    pub level: Option<u32>,
    /// Points per method, e.g. `password=20,sms=10`.
    #[arg(long)]
    pub points: Option<String>,
    /// Seconds a method counts for an application's request, e.g.
    /// `sms=3600` (0: for the session's life).
    #[arg(long)]
    pub max_age: Option<String>,
    /// Points a risk signal adds to a login's level, e.g.
    /// `new_browser=10,new_network=10` (also `recent_not_me`,
    /// `many_failures`; 0: off).
    #[arg(long)]
    pub risk: Option<String>,
}

/// The `name=number` pairs of a comma-separated option.
fn pairs(option: Option<&str>) -> Result<Vec<(&str, u32)>, String> {
    option
        .into_iter()
        .flat_map(|p| p.split(','))
        .map(|pair| {
            let (name, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}` should look like sms=10"))?;
            let value: u32 = value
                .trim()
                .parse()
                .map_err(|_| format!("`{value}` is not a number"))?;
            Ok((name.trim(), value))
        })
        .collect()
}

impl SetPolicy {
    async fn run(self, c: &Console) -> Result<(), String> {
        let dir = c.dir(self.at.directory).await?;
        let mut policy = match self.preset.as_deref() {
            None => dir.policy,
            Some(name) => Preset::ALL
                .into_iter()
                .find(|p| p.as_str() == name)
                .ok_or_else(|| {
                    format!("unknown preset `{name}`; use password-only, two-factor or low-bar-mfa")
                })?
                .policy(),
        };
        if let Some(level) = self.level {
            policy.required_level = level;
        }
        let method =
            |name: &str| Method::parse(name).ok_or_else(|| format!("unknown method `{name}`"));
        for (name, value) in pairs(self.points.as_deref())? {
            policy.points.set(method(name)?, value);
        }
        for (name, value) in pairs(self.max_age.as_deref())? {
            policy.max_age_s.set(method(name)?, value);
        }
        for (name, value) in pairs(self.risk.as_deref())? {
            let signal = Signal::parse(name).ok_or_else(|| {
                format!(
                    "unknown risk signal `{name}`; use new_browser, new_network, recent_not_me or many_failures"
                )
            })?;
            *policy.risk.points_mut(signal) = value;
        }
        let users = c.app.store.enrolment_counts(&dir.id).await.said()?;
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
        c.app
            .store
            .set_policy(&dir.id, &policy, now())
            .await
            .said()?;
        crate::audit::event(authlevel_core::AuditKind::PolicyUpdate, true)
            .directory(&dir.id)
            .detail("set at the console")
            .record(&c.app)
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
        Ok(())
    }
}

/// Makes a new OpenID Connect signing key active; the old ones stay in
/// the JWKS for a day so tokens they signed still verify.
#[derive(Debug, Args)]
pub struct RotateKeys {}

impl RotateKeys {
    async fn run(self, c: &Console) -> Result<(), String> {
        let kid = crate::oidc::rotate_keys(&c.app).await.said()?;
        crate::audit::event(authlevel_core::AuditKind::OidcRotateKeys, true)
            .detail(format!("new key {kid}"))
            .record(&c.app)
            .await;
        println!("New signing key `{kid}` is active; earlier keys stay published for a day.");
        Ok(())
    }
}

/// Imports users from a CSV file (username,display_name,email,phone,role),
/// the same way as the console: every row checked first, each problem
/// named by its line, then the valid rows applied 500 to a transaction,
/// with progress on standard error.
#[derive(Debug, Args)]
pub struct Import {
    /// The CSV file; `-` reads standard input.
    pub file: PathBuf,
    #[command(flatten)]
    pub at: InDirectory,
    /// Only check the rows and report; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Update users that exist (by username) instead of refusing them.
    #[arg(long)]
    pub update: bool,
}

impl Import {
    async fn run(self, c: &Console) -> Result<(), String> {
        let dir = c.dir(self.at.directory).await?;
        let text = if self.file.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin()).said()?
        } else {
            std::fs::read_to_string(&self.file)
                .map_err(|e| format!("cannot read {}: {e}", self.file.display()))?
        };
        let report = crate::roster::import(
            &c.app,
            &dir,
            None,
            None,
            &text,
            crate::roster::ImportMode {
                dry_run: self.dry_run,
                update: self.update,
            },
            |done, all| {
                eprint!("\rimported {done} of {all} rows");
                if done == all {
                    eprintln!();
                }
            },
        )
        .await
        .said()?;
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
        Ok(())
    }
}

/// Lists the users of a directory.
#[derive(Debug, Args)]
pub struct ListUsers {
    #[command(flatten)]
    pub at: InDirectory,
}

impl ListUsers {
    async fn run(self, c: &Console) -> Result<(), String> {
        let dir = c.dir(self.at.directory).await?;
        for u in c.app.store.users(&dir.id).await.said()? {
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
        Ok(())
    }
}
