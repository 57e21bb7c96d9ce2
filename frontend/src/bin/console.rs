//! The console bundle: home, setup link, profile and administration.

fn main() {
    authlevel_frontend::mount_console();
}
