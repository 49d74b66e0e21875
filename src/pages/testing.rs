//! Pages and their parts mounted in the browser for tests: inside an element's shadow root, as
//! Portier runs when embedded, with the contexts the shell provides and Graph answered by a
//! script (`graph::fake`), so that a test acts on them as a person would.

use crate::auth::Session;
use crate::config::Config;
use crate::dom::{Root, new_root};
use crate::graph::GraphClient;
use crate::i18n::I18n;
use crate::net::Cancel;
use crate::routing::{Mode, Router};
use crate::storage::Stores;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

const CONFIG: &str = r#"{"clientId": "7c9f3f10-5b7e-4e4e-9d6a-2f1c0b8e4a21",
  "authority": "https://login.example/contoso.onmicrosoft.com", "graphBaseUrl": "https://graph.example/v1.0"}"#;

/// A view mounted in a fresh shadow root; removed from the page when dropped.
pub struct Mounted {
    pub shadow: web_sys::ShadowRoot,
    host: web_sys::Element,
    _handle: Box<dyn std::any::Any>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.host.remove();
    }
}

/// Mounts `view` as the shell would: the language (English), the session over memory, `graph`,
/// the kept lists and a router in memory.
pub fn mount<V: IntoView + 'static>(graph: GraphClient, view: impl FnOnce() -> V + 'static) -> Mounted {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let host = document.create_element("div").expect("an element");
    document.body().expect("a body").append_child(&host).expect("appended");
    let shadow =
        host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open)).expect("a shadow root");
    let root = new_root(Some(&shadow)).expect("Portier's root");
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(Root(SendWrapper::new(root)));
        let i18n = I18n::provide(false);
        i18n.language.set(crate::config::Language::En);
        let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
        let config = Config::from_json(CONFIG, &origin).expect("the test configuration");
        let stores = Stores::memory();
        crate::state::kept::provide(&stores);
        provide_context(Session::new(config, stores, Cancel::new()));
        provide_context(graph);
        Router::provide(Mode::Memory, Some("/".into()));
        view()
    });
    Mounted { shadow, host, _handle: Box::new(handle) }
}

/// Mounts `view` as [`mount`] does, signed in by the page's own sign-in (its token provider
/// answers `token`): the session then has an account, as a page read ahead for expects.
pub fn mount_signed_in_by_page<V: IntoView + 'static>(
    graph: GraphClient,
    view: impl FnOnce() -> V + 'static,
) -> Mounted {
    mount(graph, || {
        let page_tokens = crate::auth::HostTokens::new(js_sys::Function::new_no_args("return 'token'"));
        expect_context::<Session>().use_host_tokens(Some(page_tokens));
        view()
    })
}

impl Mounted {
    /// Waits (up to two seconds) until `selector` matches `n` elements; how many it matched last.
    pub async fn until_count(&self, selector: &str, n: u32) -> u32 {
        for _ in 0..100 {
            if self.count(selector) == n {
                break;
            }
            gloo_timers::future::TimeoutFuture::new(20).await;
        }
        self.count(selector)
    }

    /// The first element matching `selector`, waited for (answers arrive after a task or two).
    pub async fn find(&self, selector: &str) -> web_sys::HtmlElement {
        for _ in 0..100 {
            if let Some(e) = self.shadow.query_selector(selector).ok().flatten() {
                return e.unchecked_into();
            }
            gloo_timers::future::TimeoutFuture::new(20).await;
        }
        panic!("nothing matches {selector}");
    }

    /// How many elements match `selector` now.
    pub fn count(&self, selector: &str) -> u32 {
        self.shadow.query_selector_all(selector).map(|l| l.length()).unwrap_or(0)
    }

    /// Types `text` into a text field, as the browser reports typing (an `input` event).
    pub async fn type_into(&self, selector: &str, text: &str) {
        let field = self.find(selector).await;
        match field.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            Some(area) => area.set_value(text),
            None => field.unchecked_ref::<web_sys::HtmlInputElement>().set_value(text),
        }
        // As typing does: it bubbles, and out of the shadow root, where Leptos listens.
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        let input = web_sys::Event::new_with_event_init_dict("input", &init).expect("an event");
        field.dispatch_event(&input).expect("dispatched");
        settle().await;
    }

    /// Clicks, then lets the view catch up (Leptos updates the page in a later task).
    pub async fn click(&self, selector: &str) {
        self.find(selector).await.click();
        settle().await;
    }

    /// The id of the element that has focus inside the shadow root.
    pub fn focused_id(&self) -> Option<String> {
        self.shadow.active_element().map(|e| e.id())
    }
}

/// Waits until the view has applied what just changed.
async fn settle() {
    gloo_timers::future::TimeoutFuture::new(20).await;
}
