//! One module per page (route).

mod admin;
mod home;
mod login;
mod setup;

pub use admin::AdminPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use setup::SetupPage;
