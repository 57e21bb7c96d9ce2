//! The approval app's bundle: the page a phone installs to its home
//! screen (`/app/`).

fn main() {
    authlevel_frontend::mount_app();
}
