//! The root element's `data-theme`, which the stylesheet reads: light or dark, where `auto`
//! follows the browser's `prefers-color-scheme` as it changes.

use crate::config::Theme;
use crate::dom::Root;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Whether the browser prefers dark colours now, kept up to date until the owner is cleaned up.
fn prefers_dark() -> ReadSignal<bool> {
    let query = web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
    let (dark, set_dark) = signal(query.as_ref().is_some_and(|q| q.matches()));
    if let Some(query) = query {
        let listener =
            Closure::<dyn FnMut(web_sys::MediaQueryListEvent)>::new(move |e: web_sys::MediaQueryListEvent| {
                set_dark.set(e.matches())
            });
        let _ = query.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
        let kept = send_wrapper::SendWrapper::new((query, listener));
        on_cleanup(move || {
            let (query, listener) = &*kept;
            let _ = query.remove_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
        });
    }
    dark
}

/// Keeps the root's `data-theme` in step with `theme`.
pub fn follow(theme: Signal<Theme>) {
    let Some(root) = use_context::<Root>() else { return };
    let dark = prefers_dark();
    Effect::new(move || {
        let value = match theme.get() {
            Theme::Dark => "dark",
            Theme::Light => "light",
            Theme::Auto if dark.get() => "dark",
            Theme::Auto => "light",
        };
        let _ = root.0.set_attribute("data-theme", value);
    });
}
