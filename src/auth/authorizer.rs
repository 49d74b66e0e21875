//! What the Graph client asks of whoever holds the tokens: a request with credentials, renewed
//! when Graph refused the last ones. Defined here so that `graph` depends on `auth`, not back.

use super::AuthError;
use crate::net::{HttpRequest, LocalBoxFuture};

/// Why the session is asked for credentials again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Renew {
    /// First try: a cached token will do.
    No,
    /// Graph refused the token: get a fresh one.
    Refresh,
    /// Graph sent a claims challenge (decoded JSON): get a token that satisfies it.
    Claims(String),
}

/// What Graph needs from the session: requests with credentials. Only `auth` (or a host page's
/// token provider) sees the token itself.
pub trait Authorizer {
    fn authorize(&self, request: HttpRequest, renew: Renew) -> LocalBoxFuture<'_, Result<HttpRequest, AuthError>>;
}
