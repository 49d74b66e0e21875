//! The Storage Access API, where the browser offers it: a frame on another site than its page
//! gets partitioned storage, so the sign-in popup's `BroadcastChannel` never reaches it. Asked
//! within the sign-in click, the browser may grant the unpartitioned channel instead.

use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

/// Asks for access to the unpartitioned `BroadcastChannel` (call it within the click); `None`
/// outside a frame or where the browser has no such API.
pub fn request() -> Option<wasm_bindgen_futures::JsFuture> {
    if !super::in_frame() {
        return None;
    }
    let document = web_sys::window()?.document()?;
    let ask =
        js_sys::Reflect::get(&document, &"requestStorageAccess".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    let types = js_sys::Object::new();
    js_sys::Reflect::set(&types, &"broadcastChannel".into(), &JsValue::TRUE).ok()?;
    let asked = ask.call1(&document, &types).ok()?.dyn_into::<js_sys::Promise>().ok()?;
    // Handled from now on: a refusal is a "no", not an error for the console.
    Some(wasm_bindgen_futures::JsFuture::from(asked))
}

/// The unpartitioned channel named `name`, once (and if) access was granted.
pub async fn channel(granted: wasm_bindgen_futures::JsFuture, name: &str) -> Option<web_sys::BroadcastChannel> {
    let handle = granted.await.ok().filter(|h| h.is_object())?;
    let open = js_sys::Reflect::get(&handle, &"BroadcastChannel".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    open.call1(&handle, &name.into()).ok()?.dyn_into::<web_sys::BroadcastChannel>().ok()
}
