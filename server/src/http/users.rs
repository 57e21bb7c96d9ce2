//! `/api/admin/directories/{id}/users…`: a directory's users at
//! organisation scale — pages narrowed by a search and a filter, one user
//! added, CSV import and export, one action for many users. The rules live
//! in [`crate::roster`]; this is their HTTP face.

use super::admin::optional_contact;
use super::error::{AppJson, AppQuery};
use super::extract::DirectoryAdmin;
use crate::clock::now;
use crate::contact;
use crate::error::{ApiError, ApiResult};
use crate::roster::{self, MAX_PAGE, Selection};
use crate::setup::issue_link;
use crate::state::AppState;
use crate::store::{NewUser, UserRow};
use crate::token;
use authlevel_core::api::{
    BulkRequest, BulkResult, CreateUserRequest, CreatedUser, ImportReport, Problem, UsersPage,
};
use authlevel_core::{AuditKind, ErrorCode};
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde::Deserialize;

/// The largest CSV file an import takes (about 100,000 rows).
pub const IMPORT_LIMIT: usize = 8 * 1024 * 1024;

/// `GET …/users`: which users, and which page of them.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UsersParams {
    /// Words found in the username, display name, email or phone (each
    /// word somewhere, case-insensitive).
    pub q: Option<String>,
    /// `no_phone`, `no_second_method`, `cannot_reach`, `cannot_reach_edited`
    /// (with `policy`), `locked`, `disabled`, `has:<method>` or
    /// `lacks:<method>`. The first four name enabled users only, as the
    /// policy report counts them.
    pub filter: Option<String>,
    /// The policy being edited, as JSON, for `cannot_reach_edited`.
    pub policy: Option<String>,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
    /// Users per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// A page of a directory's users by username, narrowed by a search and a
/// filter, with how many match in all. Users added while paging appear on
/// a later page when their username sorts after the cursor; none is shown
/// twice.
#[utoipa::path(get, path = "/api/admin/directories/{id}/users", tag = "admin",
    params(("id" = String, Path, description = "Directory id"), UsersParams),
    responses((status = 200, body = UsersPage), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn list_users(
    State(app): State<AppState>,
    DirectoryAdmin { dir, .. }: DirectoryAdmin,
    AppQuery(p): AppQuery<UsersParams>,
) -> ApiResult<AppJson<UsersPage>> {
    let limit = p.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::invalid(crate::text::limit_range(
            crate::lang::current(),
            200,
        )));
    }
    let sel = Selection::parse(p.q.as_deref(), p.filter.as_deref(), p.policy.as_deref())?;
    let (users, total) = app
        .store
        .users_page(&sel.query(&dir, p.cursor, limit))
        .await?;
    let next_cursor = (users.len() as i64 == limit)
        .then(|| users.last().map(|u| u.username.clone()))
        .flatten();
    Ok(AppJson(UsersPage {
        users: users.iter().map(UserRow::to_api).collect(),
        next_cursor,
        total,
    }))
}

/// Creates a user and answers their setup link (shown once).
#[utoipa::path(post, path = "/api/admin/directories/{id}/users", tag = "admin", request_body = CreateUserRequest,
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 201, body = CreatedUser), (status = 400, body = Problem), (status = 409, body = Problem)))]
pub(super) async fn create_user(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
    AppJson(req): AppJson<CreateUserRequest>,
) -> ApiResult<(StatusCode, AppJson<CreatedUser>)> {
    let username = contact::normalize_username(&req.username).map_err(ApiError::invalid)?;
    let new = NewUser {
        directory_id: admin.dir.id.clone(),
        display_name: match &req.display_name {
            Some(n) => contact::display_name(n).map_err(ApiError::invalid)?,
            None => username.clone(),
        },
        username,
        email: optional_contact(req.email.as_deref(), contact::normalize_email)?,
        phone: optional_contact(req.phone.as_deref(), contact::normalize_phone)?,
        role: req.role.unwrap_or_default(),
    };
    let user = app
        .store
        .insert_user(&token::new_id(), &new, now())
        .await?
        .ok_or_else(|| ApiError::text(ErrorCode::Conflict, crate::text::username_taken))?;
    let setup_link = issue_link(&app, &user.id).await?;
    admin
        .event(AuditKind::UserCreate, true)
        .user(Some(&user.id))
        .detail(format!("role {}", user.role.as_str()))
        .record(&app)
        .await;
    Ok((
        StatusCode::CREATED,
        AppJson(CreatedUser {
            user: user.to_api(),
            setup_link,
        }),
    ))
}

/// `POST …/users/import`: how.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ImportParams {
    /// Only check every row and report; change nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Update users that exist (by username); without it, such a row is
    /// reported and passed over.
    #[serde(default)]
    pub update: bool,
}

/// Imports users from CSV (`Content-Type: text/csv`, at most 8 MiB; the
/// header line names the columns among `username, display_name, email,
/// phone, role`). Every row is checked first and each problem is reported
/// with its line; the valid rows are then applied, 500 to a transaction.
/// A dry run changes nothing.
#[utoipa::path(post, path = "/api/admin/directories/{id}/users/import", tag = "admin",
    params(("id" = String, Path, description = "Directory id"), ImportParams),
    request_body(content = String, content_type = "text/csv",
        description = "username,display_name,email,phone,role — one user per line"),
    responses((status = 200, body = ImportReport), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "`invalid_csv`: the first line does not name the columns (among them `username`); nothing was read")))]
pub(super) async fn import(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
    AppQuery(p): AppQuery<ImportParams>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<AppJson<ImportReport>> {
    let (dir, auth, ip) = (&admin.dir, &admin.auth, &admin.ip);
    let csv = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/csv"));
    if !csv {
        return Err(ApiError::text(
            ErrorCode::UnsupportedMediaType,
            crate::text::send_csv,
        ));
    }
    let bytes = axum::body::to_bytes(body, IMPORT_LIMIT)
        .await
        .map_err(|_| ApiError::text(ErrorCode::PayloadTooLarge, crate::text::csv_too_large))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::text(ErrorCode::InvalidInput, crate::text::csv_not_utf8))?;
    let report = roster::import(
        &app,
        dir,
        Some(auth),
        ip.as_deref(),
        text,
        roster::ImportMode {
            dry_run: p.dry_run,
            update: p.update,
        },
        |_, _| {},
    )
    .await?;
    Ok(AppJson(report))
}

/// `GET …/users/export`: which users.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ExportParams {
    /// As for the users list.
    pub q: Option<String>,
    /// As for the users list.
    pub filter: Option<String>,
    /// As for the users list.
    pub policy: Option<String>,
}

/// The users (all, or those a search and a filter match) as CSV, in the
/// columns an import reads.
#[utoipa::path(get, path = "/api/admin/directories/{id}/users/export", tag = "admin",
    params(("id" = String, Path, description = "Directory id"), ExportParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn export(
    State(app): State<AppState>,
    DirectoryAdmin { dir, .. }: DirectoryAdmin,
    AppQuery(p): AppQuery<ExportParams>,
) -> ApiResult<impl IntoResponse> {
    let sel = Selection::parse(p.q.as_deref(), p.filter.as_deref(), p.policy.as_deref())?;
    let users = roster::all_matching(&app, &dir, &sel).await?;
    let body = roster::to_csv(&users)?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-users.csv\"", dir.slug),
            ),
        ],
        body,
    ))
}

/// One action for many users: those named by id, or every user a filter
/// (and search) matches. Sending setup links passes over users without an
/// email address; an administrator is never disabled by their own action.
#[utoipa::path(post, path = "/api/admin/directories/{id}/users/bulk", tag = "admin", request_body = BulkRequest,
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 200, body = BulkResult), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn bulk(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
    AppJson(req): AppJson<BulkRequest>,
) -> ApiResult<AppJson<BulkResult>> {
    let (dir, auth, ip) = (&admin.dir, &admin.auth, &admin.ip);
    let users = if !req.user_ids.is_empty() {
        if req.filter.is_some() || req.q.is_some() {
            return Err(ApiError::text(
                ErrorCode::InvalidInput,
                crate::text::bulk_both,
            ));
        }
        roster::by_ids(&app, dir, &req.user_ids).await?
    } else if req.filter.is_some() || req.q.is_some() {
        let filter = Selection::filter(req.filter.as_deref())?;
        let sel = Selection::new(req.q.as_deref(), filter, req.policy)?;
        roster::all_matching(&app, dir, &sel).await?
    } else {
        return Err(ApiError::text(
            ErrorCode::InvalidInput,
            crate::text::bulk_neither,
        ));
    };
    let result = roster::bulk(&app, dir, auth, req.action, users, ip.as_deref()).await?;
    Ok(AppJson(result))
}
