//! The origin a browser used to reach the tenant, per request: the configured public URL of that
//! origin (`--public-url`), else `X-Forwarded-Proto`/`X-Forwarded-Host` sent by a proxy on this
//! machine (a loopback peer), else the address the origin is bound to. Every URL the tenant
//! writes (discovery, `iss`, redeem links, `@odata.nextLink`, `WWW-Authenticate`, logout) is
//! built on it, so a tenant behind a TLS-terminating proxy names the proxy's https origin.

use crate::Tenant;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::Arc;

/// The tenant's two origins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    SignIn,
    Graph,
}

tokio::task_local! {
    /// The origin of the request being answered, set by [`track`] around each request's handling.
    static CURRENT: (Side, String);
}

/// The public origin of one request: `configured` wins; forwarded headers count only from a
/// loopback peer (anyone else could make the tenant write their host into tokens); then `bound`.
pub fn public_origin(configured: Option<&str>, bound: &str, headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
    if let Some(c) = configured {
        return c.to_string();
    }
    let trusted = peer.is_some_and(|p| p.ip().to_canonical().is_loopback());
    if !trusted {
        return bound.to_string();
    }
    let first =
        |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.split(',').next()).map(str::trim);
    let (bound_scheme, bound_host) = bound.split_once("://").unwrap_or(("http", bound));
    let scheme = match first("x-forwarded-proto").map(str::to_ascii_lowercase).as_deref() {
        Some(s @ ("http" | "https")) => s.to_string(),
        _ => bound_scheme.to_string(),
    };
    let host = first("x-forwarded-host").filter(|h| is_host(h)).unwrap_or(bound_host);
    format!("{scheme}://{host}")
}

/// A host with an optional port, and nothing that could end or bend a URL.
fn is_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// A configured public URL as an origin: scheme, host and port, no path or trailing slash.
pub fn parse_public_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|e| format!("'{text}' is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("'{text}' must start with https:// or http://"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!("'{text}' must be an origin only (scheme, host and port), without a path"));
    }
    Ok(url.origin().ascii_serialization())
}

/// Middleware: works out the request's public origin on `side` and keeps it for the handlers.
/// A request dispatched inside another (a `$batch` item) keeps the outer request's origin.
pub async fn track(State((t, side)): State<(Arc<Tenant>, Side)>, req: Request, next: Next) -> Response {
    if CURRENT.try_with(|_| ()).is_ok() {
        return next.run(req).await;
    }
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let origin = t.origins.for_request(side, req.headers(), peer);
    CURRENT.scope((side, origin), next.run(req)).await
}

/// Both origins as configured and bound.
#[derive(Debug, Clone)]
pub struct Origins {
    /// `scheme://public-host:port` of each bound origin.
    pub signin_bound: String,
    pub graph_bound: String,
    /// `--public-url` of each origin.
    pub signin_public: Option<String>,
    pub graph_public: Option<String>,
}

impl Origins {
    pub fn for_request(&self, side: Side, headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
        match side {
            Side::SignIn => public_origin(self.signin_public.as_deref(), &self.signin_bound, headers, peer),
            Side::Graph => public_origin(self.graph_public.as_deref(), &self.graph_bound, headers, peer),
        }
    }

    /// The origin named when no request says otherwise.
    pub fn default_of(&self, side: Side) -> String {
        match side {
            Side::SignIn => self.signin_public.clone().unwrap_or_else(|| self.signin_bound.clone()),
            Side::Graph => self.graph_public.clone().unwrap_or_else(|| self.graph_bound.clone()),
        }
    }

    /// `side`'s origin as the current request sees it. Forwarded headers describe only the origin
    /// they arrived at; the other origin is its public URL or bound address.
    pub fn now(&self, side: Side) -> String {
        CURRENT
            .try_with(|(s, o)| (*s == side).then(|| o.clone()))
            .ok()
            .flatten()
            .unwrap_or_else(|| self.default_of(side))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(proto: &str, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-proto", proto.parse().unwrap());
        h.insert("x-forwarded-host", host.parse().unwrap());
        h
    }

    #[test]
    fn forwarded_headers_count_only_from_loopback_peers() {
        let h = forwarded("https", "login.example:8443");
        let bound = "http://localhost:8081";
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
        let remote: SocketAddr = "192.0.2.7:5000".parse().unwrap();
        assert_eq!(public_origin(None, bound, &h, Some(local)), "https://login.example:8443");
        assert_eq!(public_origin(None, bound, &h, Some(mapped)), "https://login.example:8443");
        assert_eq!(public_origin(None, bound, &h, Some(remote)), bound);
        assert_eq!(public_origin(Some("https://p.example"), bound, &h, Some(local)), "https://p.example");
    }

    #[test]
    fn odd_forwarded_values_fall_back_to_the_bound_origin() {
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let h = forwarded("gopher", "evil.example/path");
        assert_eq!(public_origin(None, "https://localhost:1", &h, Some(local)), "https://localhost:1");
        let h = forwarded("https, http", "a.example, b.example");
        assert_eq!(public_origin(None, "http://localhost:1", &h, Some(local)), "https://a.example");
    }

    #[test]
    fn public_urls_must_be_origins() {
        assert_eq!(parse_public_url("https://login.example:8443/").unwrap(), "https://login.example:8443");
        assert_eq!(parse_public_url("https://login.example:443").unwrap(), "https://login.example");
        assert!(parse_public_url("https://login.example/tenant").is_err());
        assert!(parse_public_url("ftp://x").is_err());
        assert!(parse_public_url("login.example").is_err());
    }
}
