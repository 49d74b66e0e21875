//! Portier's own DOM, through one door. Every query starts at Portier's root element (a
//! `<div class="portier">` in the body, or in the element's shadow root), never at the document:
//! the document cannot see inside a shadow root, so a query there finds nothing when Portier is
//! embedded as an element.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

/// The element Portier renders into; provided as context by whoever mounts the app.
#[derive(Clone)]
pub struct Root(pub SendWrapper<web_sys::HtmlElement>);

/// Finds an element of Portier's by CSS selector.
pub fn find<T: JsCast>(selector: &str) -> Option<T> {
    let root = use_context::<Root>()?;
    root.0.query_selector(selector).ok().flatten().and_then(|e| e.dyn_into::<T>().ok())
}

/// The attribute selector that matches exactly this id, whatever characters it holds (form
/// fields' ids carry a question's id, which need not be a CSS identifier).
pub fn id_selector(id: &str) -> String {
    format!("[id=\"{}\"]", id.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Moves focus to Portier's element with this id; whether there was one to focus.
pub fn focus_id(id: &str) -> bool {
    let Some(el) = find::<web_sys::HtmlElement>(&id_selector(id)) else { return false };
    el.focus().is_ok()
}

/// A new root for Portier: in `parent` (an element's shadow root), else at the end of the body.
pub fn new_root(parent: Option<&web_sys::Node>) -> Option<web_sys::HtmlElement> {
    let document = web_sys::window()?.document()?;
    let root: web_sys::HtmlElement = document.create_element("div").ok()?.unchecked_into();
    root.set_class_name("portier");
    match parent {
        Some(p) => p.append_child(&root).ok()?,
        None => document.body()?.append_child(&root).ok()?,
    };
    Some(root)
}

/// The page's `<html>` element: its `lang` is Portier's to set only when Portier is the page.
pub fn page_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

/// Where the page's loader script was served from (Portier's files lie beside it).
#[allow(clippy::disallowed_methods)] // the page's own script tag, outside Portier's root by nature
pub fn loader_script_src() -> Option<String> {
    web_sys::window()?.document()?.query_selector("script[data-js]").ok().flatten()?.get_attribute("src")
}

#[cfg(test)]
mod tests {
    use super::id_selector;

    #[test]
    fn an_id_is_matched_whatever_it_holds() {
        assert_eq!(id_selector("field-justification"), r#"[id="field-justification"]"#);
        assert_eq!(id_selector(r#"q:a"b\c"#), r#"[id="q:a\"b\\c"]"#);
    }
}
