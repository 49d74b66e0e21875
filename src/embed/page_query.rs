//! The host page's query across a redirect sign-in: the way back (the registered redirect URI)
//! cannot carry it, so it is kept in this tab and put back on return.

use crate::storage;
use wasm_bindgen::JsValue;

const PAGE_QUERY: &str = "portier.page-query";

/// Before a redirect sign-in leaves the host page: its query, to put back on return.
pub fn remember() {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    storage::tab().set(PAGE_QUERY, &search);
}

/// Back from a redirect sign-in: the host page's query as it was before.
pub fn restore() {
    let tab = storage::tab();
    let (Some(window), Some(search)) = (web_sys::window(), tab.get(PAGE_QUERY)) else { return };
    tab.remove(PAGE_QUERY);
    let location = window.location();
    let url = format!("{}{search}{}", location.pathname().unwrap_or_default(), location.hash().unwrap_or_default());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}
