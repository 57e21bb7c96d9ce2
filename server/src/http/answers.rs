//! What a handler's extractors answer when they refuse, for the OpenAPI
//! document: the facts of an operation come from the types of its
//! handler's arguments (STYLE 17). A handler that takes [`Fresh`] is one
//! that answers 403 `reauth_required`, whatever its path; one that takes
//! [`UserAdmin`] answers 403 `own_account` when it writes; and so on, with
//! no table of operation ids to keep. [`route!`] registers a handler with
//! its routes and notes these codes on its operation, which
//! [`openapi::complete`](super::openapi::complete) words with the rest.

use super::error::{AppJson, AppQuery};
use super::extract::{
    Admin, ClientIp, DirectoryAdmin, Fresh, FreshForSome, PathId, RateLimited, UserAdmin,
};
use crate::login::Browser;
use crate::session::{Authenticated, Enroller};
use crate::state::AppState;
use authlevel_core::ErrorCode;
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa_axum::router::UtoipaMethodRouter;

/// The codes an extractor answers with when it refuses a request: `ALWAYS`
/// on every request, and `ON_WRITE` besides on a request that changes
/// something (any method but GET and HEAD). None by default.
pub trait Answers {
    /// The codes of every request.
    const ALWAYS: &'static [ErrorCode] = &[];
    /// The codes a write adds.
    const ON_WRITE: &'static [ErrorCode] = &[];
}

use ErrorCode::{
    Forbidden, InvalidInput, InvalidJson, NotFound, OwnAccount, PayloadTooLarge,
    RateLimited as Limited, ReauthRequired, Unauthorized, UnsupportedMediaType,
};

impl Answers for Authenticated {
    const ALWAYS: &[ErrorCode] = &[Unauthorized];
}
impl Answers for Enroller {
    const ALWAYS: &[ErrorCode] = &[Unauthorized];
}
impl Answers for Fresh {
    const ALWAYS: &[ErrorCode] = &[Unauthorized, ReauthRequired];
}
impl Answers for FreshForSome {
    const ALWAYS: &[ErrorCode] = Fresh::ALWAYS;
}
impl Answers for Admin {
    const ALWAYS: &[ErrorCode] = &[Unauthorized, Forbidden];
    const ON_WRITE: &[ErrorCode] = &[ReauthRequired];
}
impl Answers for DirectoryAdmin {
    const ALWAYS: &[ErrorCode] = &[Unauthorized, Forbidden, NotFound];
    const ON_WRITE: &[ErrorCode] = Admin::ON_WRITE;
}
impl Answers for UserAdmin {
    const ALWAYS: &[ErrorCode] = DirectoryAdmin::ALWAYS;
    const ON_WRITE: &[ErrorCode] = &[ReauthRequired, OwnAccount];
}
impl Answers for PathId {
    const ALWAYS: &[ErrorCode] = &[NotFound];
}
impl Answers for RateLimited {
    const ALWAYS: &[ErrorCode] = &[Limited];
}
impl<T> Answers for AppJson<T> {
    const ALWAYS: &[ErrorCode] = &[InvalidJson, PayloadTooLarge, UnsupportedMediaType];
}
impl<T> Answers for AppQuery<T> {
    const ALWAYS: &[ErrorCode] = &[InvalidInput];
}

// Extractors that never refuse, or whose refusals the document states
// from other facts (a body's 413, a form's OAuth error body).
impl Answers for Browser {}
impl Answers for ClientIp {}
impl<S> Answers for axum::extract::State<S> {}
impl<T> Answers for axum::extract::Extension<T> {}
impl<T> Answers for axum::extract::Query<T> {}
impl Answers for axum::http::HeaderMap {}
impl Answers for axum::body::Body {}
impl Answers for super::oidc::OAuthForm {}

/// The codes of every extractor a handler takes, `Args` being its
/// arguments' types (as axum's `Handler` is written).
pub trait HandlerAnswers<Args> {
    /// The codes, in the order of the arguments.
    fn answers(write: bool) -> Vec<ErrorCode>;
}

macro_rules! handler_answers {
    ($($arg:ident),*) => {
        impl<F, Fut, $($arg: Answers),*> HandlerAnswers<($($arg,)*)> for F
        where
            F: FnOnce($($arg),*) -> Fut,
        {
            #[allow(unused_mut, unused_variables)]
            fn answers(write: bool) -> Vec<ErrorCode> {
                let mut codes = Vec::new();
                $(
                codes.extend(<$arg as Answers>::ALWAYS);
                if write {
                    codes.extend(<$arg as Answers>::ON_WRITE);
                }
            )*
                codes
            }
        }
    };
}

handler_answers!();
handler_answers!(A1);
handler_answers!(A1, A2);
handler_answers!(A1, A2, A3);
handler_answers!(A1, A2, A3, A4);
handler_answers!(A1, A2, A3, A4, A5);
handler_answers!(A1, A2, A3, A4, A5, A6);
handler_answers!(A1, A2, A3, A4, A5, A6, A7);

/// The OpenAPI extension an operation carries its extractors' codes in,
/// until [`super::openapi::complete`] words them and takes it away.
pub const EXTENSION: &str = "x-authlevel-extractor-answers";

/// `routes`, the routes `utoipa_axum::routes!` made of `handler`, with the
/// codes of `handler`'s extractors noted on its operation.
pub fn documented<Args, H: HandlerAnswers<Args>>(
    (schemas, mut paths, router): UtoipaMethodRouter<AppState>,
    _handler: H,
) -> UtoipaMethodRouter<AppState> {
    for item in paths.paths.values_mut() {
        for (method, op) in super::openapi::operations(item) {
            let write = !matches!(method, HttpMethod::Get | HttpMethod::Head);
            note(op, &H::answers(write));
        }
    }
    (schemas, paths, router)
}

/// Notes `codes` on `op`.
fn note(op: &mut Operation, codes: &[ErrorCode]) {
    let names: Vec<serde_json::Value> = codes.iter().map(|c| c.as_str().into()).collect();
    let extensions = op.extensions.get_or_insert_with(Default::default);
    extensions.merge(
        utoipa::openapi::extensions::ExtensionsBuilder::new()
            .add(EXTENSION, names)
            .build(),
    );
}

/// The codes noted on `op` by [`documented`], taken off it.
pub fn take_noted(op: &mut Operation) -> Vec<ErrorCode> {
    let Some(extensions) = op.extensions.as_mut() else {
        return Vec::new();
    };
    let noted = extensions.remove(EXTENSION);
    if extensions.is_empty() {
        op.extensions = None;
    }
    noted
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str())
        .filter_map(|name| ErrorCode::ALL.into_iter().find(|c| c.as_str() == name))
        .collect()
}

/// A handler's routes with the codes its extractors answer noted on its
/// operation: `route!(me::get_me)` for `.routes(…)`.
macro_rules! route {
    ($($handler:tt)+) => {
        $crate::http::answers::documented(utoipa_axum::routes!($($handler)+), $($handler)+)
    };
}
pub(crate) use route;

/// An `OpenApiRouter` of handlers, each registered as by [`route!`]:
/// `router![login_start, login_finish]`.
macro_rules! router {
    ($($first:ident $(:: $rest:ident)*),+ $(,)?) => {
        utoipa_axum::router::OpenApiRouter::new()
            $(.routes($crate::http::answers::route!($first $(:: $rest)*)))+
    };
}
pub(crate) use router;
