//! The answers every operation shares, added to the generated OpenAPI
//! document by one function ([`complete`]) rather than by hand on each
//! route: the errors of the extractors, guards and layers in front of the
//! handlers, and the `application/problem+json` media type of every error.
//!
//! The rule, per operation, from facts the document already holds (its
//! method, path, request body and parameters) and from the types of its
//! handler's arguments, which [`route!`](super::answers::route) noted on it
//! ([`super::answers`]):
//!
//! | fact | answers added |
//! |---|---|
//! | every operation | 500 `internal`; 503 `unavailable` with `Retry-After` (the database did not answer in time, or the password hashing queue is full) |
//! | POST, PUT, PATCH or DELETE | 403 `origin_refused` (the CSRF guard: a foreign `Origin`) |
//! | POST under `/api/` | 415 `unsupported_media_type` (the CSRF guard), and where the handler reads no body, a required JSON body it ignores: the guard asks `Content-Type: application/json` of every such POST |
//! | a request body of any type | 413 `payload_too_large` (larger than `max_body_bytes`) |
//! | a JSON request body | 400 `invalid_json`, 415 `unsupported_media_type` (`AppJson`) |
//! | a query parameter | 400 `invalid_input` (`AppQuery`: a value of the wrong type, or out of its range) |
//! | a path parameter | 404 `not_found` (nothing has that id, or not for this caller) |
//! | the handler takes `Authenticated` or `Enroller` | 401 `unauthorized` (no session; the enrolment routes also take a setup link's enrolment) |
//! | it takes `Fresh` | 401 `unauthorized`, 403 `reauth_required` |
//! | it takes `Admin`, `DirectoryAdmin` or `UserAdmin` | 401 `unauthorized`, 403 `forbidden`; for a write 403 `reauth_required` (every administrative write needs a fresh login), and with `UserAdmin` 403 `own_account` |
//! | it takes `RateLimited` | 429 `rate_limited` with `Retry-After` |
//!
//! What a handler declares itself (a 409, a 410, a 422, its own 400) stays;
//! where a rule adds to a status the handler already declares, both are
//! described (a response declared without a description gets its status's
//! reason phrase). A route registered with `route!` gets these answers from
//! what its handler takes, with no line of its own.
//!
//! Parameters are declared as a request carries them, too: never `null`
//! (utoipa's `Option<T>` says "or null"), and one that `IntoParams` left in
//! the path, though the path does not name it, in the query.

use authlevel_core::ErrorCode;
use authlevel_core::api::Problem;
use utoipa::openapi::path::{HttpMethod, Operation, ParameterIn, PathItem};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::schema::{Object, Schema, SchemaType, Type};
use utoipa::openapi::{Content, Header, OpenApi, Ref, RefOr, Required, Response};
use utoipa::{PartialSchema, ToSchema};

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Adds the shared answers to every operation of `doc` and declares every
/// problem answer `application/problem+json` (see the module's rule).
pub fn complete(doc: &mut OpenApi) {
    register_problem(doc);
    if let Some(components) = doc.components.as_mut() {
        for schema in components.schemas.values_mut() {
            if let RefOr::T(schema) = schema {
                fill_name_patterns(schema);
            }
        }
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in operations(item) {
            parameters_as_sent(path, op);
            for (status, answer) in shared(path, &method, op) {
                add(op, status, &answer);
            }
            problem_media_type(op);
            describe(op);
        }
    }
}

/// The operations of a path, with their methods (this API uses no others).
pub fn operations(item: &mut PathItem) -> impl Iterator<Item = (HttpMethod, &mut Operation)> {
    [
        (HttpMethod::Get, &mut item.get),
        (HttpMethod::Post, &mut item.post),
        (HttpMethod::Put, &mut item.put),
        (HttpMethod::Patch, &mut item.patch),
        (HttpMethod::Delete, &mut item.delete),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.as_mut().map(|op| (method, op)))
}

/// One error a rule adds: its code and why it happens here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The stable code.
    pub code: ErrorCode,
    /// When it is answered.
    pub why: &'static str,
}

/// The order answers are listed in within one status, and the words of
/// each: why it happens here.
const WHY: &[(ErrorCode, &str)] = &[
    (ErrorCode::Internal, "something failed on the server"),
    (
        ErrorCode::Unavailable,
        "the database did not answer in time, or the server is busy; retry after `Retry-After` seconds",
    ),
    (
        ErrorCode::OriginRefused,
        "the `Origin` header names another site",
    ),
    (
        ErrorCode::UnsupportedMediaType,
        "the request is not `Content-Type: application/json`",
    ),
    (
        ErrorCode::InvalidJson,
        "the body is not JSON of the request's schema",
    ),
    (
        ErrorCode::PayloadTooLarge,
        "the body is larger than `max_body_bytes`",
    ),
    (
        ErrorCode::InvalidInput,
        "a query parameter is not of its type, or out of its range",
    ),
    (
        ErrorCode::NotFound,
        "nothing has this id, or nothing this caller may see",
    ),
    (
        ErrorCode::Unauthorized,
        "no session (or it expired); the enrolment routes also take a setup link's enrolment",
    ),
    (
        ErrorCode::Forbidden,
        "the session is not an administrator of this directory",
    ),
    (
        ErrorCode::OwnAccount,
        "the user is the administrator themself: their own account changes only through the profile",
    ),
    (
        ErrorCode::ReauthRequired,
        "the change needs a fresh login: the password or a passkey, up to the level, within the re-authentication window",
    ),
    (
        ErrorCode::RateLimited,
        "a rate limit or quota is reached; retry after `Retry-After` seconds when it is sent",
    ),
];

/// The shared answers of the operation `op` at `method` `path`, by status:
/// from its facts, and from the codes [`super::answers`] noted on it (taken
/// off it here).
pub fn shared(path: &str, method: &HttpMethod, op: &mut Operation) -> Vec<(u16, Answer)> {
    let mut codes = vec![ErrorCode::Internal, ErrorCode::Unavailable];
    let unsafe_method = !matches!(method, HttpMethod::Get | HttpMethod::Head);
    if unsafe_method {
        codes.push(ErrorCode::OriginRefused);
    }
    if *method == HttpMethod::Post && path.starts_with("/api/") {
        codes.push(ErrorCode::UnsupportedMediaType);
        if op.request_body.is_none() {
            op.request_body = Some(ignored_json_body());
        }
    }
    if op.request_body.is_some() {
        codes.push(ErrorCode::PayloadTooLarge);
    }
    let json_body = op
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("application/json"));
    if json_body {
        codes.extend([ErrorCode::InvalidJson, ErrorCode::UnsupportedMediaType]);
    }
    let params = op.parameters.as_deref().unwrap_or_default();
    if params.iter().any(|p| p.parameter_in == ParameterIn::Query) {
        codes.push(ErrorCode::InvalidInput);
    }
    if path.contains('{') {
        codes.push(ErrorCode::NotFound);
    }
    codes.extend(super::answers::take_noted(op));
    let mut by_status: Vec<(u16, Answer)> = WHY
        .iter()
        .filter(|(code, _)| codes.contains(code))
        .map(|(code, why)| (code.status(), Answer { code: *code, why }))
        .collect();
    by_status.sort_by_key(|(s, _)| *s);
    by_status
}

/// The body of a POST under `/api/` whose handler reads none.
fn ignored_json_body() -> RequestBody {
    let mut body = RequestBody::new();
    body.description = Some(
        "Not read: any JSON, such as `{}`. Every POST under `/api/` is sent as `application/json` (the CSRF defence)."
            .into(),
    );
    body.required = Some(Required::True);
    let any = Object::with_type(SchemaType::AnyValue);
    body.content.insert(
        "application/json".into(),
        Content::new(Some(Schema::Object(any))),
    );
    body
}

/// Adds `answer` to the response of `status`, making one when there is
/// none.
fn add(op: &mut Operation, status: u16, answer: &Answer) {
    let key = status.to_string();
    let line = format!("`{}`: {}", answer.code.as_str(), answer.why);
    let entry = op
        .responses
        .responses
        .entry(key)
        .or_insert_with(|| RefOr::T(Response::new("")));
    let RefOr::T(response) = entry else {
        return;
    };
    if !response.description.contains(&line) {
        response.description = if response.description.is_empty() {
            line
        } else {
            format!("{}\n\n{line}", response.description)
        };
    }
    response
        .content
        .entry(PROBLEM_JSON.into())
        .or_insert_with(|| Content::new(Some(Ref::from_schema_name(Problem::name()))));
    if matches!(answer.code, ErrorCode::RateLimited | ErrorCode::Unavailable) {
        let mut header = Header::new(Object::with_type(Type::Integer));
        header.description = Some("Seconds until a retry may succeed.".into());
        response.headers.insert("Retry-After".into(), header);
    }
}

/// Declares every error answer whose body is a [`Problem`] as
/// `application/problem+json`, which is what `problem_response` sends.
fn problem_media_type(op: &mut Operation) {
    let problem = Ref::from_schema_name(Problem::name()).ref_location;
    for (status, response) in op.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if !status.starts_with(['4', '5']) {
            continue;
        }
        let is_problem = response
            .content
            .get("application/json")
            .is_some_and(|c| matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location == problem));
        if is_problem && let Some(content) = response.content.shift_remove("application/json") {
            response
                .content
                .entry(PROBLEM_JSON.into())
                .or_insert(content);
        }
    }
}

/// Parameters as a request carries them. One in the path, query or a
/// header is a string or absent, never JSON `null`: utoipa's `Option<T>`
/// says "or null", which only a body could mean. A users `filter` is one of
/// the values `UserFilter` has (its pattern derived from the methods there
/// are).
fn parameters_as_sent(path: &str, op: &mut Operation) {
    for p in op.parameters.iter_mut().flatten() {
        if p.name == "filter"
            && let Some(RefOr::T(Schema::Object(o))) = &mut p.schema
        {
            o.pattern = Some(authlevel_core::api::UserFilter::pattern());
        }
        // A "path" parameter the path does not name is a query parameter:
        // utoipa's `IntoParams` says "path" unless told
        // `#[into_params(parameter_in = Query)]`.
        if p.parameter_in == ParameterIn::Path && !path.contains(&format!("{{{}}}", p.name)) {
            p.parameter_in = ParameterIn::Query;
            // In the path every parameter is required; in the query an
            // `Option` (nullable) one is not.
            if let Some(RefOr::T(Schema::Object(o))) = &p.schema
                && matches!(&o.schema_type, SchemaType::Array(t) if t.contains(&Type::Null))
            {
                p.required = Required::False;
            }
        }
        if let Some(RefOr::T(Schema::Object(o))) = &mut p.schema
            && let SchemaType::Array(types) = &o.schema_type
        {
            let rest: Vec<Type> = types
                .iter()
                .filter(|t| **t != Type::Null)
                .cloned()
                .collect();
            o.schema_type = match rest.as_slice() {
                [one] => SchemaType::Type(one.clone()),
                _ => SchemaType::Array(rest),
            };
        }
    }
}

/// Gives a response the handler declared without a description its
/// status's reason phrase (OpenAPI requires one).
fn describe(op: &mut Operation) {
    for (status, response) in op.responses.responses.iter_mut() {
        if let RefOr::T(response) = response
            && response.description.is_empty()
        {
            response.description = status
                .parse::<u16>()
                .ok()
                .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
                .and_then(|s| s.canonical_reason())
                .unwrap_or("See the operation's description")
                .to_owned();
        }
    }
}

/// Puts the pattern of names (`authlevel_core::api::name_pattern`) where
/// the wire types name it by its placeholder.
fn fill_name_patterns(schema: &mut Schema) {
    let Schema::Object(object) = schema else {
        return;
    };
    if let Some(max) = object.pattern.as_deref().and_then(|p| {
        authlevel_core::api::NAME_PATTERNS
            .iter()
            .find(|(placeholder, _)| *placeholder == p)
            .map(|(_, max)| *max)
    }) {
        object.pattern = Some(authlevel_core::api::name_pattern(max));
    }
    for property in object.properties.values_mut() {
        if let RefOr::T(property) = property {
            fill_name_patterns(property);
        }
    }
}

/// Makes sure the `Problem` schema (and what it refers to) is a component.
fn register_problem(doc: &mut OpenApi) {
    let mut schemas = vec![(Problem::name().into_owned(), Problem::schema())];
    Problem::schemas(&mut schemas);
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in schemas {
        components.schemas.entry(name).or_insert(schema);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> OpenApi {
        let (_, doc) = super::super::api();
        doc
    }

    fn operations(doc: &OpenApi) -> Vec<(String, &'static str, &Operation)> {
        let mut out = Vec::new();
        for (path, item) in &doc.paths.paths {
            for (method, op) in [
                ("get", &item.get),
                ("post", &item.post),
                ("put", &item.put),
                ("patch", &item.patch),
                ("delete", &item.delete),
            ] {
                if let Some(op) = op {
                    out.push((path.clone(), method, op));
                }
            }
        }
        out
    }

    #[test]
    fn operation_ids_are_unique_and_no_noted_answer_is_left() {
        let doc = doc();
        let mut ids: Vec<String> = operations(&doc)
            .iter()
            .map(|(p, m, op)| {
                op.operation_id
                    .clone()
                    .unwrap_or_else(|| panic!("{m} {p} has no operation id"))
            })
            .collect();
        let all = ids.clone();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "duplicate operation ids: {all:?}");
        for (path, method, op) in operations(&doc) {
            let noted = op
                .extensions
                .as_ref()
                .is_some_and(|e| e.contains_key(super::super::answers::EXTENSION));
            assert!(!noted, "{method} {path}: the noted answers were not worded");
        }
    }

    /// The answers come from what a handler takes: a handler taking `Fresh`
    /// answers `reauth_required`, one taking `UserAdmin` answers
    /// `own_account` when it writes, one taking only `Authenticated`
    /// neither.
    #[test]
    fn the_extractors_a_handler_takes_say_what_it_answers() {
        let doc = doc();
        let codes = |path: &str, method: &str| -> String {
            let (_, _, op) = operations(&doc)
                .into_iter()
                .find(|(p, m, _)| p == path && *m == method)
                .unwrap_or_else(|| panic!("{method} {path} is not documented"));
            op.responses
                .responses
                .values()
                .filter_map(|r| match r {
                    RefOr::T(r) => Some(r.description.clone()),
                    RefOr::Ref(_) => None,
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert!(codes("/api/me/password", "post").contains("`reauth_required`"));
        assert!(!codes("/api/me/sessions", "get").contains("`reauth_required`"));
        assert!(codes("/api/me/sessions", "get").contains("`unauthorized`"));
        let patch_user = codes("/api/admin/users/{id}", "patch");
        for code in [
            "`own_account`",
            "`reauth_required`",
            "`forbidden`",
            "`not_found`",
        ] {
            assert!(patch_user.contains(code), "{code}: {patch_user}");
        }
        let get_user = codes("/api/admin/users/{id}", "get");
        assert!(!get_user.contains("`own_account`") && !get_user.contains("`reauth_required`"));
        assert!(codes("/api/login/password", "post").contains("`rate_limited`"));
        assert!(!codes("/healthz", "get").contains("`unauthorized`"));
    }

    #[test]
    fn every_error_is_problem_json_or_a_page_or_an_oauth_body() {
        let doc = doc();
        for (path, method, op) in operations(&doc) {
            for (status, response) in &op.responses.responses {
                let RefOr::T(response) = response else {
                    continue;
                };
                if !status.starts_with(['4', '5']) {
                    continue;
                }
                let json = response.content.get("application/json");
                // The OpenID Connect token endpoints answer errors as
                // RFC 6749 §5.2 says: an `application/json` error object.
                let oauth_body = path.starts_with("/oauth2/") && json.is_some();
                assert!(
                    json.is_none() || oauth_body,
                    "{method} {path} {status}: an error declared application/json"
                );
                assert!(
                    !response.description.is_empty(),
                    "{method} {path} {status}: no description"
                );
            }
        }
    }

    #[test]
    fn the_rule_adds_what_the_extractors_and_guards_answer() {
        let doc = doc();
        let find = |path: &str, method: &str| {
            operations(&doc)
                .into_iter()
                .find(|(p, m, _)| p == path && *m == method)
                .map(|(_, _, op)| op.clone())
                .unwrap_or_else(|| panic!("{method} {path} is not documented"))
        };
        let statuses = |op: &Operation| -> Vec<String> {
            op.responses.responses.keys().cloned().collect::<Vec<_>>()
        };
        let password = statuses(&find("/api/me/password", "post"));
        for s in ["400", "401", "403", "413", "415", "500", "503"] {
            assert!(password.contains(&s.to_owned()), "{s}: {password:?}");
        }
        let logout = find("/api/logout", "post");
        assert!(logout.request_body.is_some());
        assert!(statuses(&logout).contains(&"415".to_owned()));
        let user = statuses(&find("/api/admin/users/{id}", "get"));
        for s in ["401", "403", "404"] {
            assert!(user.contains(&s.to_owned()), "{s}: {user:?}");
        }
        let health = statuses(&find("/healthz", "get"));
        assert!(!health.contains(&"401".to_owned()));
        assert!(!health.contains(&"403".to_owned()));
        let login = find("/api/login/password", "post");
        let RefOr::T(limited) = &login.responses.responses["429"] else {
            panic!("429 is a reference");
        };
        assert!(limited.headers.contains_key("Retry-After"));
        assert!(limited.content.contains_key(PROBLEM_JSON));
    }
}
