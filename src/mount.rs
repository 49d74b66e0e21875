//! Starting Portier: as the whole page ([`start`], what `loader.js` calls) or in an element's
//! shadow root ([`mount`], what `portier-embed.js` calls), and ending a mounted one.

use crate::dom::{Root, new_root};
use crate::embed::Element;
use crate::embed::attributes::OBSERVED;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

/// Starts Portier as the whole page (what `loader.js` calls), with config.json's text when the
/// loader has read it.
pub fn start(config: Option<String>) {
    let Some(root) = new_root(None) else { return };
    let root = Root(SendWrapper::new(root));
    leptos::mount::mount_to(root.0.clone().take(), move || {
        provide_context(root);
        view! { <crate::app::App handed=config /> }
    })
    .forget();
}

/// A Portier mounted in an element; dropping or [`Embedded::unmount`] ends it. (The module's
/// exports, in `main.rs`, wrap these: a library's exports do not reach a binary's module.)
pub struct Embedded {
    element: Element,
    handle: Option<Box<dyn std::any::Any>>,
}

/// Mounts Portier into `shadow` (the element's shadow root), with the element's attributes
/// (an object of name → value), its token provider (a function, or `null`) and the text of its
/// configuration file when the element's script has read it.
pub fn mount(
    shadow: web_sys::Node,
    base: String,
    attributes: js_sys::Object,
    provider: JsValue,
    config: Option<String>,
) -> Embedded {
    // Inserted one by one: `collect` into a map sorts first, with a sort routine of its own.
    let mut observed = BTreeMap::new();
    for pair in js_sys::Object::entries(&attributes).iter() {
        let pair: js_sys::Array = pair.unchecked_into();
        if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string())
            && OBSERVED.contains(&name.as_str())
        {
            observed.insert(name, value);
        }
    }
    let attributes = observed;
    let element = Element {
        attributes: RwSignal::new(attributes),
        token_provider: RwSignal::new(provider.dyn_into::<js_sys::Function>().ok().map(SendWrapper::new)),
        base: StoredValue::new(base),
    };
    let handle = new_root(Some(&shadow)).map(|root| {
        let root = Root(SendWrapper::new(root));
        let handle = leptos::mount::mount_to(root.0.clone().take(), move || {
            provide_context(root);
            provide_context(element);
            view! { <crate::app::App handed=config /> }
        });
        Box::new(handle) as Box<dyn std::any::Any>
    });
    Embedded { element, handle }
}

impl Embedded {
    /// An attribute of the element changed (`None`: removed).
    pub fn set_attribute(&self, name: String, value: Option<String>) {
        if !OBSERVED.contains(&name.as_str()) {
            return;
        }
        self.element.attributes.update(|a| match value {
            Some(v) => {
                a.insert(name, v);
            }
            None => {
                a.remove(&name);
            }
        });
    }

    /// The page set (or cleared) `element.tokenProvider`.
    pub fn set_token_provider(&self, provider: JsValue) {
        self.element.token_provider.set(provider.dyn_into::<js_sys::Function>().ok().map(SendWrapper::new));
    }

    /// Ends the app: its view leaves the page, listeners and observers are removed, and what
    /// was under way is cancelled.
    pub fn unmount(&mut self) {
        if let Some(handle) = self.handle.take() {
            drop(handle);
            self.element.attributes.dispose();
            self.element.token_provider.dispose();
            self.element.base.dispose();
        }
    }
}
