//! One module per page (route).

mod admin;
mod audit;
mod clients;
mod directories;
mod home;
mod import;
mod login;
mod profile;
mod replay;
mod setup;
mod user;
mod users;

use crate::app::LOGIN;
use leptos::prelude::*;

pub use admin::DirectoryPage;
pub use directories::DirectoriesPage;
pub use home::HomePage;
pub use login::LoginPage;
pub(crate) use login::{page_param, set_login_directory};
pub use profile::ProfilePage;
pub use setup::SetupPage;

/// A link to the login page with `text`, shown while `when` holds (the
/// server wants an administrator's login).
#[component]
fn LoginLink(when: RwSignal<bool>, text: String) -> impl IntoView {
    view! {
        <Show when=move || when.get()>
            <p>
                <a href=LOGIN>{text.clone()}</a>
            </p>
        </Show>
    }
}

/// A Unix time (seconds) in the page's language (the browser's own
/// variant of it, such as `en-GB`) and the browser's time zone.
pub(crate) fn local_time(lang: authlevel_core::Lang, unix_s: i64) -> String {
    // f64 holds every millisecond timestamp of the next 200,000 years exactly.
    #[allow(clippy::cast_precision_loss)]
    let ms = unix_s as f64 * 1000.0;
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms))
        .to_locale_string(
            &crate::language::locale(lang),
            &wasm_bindgen::JsValue::UNDEFINED,
        )
        .into()
}
