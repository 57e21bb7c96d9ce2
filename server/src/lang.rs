//! The language of the request being answered: set once per request by the
//! HTTP layer (the `lang` cookie, else `Accept-Language`, else English) and
//! read by whatever writes words for the person on the other end, so no
//! function between them carries it. Outside a request (the command line,
//! background work) it is English. What is sent away from the browser (SMS,
//! email, notices) goes in the user's stored language instead
//! ([`for_user`]).

use authlevel_core::Lang;

tokio::task_local! {
    static LANG: Lang;
}

/// The language of the request being answered.
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// Runs `f` with `lang` as the request's language.
pub async fn scope<F: std::future::Future>(lang: Lang, f: F) -> F::Output {
    LANG.scope(lang, f).await
}

/// The language for what is sent to a user: the one they chose, else the
/// request's.
pub fn for_user(chosen: Option<Lang>) -> Lang {
    chosen.unwrap_or_else(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_scope_sets_it_and_outside_it_is_english() {
        assert_eq!(current(), Lang::En);
        assert_eq!(scope(Lang::Nl, async { current() }).await, Lang::Nl);
        assert_eq!(
            scope(Lang::Nl, async { for_user(Some(Lang::En)) }).await,
            Lang::En
        );
        assert_eq!(scope(Lang::Nl, async { for_user(None) }).await, Lang::Nl);
    }
}
