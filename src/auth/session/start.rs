//! The beginning and the end of a sign-in that only a click reaches: the provider's documents,
//! the authorize request (PKCE, state, nonce) and the end-session address. Reached only through
//! the sign-in chunk (`exchange.rs`), so none of it weighs on the signed-out first page.

use super::{Session, joined};
use crate::auth::cache::Account;
use crate::auth::error::AuthError;
use crate::auth::interaction::{self, Kind, Pending};
use crate::auth::oidc::{self, Jwks, Provider};
use crate::net::{Cancel, fetch};
use leptos::prelude::GetUntracked;
use std::rc::Rc;

/// The provider's endpoints and keys, fetched once per tab.
pub struct Loaded {
    pub provider: Provider,
    pub jwks: Jwks,
}

/// What a new sign-in asks for.
pub struct SignInRequest {
    pub kind: Kind,
    /// The page to come back to (a path on this site; anything else comes back to `/`).
    pub return_to: String,
    /// A claims challenge Graph answered with, to be met by the new tokens.
    pub claims: Option<String>,
    /// `prompt` for the authority (`select_account`, `login`…).
    pub prompt: Option<String>,
}

/// A popup sign-in under way: the window opened within the click, and what its wait needs.
#[cfg(target_arch = "wasm32")]
pub struct PopupSignIn {
    pub popup: web_sys::Window,
    /// The request for the unpartitioned channel, made within the click (see `storage_access`).
    pub access: Option<wasm_bindgen_futures::JsFuture>,
    pub request: SignInRequest,
    /// Called when the popup looks closed while no answer came.
    pub link_cut: Box<dyn Fn()>,
    /// Resolves when the person gives up waiting.
    pub cancelled: crate::net::LocalBoxFuture<'static, ()>,
}

/// A sign-in ready to go: where to send the browser, and the `state` its answer will carry.
pub struct Started {
    pub url: String,
    /// Read by the popup's wait, which only the browser has.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub state: String,
}

impl Session {
    /// The provider's documents; everyone who asks while they load waits for the one fetch.
    pub(super) async fn loaded(&self) -> Result<Rc<Loaded>, AuthError> {
        if let Some(l) = self.0.loaded.borrow().clone() {
            return Ok(l);
        }
        let me = self.clone();
        joined(&self.0.loading, move || {
            Box::pin(async move {
                let provider: Provider = get_json(&oidc::discovery_url(&me.0.config), &me.0.lifetime).await?;
                let jwks: Jwks = get_json(&provider.jwks_uri, &me.0.lifetime).await?;
                let loaded = Rc::new(Loaded { provider, jwks });
                *me.0.loaded.borrow_mut() = Some(loaded.clone());
                Ok(loaded)
            })
        })
        .await
    }

    /// The authorize request of a new sign-in; what its answer needs is kept in this tab.
    pub(super) async fn start_sign_in(&self, request: SignInRequest) -> Result<Started, AuthError> {
        let SignInRequest { kind, return_to, claims, prompt } = request;
        let loaded = self.loaded().await?;
        let config = &self.0.config;
        let redirect_uri = if kind == Kind::Popup { &config.popup_redirect_uri } else { &config.redirect_uri };
        let client = oidc::client(config, &loaded.provider, loaded.jwks.clone(), redirect_uri)?;
        let hint = self.0.account.get_untracked().map(|a| a.login_hint.unwrap_or(a.username));
        let options = oidc::AuthorizeOptions {
            prompt,
            login_hint: hint,
            claims: claims.clone(),
            correlation_id: Some(crate::net::new_guid()),
        };
        let request = oidc::authorize(&client, &config.scopes, &options);
        let pending = Pending {
            nonce: request.nonce,
            verifier: request.verifier,
            redirect_uri: redirect_uri.clone(),
            return_to: config.own_path(&return_to).unwrap_or_else(|| "/".into()),
            claims,
            kind,
        };
        interaction::save(self.0.temp.as_ref(), &request.state, &pending);
        Ok(Started { url: request.url, state: request.state })
    }

    /// Sends the popup opened within the click to the authority, waits for its answer and
    /// redeems it.
    #[cfg(target_arch = "wasm32")]
    pub(super) async fn sign_in_in_popup(&self, sign_in: PopupSignIn) -> Result<(), AuthError> {
        let PopupSignIn { popup, access, request, link_cut, cancelled } = sign_in;
        let started = match self.start_sign_in(request).await {
            Ok(s) => s,
            Err(e) => {
                let _ = popup.close();
                return Err(e);
            }
        };
        let _ = popup.location().set_href(&started.url);
        let answer = interaction::wait_for_popup(&started.state, &popup, access, link_cut, cancelled).await;
        let _ = popup.close();
        self.finish(answer?).await.map(|_| ())
    }

    /// Where sign-out sends the browser: the provider's end-session endpoint (with the hint of
    /// who leaves), or straight back when the provider names none or cannot be reached.
    pub(super) async fn logout_target(&self, account: Option<Account>) -> String {
        let config = &self.0.config;
        let Ok(loaded) = self.loaded().await else { return config.post_logout_redirect_uri.clone() };
        let Some(end) = &loaded.provider.end_session_endpoint else {
            return config.post_logout_redirect_uri.clone();
        };
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("post_logout_redirect_uri", &config.post_logout_redirect_uri);
        q.append_pair("client-request-id", &crate::net::new_guid());
        if let Some(hint) = account.and_then(|a| a.login_hint) {
            q.append_pair("logout_hint", &hint);
        }
        format!("{end}?{}", q.finish())
    }
}

async fn get_json<T: serde::de::DeserializeOwned>(url: &str, lifetime: &Cancel) -> Result<T, AuthError> {
    let req = http::Request::get(url)
        .header(http::header::ACCEPT, "application/json")
        .body(vec![])
        .map_err(|e| AuthError::Unreachable(e.to_string()))?;
    let res = fetch(req, Some(lifetime)).await.map_err(|e| AuthError::Unreachable(format!("{url}: {e}")))?;
    if !res.status().is_success() {
        return Err(AuthError::Unreachable(format!("{url} answered {}", res.status())));
    }
    serde_json::from_slice(res.body()).map_err(|e| AuthError::Unreachable(format!("{url}: {e}")))
}
