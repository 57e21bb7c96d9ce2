//! One section per method: what the setup-link page and the profile show of
//! it, its enrolment, drawn by [`MethodSection`] for each of
//! [`Method::ALL`]. Each method's file holds its section and the pieces only
//! it uses; what it is called and what enrolling it means come from its
//! description in `core` (`Method::spec`). The login step's input is chosen
//! by what the person gives (`Input`), in `pages::login`.

mod app;
mod contact;
mod passkey;
mod password;
mod recovery;
mod totp;

use crate::components::{Feedback, FeedbackView};
use authlevel_core::{Lang, Method, MethodSet};
use leptos::prelude::*;

/// Where a section is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The setup-link page: methods the policy counts, to add.
    Setup,
    /// The profile: every method, to add, change or remove.
    Profile,
}

/// What a section shows of the account, as its page last heard of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// The methods enrolled.
    pub enrolled: MethodSet,
    /// The methods the directory's policy gives points (the setup page
    /// shows those only).
    pub counted: MethodSet,
    /// The confirmed mobile number.
    pub phone: Option<String>,
    /// A mobile number waiting for its code.
    pub pending_phone: Option<String>,
    /// The confirmed email address.
    pub email: Option<String>,
    /// An email address waiting for its code.
    pub pending_email: Option<String>,
}

/// What every section knows of its page.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    /// Where it is drawn.
    pub place: Place,
    /// The account (none until the page has it).
    pub account: Signal<Option<Account>>,
    /// The page reloads the account after a change.
    pub on_done: Callback<()>,
    /// The section's messages.
    pub feedback: Feedback,
    /// The page's language.
    pub lang: Lang,
}

impl Section {
    /// Whether `m` is enrolled (tracked).
    pub fn has(self, m: Method) -> bool {
        self.account
            .with(|a| a.as_ref().is_some_and(|a| a.enrolled.contains(m)))
    }

    /// A field of the account (tracked).
    pub fn field(self, f: fn(&Account) -> Option<String>) -> Signal<Option<String>> {
        Signal::derive(move || self.account.with(|a| a.as_ref().and_then(f)))
    }

    /// The section around what `body` draws, with `title`: on the setup
    /// page an `h3` (with ✓ once enrolled, where `check`), shown when the
    /// policy counts `method`; on the profile an `h2`.
    fn frame(
        self,
        method: Method,
        title: String,
        check: bool,
        body: impl Fn() -> AnyView + Clone + Send + Sync + 'static,
    ) -> AnyView {
        let feedback = self.feedback;
        match self.place {
            Place::Setup => {
                let id = format!("enrol-{}", method.as_str());
                let counted = move || {
                    self.account
                        .with(|a| a.as_ref().is_some_and(|a| a.counted.contains(method)))
                };
                view! {
                    <Show when=counted>
                        <section class="enrol" aria-labelledby=id.clone()>
                            <h3 id=id.clone()>
                                {title.clone()}
                                {move || (check && self.has(method)).then_some(" ✓")}
                            </h3>
                            <FeedbackView feedback />
                            {body()}
                        </section>
                    </Show>
                }
                .into_any()
            }
            Place::Profile => {
                let id = format!("p-{}", method.as_str());
                let heading = id.clone();
                view! {
                    <section class="enrol" aria-labelledby=id>
                        <h2 id=heading>{title}</h2>
                        <FeedbackView feedback />
                        {body()}
                    </section>
                }
                .into_any()
            }
        }
    }
}

/// The section of `method` on the page `place`.
#[component]
pub fn MethodSection(
    method: Method,
    place: Place,
    #[prop(into)] account: Signal<Option<Account>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let feedback = Feedback::new();
    let section = Section {
        place,
        account,
        on_done,
        feedback,
        lang: feedback.lang,
    };
    match method {
        Method::Password => password::section(section),
        Method::Passkey => passkey::section(section),
        Method::Totp => totp::section(section),
        Method::Sms | Method::Email => contact::section(section, method),
        Method::Recovery => recovery::section(section),
        Method::App => app::section(section),
    }
}
