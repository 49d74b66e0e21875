//! The app shell: loads the configuration, starts the session and the Graph client, finishes a
//! sign-in that came back to this page, and frames every page (header, main, errors).

use crate::auth::Session;
use crate::components::{ErrorView, Header, Loading, MainArea, SignInBanner};
use crate::config::Config;
use crate::embed::Element;
use crate::error::AppError;
use crate::graph::{BrowserTransport, GraphClient};
use crate::i18n::I18n;
use crate::pages;
use crate::routing::{Mode, Route, Router};
use crate::state::{self, Reading};
use crate::storage::Stores;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;

/// The configuration and, as an element, what its attributes decide.
type Loaded = Result<(Config, Option<crate::embed::Settings>), Vec<crate::config::ConfigProblem>>;

async fn load_config(element: Option<Element>) -> Loaded {
    use crate::config::ConfigProblem;
    let problem = |reason: String| vec![ConfigProblem { field: "config.json".into(), reason }];
    let window = web_sys::window().ok_or_else(|| problem("no window".into()))?;
    let page = window.location().href().unwrap_or_default();
    // Beside Portier's files: the element's script, or the loader script (wherever the page was
    // opened). Not through `<base>`: the policy's `base-uri 'none'` forbids one.
    let files = match element {
        Some(e) => e.base.get_value(),
        None => crate::dom::loader_script_src().unwrap_or_else(|| "/loader.js".into()),
    };
    let chosen = element.and_then(|e| e.attribute("config")).unwrap_or_else(|| "config.json".into());
    let url = crate::web_url::WebUrl::parse(&page)
        .and_then(|u| u.join(&files))
        .and_then(|u| u.join(&chosen))
        .map_err(|e| problem(e.to_string()))?;
    let res = crate::net::get_json(url.to_string()).await.map_err(|e| problem(format!("cannot load {url}: {e}")))?;
    if !res.status().is_success() {
        return Err(problem(format!("{url} answered {}", res.status().as_u16())));
    }
    read_config(&String::from_utf8_lossy(res.body()), element)
}

/// The configuration from config.json's `text`, with the element's attributes over it.
fn read_config(text: &str, element: Option<Element>) -> Loaded {
    use crate::config::RawConfig;
    let location = web_sys::window().map(|w| w.location());
    let read = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
        location.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
    };
    let origin = read(web_sys::Location::origin);
    let Some(element) = element else { return Config::from_json(text, &origin).map(|c| (c, None)) };
    let mut raw = RawConfig::parse(text)?;
    let path = read(web_sys::Location::pathname);
    let page = crate::embed::attributes::Page { origin: &origin, path: &path };
    let settings = element.attributes.with_untracked(|a| crate::embed::attributes::apply(&mut raw, a, &page))?;
    Config::check(raw, &origin).map(|c| (c, Some(settings)))
}

/// The whole app. `handed`: config.json's text, when the page's loader read it while the module
/// loaded (Portier as the page); the first page then shows in the same task as the mount, with no
/// wait and no loading view before it. Without it, the app reads config.json itself.
#[component]
pub fn App(handed: Option<String>) -> impl IntoView {
    let element = use_context::<Element>();
    I18n::provide(element.is_none());
    if let Some(text) = handed {
        return configured(read_config(&text, element));
    }
    let config = Reading::once(load_config(element));
    (move || match config.get() {
        None => view! {
            <MainArea>
                <Loading />
            </MainArea>
        }
        .into_any(),
        Some(loaded) => configured(loaded),
    })
    .into_any()
}

/// The app once its configuration is read: the shell, or what is wrong with the configuration.
fn configured(loaded: Loaded) -> AnyView {
    match loaded {
        Err(problems) => view! { <pages::ConfigError problems=problems /> }.into_any(),
        Ok((c, settings)) => view! { <Shell config=c settings=settings /> }.into_any(),
    }
}

#[component]
fn Shell(config: Config, settings: Option<crate::embed::Settings>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    i18n.configure(config.default_language);
    let element = use_context::<Element>();
    let router = match &settings {
        Some(s) => Router::provide(s.routing, s.start.clone()),
        None => Router::provide(Mode::Path, None),
    };
    state::sign_in::provide(settings.as_ref().map_or(crate::embed::SignIn::Redirect, |s| s.sign_in));
    // Everything under way stops when the app is removed from its page.
    let lifetime = crate::net::Cancel::on_cleanup();
    let stores = Stores::chosen(config.cache_location);
    state::kept::provide(&stores);
    let session = Session::new(config.clone(), stores, lifetime.clone());
    let transport = BrowserTransport { lifetime };
    let graph = GraphClient::new(&config.graph_base_url, Rc::new(session.clone()), Rc::new(transport));
    let theme = Signal::derive({
        let configured = config.theme;
        move || {
            element
                .and_then(|e| e.attribute("theme"))
                .and_then(|t| crate::config::Theme::parse(&t))
                .unwrap_or(configured)
        }
    });
    crate::embed::look::follow(theme);
    if let Some(element) = element {
        follow_element(element, &session, i18n, router);
    } else {
        crate::embed::frame::report_height(config.host_origins.clone());
    }
    provide_context(session.clone());
    provide_context(graph.clone());
    state::Selection::provide();
    state::account::provide(&session, &graph);

    // Signed out: once the first page is up and the browser idle, the sign-in's chunk and the
    // provider's documents load, so that a sign-in starts at once; no page waits for them.
    // Signed in: nothing of it is needed until a renewal, and the page's own chunk must not share
    // the network with it.
    if session.account().get_untracked().is_none() {
        let session = session.clone();
        crate::idle::when_idle(move || {
            spawn_local(async move {
                let _ = session.prepare().await;
            })
        });
    }
    // Signed in (at start, or once a sign-in ends), the signed-in chunk loads beside the page's
    // own: every signed-in page sends soon. (Once loaded, asking again answers at once.)
    let account = session.account();
    Effect::new(move |_| {
        if account.get().is_some() {
            spawn_local(crate::net::preload());
        }
    });
    // A sign-in that came back to this page is finished before anything else; without one, the
    // page shows at once (no wait for an answer that is not there).
    let startup = session.answer_in_url().then(|| {
        let session = session.clone();
        Reading::once(async move {
            let back = session.complete_redirect().await.map_err(AppError::from)?;
            if back.is_some() && element.is_some() {
                crate::embed::page_query::restore();
            }
            if let Some(path) = back {
                router.navigate(&path);
            }
            Ok::<(), AppError>(())
        })
    });
    let route = router.route();
    focus_heading_on_navigation(route);

    view! {
        <Header />
        <SignInBanner />
        <MainArea>
            {move || match startup.map(|s| s.get()) {
                Some(None) => view! { <Loading /> }.into_any(),
                Some(Some(Err(e))) => view! { <ErrorView error=e /> }.into_any(),
                None | Some(Some(Ok(()))) => view! { <Page route=route /> }.into_any(),
            }}
        </MainArea>
    }
}

/// As an element: the page's token provider, language and start route, as they change.
fn follow_element(element: Element, session: &Session, i18n: I18n, router: Router) {
    let session = session.clone();
    // At once, not in an effect: no sign-in page flashes by when the page signs in itself.
    let host =
        |p: Option<send_wrapper::SendWrapper<js_sys::Function>>| p.map(|f| crate::auth::HostTokens::new(f.take()));
    session.use_host_tokens(host(element.token_provider.get_untracked()));
    Effect::new(move |first: Option<()>| {
        let provider = element.token_provider.get();
        if first.is_some() {
            session.use_host_tokens(host(provider));
        }
    });
    Effect::new(move |_| {
        if let Some(lang) = element.attribute("lang").and_then(|l| crate::config::Language::from_tag(&l)) {
            i18n.language.set(lang);
        }
    });
    Effect::new(move |previous: Option<Option<String>>| {
        let route = element.attribute("route");
        if previous.is_some_and(|p| p != route)
            && let Some(r) = &route
        {
            router.navigate(r);
        }
        route
    });
}

/// The page for the current route; pages that need a signed-in user get the welcome page first.
#[component]
fn Page(route: Memo<Route>) -> impl IntoView {
    // Most pages live in chunks of the module, loaded on first visit.
    pages::lazy::page(route)
}

/// Moves focus to the new page's heading, so keyboard and screen-reader users start there.
fn focus_heading_on_navigation(route: Memo<Route>) {
    Effect::new(move |previous: Option<Route>| {
        let current = route.get();
        if previous.is_some_and(|p| p != current) {
            request_animation_frame(|| {
                if let Some(h) = crate::dom::find::<web_sys::HtmlElement>("#main h1") {
                    let _ = h.set_attribute("tabindex", "-1");
                    let _ = h.focus();
                }
            });
        }
        current
    });
}
