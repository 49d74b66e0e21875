//! The app shell: loads the configuration, starts the session and the Graph client, finishes a
//! sign-in that came back to this page, and frames every page (header, main, errors).

use crate::auth::Session;
use crate::error::AppError;
use crate::components::{ErrorView, Header, Loading, MainArea};
use crate::config::Config;
use crate::embed::Element;
use crate::graph::models::User;
use crate::graph::{BrowserTransport, GraphClient};
use crate::i18n::{I18n, tr, use_texts};
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

/// A popup sign-in in progress: its cancel switch, and whether the popup's link back looks cut.
#[derive(Clone, Copy)]
pub struct PopupWait {
    pub cancel: RwSignal<Option<send_wrapper::SendWrapper<oneshot::Sender<()>>>>,
    pub cut: RwSignal<bool>,
}

impl PopupWait {
    /// Stops waiting for the popup (the person cancelled, or the app is going away).
    fn stop(&self) {
        if let Some(tx) = self.cancel.try_update(Option::take).flatten() {
            let _ = tx.take().send(());
        }
    }
}

/// How this Portier signs in by itself: a popup inside a frame (the sign-in page refuses to be
/// framed) or where the embedding asks for one, else a full-page redirect.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SignInKind(pub crate::embed::SignIn);

/// Starts a sign-in that returns to `return_to`, asking for `claims` when a challenge did.
pub fn sign_in(return_to: String, claims: Option<String>) {
    let kind = use_context::<SignInKind>().map_or(crate::embed::SignIn::Redirect, |k| k.0);
    if crate::auth::in_frame() || kind == crate::embed::SignIn::Popup {
        sign_in_popup(return_to, claims);
        return;
    }
    let session = expect_context::<Session>();
    let failure = expect_context::<SignInFailure>();
    failure.0.set(None);
    if use_context::<Element>().is_some() {
        crate::embed::remember_page_query();
    }
    spawn_local(async move {
        // Said on the page (the sign-in service unreachable, say): a click with no answer
        // would leave the person guessing.
        if let Err(e) = session.sign_in_redirect(&return_to, claims, None).await {
            failure.0.set(Some(AppError::Auth(e)));
        }
    });
}

/// Signs in through a popup; the page shows a wait state with a way to cancel.
pub fn sign_in_popup(return_to: String, claims: Option<String>) {
    let session = expect_context::<Session>();
    let wait = expect_context::<PopupWait>();
    let failure = expect_context::<SignInFailure>();
    let (tx, rx) = oneshot::channel::<()>();
    wait.cancel.set(Some(send_wrapper::SendWrapper::new(tx)));
    wait.cut.set(false);
    failure.0.set(None);
    spawn_local(async move {
        let cancelled = async move {
            let _ = rx.await;
        };
        #[cfg(target_arch = "wasm32")]
        let result = session.sign_in_popup(&return_to, claims, move || wait.cut.set(true), cancelled).await;
        #[cfg(not(target_arch = "wasm32"))]
        let result: Result<(), crate::auth::AuthError> = {
            let _ = (cancelled, &return_to, &session, claims);
            Err(crate::auth::AuthError::Cancelled)
        };
        wait.cancel.set(None);
        wait.cut.set(false);
        if let Err(e) = result {
            failure.0.set(Some(AppError::Auth(e)));
        }
    });
}

/// The last interactive sign-in's failure, shown until the next try.
#[derive(Clone, Copy)]
pub struct SignInFailure(pub RwSignal<Option<AppError>>);

/// The configuration and, as an element, what its attributes decide.
type Loaded = Result<(Config, Option<crate::embed::Settings>), Vec<crate::config::ConfigProblem>>;

async fn load_config(element: Option<Element>) -> Loaded {
    use crate::config::{ConfigProblem, RawConfig};
    let problem = |reason: String| vec![ConfigProblem { field: "config.json".into(), reason }];
    let window = web_sys::window().ok_or_else(|| problem("no window".into()))?;
    let page = window.location().href().unwrap_or_default();
    let origin = window.location().origin().unwrap_or_default();
    // Beside Portier's files: the element's script, or the loader script (wherever the page was
    // opened). Not through `<base>`: the policy's `base-uri 'none'` forbids one.
    let files = match element {
        Some(e) => e.base.get_value(),
        None => window
            .document()
            .and_then(|d| d.query_selector("script[data-js]").ok().flatten())
            .and_then(|s| s.get_attribute("src"))
            .unwrap_or_else(|| "/loader.js".into()),
    };
    let chosen = element.and_then(|e| e.attribute("config")).unwrap_or_else(|| "config.json".into());
    let url = url::Url::parse(&page)
        .and_then(|u| u.join(&files))
        .and_then(|u| u.join(&chosen))
        .map_err(|e| problem(e.to_string()))?;
    let req = http::Request::get(url.as_str())
        .header(http::header::ACCEPT, "application/json")
        .body(vec![])
        .map_err(|e| problem(e.to_string()))?;
    let res = crate::net::fetch(req, None).await.map_err(|e| problem(format!("cannot load {url}: {e}")))?;
    if !res.status().is_success() {
        return Err(problem(format!("{url} answered {}", res.status())));
    }
    let text = String::from_utf8_lossy(res.body());
    let Some(element) = element else { return Config::from_json(&text, &origin).map(|c| (c, None)) };
    let mut raw = RawConfig::parse(&text)?;
    let path = window.location().pathname().unwrap_or_default();
    let page = crate::embed::attributes::Page { origin: &origin, path: &path };
    let settings = element.attributes.with_untracked(|a| crate::embed::attributes::apply(&mut raw, a, &page))?;
    Config::check(raw, &origin).map(|c| (c, Some(settings)))
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let element = use_context::<Element>();
    I18n::provide(element.is_none());
    let config = LocalResource::new(move || load_config(element));
    view! {
        {move || match config.get() {
            None => view! { <MainArea><Loading/></MainArea> }.into_any(),
            Some(Err(problems)) => view! { <pages::ConfigError problems=problems/> }.into_any(),
            Some(Ok((c, settings))) => view! { <Shell config=c settings=settings/> }.into_any(),
        }}
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
    provide_context(SignInKind(settings.as_ref().map_or(crate::embed::SignIn::Redirect, |s| s.sign_in)));
    // Everything under way stops when the app is removed from its page.
    let lifetime = crate::net::Cancel::on_cleanup();
    let session = Session::new(config.clone(), lifetime.clone());
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
    let popup_wait = PopupWait { cancel: RwSignal::new(None), cut: RwSignal::new(false) };
    provide_context(popup_wait);
    // A popup sign-in still waiting when the app is removed stops waiting (and listening).
    on_cleanup(move || popup_wait.stop());
    provide_context(SignInFailure(RwSignal::new(None)));
    pages::selection::Selection::provide();

    // The provider's documents load meanwhile, so that a sign-in starts at once; no page waits
    // for them (two round trips to the provider before anything shows, otherwise).
    spawn_local({
        let session = session.clone();
        async move {
            let _ = session.prepare().await;
        }
    });
    // A sign-in that came back to this page is finished before anything else.
    let startup = {
        let session = session.clone();
        LocalResource::new(move || {
            let session = session.clone();
            async move {
                let back = session.complete_redirect().await.map_err(AppError::Auth)?;
                if back.is_some() && element.is_some() {
                    crate::embed::restore_page_query();
                }
                if let Some(path) = back {
                    router.navigate(&path);
                }
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
        <SignInBanner/>
        <MainArea>
            {move || match startup.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorView error=e/> }.into_any(),
                Some(Ok(())) => view! { <Page route=route/> }.into_any(),
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

/// While a popup sign-in runs: what to do, and a way out; then why the last sign-in (popup or
/// redirect) could not go on, if it could not.
#[component]
fn SignInBanner() -> impl IntoView {
    let t = use_texts();
    let wait = expect_context::<PopupWait>();
    let failure = expect_context::<SignInFailure>();
    let cancel = move |_| wait.stop();
    // Where a new tab continues: this very page, as Portier's own page or the host's.
    let here = StoredValue::new(web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default());
    view! {
        <Show when=move || wait.cancel.with(Option::is_some)>
            <div class="popup-wait" role="status">
                <Show when=move || wait.cut.get() fallback=move || view! { <span>{tr(t, |t| t.popup_waiting)}</span> }.into_any()>
                    <span>{tr(t, |t| t.popup_link_cut)}</span>
                    <a class="new-tab button primary" href=move || here.get_value() target="_blank" rel="noopener">
                        {tr(t, |t| t.continue_new_tab)}
                    </a>
                </Show>
                <button type="button" on:click=cancel>{tr(t, |t| t.cancel)}</button>
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
                if let Some(h) = crate::embed::find::<web_sys::HtmlElement>("#main h1") {
                    let _ = h.set_attribute("tabindex", "-1");
                    let _ = h.focus();
                }
            });
        }
        current
    });
}
