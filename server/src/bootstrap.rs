//! The first start: the `default` directory with the `two-factor` policy,
//! and an `admin` account whose setup link is printed once.

use crate::clock::now;
use crate::error::ApiResult;
use crate::login::DEFAULT_DIRECTORY;
use crate::setup::issue_link;
use crate::state::AppState;
use crate::store::{DirectoryRow, NewUser};
use crate::token;
use authlevel_core::Policy;
use authlevel_core::api::{Role, SetupLink};

/// Creates the default directory and the admin account when the database is
/// empty, and answers the admin's setup link; `None` when already set up.
/// On several instances starting at once, exactly one creates them.
pub async fn first_start(app: &AppState) -> ApiResult<Option<SetupLink>> {
    let dir = DirectoryRow {
        id: token::new_id(),
        slug: DEFAULT_DIRECTORY.into(),
        name: "Default".into(),
        policy: Policy::default(),
        staged: None,
    };
    if !app.store.insert_directory(&dir, now()).await? {
        return Ok(None);
    }
    let admin = NewUser {
        directory_id: dir.id.clone(),
        username: "admin".into(),
        display_name: "Administrator".into(),
        email: None,
        phone: None,
        role: Role::Admin,
    };
    let Some(user) = app
        .store
        .insert_user(&token::new_id(), &admin, now())
        .await?
    else {
        return Ok(None);
    };
    crate::audit::event(authlevel_core::AuditKind::Bootstrap, true)
        .directory(&dir.id)
        .user(Some(&user.id))
        .detail("default directory and admin account created")
        .record(app)
        .await;
    Ok(Some(issue_link(app, &user.id).await?))
}
