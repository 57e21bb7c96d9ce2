//! One module per page (route).

mod admin;
mod audit;
mod clients;
mod home;
mod login;
mod profile;
mod setup;
mod users;

pub use admin::AdminPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use profile::ProfilePage;
pub use setup::SetupPage;
