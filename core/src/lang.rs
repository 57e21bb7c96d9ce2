//! The languages every word a person reads comes in, which one a request
//! asks for, and [`texts!`](crate::texts), the one way a message is written:
//! a function per message with a `match` arm per language, so a missing
//! translation does not compile. Whole sentences with named values, never
//! sentences glued from pieces; [`points`] for the plural.

use serde::{Deserialize, Serialize};

/// A language of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Dutch.
    Nl,
}

impl Lang {
    /// Every language, in the order a switch lists them.
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    /// The language tag: `en`, `nl` (the `lang` cookie, the HTML `lang`
    /// attribute, `Content-Language`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// The language's own name, as a switch shows it.
    pub const fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Nl => "Nederlands",
        }
    }

    /// A language tag (`nl`, `nl-NL`, `EN-gb`) as one of ours; `None` for
    /// other languages.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        Lang::ALL
            .into_iter()
            .find(|l| primary.eq_ignore_ascii_case(l.as_str()))
    }

    /// The language an `Accept-Language` header prefers among ours: the
    /// highest `q` (1 when absent; 0 is "not this one"), the first listed
    /// on a tie; `None` when it names none of ours.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, u32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1000), parse_q);
            let Some(q) = q.filter(|q| *q > 0) else {
                continue;
            };
            if best.is_none_or(|(_, b)| q > b) {
                best = Some((lang, q));
            }
        }
        best.map(|(l, _)| l)
    }

    /// The language of a request: the `lang` cookie's, else the best of
    /// `Accept-Language`, else English.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        cookie
            .and_then(Lang::parse)
            .or_else(|| accept_language.and_then(Lang::from_accept_language))
            .unwrap_or_default()
    }
}

/// A `q` value (`0`, `0.8`, `1.000`) in thousandths; `None` when malformed.
fn parse_q(s: &str) -> Option<u32> {
    let s = s.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u32 = match whole {
        "0" => 0,
        "1" => 1,
        _ => return None,
    };
    let frac: u32 = format!("{frac:0<3}").parse().ok()?;
    let q = whole * 1000 + frac;
    (q <= 1000).then_some(q)
}

/// `n` points, with the plural the language wants: "1 point", "2 points",
/// "1 punt", "2 punten".
pub fn points(lang: Lang, n: u32) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 point".into(),
        (Lang::En, n) => format!("{n} points"),
        (Lang::Nl, 1) => "1 punt".into(),
        (Lang::Nl, n) => format!("{n} punten"),
    }
}

/// The words for a count `n`: `one` when it is 1, else `many(n)`.
pub fn plural(n: u32, one: &str, many: impl FnOnce(u32) -> String) -> String {
    if n == 1 { one.to_owned() } else { many(n) }
}

/// A value to fill a message with in the test that reads every message.
pub trait Sample {
    /// Some value of the type.
    fn sample() -> Self;
}

impl Sample for u32 {
    fn sample() -> Self {
        7
    }
}

impl Sample for u64 {
    fn sample() -> Self {
        7
    }
}

impl Sample for i64 {
    fn sample() -> Self {
        7
    }
}

impl Sample for usize {
    fn sample() -> Self {
        7
    }
}

impl Sample for &str {
    fn sample() -> Self {
        "sample"
    }
}

impl Sample for String {
    fn sample() -> Self {
        "sample".into()
    }
}

impl Sample for crate::Method {
    fn sample() -> Self {
        crate::Method::Sms
    }
}

/// Writes messages: each `fn name(args) { En => …, Nl => … }` becomes
/// `pub fn name(lang: Lang, args) -> String`, one arm per language (a
/// missing one does not compile), and, in the crate's tests, `all_texts()`
/// lists every message in both languages filled with sample values (each
/// argument's type implements [`Sample`]).
///
/// ```
/// authlevel_core::texts! {
///     /// Greets.
///     fn hello(name: &str) {
///         En => format!("Hello, {name}."),
///         Nl => format!("Hallo, {name}."),
///     }
/// }
/// assert_eq!(hello(authlevel_core::Lang::Nl, "Ann"), "Hallo, Ann.");
/// ```
#[macro_export]
macro_rules! texts {
    ($(
        $(#[$meta:meta])*
        fn $name:ident ( $( $arg:ident : $ty:ty ),* $(,)? ) {
            En => $en:expr,
            Nl => $nl:expr $(,)?
        }
    )*) => {
        $(
            $(#[$meta])*
            #[allow(clippy::useless_format, clippy::needless_pass_by_value)]
            pub fn $name(lang: $crate::Lang $(, $arg: $ty)*) -> String {
                match lang {
                    $crate::Lang::En => String::from($en),
                    $crate::Lang::Nl => String::from($nl),
                }
            }
        )*

        /// Every message of this module in English and Dutch, filled with
        /// sample values: `(name, english, dutch)`.
        #[cfg(test)]
        #[allow(dead_code)]
        pub(crate) fn all_texts() -> Vec<(&'static str, String, String)> {
            vec![$(
                (
                    stringify!($name),
                    $name($crate::Lang::En $(, <$ty as $crate::lang::Sample>::sample())*),
                    $name($crate::Lang::Nl $(, <$ty as $crate::lang::Sample>::sample())*),
                ),
            )*]
        }
    };
}

/// Checks messages as the translations must be: none empty, no `{` or `}`
/// left unfilled, Dutch different from English (but for `same`: names and
/// words the languages share).
pub fn check_texts(texts: &[(&'static str, String, String)], same: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, en, nl) in texts {
        for (lang, text) in [("en", en), ("nl", nl)] {
            if text.trim().is_empty() {
                problems.push(format!("{name} ({lang}) is empty"));
            }
            if text.contains('{') || text.contains('}') {
                problems.push(format!("{name} ({lang}) has a brace left: {text}"));
            }
        }
        if en == nl && !same.contains(name) {
            problems.push(format!("{name}: Dutch is the English: {en}"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_highest_q_among_ours() {
        for (header, lang) in [
            ("nl", Some(Lang::Nl)),
            ("nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", Some(Lang::Nl)),
            ("en-GB,en;q=0.9,nl;q=0.8", Some(Lang::En)),
            ("de-DE,de;q=0.9,nl;q=0.5,en;q=0.4", Some(Lang::Nl)),
            ("fr;q=1, en;q=0.2, nl;q=0.3", Some(Lang::Nl)),
            ("nl;q=0, en;q=0.1", Some(Lang::En)),
            ("nl;q=0", None),
            ("de, fr", None),
            ("*", None),
            ("", None),
            ("nl;q=2", None),
            ("nl;q=abc, en", Some(Lang::En)),
            ("EN, NL", Some(Lang::En)),
            ("en;q=0.5, nl;q=0.500", Some(Lang::En)),
        ] {
            assert_eq!(Lang::from_accept_language(header), lang, "{header}");
        }
    }

    #[test]
    fn the_cookie_wins_then_the_header_then_english() {
        assert_eq!(Lang::negotiate(Some("nl"), Some("en")), Lang::Nl);
        assert_eq!(Lang::negotiate(Some("xx"), Some("nl")), Lang::Nl);
        assert_eq!(Lang::negotiate(None, Some("de")), Lang::En);
        assert_eq!(Lang::negotiate(None, None), Lang::En);
    }

    #[test]
    fn points_have_their_plural() {
        assert_eq!(points(Lang::En, 1), "1 point");
        assert_eq!(points(Lang::En, 0), "0 points");
        assert_eq!(points(Lang::En, 20), "20 points");
        assert_eq!(points(Lang::Nl, 1), "1 punt");
        assert_eq!(points(Lang::Nl, 30), "30 punten");
    }

    #[test]
    fn the_check_finds_what_it_promises() {
        let bad = vec![
            ("empty", String::new(), "x".into()),
            ("brace", "a {n}".into(), "b".into()),
            ("same", "Passkey".into(), "Passkey".into()),
            ("name", "Nederlands".into(), "Nederlands".into()),
        ];
        let found = check_texts(&bad, &["name"]);
        assert_eq!(found.len(), 3, "{found:?}");
    }
}
