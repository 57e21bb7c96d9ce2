//! The answers every operation shares, added to the generated OpenAPI
//! document by one function ([`complete`]) rather than by hand on each
//! route: the errors of the extractors, guards and layers in front of the
//! handlers, and the `application/problem+json` media type of every error.
//!
//! The rule, per operation, from facts the document already holds (its
//! method, path, request body and parameters) and three short tables keyed
//! by operation id for what no such fact shows:
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
//! | a path under `/api/me`, `/api/session`, or an id in [`SIGNED_IN`] | 401 `unauthorized` (no session; the enrolment routes also take a setup link's enrolment) |
//! | a path under `/api/admin/` | 401 `unauthorized`, 403 `forbidden` (`Admin`, `DirectoryAdmin`, `UserAdmin`) |
//! | a write (POST, PUT, PATCH, DELETE) under `/api/admin/` | 403 `reauth_required` (every administrative write needs a fresh login); under `/api/admin/users/{id}` also 403 `own_account` |
//! | an id in [`FRESH`] | 401 `unauthorized`, 403 `reauth_required` (`Fresh`) |
//! | an id in [`LIMITED`] | 429 `rate_limited` with `Retry-After` |
//!
//! What a handler declares itself (a 409, a 410, a 422, its own 400) stays;
//! where a rule adds to a status the handler already declares, both are
//! described (a response declared without a description gets its status's
//! reason phrase). A route added to the table gets these answers without a line
//! of its own, as long as its path follows the conventions above (DESIGN
//! §4: `/api/me…` needs a session, `/api/admin…` an administrator); a route
//! that needs a fresh login or is rate limited goes into the tables here.
//!
//! Parameters are declared as a request carries them, too: never `null`
//! (utoipa's `Option<T>` says "or null"), and one that `IntoParams` left in
//! the path, though the path does not name it, in the query.

use authlevel_core::ErrorCode;
use authlevel_core::api::Problem;
use utoipa::openapi::path::{HttpMethod, Operation, ParameterIn};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::schema::{Object, Schema, SchemaType, Type};
use utoipa::openapi::{Content, Header, OpenApi, Ref, RefOr, Required, Response};
use utoipa::{PartialSchema, ToSchema};

/// Operations outside `/api/me` and `/api/session` that need a session or
/// a setup link's enrolment (401 without one).
pub const SIGNED_IN: &[&str] = &["setup_status"];

/// Operations that need a fresh login (the `Fresh` extractor, or
/// `Enroller::require_fresh` for some of their input): 403
/// `reauth_required` otherwise.
pub const FRESH: &[&str] = &[
    "patch_me",
    "change_password",
    "totp_setup",
    "totp_confirm",
    "totp_remove",
    "passkey_register_start",
    "passkey_register_finish",
    "passkey_remove",
    "recovery_codes_generate",
    "phone_confirm",
    "email_confirm",
];

/// Operations held to a rate limit or a quota (`limits::take`, the code
/// quotas of `login::codes`): 429 `rate_limited`.
pub const LIMITED: &[&str] = &[
    "password_login",
    "passkey_login_start",
    "sms_send",
    "email_send",
    "patch_me",
    "authorize",
];

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Adds the shared answers to every operation of `doc` and declares every
/// problem answer `application/problem+json` (see the module's rule).
pub fn complete(doc: &mut OpenApi) {
    register_problem(doc);
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            (HttpMethod::Get, &mut item.get),
            (HttpMethod::Post, &mut item.post),
            (HttpMethod::Put, &mut item.put),
            (HttpMethod::Patch, &mut item.patch),
            (HttpMethod::Delete, &mut item.delete),
        ];
        for (method, op) in operations {
            if let Some(op) = op {
                parameters_as_sent(path, op);
                for (status, answer) in shared(path, &method, op) {
                    add(op, status, &answer);
                }
                problem_media_type(op);
                describe(op);
            }
        }
    }
}

/// One error a rule adds: its code and why it happens here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The stable code.
    pub code: ErrorCode,
    /// When it is answered.
    pub why: &'static str,
}

/// The shared answers of the operation `op` at `method` `path`, by status.
pub fn shared(path: &str, method: &HttpMethod, op: &mut Operation) -> Vec<(u16, Answer)> {
    let id = op.operation_id.clone().unwrap_or_default();
    let has = |table: &[&str]| table.contains(&id.as_str());
    let mut out: Vec<Answer> = Vec::new();
    let mut add = |code, why| out.push(Answer { code, why });

    add(ErrorCode::Internal, "something failed on the server");
    add(
        ErrorCode::Unavailable,
        "the database did not answer in time, or the server is busy; retry after `Retry-After` seconds",
    );
    let unsafe_method = !matches!(method, HttpMethod::Get | HttpMethod::Head);
    if unsafe_method {
        add(
            ErrorCode::OriginRefused,
            "the `Origin` header names another site",
        );
    }
    if *method == HttpMethod::Post && path.starts_with("/api/") {
        add(
            ErrorCode::UnsupportedMediaType,
            "the request is not `Content-Type: application/json`",
        );
        if op.request_body.is_none() {
            op.request_body = Some(ignored_json_body());
        }
    }
    let json_body = op
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("application/json"));
    if op.request_body.is_some() {
        add(
            ErrorCode::PayloadTooLarge,
            "the body is larger than `max_body_bytes`",
        );
    }
    if json_body {
        add(
            ErrorCode::InvalidJson,
            "the body is not JSON of the request's schema",
        );
        add(
            ErrorCode::UnsupportedMediaType,
            "the request is not `Content-Type: application/json`",
        );
    }
    let params = op.parameters.as_deref().unwrap_or_default();
    if params.iter().any(|p| p.parameter_in == ParameterIn::Query) {
        add(
            ErrorCode::InvalidInput,
            "a query parameter is not of its type, or out of its range",
        );
    }
    if path.contains('{') {
        add(
            ErrorCode::NotFound,
            "nothing has this id, or nothing this caller may see",
        );
    }
    let signed_in = path == "/api/me"
        || path.starts_with("/api/me/")
        || path == "/api/session"
        || path.starts_with("/api/admin/")
        || has(SIGNED_IN)
        || has(FRESH);
    if signed_in {
        add(
            ErrorCode::Unauthorized,
            "no session (or it expired); the enrolment routes also take a setup link's enrolment",
        );
    }
    if path.starts_with("/api/admin/") {
        add(
            ErrorCode::Forbidden,
            "the session is not an administrator of this directory",
        );
    }
    let admin_write = path.starts_with("/api/admin/") && unsafe_method;
    if admin_write && path.starts_with("/api/admin/users/{id}") {
        add(
            ErrorCode::OwnAccount,
            "the user is the administrator themself: their own account changes only through the profile",
        );
    }
    if has(FRESH) || admin_write {
        add(
            ErrorCode::ReauthRequired,
            "the change needs a fresh login: the password or a passkey, up to the level, within the re-authentication window",
        );
    }
    if has(LIMITED) {
        add(
            ErrorCode::RateLimited,
            "a rate limit or quota is reached; retry after `Retry-After` seconds when it is sent",
        );
    }
    let mut by_status: Vec<(u16, Answer)> = Vec::new();
    for answer in out {
        if !by_status.iter().any(|(_, a)| a.code == answer.code) {
            by_status.push((answer.code.status(), answer));
        }
    }
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
/// says "or null", which only a body could mean.
fn parameters_as_sent(path: &str, op: &mut Operation) {
    for p in op.parameters.iter_mut().flatten() {
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
    fn operation_ids_are_unique_and_the_tables_name_real_ones() {
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
        for id in SIGNED_IN.iter().chain(FRESH).chain(LIMITED) {
            assert!(all.iter().any(|a| a == id), "no operation `{id}`");
        }
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
