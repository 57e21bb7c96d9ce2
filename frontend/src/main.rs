//! The login bundle: the login page alone, so the page everyone loads is
//! small.

fn main() {
    authlevel_frontend::mount_login();
}
