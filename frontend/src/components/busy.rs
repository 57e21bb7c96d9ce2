//! The app-wide count of requests in flight and its indicator.

use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;

/// Requests in flight, shared through the context.
#[derive(Debug, Clone, Copy)]
pub struct Busy(RwSignal<u32>);

impl Busy {
    /// Creates the counter and puts it in the context.
    pub fn provide() -> Busy {
        let busy = Busy(RwSignal::new(0));
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
    view! {
        <div class="busy" role="status" aria-live="polite">
            {move || {
                busy.active()
                    .then(|| {
                        view! {
                            <span class="spinner" aria-hidden="true"></span>
                            <span>"Working…"</span>
                        }
                    })
            }}
        </div>
    }
}
