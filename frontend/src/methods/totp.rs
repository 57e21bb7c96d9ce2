//! The authenticator app's section: setting one up (its QR code and key,
//! then a code from it), and on the profile removing it.

use super::{Place, Section};
use crate::api::{ApiResult, Empty, POST, delete, post_empty, send};
use crate::components::{BusyButton, ConfirmForm, Feedback};
use crate::text::account as t;
use authlevel_core::Method;
use authlevel_core::api::{CodeRequest, TotpSetupResponse, paths};
use leptos::prelude::*;

/// The label of a code from the app, as its description words it.
fn code_label(lang: authlevel_core::Lang) -> String {
    Method::Totp
        .spec()
        .code_label
        .map(|w| w.in_lang(lang).to_owned())
        .unwrap_or_default()
}

/// The section.
pub fn section(s: Section) -> AnyView {
    let (lang, feedback, on_done) = (s.lang, s.feedback, s.on_done);
    s.frame(
        Method::Totp,
        Method::Totp.label_in(lang),
        false,
        move || {
            view! {
                {move || match (s.has(Method::Totp), s.place) {
                    (true, Place::Setup) => {
                        view! { <p class="ok">{t::set_up_done(lang)}</p> }.into_any()
                    }
                    (true, Place::Profile) => view! { <TotpRemove feedback on_done /> }.into_any(),
                    (false, _) => view! { <TotpEnrol feedback on_done /> }.into_any(),
                }}
            }
            .into_any()
        },
    )
}

/// Sets up an authenticator app: the QR code and the secret, then a code
/// from the app confirms it.
#[component]
pub fn TotpEnrol(feedback: Feedback, on_done: Callback<()>) -> impl IntoView {
    let lang = feedback.lang;
    let secret = RwSignal::new(None::<(String, String)>);
    let start = move |_| {
        feedback.clear();
        feedback.run(totp_setup(), move |r| {
            secret.set(Some((r.secret, r.qr_svg)));
        });
    };
    let confirm = Callback::new(move |code: String| {
        feedback.clear();
        feedback.run(totp_confirm(CodeRequest { code }), move |()| {
            secret.set(None);
            feedback.ok(t::totp_done(lang));
            on_done.try_run(());
        });
    });
    view! {
        {move || match secret.get() {
            None => {
                view! {
                    <BusyButton class="secondary" on_click=start>
                        {t::totp_start(lang)}
                    </BusyButton>
                }
                    .into_any()
            }
            Some((text, svg)) => {
                view! {
                    <p>{t::totp_scan(lang)}</p>
                    // The server's SVG: a QR code of the otpauth:// URI, no scripts.
                    <div class="qr" role="img" aria-label=t::totp_qr(lang) inner_html=svg></div>
                    <p>{t::totp_key(lang)} " " <code class="secret">{text}</code></p>
                    <ConfirmForm id="totp-confirm" label=code_label(lang) on_code=confirm />
                }
                    .into_any()
            }
        }}
    }
}

/// The app is set up: removing it.
#[component]
fn TotpRemove(feedback: Feedback, on_done: Callback<()>) -> impl IntoView {
    let lang = feedback.lang;
    let remove = move |_| {
        feedback.clear();
        feedback.run(totp_remove(), move |()| {
            feedback.ok(t::totp_removed(lang));
            on_done.try_run(());
        });
    };
    view! {
        <p class="ok">{t::set_up_done(lang)}</p>
        <BusyButton class="secondary danger" on_click=remove>
            {t::totp_remove(lang)}
        </BusyButton>
    }
}

// Its routes, as the section calls them.

/// `POST /api/me/totp/setup`: a new authenticator-app secret to confirm.
async fn totp_setup() -> ApiResult<TotpSetupResponse> {
    send(POST, paths::ME_TOTP_SETUP, &Empty {}).await
}

/// `POST /api/me/totp/confirm`: confirms the secret with a code from the app.
async fn totp_confirm(req: CodeRequest) -> ApiResult<()> {
    post_empty(paths::ME_TOTP_CONFIRM, &req).await
}

/// `DELETE /api/me/totp`: removes the authenticator app.
async fn totp_remove() -> ApiResult<()> {
    delete(paths::ME_TOTP).await
}
