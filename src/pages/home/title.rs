//! The count of what waits for me, where a person sees it without opening the tab: in the page's
//! title (`(2) Portier`) and, where the browser offers the Badging API, on the installed app's
//! icon. Neither when Portier is inside someone else's page (an element or a frame): the title
//! and the badge are that page's.

use super::model::titled;
use crate::auth::Session;
use crate::embed::Element;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// Whether Portier owns the page it is on.
fn owns_the_page() -> bool {
    use_context::<Element>().is_none() && !crate::auth::in_frame()
}

/// Calls `navigator.setAppBadge(count)` (or `clearAppBadge()` for none) where it exists.
fn badge(count: usize) {
    let Some(nav) = web_sys::window().map(|w| JsValue::from(w.navigator())) else { return };
    let (name, args) = if count == 0 {
        ("clearAppBadge", js_sys::Array::new())
    } else {
        ("setAppBadge", js_sys::Array::of1(&JsValue::from(count as f64)))
    };
    let Ok(f) = js_sys::Reflect::get(&nav, &JsValue::from_str(name)) else { return };
    if let Some(f) = f.dyn_ref::<js_sys::Function>() {
        // A promise that may reject (no permission): nothing to tell the person.
        let _ = f.apply(&nav, &args);
    }
}

fn set_title(text: &str) {
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        d.set_title(text);
    }
}

/// Follows `count` in the title and the badge while the home page is shown.
pub fn show_count(count: Signal<usize>) {
    if !owns_the_page() {
        return;
    }
    let name = expect_context::<Session>().config().branding.name.clone();
    let shown = name.clone();
    Effect::new(move || {
        let n = count.get();
        set_title(&titled(n, &shown));
        badge(n);
    });
    on_cleanup(move || {
        set_title(&name);
        badge(0);
    });
}
