//! The Graph client's engine: one request with its `client-request-id`, the credentials the
//! session adds, renewal on 401 (and claims challenges), retries by [`RetryPolicy`], and errors
//! read into [`GraphError`].

use super::error::{self, GraphError};
use super::retry::{Decision, Outcome, RetryPolicy, parse_retry_after};
use crate::auth::{Authorizer, Renew};
use crate::net::{Cancel, HttpRequest, HttpResponse, LocalBoxFuture, NetError};
use http::{Method, header};
use send_wrapper::SendWrapper;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::rc::Rc;

/// How requests reach the network and how the client waits; tests give their own.
pub trait Transport {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
        cancel: Option<&'a Cancel>,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, NetError>>;
    fn sleep(&self, ms: u32) -> LocalBoxFuture<'static, ()>;
    /// A number in [0, 1) for back-off jitter.
    fn jitter(&self) -> f64;
    /// A fresh GUID for `client-request-id`.
    fn new_id(&self) -> String;
    /// Now, in milliseconds since the epoch (to recognise a write of the last minutes).
    fn now_ms(&self) -> f64;
    /// Whether the browser believes it is online: offline, waiting to retry only delays the
    /// message that says so.
    fn online(&self) -> bool;
}

/// The browser's network, for as long as the app lives (an embedded app can be removed).
pub struct BrowserTransport {
    pub lifetime: Cancel,
}

impl Transport for BrowserTransport {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
        cancel: Option<&'a Cancel>,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, NetError>> {
        let cancel = cancel.map_or_else(|| self.lifetime.clone(), |c| c.either(&self.lifetime));
        Box::pin(async move { crate::net::fetch(request, Some(&cancel)).await })
    }

    fn sleep(&self, ms: u32) -> LocalBoxFuture<'static, ()> {
        // A removed app wakes within a quarter second and leaves no timer behind: whatever
        // waited then fails as cancelled, sending nothing.
        let lifetime = self.lifetime.clone();
        Box::pin(async move {
            let mut left = ms;
            while left > 0 && !lifetime.is_cancelled() {
                let step = left.min(250);
                crate::net::sleep(step).await;
                left -= step;
            }
        })
    }

    fn jitter(&self) -> f64 {
        js_sys::Math::random()
    }

    fn new_id(&self) -> String {
        crate::net::new_guid()
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn online(&self) -> bool {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }
}

/// How a request is sent beyond its method.
pub(super) struct Sending {
    /// Retried as if it were this method: a `$batch` of reads is a `POST` that can be sent again
    /// like a `GET`.
    pub retried_as: Method,
    /// Credentials renewed before the first try (its items' tokens were refused).
    pub renew: Renew,
}

/// A Graph answer that succeeded.
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Cheap to clone. Portier runs on the browser's one thread: the wrappers only satisfy the
/// framework's `Send` bound.
#[derive(Clone)]
pub struct GraphClient {
    base: String,
    auth: SendWrapper<Rc<dyn Authorizer>>,
    transport: SendWrapper<Rc<dyn Transport>>,
    policy: RetryPolicy,
}

impl GraphClient {
    /// `base` is Graph's versioned root, e.g. `https://graph.microsoft.com/v1.0`.
    pub fn new(base: &str, auth: Rc<dyn Authorizer>, transport: Rc<dyn Transport>) -> GraphClient {
        GraphClient {
            base: base.trim_end_matches('/').into(),
            auth: SendWrapper::new(auth),
            transport: SendWrapper::new(transport),
            policy: RetryPolicy::default(),
        }
    }

    pub fn with_policy(mut self, policy: RetryPolicy) -> GraphClient {
        self.policy = policy;
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub(super) fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    pub(super) async fn sleep_ms(&self, ms: u32) {
        self.transport.sleep(ms).await
    }

    pub(super) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp_millis(self.transport.now_ms() as i64).unwrap_or_default()
    }

    /// An absolute URL for a path under the versioned root (`/me`), or a link Graph gave
    /// (`@odata.nextLink`) — which must point back at Graph, so the token never leaves it.
    pub(super) fn url(&self, path_or_link: &str) -> Result<String, GraphError> {
        if path_or_link.starts_with('/') {
            return Ok(format!("{}{path_or_link}", self.base));
        }
        let origin = |u: &str| crate::web_url::WebUrl::parse(u).ok().map(|u| u.origin());
        if origin(path_or_link).is_some() && origin(path_or_link) == origin(&self.base) {
            return Ok(path_or_link.to_string());
        }
        Err(GraphError::Unreadable { status: 0, detail: format!("refusing a link outside Graph: {path_or_link}") })
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str, cancel: Option<&Cancel>) -> Result<T, GraphError> {
        let answer = self.send(Method::GET, path, None, cancel).await?;
        parse(&answer)
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        cancel: Option<&Cancel>,
    ) -> Result<T, GraphError> {
        let answer = self.send(Method::POST, path, Some(to_json(body)?), cancel).await?;
        parse(&answer)
    }

    /// Sends one request until it succeeds or the policy gives up. A write that got no answer
    /// comes back as `Network { maybe_applied: true }`: the caller checks before sending again.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        cancel: Option<&Cancel>,
    ) -> Result<Answer, GraphError> {
        let how = Sending { retried_as: method.clone(), renew: Renew::No };
        self.send_as(method, path, body, cancel, how).await
    }

    /// [`send`](Self::send), retried as [`Sending`] says.
    pub(super) async fn send_as(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        cancel: Option<&Cancel>,
        how: Sending,
    ) -> Result<Answer, GraphError> {
        let Sending { retried_as, mut renew } = how;
        let url = self.url(path)?;
        let client_request_id = self.transport.new_id();
        // A renewal asked for up front (a batch whose items were refused) is the one allowed.
        let mut renewed = renew != Renew::No;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut builder = http::Request::builder()
                .method(method.clone())
                .uri(&url)
                .header(header::ACCEPT, "application/json")
                .header(crate::net::CLIENT_REQUEST_ID, &client_request_id);
            if body.is_some() {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
            }
            let request = builder
                .body(body.clone().unwrap_or_default())
                .map_err(|e| GraphError::Unreadable { status: 0, detail: e.to_string() })?;
            let request = self.auth.authorize(request, renew.clone()).await?;
            if cancel.is_some_and(Cancel::is_cancelled) {
                return Err(GraphError::Cancelled);
            }
            let outcome = match self.transport.send(request, cancel).await {
                Err(NetError::Cancelled) => return Err(GraphError::Cancelled),
                Err(NetError::PartNotLoaded) => return Err(GraphError::PartNotLoaded),
                Err(NetError::Failed(detail)) => Err(detail),
                Ok(response) => Ok(response),
            };
            let (decision, failure) = match outcome {
                Ok(r) if r.status().is_success() => {
                    return Ok(Answer { status: r.status().as_u16(), body: r.into_body() });
                }
                Ok(r) if r.status() == 401 && !renewed => {
                    renewed = true;
                    renew = renewal_for(r.headers().get(header::WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()));
                    attempt -= 1;
                    continue;
                }
                Ok(r) => {
                    let status = r.status().as_u16();
                    let retry_after =
                        r.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
                    let request_id =
                        r.headers().get(crate::net::REQUEST_ID).and_then(|v| v.to_str().ok()).map(String::from);
                    let err = error::from_response(status, r.body(), request_id.as_deref());
                    (
                        self.policy.decide(
                            &retried_as,
                            attempt,
                            &Outcome::Status { status, retry_after },
                            self.transport.jitter(),
                        ),
                        err,
                    )
                }
                Err(detail) => {
                    let decision = if self.transport.online() {
                        self.policy.decide(&retried_as, attempt, &Outcome::NetworkError, self.transport.jitter())
                    } else {
                        Decision::GiveUp
                    };
                    let maybe_applied = !super::retry::is_idempotent(&retried_as);
                    (decision, GraphError::Network { detail, maybe_applied })
                }
            };
            match decision {
                Decision::RetryAfterMs(ms) => self.transport.sleep(ms).await,
                Decision::CheckFirst => {
                    return Err(match failure {
                        GraphError::Service(_) => failure,
                        GraphError::Network { detail, .. } => GraphError::Network { detail, maybe_applied: true },
                        other => other,
                    });
                }
                Decision::GiveUp => return Err(failure),
            }
        }
    }
}

/// What a refused token asks for: the claims of a challenge, or simply a fresh token.
pub(super) fn renewal_for(www_authenticate: Option<&str>) -> Renew {
    www_authenticate.and_then(crate::auth::claims_challenge).map(Renew::Claims).unwrap_or(Renew::Refresh)
}

fn to_json<B: Serialize>(body: &B) -> Result<Vec<u8>, GraphError> {
    serde_json::to_vec(body).map_err(|e| GraphError::Unreadable { status: 0, detail: e.to_string() })
}

pub(super) fn parse<T: DeserializeOwned>(answer: &Answer) -> Result<T, GraphError> {
    // 204 and empty bodies read as JSON null, for `()` and `Option<_>`.
    let body: &[u8] = if answer.body.is_empty() { b"null" } else { &answer.body };
    serde_json::from_slice(body).map_err(|e| GraphError::Unreadable { status: answer.status, detail: e.to_string() })
}
