//! The approval app (`/app/`, a bundle of its own, installable to the home
//! screen). Opened with a pairing link (`#pair=<token>`), it pairs this
//! phone: a device key (WebAuthn, the phone's screen lock unlocks it), a
//! push subscription when the browser gives one, a name; the token it
//! gets back is kept in this browser's storage and names the phone on the
//! app's routes. Paired, it shows the approvals waiting, looked at every
//! few seconds and at once on a push; the person picks the number on the
//! login page and approves (signing the challenge with the device key),
//! declines, or says "this wasn't me".

use crate::api::{self, ApiError, ApiResult, exchange_bearer};
use crate::components::{Busy, BusyButton, BusyIndicator, ProblemMessage};
use crate::language::{self, LanguageSwitch, lang};
use crate::text::app as t;
use crate::webauthn;
use authlevel_core::Lang;
use authlevel_core::api::{AppPaired, VapidKey, paths};
use gloo_net::http::Method as HttpMethod;
use leptos::prelude::*;
use serde::Deserialize;
use std::time::Duration;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/phone/push.js")]
extern "C" {
    #[wasm_bindgen(js_name = registerWorker)]
    async fn register_worker() -> JsValue;
    async fn subscribe(vapid_key: &str) -> JsValue;
    #[wasm_bindgen(js_name = onPush)]
    fn on_push(callback: &Closure<dyn FnMut()>);
}

/// Where the app keeps its token.
const TOKEN: &str = "authlevel-app-token";

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn stored_token() -> Option<String> {
    storage()?
        .get_item(TOKEN)
        .ok()
        .flatten()
        .filter(|t| !t.is_empty())
}

/// The pairing token of the address (`#pair=…`).
fn pairing_token() -> Option<String> {
    let hash = window().location().hash().ok()?;
    hash.strip_prefix("#pair=")
        .map(str::to_owned)
        .filter(|t| !t.is_empty())
}

/// The app: pairing, or the approvals.
#[component]
pub fn PhoneApp() -> impl IntoView {
    let lang = language::provide(Some(t::title));
    Busy::provide();
    let token = RwSignal::new(stored_token());
    let pairing = RwSignal::new(pairing_token());
    // What pairing said, shown above the approvals.
    let paired = RwSignal::new(None::<String>);
    if pairing.get_untracked().is_none() && token.get_untracked().is_some() {
        // The worker shows the pushes; registering it again is harmless.
        leptos::task::spawn_local(async {
            register_worker().await;
        });
    }
    let on_paired = Callback::new(move |(device_token, pushed): (String, bool)| {
        if let Some(s) = storage() {
            let _ = s.set_item(TOKEN, &device_token);
        }
        // The link is spent: off the address, so a reload does not reuse it.
        let _ = window()
            .history()
            .and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some("/app/")));
        let said = if pushed {
            t::paired(lang)
        } else {
            format!("{} {}", t::paired(lang), t::no_push(lang))
        };
        paired.set(Some(said));
        pairing.set(None);
        token.set(Some(device_token));
    });
    view! {
        <header class="top">
            <span class="brand">"authlevel"</span>
            <BusyIndicator />
            <LanguageSwitch />
        </header>
        <main>
            <div class="card">
                <h1>{t::heading(lang)}</h1>
                {move || paired.get().map(|n| view! { <p class="ok" role="status">{n}</p> })}
                {move || match (pairing.get(), token.get()) {
                    (Some(p), _) => view! { <Pairing pairing=p on_paired /> }.into_any(),
                    (None, Some(tok)) => view! { <Approvals token=tok on_unpaired=token /> }.into_any(),
                    (None, None) => view! { <p>{t::not_paired(lang)}</p> }.into_any(),
                }}
            </div>
        </main>
    }
}

/// Pairs this phone with the link's token; `on_paired` gets the phone's
/// token and whether push is on.
#[component]
fn Pairing(pairing: String, on_paired: Callback<(String, bool)>) -> impl IntoView {
    let lang = lang();
    let busy = Busy::get();
    let name = RwSignal::new(t::phone_default(lang));
    let error = RwSignal::new(None::<String>);
    let pairing = StoredValue::new(pairing);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let (pairing, name) = (pairing.get_value(), name.get_untracked());
        busy.run(
            pair(pairing, name),
            move |(paired, pushed)| on_paired.run((paired.device_token, pushed)),
            move |e| error.set(Some(e.message(lang))),
        );
    };
    view! {
        <p>{t::pair_intro(lang)}</p>
        <form class="row" on:submit=submit>
            <label for="phone-name">{t::phone_name(lang)}</label>
            <input id="phone-name" type="text" maxlength="64" required bind:value=name />
            <BusyButton class="primary" submit=true>{t::pair(lang)}</BusyButton>
        </form>
        <ProblemMessage message=error />
    }
}

/// Pairs: the device key for the link, then push, then the finish.
/// Answers the phone's token and whether push is on.
async fn pair(pairing: String, name: String) -> ApiResult<(AppPaired, bool)> {
    let start = api::encode(&serde_json::json!({ "token": pairing }))?;
    let options = api::post_raw(paths::APP_PAIR_START, start).await?;
    let Some(credential) = webauthn::create(&options).await? else {
        return Err(api::transport(None, api::Fault::PasskeyNotUsed));
    };
    let vapid: VapidKey =
        api::decode(&api::exchange(HttpMethod::GET, paths::APP_VAPID, None).await?)?;
    let push = subscribe(&vapid.public_key)
        .await
        .as_string()
        .unwrap_or_default();
    let push = if push.is_empty() {
        "null".to_owned()
    } else {
        push
    };
    let body = format!(
        r#"{{"token":{},"credential":{credential},"name":{},"push":{push}}}"#,
        api::encode(&pairing)?,
        api::encode(&name)?
    );
    let paired = api::decode(&api::post_raw(paths::APP_PAIR_FINISH, body).await?)?;
    Ok((paired, push != "null"))
}

/// An approval waiting, as the app's route answers it.
#[derive(Debug, Clone, Deserialize)]
struct Pending {
    id: String,
    directory: String,
    client: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    created_at: i64,
    choices: Vec<u8>,
    challenge: serde_json::Value,
}

/// The approvals waiting, looked at every 3 seconds and at once on a push.
#[component]
fn Approvals(token: String, on_unpaired: RwSignal<Option<String>>) -> impl IntoView {
    let lang = lang();
    let token = StoredValue::new(token);
    let list = RwSignal::new(Vec::<Pending>::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match approvals(&token.get_value()).await {
                Ok(l) => list.set(l),
                Err(e) if e.status() == Some(401) => forget(on_unpaired, error, lang),
                Err(_) => {}
            }
        });
    };
    load();
    let tick = set_interval_with_handle(load, Duration::from_secs(3)).ok();
    let pushed = Closure::<dyn FnMut()>::new(load);
    on_push(&pushed);
    pushed.forget();
    on_cleanup(move || {
        if let Some(t) = tick {
            t.clear();
        }
    });
    let answered = Callback::new(move |said: String| {
        notice.set(Some(said));
        load();
    });
    view! {
        {move || notice.get().map(|n| view! { <p class="ok" role="status">{n}</p> })}
        <ProblemMessage message=error />
        {move || {
            let l = list.get();
            if l.is_empty() {
                view! { <p class="hint">{t::waiting(lang)}</p> }.into_any()
            } else {
                l.into_iter()
                    .map(|p| view! { <ApprovalCard pending=p token error answered /> })
                    .collect_view()
                    .into_any()
            }
        }}
    }
}

/// This phone was removed from the account: the token is forgotten.
fn forget(on_unpaired: RwSignal<Option<String>>, error: RwSignal<Option<String>>, lang: Lang) {
    if let Some(s) = storage() {
        let _ = s.remove_item(TOKEN);
    }
    error.set(Some(t::unpaired(lang)));
    on_unpaired.set(None);
}

/// One approval: what asks, the three numbers, and the answers.
#[component]
fn ApprovalCard(
    pending: Pending,
    token: StoredValue<String>,
    error: RwSignal<Option<String>>,
    answered: Callback<String>,
) -> impl IntoView {
    let lang = lang();
    let busy = Busy::get();
    let chosen = RwSignal::new(None::<u8>);
    let id = StoredValue::new(pending.id.clone());
    let challenge = StoredValue::new(pending.challenge.to_string());
    let answer = move |decision: &'static str| {
        error.set(None);
        let choice = chosen.get_untracked().unwrap_or(0);
        let said = match decision {
            "approve" => t::approved(lang),
            "deny" => t::denied(lang),
            _ => t::stopped(lang),
        };
        busy.run(
            respond(
                token.get_value(),
                id.get_value(),
                choice,
                decision,
                challenge.get_value(),
            ),
            move |()| answered.run(said),
            move |e: ApiError| error.set(Some(e.message(lang))),
        );
    };
    let from = t::from_browser(
        lang,
        pending.ip.as_deref().unwrap_or("?"),
        pending.user_agent.as_deref().unwrap_or("?"),
    );
    let when = t::asked_at(lang, &crate::pages::local_time(lang, pending.created_at));
    let numbers = pending.choices.clone();
    view! {
        <section class="approval" aria-label=t::login_to(lang, &pending.directory)>
            <h2>{t::login_to(lang, &pending.directory)}</h2>
            {pending.client.as_deref().map(|c| view! { <p>{t::for_client(lang, c)}</p> })}
            <p class="hint">{from} <br /> {when}</p>
            <p>{t::pick(lang)}</p>
            <div class="row numbers" role="group" aria-label=t::pick(lang)>
                {numbers
                    .into_iter()
                    .map(|n| {
                        view! {
                            <button
                                type="button"
                                class="number"
                                aria-pressed=move || (chosen.get() == Some(n)).to_string()
                                on:click=move |_| chosen.set(Some(n))
                            >
                                {n}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="row answers">
                <BusyButton
                    class="primary"
                    disabled=Signal::derive(move || chosen.get().is_none())
                    on_click=move |_| answer("approve")
                >
                    {t::approve(lang)}
                </BusyButton>
                <BusyButton class="secondary" on_click=move |_| answer("deny")>
                    {t::deny(lang)}
                </BusyButton>
                <BusyButton class="secondary danger" on_click=move |_| answer("not_me")>
                    {t::not_me(lang)}
                </BusyButton>
            </div>
        </section>
    }
}

/// `GET /api/app/approvals`.
async fn approvals(token: &str) -> ApiResult<Vec<Pending>> {
    api::decode(&exchange_bearer(HttpMethod::GET, paths::APP_APPROVALS, token, None).await?)
}

/// `POST /api/app/approvals/{id}`: to approve, the device key signs the
/// challenge first (the phone asks for its screen lock).
async fn respond(
    token: String,
    id: String,
    choice: u8,
    decision: &'static str,
    challenge: String,
) -> ApiResult<()> {
    let assertion = if decision == "approve" {
        match webauthn::sign(&challenge).await? {
            Some(a) => a,
            None => return Err(api::transport(None, api::Fault::PasskeyNotUsed)),
        }
    } else {
        "null".to_owned()
    };
    let body = format!(r#"{{"choice":{choice},"decision":"{decision}","assertion":{assertion}}}"#);
    let path = paths::app_approval(&id);
    exchange_bearer(HttpMethod::POST, &path, &token, Some(body))
        .await
        .map(drop)
}
