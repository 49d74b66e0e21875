//! Pages by route, most of them in chunks of the module loaded on first visit: the signed-out
//! first page carries only what it shows. Loading a chunk is a wait like any other (the loading
//! indicator), a chunk that cannot load is an error with "try again" (never a panic, which would
//! abort the app), and the next likely chunks load meanwhile when the browser is idle.

use crate::auth::Session;
use crate::chunk::split;
use crate::components::{ErrorView, Loading};
use crate::error::AppError;
use crate::pages;
use crate::routing::Route;
use crate::state::Inbox;
use leptos::prelude::*;

/// Builds the page for a route of its group, from code in the group's chunk.
type Builder = fn(Route) -> AnyView;

split!(partner, partner_pages -> Builder => |route| match route {
    Route::Home => view! { <pages::Home/> }.into_any(),
    Route::Catalog => view! { <pages::Catalog/> }.into_any(),
    Route::Package(id) => view! { <pages::PackagePage id=id/> }.into_any(),
    Route::RequestSelection => view! { <pages::SelectionPage/> }.into_any(),
    Route::Requests => view! { <pages::MyRequests/> }.into_any(),
    _ => view! { <pages::MyAccess/> }.into_any(),
});

split!(sponsor, sponsor_pages -> Builder => |route| match route {
    Route::Approvals => view! { <pages::Approvals/> }.into_any(),
    _ => view! { <pages::Invite/> }.into_any(),
});

split!(reviews, reviews_pages -> Builder => |_route| view! { <pages::Reviews/> }.into_any());

/// The chunks, coarse on purpose: on a phone every file is a round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The signed-in start page and what a partner does: the catalog, a package's request form,
    /// requests, access (the navigation's pages for everyone).
    Partner,
    /// What a sponsor does: approvals and invitations.
    Sponsor,
    /// Access reviews: only for someone an open review lists as a reviewer.
    Reviews,
}

impl Group {
    /// What every signed-in person may open from the navigation: loaded when the browser is idle.
    /// The reviews' chunk only when reviews wait for the person.
    pub const FOR_EVERYONE: [Group; 2] = [Group::Partner, Group::Sponsor];

    /// The chunk a signed-in route's page lives in; `None` for pages in the first module.
    pub fn of(route: &Route) -> Option<Group> {
        match route {
            Route::NotFound(_) => None,
            Route::Home
            | Route::Catalog
            | Route::Package(_)
            | Route::RequestSelection
            | Route::Requests
            | Route::Access => Some(Group::Partner),
            Route::Approvals | Route::Invite => Some(Group::Sponsor),
            Route::Reviews => Some(Group::Reviews),
        }
    }

    /// The builder, if the chunk has loaded already (then the page shows without a wait).
    fn loaded(self) -> Option<Builder> {
        match self {
            Group::Partner => partner_pages::loaded(),
            Group::Sponsor => sponsor_pages::loaded(),
            Group::Reviews => reviews_pages::loaded(),
        }
    }

    /// Loads the chunk (once; a failure is not kept, so a later call tries again).
    async fn load(self) -> Result<Builder, AppError> {
        let loaded = match self {
            Group::Partner => partner_pages().await,
            Group::Sponsor => sponsor_pages().await,
            Group::Reviews => reviews_pages().await,
        };
        loaded.map_err(AppError::from)
    }
}

/// Marks the first page usable, once: the moment `cargo xtask bench` measures. Called while the
/// page is built; the mark waits for the microtask after it, when the page is in the document
/// (the peer marks the same moment: its first page's heading in the DOM, from an effect).
fn mark_ready() {
    queue_microtask(|| {
        let Some(p) = web_sys::window().and_then(|w| w.performance()) else { return };
        if p.get_entries_by_name("portier-ready").length() == 0 {
            let _ = p.mark("portier-ready");
        }
    });
}

/// When the browser is idle, loads `groups` one after another, then the sign-in's chunk (signed
/// in, only a renewal an hour on needs it: the pages come first; signed out, the shell asks for
/// it once the first page is up). Failures stay quiet: what needs a chunk tries again and says so.
fn preload_when_idle(groups: Vec<Group>) {
    crate::idle::when_idle(move || {
        leptos::task::spawn_local(async move {
            for g in groups {
                let _ = g.load().await;
            }
            crate::auth::preload_exchanges().await;
        })
    });
}

/// The page for the current route; pages that need a signed-in user get the welcome page first.
pub fn page(route: Memo<Route>) -> impl IntoView {
    let account = expect_context::<Session>().account();
    // Signed in and usable: the navigation's other pages load meanwhile.
    let preloaded = StoredValue::new(false);
    // The reviews' chunk too, once the account's check says reviews wait for this person.
    if let Some(inbox) = use_context::<Inbox>() {
        let reviews_preloaded = StoredValue::new(false);
        Effect::new(move || {
            if inbox.waiting().reviews && account.get().is_some() && !reviews_preloaded.get_value() {
                reviews_preloaded.set_value(true);
                preload_when_idle(vec![Group::Reviews]);
            }
        });
    }
    move || {
        let current = route.get();
        let signed_in = account.get().is_some();
        let view = match (&current, signed_in) {
            (Route::NotFound(_), _) => view! { <pages::NotFound /> }.into_any(),
            (_, false) => {
                // A sign-in returns to this route: its chunk loads while the person reads.
                preload_when_idle(Group::of(&current).into_iter().collect());
                view! { <pages::Welcome /> }.into_any()
            }
            (_, true) => view! { <ChunkPage route=current.clone() /> }.into_any(),
        };
        if signed_in && !preloaded.get_value() {
            preloaded.set_value(true);
            preload_when_idle(Group::FOR_EVERYONE.to_vec());
        }
        if Group::of(&current).is_none() || !signed_in {
            mark_ready();
        }
        view
    }
}

/// A page from a chunk: at once when the chunk is there, else the loading indicator until it is,
/// or the error view (try again, or reload after an update).
#[component]
fn ChunkPage(route: Route) -> impl IntoView {
    let Some(group) = Group::of(&route) else { return ().into_any() };
    if let Some(build) = group.loaded() {
        mark_ready();
        return build(route);
    }
    let attempt = RwSignal::new(0u32);
    let chunk = crate::state::Reading::new(move || {
        attempt.track();
        group.load()
    });
    let retry = Callback::new(move |_| attempt.update(|n| *n += 1));
    (move || match chunk.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Ok(build)) => {
            mark_ready();
            build(route.clone())
        }
        Some(Err(error)) => view! { <ErrorView error=error on_retry=retry /> }.into_any(),
    })
    .into_any()
}
