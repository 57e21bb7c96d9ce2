//! `/api/admin…`: directories, policies, users, setup links, the audit log.
//! An admin manages their own directory; admins of the `default` directory
//! are the operators and manage every directory.

use super::error::{AppJson, AppQuery};
use super::extract::{Admin, DirectoryAdmin, UserAdmin};
use crate::clock::now;
use crate::contact;
use crate::error::{ApiError, ApiResult};
use crate::setup::issue_link;
use crate::state::AppState;
use crate::store::{AuditQuery, DirectoryRow, UserPatch};
use crate::token;
use authlevel_core::api::{
    AuditEvent, CreateDirectoryRequest, Directory, PolicyResponse, Problem, SetupLink,
    UpdateDirectoryRequest, UpdateUserRequest, User,
};
use authlevel_core::report::analyse_in;
use authlevel_core::{AuditKind, ErrorCode, Policy, PolicyReport};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

/// The directories this admin manages.
#[utoipa::path(get, path = "/api/admin/directories", tag = "admin",
    responses((status = 200, body = Vec<Directory>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(super) async fn list_directories(
    State(app): State<AppState>,
    Admin { auth, .. }: Admin,
) -> ApiResult<AppJson<Vec<Directory>>> {
    let operator = auth.is_operator();
    let dirs = app.store.directories().await?;
    Ok(AppJson(
        dirs.iter()
            .filter(|d| operator || d.id == auth.user.directory_id)
            .map(DirectoryRow::to_api)
            .collect(),
    ))
}

fn check_slug(slug: &str) -> ApiResult<()> {
    let ok = !slug.is_empty()
        && slug.len() <= 63
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::text(
            ErrorCode::InvalidInput,
            crate::text::bad_slug,
        ))
    }
}

/// Creates a directory (operators only).
#[utoipa::path(post, path = "/api/admin/directories", tag = "admin", request_body = CreateDirectoryRequest,
    responses((status = 201, body = Directory), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create_directory(
    State(app): State<AppState>,
    Admin { auth, ip, .. }: Admin,
    AppJson(req): AppJson<CreateDirectoryRequest>,
) -> ApiResult<(StatusCode, AppJson<Directory>)> {
    if !auth.is_operator() {
        return Err(ApiError::text(
            ErrorCode::Forbidden,
            crate::text::operators_create_directories,
        ));
    }
    check_slug(&req.slug)?;
    let name = contact::display_name(&req.name).map_err(ApiError::invalid)?;
    let policy = req.policy.unwrap_or_default();
    let report = analyse_in(&policy, Some(&[]), crate::lang::current());
    if !report.is_ok() {
        return Err(ApiError::Policy(Box::new(report)));
    }
    let dir = DirectoryRow {
        id: token::new_id(),
        slug: req.slug.clone(),
        name,
        policy,
        staged: None,
    };
    if !app.store.insert_directory(&dir, now()).await? {
        return Err(ApiError::text(ErrorCode::Conflict, crate::text::slug_taken));
    }
    auth.event(AuditKind::DirectoryCreate, true, &dir.id, ip.as_deref())
        .detail(format!("slug {}", dir.slug))
        .record(&app)
        .await;
    Ok((StatusCode::CREATED, AppJson(dir.to_api())))
}

/// Renames a directory (operators only); its slug, and so its login URL,
/// stays.
#[utoipa::path(patch, path = "/api/admin/directories/{id}", tag = "admin", request_body = UpdateDirectoryRequest,
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 200, body = Directory), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn rename_directory(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
    AppJson(req): AppJson<UpdateDirectoryRequest>,
) -> ApiResult<AppJson<Directory>> {
    if !admin.auth.is_operator() {
        return Err(ApiError::text(
            ErrorCode::Forbidden,
            crate::text::operators_rename_directories,
        ));
    }
    let name = contact::display_name(&req.name).map_err(ApiError::invalid)?;
    app.store
        .set_directory_name(&admin.dir.id, &name, now())
        .await?;
    admin
        .event(AuditKind::DirectoryRename, true)
        .detail(format!("slug {}", admin.dir.slug))
        .record(&app)
        .await;
    Ok(AppJson(DirectoryRow { name, ..admin.dir }.to_api()))
}

/// The policy with its report and how many users have enrolled each set of
/// methods (for a what-if in the browser before saving).
#[utoipa::path(get, path = "/api/admin/directories/{id}/policy", tag = "admin",
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 200, body = PolicyResponse), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn get_policy(
    State(app): State<AppState>,
    DirectoryAdmin { dir, .. }: DirectoryAdmin,
) -> ApiResult<AppJson<PolicyResponse>> {
    let enrolments = app.store.enrolment_counts(&dir.id).await?;
    let report = analyse_in(&dir.policy, Some(&enrolments), crate::lang::current());
    Ok(AppJson(PolicyResponse {
        policy: dir.policy,
        report,
        enrolments,
    }))
}

/// Saves a policy. Answers its report; a policy with errors is refused with
/// 422 and the report, and nothing is saved.
#[utoipa::path(put, path = "/api/admin/directories/{id}/policy", tag = "admin", request_body = Policy,
    params(("id" = String, Path, description = "Directory id")),
    responses((status = 200, body = PolicyReport), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub(super) async fn put_policy(
    State(app): State<AppState>,
    admin: DirectoryAdmin,
    AppJson(policy): AppJson<Policy>,
) -> ApiResult<AppJson<PolicyReport>> {
    let dir = &admin.dir;
    let report = report_or_refuse(&app, &admin, &policy, AuditKind::PolicyUpdate).await?;
    app.store.set_policy(&dir.id, &policy, now()).await?;
    admin
        .event(AuditKind::PolicyUpdate, true)
        .detail(format!(
            "{} -> {}",
            serde_json::to_string(&dir.policy).unwrap_or_default(),
            serde_json::to_string(&policy).unwrap_or_default()
        ))
        .record(&app)
        .await;
    Ok(AppJson(report))
}

/// The report of `policy` over the directory's users; a policy with
/// errors is refused (422 with the report) and the refusal audited as
/// `kind`.
pub(super) async fn report_or_refuse(
    app: &AppState,
    admin: &DirectoryAdmin,
    policy: &Policy,
    kind: AuditKind,
) -> ApiResult<PolicyReport> {
    let counts = app.store.enrolment_counts(&admin.dir.id).await?;
    let report = analyse_in(policy, Some(&counts), crate::lang::current());
    if !report.is_ok() {
        admin
            .event(kind, false)
            .detail("refused: the policy has errors")
            .record(app)
            .await;
        return Err(ApiError::Policy(Box::new(report)));
    }
    Ok(report)
}

/// A contact field an administrator set: empty is none, else normalised.
pub(super) fn optional_contact(
    value: Option<&str>,
    f: fn(&str) -> Result<String, String>,
) -> ApiResult<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => f(v).map(Some).map_err(ApiError::invalid),
    }
}

/// One user.
#[utoipa::path(get, path = "/api/admin/users/{id}", tag = "admin",
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = User), (status = 404, body = Problem)))]
pub(super) async fn get_user(UserAdmin { user, .. }: UserAdmin) -> ApiResult<AppJson<User>> {
    Ok(AppJson(user.to_api()))
}

/// Changes a user. A phone or email set by an administrator counts as
/// confirmed; disabling a user ends their sessions.
#[utoipa::path(patch, path = "/api/admin/users/{id}", tag = "admin", request_body = UpdateUserRequest,
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = User),
              (status = 400, body = Problem, description = "`invalid_input`: a display name, email address or mobile number this service does not take"),
              (status = 403, body = Problem, description = "`own_account`: the administrator's own account, changed only through the profile")))]
pub(super) async fn patch_user(
    State(app): State<AppState>,
    admin: UserAdmin,
    AppJson(req): AppJson<UpdateUserRequest>,
) -> ApiResult<AppJson<User>> {
    let patch = UserPatch {
        display_name: req
            .display_name
            .as_deref()
            .map(contact::display_name)
            .transpose()
            .map_err(ApiError::invalid)?,
        email: match &req.email {
            Some(e) => Some(optional_contact(Some(e), contact::normalize_email)?),
            None => None,
        },
        phone: match &req.phone {
            Some(p) => Some(optional_contact(Some(p), contact::normalize_phone)?),
            None => None,
        },
        role: req.role,
        disabled: req.disabled,
        ..UserPatch::default()
    };
    let updated = app
        .store
        .update_user(&admin.user.id, &patch, now())
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::NotFound))?;
    if req.disabled == Some(true) {
        app.store.delete_user_sessions(&admin.user.id).await?;
    }
    let changed: Vec<&str> = [
        ("display_name", req.display_name.is_some()),
        ("email", req.email.is_some()),
        ("phone", req.phone.is_some()),
        ("role", req.role.is_some()),
        ("disabled", req.disabled.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, set)| set.then_some(k))
    .collect();
    admin
        .event(AuditKind::UserUpdate)
        .detail(format!("changed {}", changed.join(", ")))
        .record(&app)
        .await;
    Ok(AppJson(updated.to_api()))
}

/// Deletes a user with their sessions and methods.
#[utoipa::path(delete, path = "/api/admin/users/{id}", tag = "admin",
    params(("id" = String, Path, description = "User id")),
    responses((status = 204), (status = 403, body = Problem, description = "`own_account`: the administrator's own account"), (status = 404, body = Problem)))]
pub(super) async fn delete_user(
    State(app): State<AppState>,
    admin: UserAdmin,
) -> ApiResult<StatusCode> {
    app.store.delete_user(&admin.user.id).await?;
    admin.event(AuditKind::UserDelete).record(&app).await;
    Ok(StatusCode::NO_CONTENT)
}

/// A new setup link for a user (account recovery); earlier unused links stop working.
#[utoipa::path(post, path = "/api/admin/users/{id}/setup-link", tag = "admin",
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = SetupLink), (status = 404, body = Problem)))]
pub(super) async fn new_setup_link(
    State(app): State<AppState>,
    admin: UserAdmin,
) -> ApiResult<AppJson<SetupLink>> {
    let link = issue_link(&app, &admin.user.id).await?;
    admin.event(AuditKind::UserSetupLink).record(&app).await;
    Ok(AppJson(link))
}

/// Lifts the lockout of every method of a user and clears their failure counts.
#[utoipa::path(post, path = "/api/admin/users/{id}/unlock", tag = "admin",
    params(("id" = String, Path, description = "User id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn unlock(State(app): State<AppState>, admin: UserAdmin) -> ApiResult<StatusCode> {
    app.store.clear_failures(&admin.user.id).await?;
    admin.event(AuditKind::UserUnlock).record(&app).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of a user, on every instance.
#[utoipa::path(delete, path = "/api/admin/users/{id}/sessions", tag = "admin",
    params(("id" = String, Path, description = "User id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn end_sessions(
    State(app): State<AppState>,
    admin: UserAdmin,
) -> ApiResult<StatusCode> {
    let n = app.store.delete_user_sessions(&admin.user.id).await?;
    admin
        .event(AuditKind::UserEndSessions)
        .detail(format!("{n} sessions ended"))
        .record(&app)
        .await;
    Ok(StatusCode::NO_CONTENT)
}

/// Filters of `GET /api/admin/audit`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Directory id; the admin's own directory when absent (operators: all).
    pub directory: Option<String>,
    /// User id.
    pub user: Option<String>,
    /// At most this many events, newest first (1 to 1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/admin/audit", tag = "admin", params(AuditParams),
    responses((status = 200, body = Vec<AuditEvent>),
              (status = 404, body = Problem, description = "No user of a directory this administrator manages has the `user` id")))]
pub(super) async fn get_audit(
    State(app): State<AppState>,
    admin: Admin,
    AppQuery(q): AppQuery<AuditParams>,
) -> ApiResult<AppJson<Vec<AuditEvent>>> {
    let auth = &admin.auth;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid(crate::text::limit_range(
            crate::lang::current(),
            1000,
        )));
    }
    let directory_id = match q.directory {
        Some(d) => {
            auth.require_admin_of(&d)?;
            Some(d)
        }
        None if auth.is_operator() => None,
        None => Some(auth.user.directory_id.clone()),
    };
    if let Some(user_id) = &q.user {
        admin.user(&app, user_id).await?;
    }
    let query = AuditQuery {
        directory_id,
        user_id: q.user,
        limit,
    };
    Ok(AppJson(app.store.audit(&query).await?))
}
