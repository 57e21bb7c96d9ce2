//! The password's section: on the setup page, choosing the first one (or a
//! new one, for recovery); on the profile, changing it.

use super::{Place, Section};
use crate::api::{ApiResult, post_empty};
use crate::components::{Autofill, BusyButton, Feedback, Field};
use crate::text::account as t;
use authlevel_core::api::{ChangePasswordRequest, paths};
use authlevel_core::{Lang, Method};
use leptos::prelude::*;

/// The section.
pub fn section(s: Section) -> AnyView {
    let (lang, feedback, on_done) = (s.lang, s.feedback, s.on_done);
    match s.place {
        // The page's main action: above the other methods, under a heading
        // that says whether one is set.
        Place::Setup => view! {
            <h2>
                {move || {
                    if s.has(Method::Password) {
                        t::change_your_password(lang)
                    } else {
                        t::choose_password(lang)
                    }
                }}
            </h2>
            <NewPasswordForm
                feedback
                button=t::set_password
                done=t::password_set
                primary=true
                on_done
            />
            <crate::components::FeedbackView feedback />
        }
        .into_any(),
        Place::Profile => s.frame(
            Method::Password,
            crate::text::password(lang),
            false,
            move || {
                view! {
                    <NewPasswordForm feedback button=t::change_password done=t::password_changed />
                }
                .into_any()
            },
        ),
    }
}

/// Choosing a password, typed twice: on a setup link (`button` "Set
/// password") and on the profile ("Change password"). `done` is said on
/// success, then `on_done` runs.
#[component]
pub fn NewPasswordForm(
    feedback: Feedback,
    button: fn(Lang) -> String,
    done: fn(Lang) -> String,
    /// Whether the button is the page's main action.
    #[prop(optional)]
    primary: bool,
    #[prop(optional)] on_done: Option<Callback<()>>,
) -> impl IntoView {
    let lang = feedback.lang;
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let submit = feedback.on_submit(move || {
        if password.get_untracked() != confirm.get_untracked() {
            feedback.refuse(t::passwords_differ);
            return;
        }
        let req = ChangePasswordRequest {
            new_password: password.get_untracked(),
        };
        feedback.run(change_password(req), move |()| {
            password.set(String::new());
            confirm.set(String::new());
            feedback.ok(done(lang));
            if let Some(f) = on_done {
                f.try_run(());
            }
        });
    });
    view! {
        <form class="password-form" on:submit=submit>
            <Field
                id="new-password"
                label=t::new_password(lang)
                fill=Autofill::NewPassword
                minlength=8
                maxlength=256
                described_by="password-rules"
                value=password
            />
            <p id="password-rules" class="hint">{t::password_rules(lang)}</p>
            <Field
                id="confirm-password"
                label=t::type_again(lang)
                fill=Autofill::NewPassword
                value=confirm
            />
            <BusyButton class=if primary { "primary" } else { "secondary" } submit=true>
                {button(lang)}
            </BusyButton>
        </form>
    }
}

// Its routes, as the section calls them.

/// `POST /api/me/password`: sets a new password.
async fn change_password(req: ChangePasswordRequest) -> ApiResult<()> {
    post_empty(paths::ME_PASSWORD, &req).await
}
