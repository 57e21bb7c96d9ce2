//! The administration's endpoints: directories, policies, users, their
//! import and export, the audit log, applications.

use super::{
    ApiResult, Empty, PATCH, POST, PUT, decode, delete, encode, exchange, exchange_as, get, send,
};
use crate::app::query;
use authlevel_core::api::{
    AuditEvent, BulkRequest, BulkResult, ClientInfo, CreateClientRequest, CreateDirectoryRequest,
    CreateUserRequest, CreatedClient, CreatedUser, Directory, ImportReport, PolicyResponse,
    SetupLink, UpdateDirectoryRequest, UpdateUserRequest, User, UsersPage, paths,
};
use authlevel_core::replay::{
    ReplayAnswer, ReplayRequest, ReplayUsersPage, Replayed, StagedPolicy,
};
use authlevel_core::{Policy, PolicyReport};
use gloo_net::http::Method as HttpMethod;

/// `GET /api/admin/directories`: the directories this administrator manages.
pub async fn directories() -> ApiResult<Vec<Directory>> {
    get(paths::ADMIN_DIRECTORIES).await
}

/// `POST /api/admin/directories`: a new directory (operators).
pub async fn create_directory(req: CreateDirectoryRequest) -> ApiResult<Directory> {
    send(POST, paths::ADMIN_DIRECTORIES, &req).await
}

/// `PATCH /api/admin/directories/{id}`: renames a directory (operators).
pub async fn rename_directory(
    directory_id: String,
    req: UpdateDirectoryRequest,
) -> ApiResult<Directory> {
    send(PATCH, &paths::admin_directory(&directory_id), &req).await
}

/// `GET /api/admin/directories/{id}/policy`: the policy, its analysis and
/// the users' enrolments.
pub async fn policy(directory_id: String) -> ApiResult<PolicyResponse> {
    get(&paths::admin_policy(&directory_id)).await
}

/// `PUT /api/admin/directories/{id}/policy`: saves the policy; answers its
/// analysis. A policy with errors is refused (422, with the report).
pub async fn save_policy(directory_id: String, policy: Policy) -> ApiResult<PolicyReport> {
    send(PUT, &paths::admin_policy(&directory_id), &policy).await
}

/// `POST …/policy/replay`: a draft scored against the last `days` of logins.
pub async fn replay(directory_id: String, policy: Policy, days: u32) -> ApiResult<ReplayAnswer> {
    let req = ReplayRequest {
        policy,
        days: Some(days),
    };
    send(POST, &paths::admin_policy_replay(&directory_id), &req).await
}

/// `GET …/policy/replay/users`: the last replay's users of `outcome`.
pub async fn replay_users(directory_id: String, outcome: Replayed) -> ApiResult<ReplayUsersPage> {
    get(&replay_users_url(&directory_id, outcome, false)).await
}

/// The address of the last replay's users of `outcome`, as JSON or CSV.
pub fn replay_users_url(directory_id: &str, outcome: Replayed, csv: bool) -> String {
    format!(
        "{}{}?outcome={}",
        paths::admin_policy_replay_users(directory_id),
        if csv { ".csv" } else { "" },
        outcome.as_str()
    )
}

/// `GET …/policy/staged`: the staged policy and its counts (`None`: none).
pub async fn staged(directory_id: String) -> ApiResult<Option<StagedPolicy>> {
    match get(&paths::admin_policy_staged(&directory_id)).await {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `PUT …/policy/staged`: stages a policy report-only.
pub async fn stage(directory_id: String, policy: Policy) -> ApiResult<PolicyReport> {
    send(PUT, &paths::admin_policy_staged(&directory_id), &policy).await
}

/// `DELETE …/policy/staged`: drops the staged policy.
pub async fn unstage(directory_id: String) -> ApiResult<()> {
    delete(&paths::admin_policy_staged(&directory_id)).await
}

/// `POST …/policy/staged/promote`: the staged policy becomes the active one.
pub async fn promote(directory_id: String) -> ApiResult<PolicyReport> {
    send(POST, &paths::admin_policy_promote(&directory_id), &Empty {}).await
}

/// `DELETE /api/admin/users/{id}/recovery-codes`: revokes a user's codes.
pub async fn revoke_recovery_codes(user_id: String) -> ApiResult<()> {
    delete(&paths::admin_recovery_codes(&user_id)).await
}

/// Which of a directory's users to list or export, as the query names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsersQuery {
    /// Searched in username, display name, email and phone.
    pub q: String,
    /// A `UserFilter`'s query value, or empty.
    pub filter: String,
    /// The policy being edited, as JSON (for `cannot_reach_edited`), or empty.
    pub policy: String,
}

impl UsersQuery {
    /// The query string (with its `?`) of these and `more` pairs.
    fn with(&self, more: &[(&str, &str)]) -> String {
        let mut pairs = vec![
            ("q", self.q.as_str()),
            ("filter", self.filter.as_str()),
            ("policy", self.policy.as_str()),
        ];
        pairs.extend_from_slice(more);
        query(&pairs)
    }
}

/// `GET /api/admin/directories/{id}/users`: one page of the users `which`
/// names, by username, from `cursor` (the first page when empty).
pub async fn users(
    directory_id: String,
    which: UsersQuery,
    cursor: String,
    limit: u32,
) -> ApiResult<UsersPage> {
    let limit = limit.to_string();
    let rest = which.with(&[("cursor", &cursor), ("limit", &limit)]);
    get(&format!("{}{rest}", paths::admin_users(&directory_id))).await
}

/// `GET /api/admin/directories/{id}/users/export`: the address of the CSV
/// of the users `which` names (a link downloads it).
pub fn users_export_url(directory_id: &str, which: &UsersQuery) -> String {
    format!(
        "{}{}",
        paths::admin_users_export(directory_id),
        which.with(&[])
    )
}

/// `POST /api/admin/directories/{id}/users/import`: checks (`dry_run`) or
/// applies a CSV file; `update`: existing users are updated, else their
/// rows are errors.
pub async fn import_users(
    directory_id: String,
    csv: String,
    dry_run: bool,
    update: bool,
) -> ApiResult<ImportReport> {
    let rest = query(&[
        ("dry_run", if dry_run { "true" } else { "false" }),
        ("update", if update { "true" } else { "false" }),
    ]);
    let path = format!("{}{rest}", paths::admin_users_import(&directory_id));
    decode(&exchange_as(HttpMethod::POST, &path, Some(("text/csv", csv))).await?)
}

/// `POST /api/admin/directories/{id}/users/bulk`: one action for many users.
pub async fn bulk(directory_id: String, req: BulkRequest) -> ApiResult<BulkResult> {
    send(POST, &paths::admin_users_bulk(&directory_id), &req).await
}

/// `GET /api/admin/users/{id}`: one user.
pub async fn user(user_id: String) -> ApiResult<User> {
    get(&paths::admin_user(&user_id)).await
}

/// `POST /api/admin/directories/{id}/users`: a new user and their setup link.
pub async fn create_user(directory_id: String, req: CreateUserRequest) -> ApiResult<CreatedUser> {
    send(POST, &paths::admin_users(&directory_id), &req).await
}

/// `PATCH /api/admin/users/{id}`: changes a user.
pub async fn update_user(user_id: String, req: UpdateUserRequest) -> ApiResult<User> {
    send(PATCH, &paths::admin_user(&user_id), &req).await
}

/// `POST /api/admin/users/{id}/setup-link`: a new setup link for a user.
pub async fn new_setup_link(user_id: String) -> ApiResult<SetupLink> {
    send(POST, &paths::admin_setup_link(&user_id), &Empty {}).await
}

/// `POST /api/admin/users/{id}/unlock`: lifts a user's lockouts.
pub async fn unlock_user(user_id: String) -> ApiResult<()> {
    exchange(
        HttpMethod::POST,
        &paths::admin_unlock(&user_id),
        Some(encode(&Empty {})?),
    )
    .await
    .map(drop)
}

/// `DELETE /api/admin/users/{id}/sessions`: ends every session of a user.
pub async fn end_user_sessions(user_id: String) -> ApiResult<()> {
    delete(&paths::admin_user_sessions(&user_id)).await
}

/// `GET /api/admin/audit`: the newest `limit` events of a directory.
pub async fn audit(directory_id: String, limit: u32) -> ApiResult<Vec<AuditEvent>> {
    get(&format!(
        "{}?directory={directory_id}&limit={limit}",
        paths::ADMIN_AUDIT
    ))
    .await
}

/// `GET /api/admin/directories/{id}/clients`: a directory's applications.
pub async fn clients(directory_id: String) -> ApiResult<Vec<ClientInfo>> {
    get(&paths::admin_clients(&directory_id)).await
}

/// `POST /api/admin/directories/{id}/clients`: registers an application;
/// a confidential one's secret comes back this once.
pub async fn create_client(
    directory_id: String,
    req: CreateClientRequest,
) -> ApiResult<CreatedClient> {
    send(POST, &paths::admin_clients(&directory_id), &req).await
}

/// `DELETE /api/admin/clients/{id}`: removes an application and ends its tokens.
pub async fn delete_client(client_id: String) -> ApiResult<()> {
    delete(&paths::admin_client(&client_id)).await
}
