//! Work put off until the browser is idle (`requestIdleCallback`): chunks and reads a person is
//! likely to need next, fetched while they read, never ahead of what they look at now.

/// Runs `work` when the browser is idle (soon, where it cannot say when it is).
pub fn when_idle(work: impl FnOnce() + 'static) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Some(window) = web_sys::window() else { return };
    let callback = Closure::once_into_js(work);
    let idle = js_sys::Reflect::get(&window, &"requestIdleCallback".into()).ok();
    match idle.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
        Some(request) => {
            let _ = request.call1(&window, &callback);
        }
        None => {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 200);
        }
    }
}
