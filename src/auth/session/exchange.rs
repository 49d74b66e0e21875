//! The sign-in chunk: the provider's documents, the authorize request (`start.rs`), the token
//! service's exchanges (a code for tokens on the way back from sign-in, a refresh token for new
//! ones on a renewal) with the id token's checks, and the end-session address. The signed-out
//! first page runs none of it until a click, so the split build puts it in a chunk of its own,
//! loaded when first needed and while the browser is idle on the welcome page (it is then in the
//! HTTP cache when the sign-in button is pressed, and when the sign-in returns).

use super::start::{SignInRequest, Started};
use super::{Session, now_secs};
use crate::auth::cache::{AccessToken, Account};
use crate::auth::error::AuthError;
use crate::auth::interaction;
use crate::auth::{oidc, verify};
use crate::chunk::split;
use crate::net::LocalBoxFuture;
use leptos::prelude::Set;
use openidconnect::OAuth2TokenResponse;

/// A future of the session's, living as long as the session is borrowed.
type Of<'a, T> = LocalBoxFuture<'a, Result<T, AuthError>>;

/// The exchanges, as pointers into the chunk.
#[derive(Clone, Copy)]
pub struct Exchanges {
    /// Redeems a code (with its `state` and `client_info`) for the sign-in this tab started;
    /// the page to return to.
    pub redeem: for<'a> fn(&'a Session, String, String, Option<String>) -> Of<'a, String>,
    /// Renews the tokens with the refresh token (asking for `claims` when given).
    pub renew: for<'a> fn(&'a Session, Option<String>) -> Of<'a, ()>,
    /// Fetches the provider's documents (once per tab).
    pub prepare: for<'a> fn(&'a Session) -> Of<'a, ()>,
    /// Builds a sign-in's authorize request.
    pub start: for<'a> fn(&'a Session, SignInRequest) -> Of<'a, Started>,
    /// Signs in through the popup opened within the click.
    #[cfg(target_arch = "wasm32")]
    pub popup: for<'a> fn(&'a Session, super::start::PopupSignIn) -> Of<'a, ()>,
    /// Where sign-out sends the browser.
    pub logout_target: for<'a> fn(&'a Session, Option<Account>) -> LocalBoxFuture<'a, String>,
}

fn redeem(s: &Session, state: String, code: String, info: Option<String>) -> Of<'_, String> {
    Box::pin(s.redeem_code(state, code, info))
}

fn renew(s: &Session, claims: Option<String>) -> LocalBoxFuture<'_, Result<(), AuthError>> {
    Box::pin(s.renew(claims))
}

fn prepare(s: &Session) -> Of<'_, ()> {
    Box::pin(async move { s.loaded().await.map(|_| ()) })
}

fn start(s: &Session, request: SignInRequest) -> Of<'_, Started> {
    Box::pin(s.start_sign_in(request))
}

fn logout_target(s: &Session, account: Option<Account>) -> LocalBoxFuture<'_, String> {
    Box::pin(s.logout_target(account))
}

#[cfg(target_arch = "wasm32")]
fn popup(s: &Session, sign_in: super::start::PopupSignIn) -> Of<'_, ()> {
    Box::pin(s.sign_in_in_popup(sign_in))
}

split!(auth, exchanges_chunk -> Exchanges => Exchanges {
    redeem,
    renew,
    prepare,
    start,
    #[cfg(target_arch = "wasm32")]
    popup,
    logout_target,
});

/// The exchanges (their chunk loaded once; a failure is not kept: the next call tries again).
pub async fn exchanges() -> Result<Exchanges, AuthError> {
    exchanges_chunk().await.map_err(|_| AuthError::PartNotLoaded)
}

/// Loads the exchanges ahead of need; a failure stays quiet (the sign-in that needs them tries
/// again and says so).
pub async fn preload() {
    let _ = exchanges().await;
}

impl Session {
    /// Redeems the code of a sign-in this tab started, checks the id token and keeps the session;
    /// the page to return to. Reached only through the exchanges' chunk.
    pub(super) async fn redeem_code(
        &self,
        state: String,
        code: String,
        client_info: Option<String>,
    ) -> Result<String, AuthError> {
        let pending = interaction::take(self.0.temp.as_ref(), &state)
            .ok_or_else(|| AuthError::UnexpectedResponse("no sign-in of this tab matches the answer".into()))?;
        let loaded = self.loaded().await?;
        let config = &self.0.config;
        let client = oidc::client(config, &loaded.provider, loaded.jwks.clone(), &pending.redirect_uri)?;
        let started = now_secs();
        let response = oidc::redeem(&client, &self.http(), &code, &pending.verifier, &config.scopes).await?;
        let raw =
            response.raw_id_token().ok_or_else(|| AuthError::InvalidIdToken("the answer has no id token".into()))?;
        let expected = verify::Expected {
            client_id: &config.client_id,
            nonce: &pending.nonce,
            mode: config.protocol_mode,
            issuer: &loaded.provider.issuer,
            now: started as i64,
        };
        let mut account = verify::verify(raw, &loaded.jwks, &expected).await?;
        if let Some(home) = interaction::home_account_id(client_info.as_deref()) {
            account.home_account_id = home;
        }
        let cache = self.cache();
        cache.clear();
        cache.set_account(&account);
        self.store_tokens(&response, started, pending.claims.clone());
        self.0.account.set(Some(account));
        // Checked again: the tab's storage is not to be trusted to hold only what was saved.
        Ok(config.own_path(&pending.return_to).unwrap_or_else(|| "/".into()))
    }

    fn store_tokens(&self, response: &oidc::TokenResponse, started: f64, claims: Option<String>) {
        let cache = self.cache();
        let expires_in = response.expires_in().map(|d| d.as_secs_f64()).unwrap_or(3600.0);
        cache.set_access_token(
            &self.0.config.scopes,
            &AccessToken { secret: response.access_token().secret().clone(), expires_on: started + expires_in, claims },
        );
        if let Some(rt) = response.refresh_token() {
            cache.set_refresh_token(Some(rt.secret()));
        }
    }

    /// Renews the tokens with the refresh token. Reached only through the exchanges' chunk.
    pub(super) async fn renew(&self, claims: Option<String>) -> Result<(), AuthError> {
        let Some(rt) = self.cache().refresh_token() else {
            return Err(AuthError::InteractionRequired { code: "no_tokens_found".into(), claims });
        };
        let loaded = self.loaded().await?;
        let client = oidc::client(&self.0.config, &loaded.provider, loaded.jwks.clone(), &self.0.config.redirect_uri)?;
        let started = now_secs();
        match oidc::refresh(&client, &self.http(), &rt, &self.0.config.scopes, claims.as_deref()).await {
            Ok(response) => {
                self.store_tokens(&response, started, claims);
                Ok(())
            }
            Err(AuthError::InteractionRequired { code, claims: server_claims }) => {
                // The refresh token is spent: keep the account (for the sign-in hint), drop the rest.
                let cache = self.cache();
                cache.set_refresh_token(None);
                cache.drop_access_token(&self.0.config.scopes);
                Err(AuthError::InteractionRequired { code, claims: server_claims.or(claims) })
            }
            Err(e) => Err(e),
        }
    }
}
