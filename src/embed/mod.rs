//! What describes Portier inside someone else's page: the `<portier-app>` element's attributes
//! and token provider ([`Element`], read by [`attributes`]), a framed Portier's height report
//! ([`frame`]), the root's look ([`look`]) and the host page's query across a sign-in
//! ([`page_query`]). Mounting lives in `crate::mount`.

pub mod attributes;
pub mod frame;
pub mod look;
pub mod page_query;

pub use attributes::{Settings, SignIn};

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::collections::BTreeMap;

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
