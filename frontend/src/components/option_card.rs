//! One method the user can still use in this login.

use crate::language::lang;
use crate::text;
use authlevel_core::LoginOption;
use leptos::prelude::*;

/// A card for `option`: the method, its points, whether it alone completes
/// the login, its hint (a masked destination). `children` hold the action
/// (a code field, a button).
#[component]
pub fn OptionCard(
    option: LoginOption,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let lang = lang();
    let LoginOption {
        method,
        points,
        completes,
        hint,
    } = option;
    view! {
        <section class="option" data-method=method.as_str()>
            <header>
                <h3>{method.label_in(lang)}</h3>
                <span class="points">{text::option_points(lang, points)}</span>
            </header>
            {completes.then(|| view! { <p class="completes">{text::option_completes(lang)}</p> })}
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {children.map(|c| c())}
        </section>
    }
}
