//! A framed Portier tells the page around it how tall its content is, so the page can size the
//! frame without scrollbars (`public/portier-frame.js` does that). Only the origins of the
//! config's `hostOrigins` are told: the browser delivers a message only to the origin named.

use crate::dom::Root;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// The message a frame posts: `{ type: "portier-height", height }`.
pub const MESSAGE_TYPE: &str = "portier-height";

/// Reports the root's height to the parent page on every change, while the owner lives.
pub fn report_height(host_origins: Vec<String>) {
    let Some(root) = use_context::<Root>() else { return };
    let Some(window) = web_sys::window() else { return };
    let Ok(Some(parent)) = window.parent() else { return };
    if host_origins.is_empty() || !crate::auth::in_frame() {
        return;
    }
    let _ = root.0.set_attribute("data-framed", "");
    let element: web_sys::Element = root.0.clone().take().unchecked_into();
    let mut last = -1.0;
    let on_resize = Closure::<dyn FnMut()>::new(move || {
        let height = element.scroll_height() as f64;
        if height == last {
            return;
        }
        last = height;
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &MESSAGE_TYPE.into());
        let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
        for origin in &host_origins {
            let _ = parent.post_message(&message, origin);
        }
    });
    let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else { return };
    observer.observe(&root.0);
    let kept = send_wrapper::SendWrapper::new((observer, on_resize));
    on_cleanup(move || kept.0.disconnect());
}
