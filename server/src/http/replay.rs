//! `/api/admin/directories/{id}/policy/replay` and `…/policy/staged`: a
//! draft policy scored against the logins that happened (by `core`'s
//! rules, once per distinct shape), and a policy staged report-only, which
//! every login that ends is also scored against.

use super::admin::report_or_refuse;
use super::error::{AppJson, AppQuery};
use super::extract::DirectoryAdmin;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::roster::spreadsheet_safe;
use crate::state::AppState;
use crate::store::DirectoryRow;
use crate::store::history::{ShapeCount, day_of, shape_key};
use authlevel_core::api::Problem;
use authlevel_core::replay::{
    ClientCounts, DayCounts, EndedCounts, NextOption, ReplayAnswer, ReplayCounts, ReplayRequest,
    ReplayUser, ReplayUsersPage, ReplayUsersQuery, Replayed, Shape, StagedPolicy, UsersAffected,
};
use authlevel_core::{AuditKind, ErrorCode, Method, MethodSet, Policy, PolicyReport};
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use std::collections::{BTreeMap, HashMap};

/// Days a replay covers when the request does not say.
const DEFAULT_DAYS: u32 = 30;

/// Users per page of a replay's users.
const PAGE: i64 = 100;

/// The first day of a window of `days` ending today, and its first second.
fn window(days: u32, t: i64) -> (i64, i64) {
    let from = day_of(t) - i64::from(days) + 1;
    (from, from * 86_400)
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01).
fn date(day: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Each distinct shape of `shapes` scored once: what `draft` would have
/// done to its logins compared with `active`, and what it would have
/// offered next.
fn score<'a>(
    shapes: &'a [ShapeCount],
    active: &Policy,
    draft: &Policy,
) -> HashMap<&'a Shape, (Replayed, MethodSet)> {
    let mut scored = HashMap::new();
    for sc in shapes {
        scored
            .entry(&sc.shape)
            .or_insert_with(|| sc.shape.replay(active, draft));
    }
    scored
}

/// The keys (`login_history.shape`) of the scored shapes with `outcome`.
fn keys_of(scored: &HashMap<&Shape, (Replayed, MethodSet)>, outcome: Replayed) -> Vec<String> {
    let mut keys: Vec<String> = scored
        .iter()
        .filter(|(_, (r, _))| *r == outcome)
        .map(|(shape, _)| shape_key(shape))
        .collect();
    keys.sort_unstable();
    keys
}

/// A replay of `draft` over the directory's logins of the last `days`.
async fn replay_of(
    app: &AppState,
    dir: &DirectoryRow,
    draft: &Policy,
    days: u32,
) -> ApiResult<ReplayAnswer> {
    let directory_id = dir.id.as_str();
    let (from, since) = window(days, now());
    let shapes = app.store.login_shapes(directory_id, from).await?;
    let scored = score(&shapes, &dir.policy, draft);
    let mut counts = ReplayCounts::default();
    let mut by_client: BTreeMap<&str, ReplayCounts> = BTreeMap::new();
    let mut daily: BTreeMap<i64, ReplayCounts> = (from..from + i64::from(days))
        .map(|d| (d, ReplayCounts::default()))
        .collect();
    let mut next = [0u64; Method::ALL.len()];
    for sc in &shapes {
        let (outcome, offered) = scored[&sc.shape];
        counts.add(outcome, sc.logins);
        by_client
            .entry(&sc.client_id)
            .or_default()
            .add(outcome, sc.logins);
        if let Some(day) = daily.get_mut(&sc.day) {
            day.add(outcome, sc.logins);
        }
        for m in offered.iter() {
            next[m.index()] += sc.logins;
        }
    }
    let [more_steps, fewer_steps, impossible] = app
        .store
        .users_with_shapes(
            directory_id,
            since,
            [
                &keys_of(&scored, Replayed::MoreSteps)[..],
                &keys_of(&scored, Replayed::FewerSteps),
                &keys_of(&scored, Replayed::Impossible),
            ],
        )
        .await?;
    Ok(ReplayAnswer {
        days,
        counts,
        users: UsersAffected {
            more_steps,
            fewer_steps,
            impossible,
        },
        next_options: Method::ALL
            .into_iter()
            .filter(|m| next[m.index()] > 0)
            .map(|m| NextOption {
                method: m,
                logins: next[m.index()],
            })
            .collect(),
        by_client: by_client
            .into_iter()
            .map(|(client, counts)| ClientCounts {
                client: client.to_owned(),
                counts,
            })
            .collect(),
        daily: daily
            .into_iter()
            .map(|(day, counts)| DayCounts {
                day: date(day),
                counts,
            })
            .collect(),
    })
}

/// Scores a draft policy against every login of the last `days` (default
/// 30) that ended in the directory, by the rules a login is held to: the
/// counts per outcome, per application and per day, and the users each
/// changed outcome touches (listed by `…/replay/users`). Not audited; the
/// draft is remembered for the list of users.
#[utoipa::path(post, path = "/api/admin/directories/{id}/policy/replay", tag = "admin", request_body = ReplayRequest,
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 200, body = ReplayAnswer),
              (status = 400, body = Problem, description = "`invalid_input`: `days` out of 1 to 366, or a level, points, risk points or a lifetime out of range")))]
pub(super) async fn replay(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
    AppJson(req): AppJson<ReplayRequest>,
) -> ApiResult<AppJson<ReplayAnswer>> {
    let days = req.days.unwrap_or(DEFAULT_DAYS);
    let p = &req.policy;
    if !p.in_range() {
        return Err(ApiError::text(
            ErrorCode::InvalidInput,
            crate::text::replay_policy_range,
        ));
    }
    if !(1..=366).contains(&days) {
        return Err(ApiError::text(
            ErrorCode::InvalidInput,
            crate::text::replay_days,
        ));
    }
    let answer = replay_of(&app, &admin.dir, &req.policy, days).await?;
    let draft = serde_json::to_string(&req.policy).map_err(ApiError::internal)?;
    app.store
        .save_draft(&admin.auth.user.id, &admin.dir.id, &draft, i64::from(days))
        .await?;
    Ok(AppJson(answer))
}

/// This administrator's last replay in the directory: the first second of
/// its window, and the keys of the shapes whose outcome was `outcome`.
async fn last_replay(
    app: &AppState,
    admin: &DirectoryAdmin,
    outcome: Replayed,
) -> ApiResult<(i64, Vec<String>)> {
    let (draft, days) = app
        .store
        .draft(&admin.auth.user.id, &admin.dir.id)
        .await?
        .ok_or_else(|| ApiError::text(ErrorCode::NotFound, crate::text::no_replay_yet))?;
    let draft: Policy = serde_json::from_str(&draft).map_err(ApiError::internal)?;
    let days = u32::try_from(days).unwrap_or(DEFAULT_DAYS);
    let (from, since) = window(days, now());
    let shapes = app.store.login_shapes(&admin.dir.id, from).await?;
    let scored = score(&shapes, &admin.dir.policy, &draft);
    Ok((since, keys_of(&scored, outcome)))
}

/// A page of at most `limit` users with logins of the shapes `keys` since
/// `since`, by id after `cursor`.
async fn users_page(
    app: &AppState,
    directory_id: &str,
    (since, keys): &(i64, Vec<String>),
    cursor: &str,
    limit: i64,
) -> ApiResult<ReplayUsersPage> {
    let rows = if keys.is_empty() {
        Vec::new()
    } else {
        app.store
            .users_page_with_shapes(directory_id, *since, keys, cursor, limit + 1)
            .await?
    };
    let more = i64::try_from(rows.len()).unwrap_or(0) > limit;
    let users: Vec<ReplayUser> = rows
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|(id, username, logins, last_at)| ReplayUser {
            id,
            username,
            logins: u64::try_from(logins).unwrap_or(0),
            last_at,
        })
        .collect();
    let next = more.then(|| users.last().map(|u| u.id.clone())).flatten();
    Ok(ReplayUsersPage { users, next })
}

/// The users with logins of one outcome (`more_steps`, `fewer_steps`,
/// `impossible`, or `same`) of this administrator's last replay in the directory, a
/// page of 100 by id; `cursor` is the previous page's `next`.
#[utoipa::path(get, path = "/api/admin/directories/{id}/policy/replay/users", tag = "admin",
    params(("id" = String, Path, description = "Directory id"), ReplayUsersQuery),
    responses((status = 200, body = ReplayUsersPage),
              (status = 404, body = Problem, description = "`not_found`: no replay yet in this directory")))]
pub(super) async fn replay_users(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
    AppQuery(q): AppQuery<ReplayUsersQuery>,
) -> ApiResult<AppJson<ReplayUsersPage>> {
    let last = last_replay(&app, &admin, q.outcome).await?;
    let cursor = q.cursor.as_deref().unwrap_or("");
    Ok(AppJson(
        users_page(&app, &admin.dir.id, &last, cursor, PAGE).await?,
    ))
}

/// The same users as CSV (every one, not a page), safe to open in a
/// spreadsheet.
#[utoipa::path(get, path = "/api/admin/directories/{id}/policy/replay/users.csv", tag = "admin",
    params(("id" = String, Path, description = "Directory id"), ReplayUsersQuery),
    responses((status = 200, content_type = "text/csv", body = String),
              (status = 404, body = Problem, description = "`not_found`: no replay yet in this directory")))]
pub(super) async fn replay_users_csv(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
    AppQuery(q): AppQuery<ReplayUsersQuery>,
) -> ApiResult<impl IntoResponse> {
    let last = last_replay(&app, &admin, q.outcome).await?;
    let mut cursor = q.cursor.clone().unwrap_or_default();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "username", "logins", "last_at"])
        .map_err(ApiError::internal)?;
    loop {
        let page = users_page(&app, &admin.dir.id, &last, &cursor, 1_000).await?;
        for u in &page.users {
            w.write_record([
                spreadsheet_safe(&u.id).into_owned(),
                spreadsheet_safe(&u.username).into_owned(),
                u.logins.to_string(),
                u.last_at.to_string(),
            ])
            .map_err(ApiError::internal)?;
        }
        match page.next {
            Some(next) => cursor = next,
            None => break,
        }
    }
    let body = String::from_utf8(w.into_inner().map_err(ApiError::internal)?)
        .map_err(ApiError::internal)?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-replay-{}.csv\"",
                    admin.dir.slug,
                    q.outcome.as_str()
                ),
            ),
        ],
        body,
    ))
}

/// The staged policy of a directory, or 404 `not_found`.
fn staged_of(admin: &DirectoryAdmin) -> ApiResult<(Policy, i64)> {
    admin
        .dir
        .staged
        .ok_or_else(|| ApiError::text(ErrorCode::NotFound, crate::text::nothing_staged))
}

/// The staged (report-only) policy, with how the logins since it was
/// staged ended under the active one and what it would have done to them.
#[utoipa::path(get, path = "/api/admin/directories/{id}/policy/staged", tag = "admin",
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 200, body = StagedPolicy),
              (status = 404, body = Problem, description = "`not_found`: nothing is staged")))]
pub(super) async fn get_staged(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
) -> ApiResult<AppJson<StagedPolicy>> {
    let (policy, since) = staged_of(&admin)?;
    let mut active = EndedCounts::default();
    let mut counts = ReplayCounts::default();
    for (ended, staged, n) in app.store.staged_counts(&admin.dir.id, since).await? {
        active.add(ended, n);
        if let Some(r) = staged {
            counts.add(r, n);
        }
    }
    Ok(AppJson(StagedPolicy {
        policy,
        since,
        active,
        counts,
    }))
}

/// Stages a policy report-only: no login is held to it, every login that
/// ends from now on is also scored against it. A policy with errors is
/// refused with 422 and its report. Audited.
#[utoipa::path(put, path = "/api/admin/directories/{id}/policy/staged", tag = "admin", request_body = Policy,
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 200, body = PolicyReport), (status = 422, body = Problem)))]
pub(super) async fn put_staged(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
    AppJson(policy): AppJson<Policy>,
) -> ApiResult<AppJson<PolicyReport>> {
    let report = report_or_refuse(&app, &admin, &policy, AuditKind::PolicyStage).await?;
    app.store
        .set_staged_policy(&admin.dir.id, Some(&policy), now())
        .await?;
    admin
        .event(AuditKind::PolicyStage, true)
        .detail(serde_json::to_string(&policy).unwrap_or_default())
        .record(&app)
        .await;
    Ok(AppJson(report))
}

/// Drops the staged policy. Audited.
#[utoipa::path(delete, path = "/api/admin/directories/{id}/policy/staged", tag = "admin",
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 204, description = "Dropped"),
              (status = 404, body = Problem, description = "`not_found`: nothing is staged")))]
pub(super) async fn delete_staged(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
) -> ApiResult<axum::http::StatusCode> {
    staged_of(&admin)?;
    app.store
        .set_staged_policy(&admin.dir.id, None, now())
        .await?;
    admin
        .event(AuditKind::PolicyUnstage, true)
        .record(&app)
        .await;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Makes the staged policy the active one (a fresh login, as every
/// administrative write), and stages nothing. Audited with both policies.
#[utoipa::path(post, path = "/api/admin/directories/{id}/policy/staged/promote", tag = "admin",
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 200, body = PolicyReport),
              (status = 404, body = Problem, description = "`not_found`: nothing is staged"),
              (status = 409, body = Problem, description = "`conflict`: the staged policy changed meanwhile"),
              (status = 422, body = Problem, description = "`invalid_policy`: the staged policy has errors (it was checked when staged, so only a rule added since)")))]
pub(super) async fn promote(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
) -> ApiResult<AppJson<PolicyReport>> {
    let (policy, since) = staged_of(&admin)?;
    let report = report_or_refuse(&app, &admin, &policy, AuditKind::PolicyPromote).await?;
    if !app
        .store
        .promote_staged(&admin.dir.id, since, now())
        .await?
    {
        return Err(ApiError::text(
            ErrorCode::Conflict,
            crate::text::staged_changed,
        ));
    }
    admin
        .event(AuditKind::PolicyPromote, true)
        .detail(format!(
            "{} -> {}",
            serde_json::to_string(&admin.dir.policy).unwrap_or_default(),
            serde_json::to_string(&policy).unwrap_or_default()
        ))
        .record(&app)
        .await;
    Ok(AppJson(report))
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_are_dates() {
        assert_eq!(super::date(0), "1970-01-01");
        assert_eq!(super::date(20_429), "2025-12-07");
        assert_eq!(super::date(19_782), "2024-02-29");
    }
}
