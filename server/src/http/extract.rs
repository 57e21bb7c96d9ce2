//! Extractors for what handlers share: the client's address, what a login
//! step knows of the browser, the session, who may enrol (and with a fresh
//! login), and an administrator of the directory or user a path names.

use super::cookies::Cookie;
use crate::audit;
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::login::Browser;
use crate::session::{self, Authenticated, Enroller};
use crate::state::AppState;
use crate::store::{DirectoryRow, UserRow};
use authlevel_core::{AuditKind, ErrorCode};
use axum::extract::{ConnectInfo, FromRequestParts, Path};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::net::{IpAddr, SocketAddr};

/// Implements axum's `FromRequestParts` for `$t` with `$load`, an
/// `async fn(&mut Parts, &AppState) -> Result<$t, $rejection>`.
macro_rules! extractor {
    ($t:ty, $rejection:ty, $load:expr) => {
        impl FromRequestParts<AppState> for $t {
            type Rejection = $rejection;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, Self::Rejection> {
                $load(parts, state).await
            }
        }
    };
}

/// The client's address, when the server knows it.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

impl ClientIp {
    /// The TCP peer's address; when the peer is one of `trusted_proxies`,
    /// the address its `client_ip_header` names instead (see
    /// [`forwarded_client`]).
    fn of(parts: &Parts, config: &Config) -> Option<String> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>()?.0.ip();
        Some(forwarded_client(peer, &parts.headers, config).to_string())
    }
}

/// The client behind a chain of trusted proxies: walking the forwarding
/// header from the right (each proxy appends the address it was reached
/// from), the first address that is not a trusted proxy. Everything left
/// of it was written by the client itself and proves nothing, so a client
/// cannot pick its address by sending the header. A peer that is not a
/// trusted proxy is the client, whatever it sends; an entry that is no
/// address (`unknown`, an obfuscated `for=_node`) ends the walk at the
/// last trusted hop.
fn forwarded_client(peer: IpAddr, headers: &HeaderMap, config: &Config) -> IpAddr {
    // A dual-stack listener sees IPv4 peers as IPv4-mapped IPv6 addresses.
    let peer = peer.to_canonical();
    if config.trusted_proxies.is_empty() {
        return peer;
    }
    // Checked at start (`Config::load`), so never refused here.
    let trusted = config.trusted_proxies().unwrap_or_default();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded = config.client_ip_header == "forwarded";
    let name = if forwarded {
        "forwarded"
    } else {
        "x-forwarded-for"
    };
    let mut client = peer;
    // Several header lines are one list, in order.
    for line in headers.get_all(name).iter().rev() {
        let Ok(line) = line.to_str() else {
            return client;
        };
        for hop in line.split(',').rev() {
            let address = if forwarded {
                forwarded_for(hop)
            } else {
                Some(hop)
            };
            let Some(ip) = address.and_then(node_address) else {
                return client;
            };
            client = ip;
            if !is_trusted(&ip) {
                return client;
            }
        }
    }
    client
}

/// The `for=` parameter of one element of a `Forwarded` header (RFC 7239:
/// `for=192.0.2.60;proto=https;by=…`).
fn forwarded_for(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim().eq_ignore_ascii_case("for").then_some(value)
    })
}

/// The address of a forwarding entry: `192.0.2.60`, `2001:db8::1`, and
/// with a port or quotes (`192.0.2.60:443`, `"[2001:db8::1]:4711"`).
fn node_address(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    let ip = if let Some(rest) = node.strip_prefix('[') {
        IpAddr::V6(rest.split_once(']')?.0.parse().ok()?)
    } else {
        node.parse::<IpAddr>()
            .or_else(|_| node.parse::<SocketAddr>().map(|s| s.ip()))
            .ok()?
    };
    Some(ip.to_canonical())
}

extractor!(
    ClientIp,
    std::convert::Infallible,
    async |parts: &mut Parts, state: &AppState| {
        Ok(ClientIp(ClientIp::of(parts, &state.config)))
    }
);

extractor!(
    Browser,
    std::convert::Infallible,
    async |parts: &mut Parts, state: &AppState| {
        let (c, h) = (&state.config, &parts.headers);
        Ok(Browser {
            flow: Cookie::Flow.read(c, h),
            session: Cookie::Session.read(c, h),
            passkey: Cookie::Passkey.read(c, h),
            known: Cookie::KnownBrowser.read(c, h),
            ip: ClientIp::of(parts, &state.config),
            user_agent: h
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(200).collect()),
        })
    }
);

fn not_logged_in() -> ApiError {
    ApiError::text(ErrorCode::Unauthorized, crate::text::please_log_in)
}

async fn authenticated(parts: &mut Parts, state: &AppState) -> ApiResult<Authenticated> {
    let token = Cookie::Session.read(&state.config, &parts.headers);
    session::load(state, token.as_deref())
        .await?
        .ok_or_else(not_logged_in)
}

extractor!(Authenticated, ApiError, authenticated);

async fn enroller(parts: &mut Parts, state: &AppState) -> ApiResult<Enroller> {
    let c = &state.config;
    let session = Cookie::Session.read(c, &parts.headers);
    let enrolment = Cookie::Enrolment.read(c, &parts.headers);
    Enroller::load(state, session.as_deref(), enrolment.as_deref())
        .await?
        .ok_or_else(not_logged_in)
}

extractor!(Enroller, ApiError, enroller);

/// Whoever may enrol, with a login recent enough for account changes (a
/// setup link's enrolment is recent by construction; else 403
/// `reauth_required`), the client's address, and the service's state for
/// the change.
pub struct Fresh {
    /// Who.
    pub who: Enroller,
    /// The client's address.
    pub ip: Option<String>,
    /// The service.
    pub app: AppState,
}

impl Fresh {
    /// The user.
    pub fn user(&self) -> &UserRow {
        self.who.user()
    }

    /// The client's address.
    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref()
    }
}

async fn fresh(parts: &mut Parts, state: &AppState) -> ApiResult<Fresh> {
    let who = enroller(parts, state).await?;
    who.require_fresh(state).await?;
    let ip = ClientIp::of(parts, &state.config);
    Ok(Fresh {
        who,
        ip,
        app: state.clone(),
    })
}

extractor!(Fresh, ApiError, fresh);

/// Whoever may change the own account (as [`Enroller`]), for a change
/// that needs a fresh login only for some of its input (a new contact
/// point): the handler checks [`Enroller::require_fresh`] once it has read
/// the body, so the route may answer 403 `reauth_required`.
#[derive(Debug)]
pub struct FreshForSome(pub Enroller);

extractor!(
    FreshForSome,
    ApiError,
    async |parts: &mut Parts, state: &AppState| { enroller(parts, state).await.map(FreshForSome) }
);

/// The `{id}` of the path.
async fn path_id(parts: &mut Parts, state: &AppState) -> ApiResult<String> {
    Path::<String>::from_request_parts(parts, state)
        .await
        .map(|Path(id)| id)
        .map_err(|_| ApiError::code(ErrorCode::NotFound))
}

/// The `{id}` of the path; one that cannot be read (a broken
/// percent-encoding) names nothing: 404, as an unknown id.
#[derive(Debug, Clone)]
pub struct PathId(pub String);

extractor!(
    PathId,
    ApiError,
    async |parts: &mut Parts, state: &AppState| { path_id(parts, state).await.map(PathId) }
);

/// A handler whose work is held to a rate limit or a quota kept in the
/// shared database (`limits::take`, the code quotas): it may answer 429
/// `rate_limited` with `Retry-After`. It takes nothing from the request;
/// taking it is how the handler says so (the OpenAPI document reads it
/// from the handler's arguments).
#[derive(Debug, Clone, Copy)]
pub struct RateLimited;

extractor!(
    RateLimited,
    std::convert::Infallible,
    async |_: &mut Parts, _: &AppState| { Ok(RateLimited) }
);

/// Whether a request changes something: every method but GET and HEAD.
pub fn is_write(method: &axum::http::Method) -> bool {
    !matches!(*method, axum::http::Method::GET | axum::http::Method::HEAD)
}

/// An administrator of some directory. For a write (any method but GET and
/// HEAD) the login must be fresh, as for the own account's changes: an
/// administrative write with a stale session is 403 `reauth_required`
/// (SECURITY 34).
#[derive(Debug)]
pub struct Admin {
    /// The administrator.
    pub auth: Authenticated,
    /// The client's address.
    pub ip: Option<String>,
    /// Whether the request is a write (held to a fresh login).
    write: bool,
}

impl Admin {
    /// The user `id`, for an administrator of their directory. A write on
    /// the administrator's own account is refused (403 `own_account`): it
    /// is changed only as a user, through the profile, where a new contact
    /// point is confirmed and every change told (SECURITY 34).
    pub async fn user(&self, state: &AppState, id: &str) -> ApiResult<UserRow> {
        let user = state
            .store
            .user(id)
            .await?
            .ok_or_else(|| ApiError::text(ErrorCode::NotFound, crate::text::no_such_user))?;
        self.auth.require_admin_of(&user.directory_id)?;
        if self.write && user.id == self.auth.user.id {
            return Err(ApiError::text(
                ErrorCode::OwnAccount,
                crate::text::own_account,
            ));
        }
        Ok(user)
    }
}

async fn admin(parts: &mut Parts, state: &AppState) -> ApiResult<Admin> {
    let auth = authenticated(parts, state).await?;
    auth.require_admin()?;
    Ok(Admin {
        auth,
        ip: ClientIp::of(parts, &state.config),
        write: is_write(&parts.method),
    })
}

impl Admin {
    /// For a write, refuses unless the login is fresh (403
    /// `reauth_required`); checked last, once the request is otherwise
    /// one this administrator may make, so that logging in again is what
    /// helps.
    async fn fresh(&self, state: &AppState) -> ApiResult<()> {
        if self.write {
            self.auth.require_fresh(state).await?;
        }
        Ok(())
    }
}

/// [`Admin`], held to a fresh login for a write.
async fn fresh_admin(parts: &mut Parts, state: &AppState) -> ApiResult<Admin> {
    let admin = admin(parts, state).await?;
    admin.fresh(state).await?;
    Ok(admin)
}

extractor!(Admin, ApiError, fresh_admin);

/// An administrator of the directory the path's `{id}` names (or an
/// operator), with that directory; fresh for a write (see [`Admin`]). It
/// dereferences to the [`Admin`].
#[derive(Debug)]
pub struct DirectoryAdmin {
    /// The administrator.
    pub admin: Admin,
    /// The directory.
    pub dir: DirectoryRow,
}

impl DirectoryAdmin {
    /// The audit event of this administrator acting on the directory.
    pub fn event(&self, kind: AuditKind, success: bool) -> audit::Event {
        self.auth
            .event(kind, success, &self.dir.id, self.ip.as_deref())
    }
}

async fn directory_admin(parts: &mut Parts, state: &AppState) -> ApiResult<DirectoryAdmin> {
    let admin = admin(parts, state).await?;
    let id = path_id(parts, state).await?;
    let dir = state.store.directory(&id).await?;
    let dir =
        dir.ok_or_else(|| ApiError::text(ErrorCode::NotFound, crate::text::no_such_directory))?;
    admin.auth.require_admin_of(&dir.id)?;
    admin.fresh(state).await?;
    Ok(DirectoryAdmin { admin, dir })
}

extractor!(DirectoryAdmin, ApiError, directory_admin);

/// An administrator of the user the path's `{id}` names (of their
/// directory, or an operator), with that user; for a write fresh, and
/// never the administrator's own account (see [`Admin::user`]). It
/// dereferences to the [`Admin`].
#[derive(Debug)]
pub struct UserAdmin {
    /// The administrator.
    pub admin: Admin,
    /// The user.
    pub user: UserRow,
}

impl UserAdmin {
    /// The audit event of this administrator acting on the user.
    pub fn event(&self, kind: AuditKind) -> audit::Event {
        self.auth
            .event(kind, true, &self.user.directory_id, self.ip.as_deref())
            .user(Some(&self.user.id))
    }
}

async fn user_admin(parts: &mut Parts, state: &AppState) -> ApiResult<UserAdmin> {
    let admin = admin(parts, state).await?;
    let user = admin.user(state, &path_id(parts, state).await?).await?;
    admin.fresh(state).await?;
    Ok(UserAdmin { admin, user })
}

extractor!(UserAdmin, ApiError, user_admin);

impl std::ops::Deref for DirectoryAdmin {
    type Target = Admin;
    fn deref(&self) -> &Admin {
        &self.admin
    }
}

impl std::ops::Deref for UserAdmin {
    type Target = Admin;
    fn deref(&self) -> &Admin {
        &self.admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(trusted: &str, header: &str) -> Config {
        Config {
            trusted_proxies: trusted.into(),
            client_ip_header: header.into(),
            ..Config::default()
        }
    }

    fn client(peer: &str, headers: &[(&'static str, &str)], config: &Config) -> String {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, value.parse().unwrap());
        }
        forwarded_client(peer.parse().unwrap(), &map, config).to_string()
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let xff = [("x-forwarded-for", "203.0.113.7")];
        assert_eq!(client("10.0.0.2", &xff, &Config::default()), "10.0.0.2");
        let c = config("10.0.0.0/8", "x-forwarded-for");
        assert_eq!(client("192.0.2.1", &xff, &c), "192.0.2.1");
        assert_eq!(client("10.0.0.2", &xff, &c), "203.0.113.7");
        assert_eq!(client("10.0.0.2", &[], &c), "10.0.0.2");
        // A dual-stack listener sees IPv4 peers as mapped IPv6 addresses.
        assert_eq!(client("::ffff:10.0.0.2", &xff, &c), "203.0.113.7");
    }

    #[test]
    fn the_rightmost_untrusted_address_wins() {
        let c = config("10.0.0.0/8, 2001:db8::1", "x-forwarded-for");
        let xff = "x-forwarded-for";
        let cases: [(&[(&'static str, &str)], &str); 5] = [
            // What the client wrote itself (the left part) proves nothing.
            (&[(xff, "1.1.1.1, 203.0.113.7, 10.0.0.3")], "203.0.113.7"),
            (
                &[(xff, "1.1.1.1"), (xff, "203.0.113.7:5555,2001:db8::1")],
                "203.0.113.7",
            ),
            // Only proxies: the one farthest away.
            (&[(xff, "10.0.0.4, 10.0.0.3")], "10.0.0.4"),
            // Not an address: the walk ends at the last trusted hop.
            (&[(xff, "203.0.113.7, unknown, 10.0.0.3")], "10.0.0.3"),
            // `Forwarded` is not the header of this configuration.
            (&[("forwarded", "for=203.0.113.7")], "10.0.0.2"),
        ];
        for (headers, expected) in cases {
            assert_eq!(client("10.0.0.2", headers, &c), expected, "{headers:?}");
        }
    }

    #[test]
    fn forwarded_for_parameters() {
        let c = config("10.0.0.0/8", "forwarded");
        for (header, value, expected) in [
            (
                "forwarded",
                "for=1.1.1.1, For=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.0.0.3;by=10.0.0.2",
                "2001:db8:cafe::17",
            ),
            ("forwarded", "proto=https;for=192.0.2.60:443", "192.0.2.60"),
            ("forwarded", "for=_hidden", "10.0.0.2"),
            ("x-forwarded-for", "203.0.113.7", "10.0.0.2"),
        ] {
            assert_eq!(
                client("10.0.0.2", &[(header, value)], &c),
                expected,
                "{value}"
            );
        }
    }
}
