//! Recovery codes for a lost phone: how many are left (a warning at 3 or
//! fewer), and a new set, shown once, to copy, print or download.

use super::{BusyButton, Feedback};
use crate::api;
use leptos::prelude::*;

/// At or below this many codes left, the person is told to make new ones.
const FEW: u32 = 3;

/// The file a set downloads as: one code per line, with what they are.
fn as_text(codes: &[String]) -> String {
    let mut text = String::from(
        "Recovery codes. Each works once, in place of your phone or authenticator app.\n\
         Keep them somewhere safe, apart from your devices.\n\n",
    );
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
    let shown = RwSignal::new(None::<Vec<String>>);
    let make = move |_| {
        feedback.clear();
        feedback.run(api::make_recovery_codes(), move |r| {
            shown.set(Some(r.codes));
            feedback.ok("Your new recovery codes are below. Any earlier ones no longer work.");
            on_done.try_run(());
        });
    };
    let copy = move |_| {
        if let (Some(codes), Some(w)) = (shown.get_untracked(), web_sys::window()) {
            let _ = w.navigator().clipboard().write_text(&as_text(&codes));
            feedback.ok("Copied.");
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
                    let text = match n {
                        0 => "You have no recovery codes.".to_owned(),
                        1 => "1 recovery code is left.".to_owned(),
                        n => format!("{n} recovery codes are left."),
                    };
                    let few = n > 0 && n <= FEW;
                    view! {
                        <p class:warning=few data-testid="recovery-left">
                            {text}
                            {few.then_some(" Make a new set before they run out.")}
                        </p>
                    }
                })
        }}
        {move || match shown.get() {
            None => view! {
                <BusyButton class="secondary" on_click=make>
                    {move || if remaining.get().unwrap_or(0) > 0 { "Make a new set" } else { "Make recovery codes" }}
                </BusyButton>
            }
                .into_any(),
            Some(codes) => {
                let href = data_url(&as_text(&codes));
                view! {
                    <p>
                        "Keep these somewhere safe, apart from your phone. Each works once; they are shown only now."
                    </p>
                    <ol class="recovery-codes">
                        {codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
                    </ol>
                    <p class="row">
                        <BusyButton class="secondary" on_click=copy>"Copy"</BusyButton>
                        <BusyButton class="secondary" on_click=print>"Print"</BusyButton>
                        <a class="button secondary" href=href download="recovery-codes.txt">"Download"</a>
                    </p>
                }
                    .into_any()
            }
        }}
    }
}
