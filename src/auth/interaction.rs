//! Interactive sign-in: what a tab remembers while the person is at the sign-in page (keyed by
//! `state`, in `sessionStorage`), reading the answer from a URL, and the popup's round trip
//! through the small redirect page (via the opener, or a `BroadcastChannel` when COOP cut it).

#[cfg(target_arch = "wasm32")]
use super::error::AuthError;
use crate::storage::KeyValue;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The channel name the redirect page and the app share.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub const CHANNEL: &str = "portier-auth";

/// How long a popup may take before Portier stops waiting (MSAL.js waits 60 s; people typing a
/// password and answering consent need more).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub const POPUP_TIMEOUT_MS: u32 = 180_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Redirect,
    Popup,
}

/// What a tab keeps while the person signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub nonce: String,
    pub verifier: String,
    pub redirect_uri: String,
    /// Where to go back to afterwards: a path on this site.
    pub return_to: String,
    pub claims: Option<String>,
    pub kind: Kind,
}

fn key(state: &str) -> String {
    format!("portier.request.{state}")
}

pub fn save(store: &dyn KeyValue, state: &str, pending: &Pending) {
    store.set(&key(state), &serde_json::to_string(pending).expect("serialisable"));
}

/// Forgets the request an answer belongs to, unread (the answer is a refusal).
pub fn forget(store: &dyn KeyValue, state: &str) {
    store.remove(&key(state));
}

/// Takes (and forgets) the request an answer belongs to.
pub fn take(store: &dyn KeyValue, state: &str) -> Option<Pending> {
    let value = store.get(&key(state))?;
    store.remove(&key(state));
    serde_json::from_str(&value).ok()
}

/// An authorize answer: a code, or the provider's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Code { code: String, state: String, client_info: Option<String> },
    Error { state: Option<String>, error: String, description: String },
}

/// Reads an answer from a URL's fragment (or query). `None` when the URL carries none.
pub fn read_answer(url: &str) -> Option<Answer> {
    let parsed = crate::web_url::WebUrl::parse(url).ok()?;
    let from = |s: String| -> HashMap<String, String> { form_urlencoded::parse(s.as_bytes()).into_owned().collect() };
    let mut params = parsed.fragment().map(from).unwrap_or_default();
    if !params.contains_key("code") && !params.contains_key("error") {
        params = parsed.query().map(from).unwrap_or_default();
    }
    if let Some(error) = params.get("error") {
        return Some(Answer::Error {
            state: params.get("state").cloned(),
            error: error.clone(),
            description: params.get("error_description").cloned().unwrap_or_default(),
        });
    }
    let code = params.get("code")?.clone();
    let state = params.get("state")?.clone();
    Some(Answer::Code { code, state, client_info: params.get("client_info").cloned() })
}

/// A path on this site to return to, or `/`: never another site (no open redirect).
pub fn safe_return(path: &str) -> String {
    let ok =
        path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") && !path.contains(['\r', '\n']);
    if ok { path.to_string() } else { "/".to_string() }
}

/// The home account id from `client_info` (`<uid>.<utid>`).
pub fn home_account_id(client_info: Option<&str>) -> Option<String> {
    use base64::Engine;
    let raw = client_info?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw.trim_end_matches('=')).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    Some(format!("{}.{}", v["uid"].as_str()?, v["utid"].as_str()?))
}

/// Waits for the popup's answer: the first message (opener or channel) that carries an answer
/// for `state`. Never hangs: it ends after [`POPUP_TIMEOUT_MS`] or when `cancelled` resolves.
/// When the popup looks closed while no answer came, `link_cut` is called once: the person
/// closed it, or its page cut the link (COOP); an answer may still come through the channel,
/// so the wait goes on, and the app offers another way. `access`: a request for the
/// unpartitioned channel (see `storage_access`), listened to as well once granted.
#[cfg(target_arch = "wasm32")]
pub async fn wait_for_popup(
    state: &str,
    popup: &web_sys::Window,
    access: Option<wasm_bindgen_futures::JsFuture>,
    link_cut: impl Fn(),
    cancelled: impl std::future::Future<Output = ()>,
) -> Result<Answer, AuthError> {
    use futures::FutureExt;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let window = web_sys::window().ok_or(AuthError::Cancelled)?;
    let origin = window.location().origin().unwrap_or_default();
    let (tx, rx) = futures::channel::oneshot::channel::<Answer>();
    let tx = Rc::new(RefCell::new(Some(tx)));
    let wanted = state.to_string();
    let deliver = {
        let tx = tx.clone();
        move |data: wasm_bindgen::JsValue| {
            let url = js_sys::Reflect::get(&data, &"url".into()).ok().and_then(|u| u.as_string());
            let kind = js_sys::Reflect::get(&data, &"type".into()).ok().and_then(|u| u.as_string());
            if kind.as_deref() != Some(CHANNEL) {
                return;
            }
            let answer = url.as_deref().and_then(read_answer);
            let ours = match &answer {
                Some(Answer::Code { state, .. }) => *state == wanted,
                Some(Answer::Error { state, .. }) => state.as_deref().is_none_or(|s| s == wanted),
                None => false,
            };
            if ours && let (Some(a), Some(tx)) = (answer, tx.borrow_mut().take()) {
                let _ = tx.send(a);
            }
        }
    };
    let on_message = {
        let deliver = deliver.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            // Only our own redirect page may answer through the opener.
            if e.origin() == origin {
                deliver(e.data());
            }
        })
    };
    window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref()).ok();
    let channel = web_sys::BroadcastChannel::new(CHANNEL).ok();
    let on_channel =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| deliver(e.data()));
    if let Some(c) = &channel {
        c.set_onmessage(Some(on_channel.as_ref().unchecked_ref()));
    }
    let unpartitioned: Rc<RefCell<Option<web_sys::BroadcastChannel>>> = Rc::default();
    let granted = {
        let unpartitioned = unpartitioned.clone();
        let on_channel: &js_sys::Function = on_channel.as_ref().unchecked_ref();
        let on_channel = on_channel.clone();
        async move {
            if let Some(access) = access
                && let Some(c) = super::storage_access::channel(access, CHANNEL).await
            {
                c.set_onmessage(Some(&on_channel));
                *unpartitioned.borrow_mut() = Some(c);
            }
            futures::future::pending::<()>().await
        }
    };
    let timeout = gloo_timers::future::TimeoutFuture::new(POPUP_TIMEOUT_MS);
    let watch = async {
        while !popup.closed().unwrap_or(true) {
            gloo_timers::future::TimeoutFuture::new(500).await;
        }
        link_cut();
        futures::future::pending::<()>().await
    };
    let result = futures::select! {
        answer = rx.fuse() => answer.map_err(|_| AuthError::Cancelled),
        _ = timeout.fuse() => Err(AuthError::PopupTimedOut),
        _ = Box::pin(cancelled).fuse() => Err(AuthError::Cancelled),
        _ = Box::pin(watch).fuse() => Err(AuthError::Cancelled),
        _ = Box::pin(granted).fuse() => Err(AuthError::Cancelled),
    };
    if let Some(c) = unpartitioned.borrow_mut().take() {
        c.set_onmessage(None);
        c.close();
    }
    window.remove_event_listener_with_callback("message", on_message.as_ref().unchecked_ref()).ok();
    if let Some(c) = channel {
        c.set_onmessage(None);
        c.close();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Memory;

    #[test]
    fn answers_are_read_from_the_fragment_or_the_query() {
        let a = read_answer(
            "http://localhost:8080/#code=abc&client_info=eyJ1aWQiOiJvIiwidXRpZCI6InQifQ&state=s%7Cx&session_state=z",
        )
        .unwrap();
        assert_eq!(
            a,
            Answer::Code {
                code: "abc".into(),
                state: "s|x".into(),
                client_info: Some("eyJ1aWQiOiJvIiwidXRpZCI6InQifQ".into())
            }
        );
        let a = read_answer(
            "http://localhost:8080/redirect.html?error=login_required&error_description=AADSTS50058%3A+x&state=s",
        )
        .unwrap();
        assert!(matches!(a, Answer::Error { ref error, .. } if error == "login_required"));
        assert_eq!(read_answer("http://localhost:8080/requests#section"), None);
    }

    #[test]
    fn a_pending_request_is_taken_once() {
        let store = Memory::default();
        let p = Pending {
            nonce: "n".into(),
            verifier: "v".into(),
            redirect_uri: "r".into(),
            return_to: "/".into(),
            claims: None,
            kind: Kind::Popup,
        };
        save(&store, "s1", &p);
        assert_eq!(take(&store, "s1"), Some(p));
        assert_eq!(take(&store, "s1"), None);
    }

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(safe_return("/requests?tab=2#x"), "/requests?tab=2#x");
        for bad in
            ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/x\r\nSet-Cookie: a"]
        {
            assert_eq!(safe_return(bad), "/", "{bad}");
        }
    }

    #[test]
    fn client_info_gives_the_home_account() {
        assert_eq!(home_account_id(Some("eyJ1aWQiOiJvIiwidXRpZCI6InQifQ")).as_deref(), Some("o.t"));
        assert_eq!(home_account_id(Some("garbage")), None);
    }
}
