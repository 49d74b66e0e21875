//! The session's part in the signed-in chunk: an access token on each Graph request, from the
//! cache while it has more than five minutes left, else renewed with the refresh token (one
//! renewal at a time), else "sign in again". A signed-out first page runs none of it, so it
//! lives in the signed-in chunk, beside the code that sends (`crate::net`).

use super::{Session, joined, now_secs};
use crate::auth::authorizer::Renew;
use crate::auth::error::AuthError;
use crate::chunk::split;
use crate::net::{HttpRequest, LocalBoxFuture};

/// Puts an access token on a request.
pub type Authorize = for<'a> fn(&'a Session, HttpRequest, Renew) -> LocalBoxFuture<'a, Result<HttpRequest, AuthError>>;

fn authorize(
    session: &Session,
    mut request: HttpRequest,
    renew: Renew,
) -> LocalBoxFuture<'_, Result<HttpRequest, AuthError>> {
    Box::pin(async move {
        if session.0.lifetime.is_cancelled() {
            return Err(AuthError::Cancelled);
        }
        let token = match renew {
            Renew::No => session.token(false, None).await?,
            Renew::Refresh => session.token(true, None).await?,
            Renew::Claims(c) => session.token(true, Some(c)).await?,
        };
        let value = bearer(&token)?;
        request.headers_mut().insert(http::header::AUTHORIZATION, value);
        Ok(request)
    })
}

split!(signed_in, tokens_chunk -> Authorize => authorize);

/// The token's code (its chunk loaded once; a failure is not kept, so the next request tries
/// again).
pub async fn authorizer() -> Result<Authorize, AuthError> {
    tokens_chunk().await.map_err(|_| AuthError::PartNotLoaded)
}

impl Session {
    /// An access token for Graph: cached while it has more than five minutes left, else renewed
    /// with the refresh token (one renewal at a time), else `InteractionRequired`.
    pub async fn token(&self, force: bool, claims: Option<String>) -> Result<String, AuthError> {
        let scopes = self.0.config.scopes.clone();
        let host = self.0.host.borrow().clone();
        if let Some(host) = host {
            return host.token(&scopes, force, claims.as_deref()).await;
        }
        if !force && let Some(at) = self.cache().access_token(&scopes, claims.as_deref(), now_secs()) {
            return Ok(at.secret);
        }
        if force {
            self.cache().drop_access_token(&scopes);
        }
        self.refresh_once(claims.clone()).await?;
        // A token just renewed is served even with less than five minutes left (short-lived
        // tokens would otherwise never be served).
        self.cache()
            .access_token(&scopes, claims.as_deref(), now_secs() - crate::auth::cache::RENEWAL_OFFSET_SECS)
            .map(|t| t.secret)
            .ok_or(AuthError::InteractionRequired { code: "no_tokens_found".into(), claims })
    }

    async fn refresh_once(&self, claims: Option<String>) -> Result<(), AuthError> {
        let me = self.clone();
        joined(&self.0.refreshing, move || Box::pin(async move { me.refresh(claims).await })).await
    }

    async fn refresh(&self, claims: Option<String>) -> Result<(), AuthError> {
        // Nothing to renew with: a sign-in is the way on, whether or not the exchanges load.
        if self.cache().refresh_token().is_none() {
            return Err(AuthError::InteractionRequired { code: "no_tokens_found".into(), claims });
        }
        let exchanges = super::exchange::exchanges().await?;
        (exchanges.renew)(self, claims).await
    }
}

/// The `Authorization` header for an access token; a token with characters no header may carry
/// is the token service's fault, said as such.
fn bearer(token: &str) -> Result<http::HeaderValue, AuthError> {
    format!("Bearer {token}")
        .parse()
        .map_err(|_| AuthError::InvalidAccessToken("it holds characters an HTTP header cannot carry".into()))
}

#[cfg(test)]
mod tests {
    use super::{AuthError, bearer};

    #[test]
    fn an_access_token_no_header_can_carry_is_said_to_be_the_access_tokens_fault() {
        assert_eq!(bearer("eyJ0.abc-_.sig").unwrap(), "Bearer eyJ0.abc-_.sig");
        assert!(matches!(bearer("line\nbreak"), Err(AuthError::InvalidAccessToken(_))));
    }
}
