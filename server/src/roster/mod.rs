//! A directory's users at organisation scale: pages narrowed by a search
//! and a filter, CSV import and export ([`csv`]), and actions for many
//! users at once.

mod csv;

pub use self::csv::{ImportMode, from_spreadsheet, import, spreadsheet_safe, to_csv};

use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::session::Authenticated;
use crate::state::AppState;
use crate::store::{DirectoryRow, UserPatch, UserRow, UsersQuery};
use crate::{lang, text};
use authlevel_core::api::{BulkAction, BulkResult, BulkSkip, UserFilter};
use authlevel_core::{AuditKind, ErrorCode, Lang, MethodSet, Policy};

/// The most users a page holds.
pub const MAX_PAGE: i64 = 200;
/// Rows applied per transaction by an import.
pub const BATCH: usize = 500;
/// The columns of the CSV files, in order.
pub const COLUMNS: [&str; 5] = ["username", "display_name", "email", "phone", "role"];

/// What a list of users is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Words to find.
    pub search: Option<String>,
    /// A filter.
    pub filter: Option<UserFilter>,
    /// The policy the `cannot_reach_edited` filter speaks of.
    pub edited: Option<Policy>,
}

impl Selection {
    /// Reads `?q=&filter=&policy=`: refuses an unknown filter, and a
    /// `cannot_reach_edited` without a valid `policy`.
    pub fn parse(
        q: Option<&str>,
        filter: Option<&str>,
        policy: Option<&str>,
    ) -> ApiResult<Selection> {
        let filter = Selection::filter(filter)?;
        let edited = match policy.filter(|p| !p.trim().is_empty()) {
            None => None,
            Some(p) => Some(serde_json::from_str::<Policy>(p).map_err(|_| {
                ApiError::text(ErrorCode::InvalidInput, text::policy_param_invalid)
            })?),
        };
        Selection::new(q, filter, edited)
    }

    /// Reads a filter's name; refuses an unknown one.
    pub fn filter(filter: Option<&str>) -> ApiResult<Option<UserFilter>> {
        Ok(match filter.filter(|f| !f.is_empty()) {
            None => None,
            Some(f) => Some(UserFilter::parse(f).ok_or_else(|| {
                let known: Vec<String> = UserFilter::all().iter().map(|f| f.as_str()).collect();
                ApiError::invalid(text::unknown_filter(
                    lang::current(),
                    &f.chars().take(40).collect::<String>(),
                    &known.join(", "),
                ))
            })?),
        })
    }

    /// A selection of a search, a filter and the policy being edited:
    /// refuses `cannot_reach_edited` without that policy.
    pub fn new(
        q: Option<&str>,
        filter: Option<UserFilter>,
        edited: Option<Policy>,
    ) -> ApiResult<Selection> {
        if filter == Some(UserFilter::CannotReachEdited) && edited.is_none() {
            return Err(ApiError::invalid(text::edited_policy_needed(
                lang::current(),
            )));
        }
        Ok(Selection {
            search: q.map(str::to_owned),
            filter,
            edited,
        })
    }

    /// The store query of this selection in `dir`, after the username
    /// `after`, at most `limit` users.
    pub fn query(&self, dir: &DirectoryRow, after: Option<String>, limit: i64) -> UsersQuery {
        let policy = self.edited.unwrap_or(dir.policy);
        let enrolled_in = self.filter.and_then(|f| {
            // The sets of methods the filter lets through, as bits.
            MethodSet::all_subsets()
                .map(|set| f.by_methods(set, &policy).map(|keep| (set, keep)))
                .collect::<Option<Vec<_>>>()
                .map(|sets| {
                    sets.into_iter()
                        .filter(|(_, keep)| *keep)
                        .map(|(set, _)| set.bits())
                        .collect()
                })
        });
        UsersQuery {
            directory_id: dir.id.clone(),
            search: self.search.clone(),
            enrolled_in,
            locked_at: (self.filter == Some(UserFilter::Locked)).then(now),
            disabled_only: self.filter == Some(UserFilter::Disabled),
            enabled_only: self.filter.is_some_and(UserFilter::counts_enabled_only),
            after,
            limit,
        }
    }
}

/// Every user of `dir` the selection matches, page by page.
pub async fn all_matching(
    app: &AppState,
    dir: &DirectoryRow,
    sel: &Selection,
) -> ApiResult<Vec<UserRow>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let (page, _) = app.store.users_page(&sel.query(dir, after, 1000)).await?;
        let done = page.len() < 1000;
        after = page.last().map(|u| u.username.clone());
        out.extend(page);
        if done {
            return Ok(out);
        }
    }
}

/// Does `action` for `users` (of `dir`) on behalf of `auth`; answers what
/// was done and what was passed over.
pub async fn bulk(
    app: &AppState,
    dir: &DirectoryRow,
    auth: &Authenticated,
    action: BulkAction,
    users: Vec<UserRow>,
    ip: Option<&str>,
) -> ApiResult<BulkResult> {
    let mut done = 0u32;
    let mut skipped = Vec::new();
    let skip = |u: &UserRow, reason: fn(Lang) -> String| BulkSkip {
        username: u.username.clone(),
        reason: reason(lang::current()),
    };
    for u in &users {
        match action {
            // The administrator's own account changes only through the
            // profile (SECURITY 34).
            _ if u.id == auth.user.id => {
                skipped.push(skip(u, text::bulk_skip_self));
            }
            BulkAction::Disable | BulkAction::Enable => {
                let disable = action == BulkAction::Disable;
                let patch = UserPatch {
                    disabled: Some(disable),
                    ..UserPatch::default()
                };
                app.store.update_user(&u.id, &patch, now()).await?;
                if disable {
                    app.store.delete_user_sessions(&u.id).await?;
                }
                done += 1;
            }
            BulkAction::SetupLinks => {
                let Some(email) = &u.email else {
                    skipped.push(skip(u, text::bulk_skip_no_email));
                    continue;
                };
                let link = crate::setup::issue_link(app, &u.id).await?;
                let to_lang = lang::for_user(u.language);
                let body = text::setup_link_email(to_lang, &dir.name, &u.username, &link.url);
                let subject = text::subject_setup_link(to_lang, &dir.name);
                let name = Some(u.display_name.as_str()).filter(|n| !n.is_empty());
                match app.delivery.email.send(name, email, &subject, &body).await {
                    Ok(()) => done += 1,
                    Err(e) => {
                        tracing::warn!(error = %e, user = %u.id, "setup link not delivered");
                        skipped.push(skip(u, text::bulk_skip_not_sent));
                    }
                }
            }
        }
    }
    auth.event(AuditKind::UsersBulk, true, &dir.id, ip)
        .detail(format!(
            "{}: {done} done, {} passed over",
            match action {
                BulkAction::SetupLinks => "setup links",
                BulkAction::Disable => "disable",
                BulkAction::Enable => "enable",
            },
            skipped.len()
        ))
        .record(app)
        .await;
    Ok(BulkResult { done, skipped })
}

/// The users of `dir` with these ids (others are passed over).
pub async fn by_ids(app: &AppState, dir: &DirectoryRow, ids: &[String]) -> ApiResult<Vec<UserRow>> {
    if ids.len() > 10_000 {
        return Err(ApiError::text(ErrorCode::InvalidInput, text::bulk_too_many));
    }
    let mut out = Vec::new();
    for id in ids {
        if let Some(u) = app.store.user(id).await?
            && u.directory_id == dir.id
        {
            out.push(u);
        }
    }
    Ok(out)
}
