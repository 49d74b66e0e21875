//! Portier inside someone else's page. The `<portier-app>` element (`public/portier-embed.js`)
//! mounts the app into its shadow root through [`mount`], passes on its attributes and the
//! page's token provider, and unmounts it when the element is removed. A framed Portier reports
//! its height to the page ([`frame`]). Both modes share one root element, whose look ([`look`])
//! follows the theme and the language.

pub mod attributes;
pub mod frame;
pub mod look;

pub use attributes::{Settings, SignIn};

use crate::auth::storage::{KeyValue, Web};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

/// The element Portier renders into: `<div class="portier">` in the body (standalone) or in the
/// element's shadow root. Queries for Portier's own DOM start here, never at the document.
#[derive(Clone)]
pub struct Root(pub SendWrapper<web_sys::HtmlElement>);

/// Finds an element of Portier's by CSS selector.
pub fn find<T: JsCast>(selector: &str) -> Option<T> {
    let root = use_context::<Root>()?;
    root.0.query_selector(selector).ok().flatten().and_then(|e| e.dyn_into::<T>().ok())
}

/// What the `<portier-app>` element tells the app; present only when Portier runs as one.
#[derive(Clone, Copy)]
pub struct Element {
    /// The element's watched attributes, as they change.
    pub attributes: RwSignal<BTreeMap<String, String>>,
    /// `element.tokenProvider`: the page's own sign-in.
    pub token_provider: RwSignal<Option<SendWrapper<js_sys::Function>>>,
    /// Where Portier's files are served (`config.json` is read from there).
    pub base: StoredValue<String>,
}

impl Element {
    pub fn attribute(&self, name: &str) -> Option<String> {
        self.attributes.with(|a| a.get(name).cloned())
    }
}

/// Where a redirect sign-in keeps the page's query, which the way back (the registered redirect
/// URI) cannot carry.
const PAGE_QUERY: &str = "portier.page-query";

/// Before a redirect sign-in leaves the host page: its query, to put back on return.
pub fn remember_page_query() {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    if let Some(tab) = Web::session() {
        tab.set(PAGE_QUERY, &search);
    }
}

/// Back from a redirect sign-in: the host page's query as it was before.
pub fn restore_page_query() {
    let (Some(window), Some(tab)) = (web_sys::window(), Web::session()) else { return };
    let Some(search) = tab.get(PAGE_QUERY) else { return };
    tab.remove(PAGE_QUERY);
    let location = window.location();
    let url = format!("{}{search}{}", location.pathname().unwrap_or_default(), location.hash().unwrap_or_default());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Starts Portier as the whole page (what `loader.js` calls).
pub fn start() {
    let Some(root) = new_root(None) else { return };
    let root = Root(SendWrapper::new(root));
    leptos::mount::mount_to(root.0.clone().take(), move || {
        provide_context(root);
        crate::app::App
    })
    .forget();
}

fn new_root(parent: Option<&web_sys::Node>) -> Option<web_sys::HtmlElement> {
    let document = web_sys::window()?.document()?;
    let root: web_sys::HtmlElement = document.create_element("div").ok()?.unchecked_into();
    root.set_class_name("portier");
    match parent {
        Some(p) => p.append_child(&root).ok()?,
        None => document.body()?.append_child(&root).ok()?,
    };
    Some(root)
}

/// A Portier mounted in an element; dropping or [`Embedded::unmount`] ends it. (The module's
/// exports, in `main.rs`, wrap these: a library's exports do not reach a binary's module.)
pub struct Embedded {
    element: Element,
    handle: Option<Box<dyn std::any::Any>>,
}

/// Mounts Portier into `shadow` (the element's shadow root), with the element's attributes
/// (an object of name → value) and its token provider (a function, or `null`).
pub fn mount(shadow: web_sys::Node, base: String, attributes: js_sys::Object, provider: JsValue) -> Embedded {
    // Inserted one by one: `collect` into a map sorts first, with a sort routine of its own.
    let mut observed = BTreeMap::new();
    for pair in js_sys::Object::entries(&attributes).iter() {
        let pair: js_sys::Array = pair.unchecked_into();
        if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string())
            && attributes::OBSERVED.contains(&name.as_str())
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
            crate::app::App
        });
        Box::new(handle) as Box<dyn std::any::Any>
    });
    Embedded { element, handle }
}

impl Embedded {
    /// An attribute of the element changed (`None`: removed).
    pub fn set_attribute(&self, name: String, value: Option<String>) {
        if !attributes::OBSERVED.contains(&name.as_str()) {
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
