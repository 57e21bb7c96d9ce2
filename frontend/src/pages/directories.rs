//! `/admin`: the directories this administrator manages, each with its
//! login page's address and links to its tabs. Operators (administrators
//! of `default`) see every directory, create directories and rename them.

use crate::api;
use crate::app::{LOGIN, Tab, directory_path, encode};
use crate::components::{
    Busy, BusyButton, Feedback, FeedbackView, Field, ToggleButton, list_or_hint,
};
use crate::pages::LoginLink;
use crate::text::{self, admin as t};
use authlevel_core::api::{CreateDirectoryRequest, Directory, Role, UpdateDirectoryRequest};
use leptos::prelude::*;

/// The longest slug the server accepts.
const MAX_SLUG: usize = 63;

/// A slug made of a name: lowercase letters and digits, other runs as one
/// `-`, at most [`MAX_SLUG`] characters.
fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(MAX_SLUG);
    slug.trim_end_matches('-').to_owned()
}

/// The address of a directory's login page.
pub fn login_url(slug: &str) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!("{origin}{LOGIN}?directory={}", encode(slug))
}

/// The directories page.
#[component]
pub fn DirectoriesPage() -> impl IntoView {
    let busy = Busy::get();
    let feedback = Feedback::new();
    let directories = RwSignal::new(None::<Vec<Directory>>);
    let operator = RwSignal::new(false);
    let needs_login = RwSignal::new(false);
    let lang = feedback.lang;

    busy.spawn(async move {
        match api::directories().await {
            Ok(list) => directories.set(Some(list)),
            Err(e) => {
                needs_login.set(e.status() == Some(401));
                feedback.fail(e);
            }
        }
        // Operators are the administrators of the default directory.
        if let Ok(s) = api::session().await {
            operator.set(s.role == Role::Admin && s.directory == "default");
        }
    });

    view! {
        <div class="card wide">
            <h1>{t::directories(lang)}</h1>
            <FeedbackView feedback />
            <LoginLink when=needs_login text=t::log_in_as_admin(lang) />
            {move || {
                directories.get().map(|list| {
                    list_or_hint(list, "directories-list", t::no_directories(lang), |d| {
                        view! { <DirectoryRow directory=d operator directories feedback /> }
                    })
                })
            }}
            <Show when=move || operator.get()>
                <CreateDirectory directories feedback />
            </Show>
        </div>
    }
}

/// One directory: its name, slug, login page, tabs, and (operators) renaming.
#[component]
fn DirectoryRow(
    directory: Directory,
    operator: RwSignal<bool>,
    directories: RwSignal<Option<Vec<Directory>>>,
    feedback: Feedback,
) -> impl IntoView {
    let Directory { id, slug, name, .. } = directory;
    let lang = feedback.lang;
    let renaming = RwSignal::new(false);
    let new_name = RwSignal::new(name.clone());
    let id = StoredValue::new(id);
    let rename = feedback.on_submit(move || {
        let req = UpdateDirectoryRequest {
            name: new_name.get_untracked().trim().to_owned(),
        };
        feedback.run(api::rename_directory(id.get_value(), req), move |d| {
            feedback.ok(t::directory_renamed(lang, &d.slug, &d.name));
            directories.update(|list| {
                if let Some(old) = list.iter_mut().flatten().find(|o| o.id == d.id) {
                    *old = d;
                }
            });
        });
    });
    let login = login_url(&slug);
    let login_text = login.clone();
    let field = format!("rename-{slug}");
    view! {
        <li class="directory" data-slug=slug.clone()>
            <div class="user-head">
                <a href=directory_path(&slug, Tab::Authentication)>
                    <strong>{name}</strong>
                </a>
                <span class="hint">{slug.clone()}</span>
            </div>
            <p class="hint">{t::login_page(lang)} " " <a href=login>{login_text}</a></p>
            <nav class="actions" aria-label=t::directory_tabs_of(lang, &slug)>
                {Tab::ALL
                    .into_iter()
                    .map(|tab| view! { <a href=directory_path(&slug, tab)>{tab.label_in(lang)}</a> })
                    .collect_view()}
                <Show when=move || operator.get()>
                    <ToggleButton open=renaming>{text::rename(lang)}</ToggleButton>
                </Show>
            </nav>
            <Show when=move || renaming.get()>
                <form class="row" on:submit=rename>
                    <label class="visually-hidden" for=field.clone()>{t::new_name(lang)}</label>
                    <input id=field.clone() type="text" maxlength="100" required bind:value=new_name />
                    <BusyButton class="primary" submit=true>{t::save_name(lang)}</BusyButton>
                </form>
            </Show>
        </li>
    }
}

/// The form that creates a directory (operators).
#[component]
fn CreateDirectory(
    directories: RwSignal<Option<Vec<Directory>>>,
    feedback: Feedback,
) -> impl IntoView {
    let lang = feedback.lang;
    let name = RwSignal::new(String::new());
    let slug = RwSignal::new(String::new());
    // The slug follows the name until it is typed by hand.
    let slug_typed = RwSignal::new(false);
    let submit = feedback.on_submit(move || {
        let req = CreateDirectoryRequest {
            slug: slug.get_untracked().trim().to_owned(),
            name: name.get_untracked().trim().to_owned(),
            policy: None,
        };
        feedback.run(api::create_directory(req), move |d| {
            feedback.ok(t::directory_created(lang, &d.name, &login_url(&d.slug)));
            directories.update(|list| list.get_or_insert_default().push(d));
            name.set(String::new());
            slug.set(String::new());
            slug_typed.set(false);
        });
    });
    view! {
        <h2>{t::create_directory_title(lang)}</h2>
        <form class="directory-create" on:submit=submit>
            <Field
                id="directory-name"
                label=t::directory_name(lang)
                maxlength=100
                value=name
                on_input=move |typed: String| {
                    if !slug_typed.get_untracked() {
                        slug.set(slug_of(&typed));
                    }
                    name.set(typed);
                }
            />
            <Field
                id="directory-slug"
                label=t::directory_slug(lang)
                verbatim=true
                maxlength=63
                pattern="[a-z0-9][a-z0-9\\-]*"
                value=slug
                on_input=move |typed| {
                    slug_typed.set(true);
                    slug.set(typed);
                }
            />
            <BusyButton class="primary" submit=true>{t::create_directory(lang)}</BusyButton>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn slugs_of_names() {
        assert_eq!(slug_of("Acme Corp."), "acme-corp");
        assert_eq!(slug_of("  Zürich  Büro 2 "), "z-rich-b-ro-2");
        assert_eq!(slug_of("---"), "");
        assert_eq!(slug_of(&"a".repeat(70)).len(), 63);
    }
}
