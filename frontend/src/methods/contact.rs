//! The code methods' section (SMS, email): a contact point, confirmed with
//! a code sent to it, as the method's channel describes it in `core`
//! (`Channel::spec`).

use super::{Place, Section};
use crate::components::ContactEnrol;
use authlevel_core::{Channel, Method};
use leptos::prelude::*;

/// The section of `method`, a method with a channel.
pub fn section(s: Section, method: Method) -> AnyView {
    let Some(channel) = method.spec().channel else {
        return ().into_any();
    };
    let (lang, feedback, on_done) = (s.lang, s.feedback, s.on_done);
    let contact = channel.spec();
    let title = match s.place {
        Place::Setup => contact.for_codes,
        Place::Profile => contact.label,
    };
    let (current, pending) = match channel {
        Channel::Sms => (
            s.field(|a| a.phone.clone()),
            s.field(|a| a.pending_phone.clone()),
        ),
        Channel::Email => (
            s.field(|a| a.email.clone()),
            s.field(|a| a.pending_email.clone()),
        ),
    };
    s.frame(method, title.in_lang(lang).to_owned(), true, move || {
        view! { <ContactEnrol method current pending feedback on_done /> }.into_any()
    })
}
