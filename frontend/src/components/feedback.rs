//! A page's messages: what went wrong, what went well, and the prompt to
//! sign in again when the server wants a fresh login.

use super::{Busy, ProblemMessage};
use crate::api::{self, ApiError, ApiResult};
use crate::app::{LOGIN, Nav};
use crate::language;
use crate::text::account as t;
use authlevel_core::Lang;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// A page's messages: an error in words, a success notice, and whether the
/// server asked for a fresh login (403 `reauth_required`).
#[derive(Debug, Clone, Copy)]
pub struct Feedback {
    /// The last error, in words.
    pub error: RwSignal<Option<String>>,
    /// The last success.
    pub notice: RwSignal<Option<String>>,
    /// The server wants a login younger than its re-authentication window.
    pub reauth: RwSignal<bool>,
    /// The page's language, which failures are worded in.
    pub lang: Lang,
    /// The requests in flight, which `run` counts in.
    busy: Busy,
}

impl Feedback {
    /// No messages yet. Made in a component, so it finds the app's [`Busy`]
    /// and language.
    pub fn new() -> Feedback {
        Feedback {
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            reauth: RwSignal::new(false),
            lang: language::lang(),
            busy: Busy::get(),
        }
    }

    /// Clears the messages before a new request.
    pub fn clear(self) {
        self.error.set(None);
        self.notice.set(None);
    }

    /// Shows a failure.
    pub fn fail(self, e: ApiError) {
        if e.needs_reauth() {
            self.reauth.set(true);
        } else {
            self.error.set(Some(e.message(self.lang)));
        }
    }

    /// Runs `request`, counted as busy: its answer goes to `done`, its
    /// failure is shown.
    pub fn run<T: 'static>(
        self,
        request: impl Future<Output = ApiResult<T>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        self.busy.run(request, done, move |e| self.fail(e));
    }

    /// Asks `question` first (the browser's dialog); when the person
    /// agrees, runs `request` as [`Feedback::run`] does.
    pub fn run_if_confirmed<T: 'static>(
        self,
        question: &str,
        request: impl Future<Output = ApiResult<T>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        if window().confirm_with_message(question).unwrap_or(false) {
            self.clear();
            self.run(request, done);
        }
    }

    /// A form's submit handler: the browser's own submit stopped, the
    /// messages cleared, then `send`.
    pub fn on_submit(
        self,
        send: impl Fn() + Copy + 'static,
    ) -> impl Fn(SubmitEvent) + Copy + 'static {
        move |ev: SubmitEvent| {
            ev.prevent_default();
            self.clear();
            send();
        }
    }

    /// Clears the messages and runs `request`; once it succeeds, says
    /// `done` and calls `then` (a list reloads).
    pub fn act<T: 'static>(
        self,
        request: impl Future<Output = ApiResult<T>> + 'static,
        done: fn(Lang) -> String,
        then: impl FnOnce() + 'static,
    ) {
        self.clear();
        self.run(request, move |_| {
            self.ok(done(self.lang));
            then();
        });
    }

    /// Shows a success.
    pub fn ok(self, text: impl Into<String>) {
        self.error.set(None);
        self.notice.set(Some(text.into()));
    }

    /// Shows a failure of the page's own, worded by `words` in the page's
    /// language.
    pub fn refuse(self, words: fn(Lang) -> String) {
        self.error.set(Some(words(self.lang)));
    }
}

impl Default for Feedback {
    fn default() -> Self {
        Feedback::new()
    }
}

/// The messages of `feedback`; the "sign in again" prompt on `reauth_required`.
#[component]
pub fn FeedbackView(feedback: Feedback) -> impl IntoView {
    let busy = Busy::get();
    let nav = Nav::get();
    let sign_in_again = move |_| {
        busy.spawn(async move {
            // Whatever the answer, the login page is where to go next.
            let _ = api::logout().await;
            nav.go(LOGIN);
        });
    };
    view! {
        <ProblemMessage message=feedback.error />
        {move || {
            feedback.notice.get().map(|n| view! { <p class="ok" role="status">{n}</p> })
        }}
        <Show when=move || feedback.reauth.get()>
            <div class="message reauth" role="alert">
                <p>{t::reauth_text(feedback.lang)}</p>
                <button type="button" class="primary" on:click=sign_in_again>
                    {t::sign_in_again(feedback.lang)}
                </button>
            </div>
        </Show>
    }
}
