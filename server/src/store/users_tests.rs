//! The users store's tests.

use super::*;
use crate::store::DirectoryRow;

/// A new user's `enrolled` bits, written with the row, are what the
/// recount of every method's `ENROLLED` finds.
#[tokio::test]
async fn a_new_users_bits_are_the_recounts() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/users.db", dir.path().display());
    let store = Store::open(&url, 2).await.unwrap();
    store.migrate().await.unwrap();
    let d = DirectoryRow {
        id: "d".into(),
        slug: "d".into(),
        name: "D".into(),
        policy: authlevel_core::Policy::default(),
        staged: None,
    };
    store.insert_directory(&d, 0).await.unwrap();
    let contacts = [
        (None, None),
        (Some("a@example.com"), None),
        (None, Some("+41791234567")),
        (Some("b@example.com"), Some("+41791234568")),
    ];
    for (i, (email, phone)) in contacts.into_iter().enumerate() {
        let id = format!("u{i}");
        let new = NewUser {
            directory_id: d.id.clone(),
            username: id.clone(),
            display_name: id.clone(),
            email: email.map(str::to_owned),
            phone: phone.map(str::to_owned),
            role: Role::User,
        };
        let mut tx = store.begin().await.unwrap();
        assert!(tx.insert_user(&id, &new, 0).await.unwrap());
        tx.commit().await.unwrap();
        let sql = "SELECT enrolled FROM users WHERE id = $1";
        let read = |r: &crate::store::TxRow| r.col::<i64>("enrolled");
        let written = store.one(sqlx::query(sql).bind(&id), read).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        tx.recount_enrolled(&id).await.unwrap();
        tx.commit().await.unwrap();
        let recounted = store.one(sqlx::query(sql).bind(&id), read).await.unwrap();
        assert_eq!(written, recounted, "{email:?} {phone:?}");
    }
}
