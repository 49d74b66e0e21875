//! The module's start and exports. Starting installs only the panic hook; what runs Portier is
//! the page's choice: `loader.js` calls `start` (Portier is the page), `portier-embed.js` calls
//! `mount` (Portier is an element of the page). The exports live here because a library's own
//! exports do not reach a binary's module.

use portier::mount;
use wasm_bindgen::prelude::*;

// talc rather than Rust's default allocator for WebAssembly (dlmalloc): smaller in the first
// module (0.6 KB brotli, measured) and faster.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    console_error_panic_hook::set_once();
}

/// Portier as the whole page; `config`: config.json's text, if the loader could read it.
#[wasm_bindgen]
pub fn start(config: Option<String>) {
    mount::start(config);
}

/// Portier in an element's shadow root; `config`: the text of its configuration file, if the
/// element's script could read it.
#[wasm_bindgen]
pub fn mount(
    shadow: web_sys::Node,
    base: String,
    attributes: js_sys::Object,
    provider: JsValue,
    config: Option<String>,
) -> Embedded {
    Embedded(mount::mount(shadow, base, attributes, provider, config))
}

/// A mounted Portier, for the element to talk to.
#[wasm_bindgen]
pub struct Embedded(mount::Embedded);

#[wasm_bindgen]
impl Embedded {
    pub fn set_attribute(&self, name: String, value: Option<String>) {
        self.0.set_attribute(name, value);
    }

    pub fn set_token_provider(&self, provider: JsValue) {
        self.0.set_token_provider(provider);
    }

    pub fn unmount(&mut self) {
        self.0.unmount();
    }
}
