//! The one way to the network: the browser's `fetch`, with `http` types in and out, and
//! cancellation, so that a page left behind stops waiting for its answers. The code that sends
//! (and the `http` crate's) lives in the signed-in chunk, with the session's tokens and the
//! account's reads: a signed-out first page sends nothing, and a signed-in one asks for the chunk
//! at start, beside its page's.

use std::fmt;

/// A future that stays on this thread (the browser has one).
pub type LocalBoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>>;

pub type HttpRequest = http::Request<Vec<u8>>;
pub type HttpResponse = http::Response<Vec<u8>>;

/// Graph's id for its side of a request (kept for the error view).
pub const REQUEST_ID: http::HeaderName = http::HeaderName::from_static("request-id");
/// The id Portier gives a request, as MSAL.js and Graph's SDKs send it.
pub const CLIENT_REQUEST_ID: http::HeaderName = http::HeaderName::from_static("client-request-id");

/// The answer headers Portier reads; only these are copied out of `fetch`'s answer. Named by
/// constants, so no header-name parser is needed at run time.
#[cfg(target_arch = "wasm32")]
const READ_HEADERS: [http::HeaderName; 4] =
    [http::header::CONTENT_TYPE, http::header::RETRY_AFTER, http::header::WWW_AUTHENTICATE, REQUEST_ID];

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// The browser could not reach the server (offline, DNS, CORS refusal, connection reset).
    Failed(String),
    /// Cancelled by the app (the page was left).
    Cancelled,
    /// The signed-in chunk of the module, which sends, could not be loaded.
    PartNotLoaded,
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Failed(why) => write!(f, "the network request failed: {why}"),
            NetError::Cancelled => write!(f, "the request was cancelled"),
            NetError::PartNotLoaded => write!(f, "the network part of Portier could not be loaded"),
        }
    }
}

impl std::error::Error for NetError {}

/// A switch that cancels the requests given its signal.
#[derive(Clone)]
pub struct Cancel {
    controller: Option<web_sys::AbortController>,
    /// Set instead of a controller when this switch follows others (see [`Cancel::either`]).
    follows: Option<web_sys::AbortSignal>,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel { controller: web_sys::AbortController::new().ok(), follows: None }
    }

    /// Thrown when either `self` or `other` is: a page's own switch within the app's lifetime
    /// (an embedded app that is removed cancels everything still under way).
    pub fn either(&self, other: &Cancel) -> Cancel {
        let signals: js_sys::Array = [self.signal(), other.signal()].into_iter().flatten().collect();
        let follows = Some(web_sys::AbortSignal::any(&signals));
        Cancel { controller: None, follows }
    }

    /// A switch thrown when the current reactive owner (a page, a component) is cleaned up.
    pub fn on_cleanup() -> Cancel {
        let cancel = Cancel::new();
        let on_drop = send_wrapper::SendWrapper::new(cancel.clone());
        leptos::prelude::on_cleanup(move || on_drop.cancel());
        cancel
    }

    pub fn cancel(&self) {
        if let Some(c) = &self.controller {
            c.abort();
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.signal().is_some_and(|s| s.aborted())
    }

    fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.controller.as_ref().map(|c| c.signal()).or_else(|| self.follows.clone())
    }
}

impl Default for Cancel {
    fn default() -> Self {
        Cancel::new()
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        // The global `fetch`: the same in a window and a worker.
        #[wasm_bindgen(js_name = fetch)]
        fn global_fetch(request: &web_sys::Request) -> js_sys::Promise;
    }

    fn js_error(e: JsValue) -> NetError {
        if e.dyn_ref::<js_sys::Error>().is_some_and(|e| e.name() == "AbortError") {
            return NetError::Cancelled;
        }
        NetError::Failed(
            e.as_string()
                .or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
                .unwrap_or_default(),
        )
    }

    pub async fn fetch(req: HttpRequest, cancel: Option<&Cancel>) -> Result<HttpResponse, NetError> {
        let init = web_sys::RequestInit::new();
        init.set_method(req.method().as_str());
        init.set_mode(web_sys::RequestMode::Cors);
        let headers = web_sys::Headers::new().map_err(js_error)?;
        for (name, value) in req.headers() {
            headers.append(name.as_str(), value.to_str().unwrap_or_default()).map_err(js_error)?;
        }
        init.set_headers(&headers);
        if !req.body().is_empty() {
            init.set_body(&js_sys::Uint8Array::from(req.body().as_slice()));
        }
        if let Some(signal) = cancel.and_then(Cancel::signal) {
            init.set_signal(Some(&signal));
        }
        let request = web_sys::Request::new_with_str_and_init(&req.uri().to_string(), &init).map_err(js_error)?;
        let response: web_sys::Response =
            JsFuture::from(global_fetch(&request)).await.map_err(js_error)?.unchecked_into();
        let mut out = http::Response::builder().status(response.status());
        // Only the headers CORS lets through are readable; that is what Graph's clients see too.
        let headers = response.headers();
        for name in READ_HEADERS {
            if let Ok(Some(value)) = headers.get(name.as_str()) {
                out = out.header(name, value);
            }
        }
        let buffer = JsFuture::from(response.array_buffer().map_err(js_error)?).await.map_err(js_error)?;
        let body = js_sys::Uint8Array::new(&buffer).to_vec();
        out.body(body).map_err(|e| NetError::Failed(e.to_string()))
    }
}

#[cfg(target_arch = "wasm32")]
use browser::fetch as send_now;

/// Outside a browser there is no network for the app (native builds run unit tests only).
#[cfg(not(target_arch = "wasm32"))]
async fn send_now(_req: HttpRequest, _cancel: Option<&Cancel>) -> Result<HttpResponse, NetError> {
    Err(NetError::Failed("no network outside the browser".into()))
}

type Sent = LocalBoxFuture<'static, Result<HttpResponse, NetError>>;

/// The network's code in the signed-in chunk, as pointers into it.
#[derive(Clone, Copy)]
struct Network {
    send: fn(HttpRequest, Option<Cancel>) -> Sent,
    get_json: fn(String) -> Sent,
}

fn send(req: HttpRequest, cancel: Option<Cancel>) -> Sent {
    Box::pin(async move { send_now(req, cancel.as_ref()).await })
}

fn send_get_json(url: String) -> Sent {
    Box::pin(async move {
        let req = http::Request::get(url)
            .header(http::header::ACCEPT, "application/json")
            .body(vec![])
            .map_err(|e| NetError::Failed(e.to_string()))?;
        send_now(req, None).await
    })
}

crate::chunk::split!(signed_in, network_chunk -> Network => Network { send, get_json: send_get_json });

/// The network's code (its chunk loaded once; a failure is not kept, so the next request tries
/// again).
async fn network() -> Result<Network, NetError> {
    network_chunk().await.map_err(|_| NetError::PartNotLoaded)
}

/// Loads the signed-in chunk ahead (a signed-in page sends soon); a failure stays quiet, the
/// request that needs the chunk tries again and says so.
pub async fn preload() {
    let _ = network().await;
}

/// Sends a request and reads the whole answer.
pub async fn fetch(req: HttpRequest, cancel: Option<&Cancel>) -> Result<HttpResponse, NetError> {
    (network().await?.send)(req, cancel.cloned()).await
}

/// Reads a JSON file Portier is served with (its `config.json`): a GET, the whole answer. The
/// request is built in the signed-in chunk, so nothing of `http` weighs on the first page.
pub async fn get_json(url: String) -> Result<HttpResponse, NetError> {
    (network().await?.get_json)(url).await
}

/// Waits, without blocking the page.
pub async fn sleep(ms: u32) {
    #[cfg(target_arch = "wasm32")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(target_arch = "wasm32"))]
    let _ = ms;
}

/// A fresh GUID (for `client-request-id` and correlation ids).
pub fn new_guid() -> String {
    #[cfg(target_arch = "wasm32")]
    if let Some(c) = web_sys::window().and_then(|w| w.crypto().ok()) {
        return c.random_uuid();
    }
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("00000000-0000-4000-8000-{:012x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn either_switch_cancels_the_joined_one() {
        let (page, app) = (Cancel::new(), Cancel::new());
        let joined = page.either(&app);
        assert!(!joined.is_cancelled());
        app.cancel();
        assert!(joined.is_cancelled() && !page.is_cancelled());
        assert!(Cancel::new().either(&app).is_cancelled(), "joined after the fact: already thrown");
    }

    #[wasm_bindgen_test]
    async fn a_cancelled_app_sends_nothing() {
        let app = Cancel::new();
        app.cancel();
        let req = http::Request::get("/nowhere").body(vec![]).unwrap();
        let answer = fetch(req, Some(&Cancel::new().either(&app))).await;
        assert_eq!(answer.err(), Some(NetError::Cancelled));
    }
}
