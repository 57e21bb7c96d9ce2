//! The app-wide count of requests in flight, its indicator, and the button
//! that waits while it is not zero.

use crate::api::{ApiError, ApiResult};
use crate::language::lang;
use crate::text;
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;

/// Requests in flight, shared through the context.
#[derive(Debug, Clone, Copy)]
pub struct Busy(RwSignal<u32>);

impl Busy {
    /// A new counter, for a part of the page that waits on its own (the
    /// console's login dialog, while the change that asked for it waits).
    pub fn new() -> Busy {
        Busy(RwSignal::new(0))
    }

    /// Creates the counter and puts it in the context.
    pub fn provide() -> Busy {
        let busy = Busy::new();
        provide_context(busy);
        busy
    }

    /// The counter of the context.
    pub fn get() -> Busy {
        expect_context::<Busy>()
    }

    /// Whether a request is in flight.
    pub fn active(self) -> bool {
        self.0.get() > 0
    }

    /// Runs `work` in the browser's event loop, counted as busy while it runs.
    pub fn spawn(self, work: impl Future<Output = ()> + 'static) {
        self.spawn_boxed(Box::pin(work));
    }

    /// Runs `request`, counted as busy: its answer goes to `done`, its
    /// failure to `failed`.
    pub fn run<T: 'static>(
        self,
        request: impl Future<Output = ApiResult<T>> + 'static,
        done: impl FnOnce(T) + 'static,
        failed: impl FnOnce(ApiError) + 'static,
    ) {
        self.spawn(async move {
            match request.await {
                Ok(answer) => done(answer),
                Err(e) => failed(e),
            }
        });
    }

    // One copy of the counting wrapper for all the app's requests, rather
    // than one per caller: smaller WebAssembly.
    fn spawn_boxed(self, work: Pin<Box<dyn Future<Output = ()>>>) {
        self.0.update(|n| *n += 1);
        leptos::task::spawn_local(async move {
            work.await;
            self.0.update(|n| *n = n.saturating_sub(1));
        });
    }
}

/// "Working…" while a request is in flight; announced to screen readers.
#[component]
pub fn BusyIndicator() -> impl IntoView {
    let busy = Busy::get();
    let working = text::working(lang());
    view! {
        <div class="busy" role="status" aria-live="polite">
            {move || {
                busy.active()
                    .then(|| {
                        view! {
                            <span class="spinner" aria-hidden="true"></span>
                            <span>{working.clone()}</span>
                        }
                    })
            }}
        </div>
    }
}

/// A button that cannot be pressed while a request is in flight, nor while
/// `disabled` holds.
//
// `on_click` is a prop rather than an `on:click` spread onto the component:
// a spread brings Leptos's type-erased attributes into the bundle (about
// 2 KB more gzip on the login page's WebAssembly, measured before wasm-opt).
#[component]
pub fn BusyButton(
    /// Its look: `primary`, `secondary`, `link`, …
    class: &'static str,
    /// A form's submit button (else `type="button"`).
    #[prop(optional)]
    submit: bool,
    /// Also disabled while this holds.
    #[prop(optional, into)]
    disabled: Signal<bool>,
    /// What a click does (a submit button's click submits its form).
    #[prop(optional, into)]
    on_click: Option<Callback<MouseEvent>>,
    children: Children,
) -> impl IntoView {
    let busy = Busy::get();
    let click = move |ev: MouseEvent| {
        if let Some(f) = on_click {
            f.run(ev);
        }
    };
    view! {
        <button
            type=if submit { "submit" } else { "button" }
            class=class
            disabled=move || busy.active() || disabled.get()
            on:click=click
        >
            {children()}
        </button>
    }
}
