//! The session: who is signed in, and tokens for Graph on demand, handed out the way MSAL.js
//! does (cache, then one refresh at a time, then "sign in again"), sign-in by redirect or popup,
//! and sign-out. The only holder of tokens in Portier.

mod exchange;
mod start;
mod tokens;

pub use exchange::preload as preload_exchanges;

use super::authorizer::{Authorizer, Renew};
use super::cache::{Account, TokenCache};
use super::error::{AuthError, classify};
use super::interaction::{self, Answer, Kind};
use crate::config::Config;
use crate::net::{Cancel, HttpRequest, LocalBoxFuture, fetch};
use crate::storage::{self, KeyValue, Stores};
use futures::FutureExt;
use futures::future::Shared;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::RefCell;
use std::rc::Rc;

/// A job everyone who asks while it runs waits for, so that it runs once at a time.
type Joint<T> = RefCell<Option<Shared<LocalBoxFuture<'static, T>>>>;

/// Waits for the job running in `slot`, or starts one with `start` and waits for that.
async fn joined<T: Clone + 'static>(slot: &Joint<T>, start: impl FnOnce() -> LocalBoxFuture<'static, T>) -> T {
    let running = slot.borrow().clone();
    if let Some(job) = running {
        return job.await;
    }
    let job = start().shared();
    *slot.borrow_mut() = Some(job.clone());
    let result = job.await;
    *slot.borrow_mut() = None;
    result
}

struct Inner {
    config: Config,
    tokens: Rc<dyn KeyValue>,
    /// Requests waiting for an answer always live in `sessionStorage`: they belong to this tab.
    temp: Rc<dyn KeyValue>,
    /// The provider's documents, once fetched (by the sign-in chunk).
    loaded: RefCell<Option<Rc<start::Loaded>>>,
    loading: Joint<Result<Rc<start::Loaded>, AuthError>>,
    account: RwSignal<Option<Account>>,
    refreshing: Joint<Result<(), AuthError>>,
    /// Thrown when the app is removed from its page: nothing is sent after that.
    lifetime: Cancel,
    /// The page's own sign-in, when it gave Portier a token provider.
    host: RefCell<Option<super::HostTokens>>,
}

/// Shared by the whole app (cheap to clone). Portier runs on the browser's one thread: the
/// wrapper only satisfies the framework's `Send` bound and would panic if that changed.
#[derive(Clone)]
pub struct Session(SendWrapper<Rc<Inner>>);

fn now_secs() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return js_sys::Date::now() / 1000.0;
    #[cfg(not(target_arch = "wasm32"))]
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

type Network = LocalBoxFuture<'static, Result<crate::net::HttpResponse, crate::net::NetError>>;

impl Session {
    /// A session over `stores` (chosen from the configuration's `cacheLocation`).
    pub fn new(config: Config, stores: Stores, lifetime: Cancel) -> Session {
        let Stores { tab: session, cache: tokens } = stores;
        let account = TokenCache::new(tokens.as_ref()).account();
        Session(SendWrapper::new(Rc::new(Inner {
            config,
            tokens,
            temp: session,
            loaded: RefCell::new(None),
            loading: RefCell::new(None),
            account: RwSignal::new(account),
            refreshing: RefCell::new(None),
            lifetime,
            host: RefCell::new(None),
        })))
    }

    /// Hands token requests to the page's own sign-in (`None`: Portier signs in itself again).
    /// The page's user counts as signed in; who they are comes from Graph's `/me`.
    pub fn use_host_tokens(&self, host: Option<super::HostTokens>) {
        let on = host.is_some();
        *self.0.host.borrow_mut() = host;
        let cached = if on { Some(Account::from_host_page()) } else { self.cache().account() };
        self.0.account.set(cached);
    }

    /// Whether the page's own sign-in provides the tokens.
    pub fn uses_host_tokens(&self) -> bool {
        self.0.host.borrow().is_some()
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// The signed-in account, reactively.
    pub fn account(&self) -> Signal<Option<Account>> {
        self.0.account.into()
    }

    /// The network, for as long as the app lives.
    fn http(&self) -> impl Fn(HttpRequest) -> Network + use<> {
        let lifetime = self.0.lifetime.clone();
        move |req| {
            let lifetime = lifetime.clone();
            Box::pin(async move { fetch(req, Some(&lifetime)).await })
        }
    }

    fn cache(&self) -> TokenCache<'_> {
        TokenCache::new(self.0.tokens.as_ref())
    }

    /// Fetches the provider's discovery document and keys (once; callers meanwhile share the
    /// fetch), so that a sign-in can start within the click that asks for it.
    pub async fn prepare(&self) -> Result<(), AuthError> {
        let exchanges = exchange::exchanges().await?;
        (exchanges.prepare)(self).await
    }

    /// Leaves the page for the sign-in page; the answer comes back to `redirect_uri`.
    pub async fn sign_in_redirect(
        &self,
        return_to: &str,
        claims: Option<String>,
        prompt: Option<&str>,
    ) -> Result<(), AuthError> {
        let exchanges = exchange::exchanges().await?;
        let prompt = prompt.map(String::from);
        let request = start::SignInRequest { kind: Kind::Redirect, return_to: return_to.to_string(), claims, prompt };
        let started = (exchanges.start)(self, request).await?;
        let window = web_sys::window().ok_or_else(|| AuthError::BrowserRefused("no window".into()))?;
        window.location().assign(&started.url).map_err(|e| AuthError::BrowserRefused(format!("{e:?}")))
    }

    /// Signs in through a popup. Call it from the click itself: the window opens before any wait,
    /// or browsers block it.
    #[cfg(target_arch = "wasm32")]
    pub async fn sign_in_popup(
        &self,
        return_to: &str,
        claims: Option<String>,
        link_cut: impl Fn() + 'static,
        cancelled: impl std::future::Future<Output = ()> + 'static,
    ) -> Result<(), AuthError> {
        let window = web_sys::window().ok_or_else(|| AuthError::BrowserRefused("no window".into()))?;
        // Both within the click: browsers require it of each.
        let access = super::storage_access::request();
        let popup = window
            .open_with_url_and_target_and_features("", "portier-sign-in", "popup=yes,width=483,height=640")
            .ok()
            .flatten()
            .ok_or(AuthError::PopupBlocked)?;
        // The rest (the authorize request, the wait, the exchange) lives in the sign-in chunk.
        let exchanges = match exchange::exchanges().await {
            Ok(e) => e,
            Err(e) => {
                let _ = popup.close();
                return Err(e);
            }
        };
        let request =
            start::SignInRequest { kind: Kind::Popup, return_to: return_to.to_string(), claims, prompt: None };
        let link_cut = Box::new(link_cut);
        let cancelled = Box::pin(cancelled);
        (exchanges.popup)(self, start::PopupSignIn { popup, access, request, link_cut, cancelled }).await
    }

    /// Whether this page's URL carries a sign-in's answer (then [`Session::complete_redirect`]
    /// has work to do before any page shows).
    pub fn answer_in_url(&self) -> bool {
        let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        interaction::read_answer(&href).is_some()
    }

    /// Completes a sign-in whose answer is in this page's URL; returns where to go back to.
    /// The URL is cleaned of `code` and `state` at once.
    pub async fn complete_redirect(&self) -> Result<Option<String>, AuthError> {
        let Some(window) = web_sys::window() else { return Ok(None) };
        let href = window.location().href().unwrap_or_default();
        let Some(answer) = interaction::read_answer(&href) else { return Ok(None) };
        let clean = format!(
            "{}{}",
            window.location().pathname().unwrap_or_default(),
            clean_search(&window.location().search().unwrap_or_default())
        );
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&clean));
        }
        self.finish(answer).await.map(Some)
    }

    /// Ends a sign-in with its answer: a refusal is said at once, a code is redeemed (in the
    /// sign-in chunk); the page to return to.
    async fn finish(&self, answer: Answer) -> Result<String, AuthError> {
        match answer {
            Answer::Error { state, error, description } => {
                if let Some(s) = state {
                    interaction::forget(self.0.temp.as_ref(), &s);
                }
                Err(classify(&error, &description, None, None))
            }
            Answer::Code { code, state, client_info } => {
                let exchanges = exchange::exchanges().await?;
                (exchanges.redeem)(self, state, code, client_info).await
            }
        }
    }

    /// Forgets everything of the user's in this browser, then ends the provider's session.
    pub async fn sign_out(&self) {
        let account = self.0.account.get_untracked();
        for store in [self.0.tokens.as_ref(), self.0.temp.as_ref()] {
            storage::clear_section(store, "");
        }
        // The provider's end of the session is the chunk's to address (the chunk and the
        // provider's documents may still have to load); without it, straight back. Meanwhile the
        // page stays as it is: the browser leaves it next, with nothing of the person kept.
        let target = match exchange::exchanges().await {
            Ok(exchanges) => (exchanges.logout_target)(self, account).await,
            Err(_) => self.0.config.post_logout_redirect_uri.clone(),
        };
        if let Some(w) = web_sys::window() {
            let _ = w.location().assign(&target);
        }
        self.0.account.set(None);
    }
}

/// The page's query without the sign-in answer's parameters.
fn clean_search(search: &str) -> String {
    let kept: Vec<(String, String)> = form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
        .into_owned()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "code" | "state" | "session_state" | "client_info" | "error" | "error_description" | "error_uri"
            )
        })
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish())
    }
}

impl Authorizer for Session {
    /// The token's code lives in the signed-in chunk, with the code that sends: a signed-out
    /// first page needs neither.
    fn authorize(&self, request: HttpRequest, renew: Renew) -> LocalBoxFuture<'_, Result<HttpRequest, AuthError>> {
        Box::pin(async move {
            let authorize = tokens::authorizer().await?;
            authorize(self, request, renew).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::clean_search;

    #[test]
    fn the_answer_is_cleaned_from_the_query_and_the_rest_kept() {
        assert_eq!(clean_search("?code=x&state=y&tab=2"), "?tab=2");
        assert_eq!(clean_search("?code=x&state=y"), "");
        assert_eq!(clean_search(""), "");
    }
}
