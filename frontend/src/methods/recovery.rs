//! The recovery codes' section, for a lost phone: how many are left (a
//! warning at 3 or fewer), and a new set, shown once, to copy, print or
//! download.

use super::{Place, Section};
use crate::api::{ApiResult, Empty, POST, get, send};
use crate::components::{BusyButton, Feedback};
use crate::text::{self, account as t};
use authlevel_core::api::{RecoveryCodes, RecoveryCodesStatus, paths};
use authlevel_core::{Lang, Method};
use leptos::prelude::*;

/// At or below this many codes left, the person is told to make new ones.
const FEW: u32 = 3;

/// The section. How many codes are left is its own to load, and again
/// after each change.
pub fn section(s: Section) -> AnyView {
    let (lang, feedback, on_done) = (s.lang, s.feedback, s.on_done);
    let remaining = RwSignal::new(None::<u32>);
    let load = Callback::new(move |()| {
        feedback.run(recovery_codes(), move |r| remaining.set(Some(r.remaining)));
    });
    load.run(());
    let changed = Callback::new(move |()| {
        load.run(());
        on_done.run(());
    });
    let intro = s.place == Place::Setup;
    s.frame(
        Method::Recovery,
        text::recovery_codes(lang),
        true,
        move || {
            view! {
                {intro.then(|| view! { <p>{t::recovery_intro(lang)}</p> })}
                <RecoveryCodesEnrol feedback remaining on_done=changed />
            }
            .into_any()
        },
    )
}

/// The file a set downloads as: one code per line, with what they are.
fn as_text(lang: Lang, codes: &[String]) -> String {
    let mut text = t::recovery_file_intro(lang);
    for code in codes {
        text.push_str(code);
        text.push('\n');
    }
    text
}

/// A `data:` URL of `text`, for a download link.
fn data_url(text: &str) -> String {
    let encoded: String = js_sys::encode_uri_component(text).into();
    format!("data:text/plain;charset=utf-8,{encoded}")
}

/// The recovery-code section of the setup and profile pages. `remaining`
/// is how many are left (`None` while unknown).
#[component]
pub fn RecoveryCodesEnrol(
    feedback: Feedback,
    #[prop(into)] remaining: Signal<Option<u32>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let lang = feedback.lang;
    let shown = RwSignal::new(None::<Vec<String>>);
    let make = move |_| {
        feedback.clear();
        feedback.run(make_recovery_codes(), move |r| {
            shown.set(Some(r.codes));
            feedback.ok(t::recovery_made(lang));
            on_done.try_run(());
        });
    };
    let copy = move |_| {
        if let (Some(codes), Some(w)) = (shown.get_untracked(), web_sys::window()) {
            let _ = w.navigator().clipboard().write_text(&as_text(lang, &codes));
            feedback.ok(text::copied(lang));
        }
    };
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        {move || {
            remaining
                .get()
                .map(|n| {
                    let few = n > 0 && n <= FEW;
                    view! {
                        <p class:warning=few data-testid="recovery-left">
                            {t::recovery_left(lang, n)}
                            {few.then(|| format!(" {}", t::recovery_few(lang)))}
                        </p>
                    }
                })
        }}
        {move || match shown.get() {
            None => view! {
                <BusyButton class="secondary" on_click=make>
                    {move || {
                        if remaining.get().unwrap_or(0) > 0 {
                            t::recovery_new_set(lang)
                        } else {
                            t::recovery_make(lang)
                        }
                    }}
                </BusyButton>
            }
                .into_any(),
            Some(codes) => {
                let href = data_url(&as_text(lang, &codes));
                view! {
                    <p>{t::recovery_keep(lang)}</p>
                    <ol class="recovery-codes">
                        {codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
                    </ol>
                    <p class="row">
                        <BusyButton class="secondary" on_click=copy>{text::copy(lang)}</BusyButton>
                        <BusyButton class="secondary" on_click=print>{t::print(lang)}</BusyButton>
                        <a class="button secondary" href=href download=t::recovery_file_name(lang)>
                            {t::download(lang)}
                        </a>
                    </p>
                }
                    .into_any()
            }
        }}
    }
}

// Its routes, as the section calls them.

/// `GET /api/me/recovery-codes`: how many recovery codes are left.
async fn recovery_codes() -> ApiResult<RecoveryCodesStatus> {
    get(paths::ME_RECOVERY_CODES).await
}

/// `POST /api/me/recovery-codes`: a new set, shown once.
async fn make_recovery_codes() -> ApiResult<RecoveryCodes> {
    send(POST, paths::ME_RECOVERY_CODES, &Empty {}).await
}
