//! The app shell: loads the configuration, starts the session and the Graph client, finishes a
//! sign-in that came back to this page, and frames every page (header, main, errors).

use crate::auth::Session;
use crate::components::{AppError, ErrorView, Header, Loading};
use crate::config::Config;
use crate::graph::models::User;
use crate::graph::{BrowserTransport, GraphClient};
use crate::i18n::{I18n, use_texts};
use crate::pages;
pub use crate::pages::selection::Selection;
use crate::routing::{Mode, Route, Router};
use futures::channel::oneshot;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;

/// The signed-in user from Graph's `/me`, shared by the header and the pages.
#[derive(Clone, Copy)]
pub struct Me(pub LocalResource<Result<Option<User>, AppError>>);

/// Whether the signed-in person has decisions waiting (the inbox is shown only then).
#[derive(Clone, Copy)]
pub struct Inbox(pub LocalResource<bool>);

/// A popup sign-in in progress: its cancel switch.
#[derive(Clone, Copy)]
pub struct PopupWait(pub RwSignal<Option<send_wrapper::SendWrapper<oneshot::Sender<()>>>>);

/// Starts a sign-in that returns to `return_to`: a popup inside a frame (the sign-in page refuses
/// to be framed), else a full-page redirect.
pub fn sign_in(return_to: String) {
    if crate::auth::in_frame() {
        sign_in_popup(return_to);
        return;
    }
    let session = expect_context::<Session>();
    spawn_local(async move {
        if let Err(e) = session.sign_in_redirect(&return_to, None, None).await {
            leptos::logging::warn!("sign-in could not start: {e}");
        }
    });
}

/// Signs in through a popup; the page shows a wait state with a way to cancel.
pub fn sign_in_popup(return_to: String) {
    let session = expect_context::<Session>();
    let wait = expect_context::<PopupWait>();
    let failure = expect_context::<SignInFailure>();
    let (tx, rx) = oneshot::channel::<()>();
    wait.0.set(Some(send_wrapper::SendWrapper::new(tx)));
    failure.0.set(None);
    spawn_local(async move {
        let cancelled = async move {
            let _ = rx.await;
        };
        #[cfg(target_arch = "wasm32")]
        let result = session.sign_in_popup(&return_to, None, cancelled).await;
        #[cfg(not(target_arch = "wasm32"))]
        let result: Result<(), crate::auth::AuthError> = {
            let _ = (cancelled, &return_to, &session);
            Err(crate::auth::AuthError::Cancelled)
        };
        wait.0.set(None);
        if let Err(e) = result {
            failure.0.set(Some(AppError::Auth(e)));
        }
    });
}

/// The last interactive sign-in's failure, shown until the next try.
#[derive(Clone, Copy)]
pub struct SignInFailure(pub RwSignal<Option<AppError>>);

async fn load_config() -> Result<Config, Vec<crate::config::ConfigProblem>> {
    let problem = |reason: String| vec![crate::config::ConfigProblem { field: "config.json".into(), reason }];
    let window = web_sys::window().ok_or_else(|| problem("no window".into()))?;
    // Beside the loader script (where the site is served from), whatever route the page was
    // opened at. Not through `<base>`: the policy's `base-uri 'none'` forbids one.
    let page = window.location().href().unwrap_or_default();
    let loader = window
        .document()
        .and_then(|d| d.query_selector("script[data-js]").ok().flatten())
        .and_then(|s| s.get_attribute("src"))
        .unwrap_or_else(|| "/loader.js".into());
    let origin = window.location().origin().unwrap_or_default();
    let url = url::Url::parse(&page)
        .and_then(|u| u.join(&loader))
        .and_then(|u| u.join("config.json"))
        .map_err(|e| problem(e.to_string()))?;
    let req = http::Request::get(url.as_str())
        .header("accept", "application/json")
        .body(vec![])
        .map_err(|e| problem(e.to_string()))?;
    let res = crate::net::fetch(req, None).await.map_err(|e| problem(format!("cannot load {url}: {e}")))?;
    if !res.status().is_success() {
        return Err(problem(format!("{url} answered {}", res.status())));
    }
    Config::from_json(&String::from_utf8_lossy(res.body()), &origin)
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    I18n::provide();
    let config = LocalResource::new(load_config);
    view! {
        {move || match config.get() {
            None => view! { <main id="main"><Loading/></main> }.into_any(),
            Some(Err(problems)) => view! { <pages::ConfigError problems=problems/> }.into_any(),
            Some(Ok(c)) => view! { <Shell config=c/> }.into_any(),
        }}
    }
}

#[component]
fn Shell(config: Config) -> impl IntoView {
    expect_context::<I18n>().configure(config.default_language);
    let router = Router::provide(Mode::Path, None);
    let session = Session::new(config.clone());
    let graph = GraphClient::new(&config.graph_base_url, Rc::new(session.clone()), Rc::new(BrowserTransport));
    provide_context(session.clone());
    provide_context(graph.clone());
    provide_context(PopupWait(RwSignal::new(None)));
    provide_context(SignInFailure(RwSignal::new(None)));
    pages::selection::Selection::provide();

    // A sign-in that came back to this page is finished before anything else.
    let startup = {
        let session = session.clone();
        LocalResource::new(move || {
            let session = session.clone();
            async move {
                let back = session.complete_redirect().await.map_err(AppError::Auth)?;
                if let Some(path) = back {
                    router.navigate(&path);
                }
                let _ = session.prepare().await;
                Ok::<(), AppError>(())
            }
        })
    };
    let account = session.account();
    let graph_for_inbox = graph.clone();
    let me = LocalResource::new(move || {
        let graph = graph.clone();
        let signed_in = account.get().is_some();
        async move {
            if !signed_in {
                return Ok(None);
            }
            graph.me(None).await.map(Some).map_err(AppError::from)
        }
    });
    provide_context(Me(me));
    // Whether anything waits for this person's decision: only then is the inbox offered.
    let inbox = {
        let graph = graph_for_inbox.clone();
        LocalResource::new(move || {
            let graph = graph.clone();
            let signed_in = account.get().is_some();
            async move { signed_in && graph.pending_decisions(None).await.is_ok_and(|d| !d.is_empty()) }
        })
    };
    provide_context(Inbox(inbox));
    let route = router.route();
    focus_heading_on_navigation(route);

    view! {
        <Header/>
        <PopupWaitBanner/>
        <main id="main" tabindex="-1">
            {move || match startup.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorView error=e/> }.into_any(),
                Some(Ok(())) => view! { <Page route=route/> }.into_any(),
            }}
        </main>
    }
}

/// The page for the current route; pages that need a signed-in user get the welcome page first.
#[component]
fn Page(route: Memo<Route>) -> impl IntoView {
    let session = expect_context::<Session>();
    let account = session.account();
    // The first page is on screen: the moment `cargo xtask bench` measures.
    request_animation_frame(|| {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark("portier-ready");
        }
    });
    move || match (route.get(), account.get().is_some()) {
        (Route::NotFound(_), _) => view! { <pages::NotFound/> }.into_any(),
        (_, false) => view! { <pages::Welcome/> }.into_any(),
        (Route::Home, true) => view! { <pages::Home/> }.into_any(),
        (Route::Catalog, true) => view! { <pages::Catalog/> }.into_any(),
        (Route::Package(id), true) => view! { <pages::PackagePage id=id/> }.into_any(),
        (Route::RequestSelection, true) => view! { <pages::SelectionPage/> }.into_any(),
        (Route::Requests, true) => view! { <pages::MyRequests/> }.into_any(),
        (Route::Access, true) => view! { <pages::MyAccess/> }.into_any(),
        (Route::Approvals, true) => view! { <pages::Approvals/> }.into_any(),
        (Route::Invite, true) => view! { <pages::Invite/> }.into_any(),
    }
}

/// While a popup sign-in runs: what to do, and a way out.
#[component]
fn PopupWaitBanner() -> impl IntoView {
    let t = use_texts();
    let wait = expect_context::<PopupWait>();
    let failure = expect_context::<SignInFailure>();
    let cancel = move |_| {
        if let Some(tx) = wait.0.write().take() {
            let _ = tx.take().send(());
        }
    };
    view! {
        <Show when=move || wait.0.with(Option::is_some)>
            <div class="popup-wait" role="status">
                <span>{move || t.get().popup_waiting}</span>
                <button type="button" on:click=cancel>{move || t.get().cancel}</button>
            </div>
        </Show>
        {move || failure.0.get().map(|e| view! { <ErrorView error=e/> })}
    }
}

/// Moves focus to the new page's heading, so keyboard and screen-reader users start there.
fn focus_heading_on_navigation(route: Memo<Route>) {
    Effect::new(move |previous: Option<Route>| {
        let current = route.get();
        if previous.is_some_and(|p| p != current) {
            request_animation_frame(|| {
                let doc = web_sys::window().and_then(|w| w.document());
                if let Some(h) = doc.and_then(|d| d.query_selector("main h1").ok().flatten()) {
                    use wasm_bindgen::JsCast;
                    let h: web_sys::HtmlElement = h.unchecked_into();
                    let _ = h.set_attribute("tabindex", "-1");
                    let _ = h.focus();
                }
            });
        }
        current
    });
}
