//! Routes, typed, and where the current one lives: in the browser path (standalone), in the
//! fragment or in memory (embedded in someone else's page, whose path is not ours).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

/// Every page Portier has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    /// The packages one may request.
    Catalog,
    /// One package and its request form.
    Package(String),
    /// A request for several packages at once.
    RequestSelection,
    /// My requests.
    Requests,
    /// My access.
    Access,
    /// What waits for my decision.
    Approvals,
    /// Invite a partner.
    Invite,
    /// The access reviews I take part in: people to review, my own access to confirm.
    Reviews,
    NotFound(String),
}

impl Route {
    /// Reads a path (with or without query); anything unknown is `NotFound`.
    pub fn parse(path: &str) -> Route {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] | ["index.html"] => Route::Home,
            ["packages"] => Route::Catalog,
            ["packages", id] => Route::Package(decode(id)),
            ["request"] => Route::RequestSelection,
            ["requests"] => Route::Requests,
            ["access"] => Route::Access,
            ["approvals"] => Route::Approvals,
            ["invite"] => Route::Invite,
            ["reviews"] => Route::Reviews,
            _ => Route::NotFound(path.to_string()),
        }
    }

    /// The route as a path, e.g. `/`.
    pub fn path(&self) -> String {
        match self {
            Route::Home => "/".into(),
            Route::Catalog => "/packages".into(),
            Route::Package(id) => {
                format!("/packages/{}", form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>())
            }
            Route::RequestSelection => "/request".into(),
            Route::Requests => "/requests".into(),
            Route::Access => "/access".into(),
            Route::Approvals => "/approvals".into(),
            Route::Invite => "/invite".into(),
            Route::Reviews => "/reviews".into(),
            Route::NotFound(p) => p.clone(),
        }
    }
}

fn decode(segment: &str) -> String {
    form_urlencoded::parse(format!("x={segment}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// Where the current route is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `https://portal/requests`: the page is Portier's own.
    Path,
    /// `https://intranet/page#/requests`: back and forward work, the host's path is untouched.
    Hash,
    /// Nothing in the URL at all.
    Memory,
}

/// The router: the current route, and how to move.
#[derive(Clone, Copy)]
pub struct Router {
    mode: Mode,
    /// Path and query of the current route (`/requests?state=denied`).
    location: RwSignal<String>,
}

fn read_location(mode: Mode) -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else { return "/".into() };
    match mode {
        Mode::Path => format!("{}{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default()),
        Mode::Hash => {
            let hash = loc.hash().unwrap_or_default();
            let route = hash.trim_start_matches('#');
            if route.starts_with('/') { route.to_string() } else { "/".into() }
        }
        Mode::Memory => "/".into(),
    }
}

impl Router {
    /// Starts routing; listens to back and forward until the owner is cleaned up. `start` is
    /// where to begin when the URL names no route of Portier's: in fragment mode a route in the
    /// fragment (a reload, a bookmark) wins, and the start route is written there in its place
    /// so that Back returns to it.
    pub fn provide(mode: Mode, start: Option<String>) -> Router {
        let initial = match (mode, start.map(|s| crate::auth::safe_return(&s))) {
            (Mode::Path, _) | (_, None) => read_location(mode),
            (Mode::Memory, Some(start)) => start,
            (Mode::Hash, Some(start)) => {
                let window = web_sys::window();
                let fragment = window.as_ref().and_then(|w| w.location().hash().ok()).unwrap_or_default();
                if fragment.starts_with("#/") {
                    read_location(mode)
                } else {
                    // A sign-in's answer stays for the session to read (and clear).
                    if !fragment.contains("state=")
                        && let Some(history) = window.and_then(|w| w.history().ok())
                    {
                        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{start}")));
                    }
                    start
                }
            }
        };
        let router = Router { mode, location: RwSignal::new(initial) };
        provide_context(router);
        if mode != Mode::Memory
            && let Some(window) = web_sys::window()
        {
            let event = if mode == Mode::Path { "popstate" } else { "hashchange" };
            let location = router.location;
            let listener = Closure::<dyn FnMut()>::new(move || location.set(read_location(mode)));
            let _ = window.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
            let listener = send_wrapper::SendWrapper::new(listener);
            on_cleanup(move || {
                if let Some(w) = web_sys::window() {
                    let _ = w.remove_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
                }
            });
        }
        router
    }

    pub fn route(&self) -> Memo<Route> {
        let location = self.location;
        Memo::new(move |_| Route::parse(&location.get()))
    }

    /// A query parameter of the current route.
    pub fn query(&self, name: &str) -> Option<String> {
        let location = self.location.get_untracked();
        let query = location.split_once('?')?.1;
        form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }

    /// Path and query of the current route, for returning to it after a sign-in.
    pub fn current(&self) -> String {
        self.location.get_untracked()
    }

    /// The `href` of a link to a route.
    pub fn href(&self, route: &Route) -> String {
        match self.mode {
            Mode::Path => route.path(),
            Mode::Hash => format!("#{}", route.path()),
            Mode::Memory => "#".into(),
        }
    }

    /// Goes to a path (and query) of Portier's.
    pub fn navigate(&self, path: &str) {
        let path = crate::auth::safe_return(path);
        match self.mode {
            Mode::Path => {
                if let Ok(h) = web_sys::window().expect("window").history() {
                    let _ = h.push_state_with_url(&JsValue::NULL, "", Some(&path));
                }
            }
            Mode::Hash => {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().set_hash(&path);
                }
            }
            Mode::Memory => {}
        }
        self.location.set(path);
    }
}

pub fn use_router() -> Router {
    expect_context::<Router>()
}

/// A link to a route that moves without reloading the page.
#[component]
pub fn Link(
    /// Where the link goes.
    route: Route,
    children: Children,
    /// Extra class names.
    #[prop(optional, into)]
    class: String,
) -> impl IntoView {
    let router = use_router();
    let href = router.href(&route);
    let path = route.path();
    let on_click = move |ev: web_sys::MouseEvent| {
        // Let the browser handle new tabs and windows.
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        router.navigate(&path);
    };
    view! {
        <a href=href class=class on:click=on_click>
            {children()}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_into_routes_and_back() {
        assert_eq!(Route::parse("/"), Route::Home);
        assert_eq!(Route::parse("/?code=x"), Route::Home);
        assert_eq!(Route::parse("/index.html"), Route::Home);
        assert_eq!(Route::parse("/nowhere/at/all"), Route::NotFound("/nowhere/at/all".into()));
        assert_eq!(Route::Home.path(), "/");
        assert_eq!(Route::parse("/packages"), Route::Catalog);
        assert_eq!(Route::parse("/packages/a%20b?resubmit=1"), Route::Package("a b".into()));
        assert_eq!(Route::Package("a b".into()).path(), "/packages/a+b");
        assert_eq!(Route::parse(&Route::Package("x/y".into()).path()), Route::Package("x/y".into()));
        assert_eq!(Route::parse("/requests"), Route::Requests);
        assert_eq!(Route::parse("/access"), Route::Access);
        assert_eq!(Route::parse("/reviews"), Route::Reviews);
        assert_eq!(Route::Reviews.path(), "/reviews");
    }
}
