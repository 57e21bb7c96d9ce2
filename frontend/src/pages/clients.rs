//! The Applications tab of a directory: the OpenID Connect clients
//! registered to use this login, registering one (its secret shown once),
//! and removing one.

use crate::api;
use crate::components::{BusyButton, Check, Feedback, FeedbackView, list_or_hint};
use crate::text::{self, admin as t};
use authlevel_core::api::{ClientInfo, CreateClientRequest};
use leptos::prelude::*;

/// The non-blank lines of `text`, trimmed.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The applications of `directory_id`.
#[component]
pub fn ClientsAdmin(#[prop(into)] directory_id: String) -> impl IntoView {
    let feedback = Feedback::new();
    let lang = feedback.lang;
    let clients = RwSignal::new(Vec::<ClientInfo>::new());
    // The application just registered, with its secret (shown once).
    let created = RwSignal::new(None::<(ClientInfo, Option<String>)>);
    let dir = StoredValue::new(directory_id);
    let load = Callback::new(move |()| {
        feedback.run(api::clients(dir.get_value()), move |list| clients.set(list));
    });
    load.try_run(());

    let remove = move |client: ClientInfo| {
        let question = t::confirm_remove_app(lang, &client.name);
        feedback.run_if_confirmed(&question, api::delete_client(client.client_id), move |()| {
            feedback.ok(t::app_removed(lang, &client.name));
            created.set(None);
            load.try_run(());
        });
    };

    let row = move |c: ClientInfo| {
        let kind = if c.confidential {
            t::app_confidential(lang)
        } else {
            t::app_public(lang)
        };
        let facts = format!(
            "{} · {kind} · {}",
            c.client_id,
            t::level_or_more(lang, c.min_level)
        );
        let uris = c.redirect_uris.join(", ");
        let (name, key) = (c.name.clone(), c.client_id.clone());
        view! {
            <li class="client" data-client=key>
                <div class="user-head">
                    <strong>{name}</strong>
                    <span class="hint">{facts}</span>
                </div>
                <p class="hint">{t::redirects_to(lang, &uris)}</p>
                <BusyButton class="secondary" on_click=move |_| remove(c.clone())>
                    {text::remove(lang)}
                </BusyButton>
            </li>
        }
    };
    view! {
        <h2 id="applications">{t::applications_title(lang)}</h2>
        <FeedbackView feedback />
        {move || created.get().map(|(c, secret)| view! { <CreatedView client=c secret /> })}
        {move || list_or_hint(clients.get(), "clients-list", t::no_apps(lang), row)}
        <CreateClient directory_id=dir.get_value() created feedback on_change=load />
    }
}

/// A new application's id and, for a confidential one, its secret: shown
/// this once, only its hash is kept.
#[component]
fn CreatedView(client: ClientInfo, secret: Option<String>) -> impl IntoView {
    let lang = crate::language::lang();
    view! {
        <div class="setup-link" role="status">
            <p>{t::app_registered(lang, &client.name)}</p>
            <label for="client-id">{t::client_id(lang)}</label>
            <input id="client-id" type="text" readonly prop:value=client.client_id.clone() />
            {secret
                .map(|s| {
                    view! {
                        <label for="client-secret">{t::client_secret(lang)}</label>
                        <input id="client-secret" type="text" readonly prop:value=s />
                    }
                })}
        </div>
    }
}

#[component]
fn CreateClient(
    directory_id: String,
    created: RwSignal<Option<(ClientInfo, Option<String>)>>,
    feedback: Feedback,
    on_change: Callback<()>,
) -> impl IntoView {
    let lang = feedback.lang;
    let name = RwSignal::new(String::new());
    let redirects = RwSignal::new(String::new());
    let logout_redirects = RwSignal::new(String::new());
    let min_level = RwSignal::new(String::new());
    let public = RwSignal::new(false);
    let dir = StoredValue::new(directory_id);
    let submit = feedback.on_submit(move || {
        let level = min_level.get_untracked();
        let min_level_value = match level.trim() {
            "" => None,
            l => match l.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    feedback.refuse(t::min_level_invalid);
                    return;
                }
            },
        };
        let req = CreateClientRequest {
            name: name.get_untracked().trim().to_owned(),
            redirect_uris: lines(&redirects.get_untracked()),
            post_logout_redirect_uris: lines(&logout_redirects.get_untracked()),
            scopes: None,
            min_level: min_level_value,
            public: public.get_untracked(),
        };
        feedback.run(api::create_client(dir.get_value(), req), move |c| {
            created.set(Some((c.client, c.client_secret)));
            for field in [name, redirects, logout_redirects, min_level] {
                field.set(String::new());
            }
            public.set(false);
            on_change.try_run(());
        });
    });
    view! {
        <h3>{t::register_app_title(lang)}</h3>
        <form class="client-create" on:submit=submit>
            <label for="client-name">{t::app_name(lang)}</label>
            <input id="client-name" type="text" maxlength="100" required bind:value=name />
            <label for="client-redirects">{t::redirect_uris(lang)}</label>
            <textarea
                id="client-redirects"
                rows="2"
                required
                placeholder="https://app.example.com/callback"
                bind:value=redirects
            ></textarea>
            <label for="client-logout">{t::logout_uris(lang)}</label>
            <textarea id="client-logout" rows="1" bind:value=logout_redirects></textarea>
            <label for="client-level">{t::min_level(lang)}</label>
            <input id="client-level" type="number" inputmode="numeric" min="1" max="1000" bind:value=min_level />
            <Check label=t::public_app(lang) checked=public />
            <BusyButton class="primary" submit=true>{t::register(lang)}</BusyButton>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::lines;

    #[test]
    fn one_uri_per_non_blank_line() {
        assert_eq!(
            lines(" https://a.example/cb \n\n http://localhost:3000/cb\n"),
            vec!["https://a.example/cb", "http://localhost:3000/cb"]
        );
        assert!(lines("  \n").is_empty());
    }
}
