//! The catalog: the packages the signed-in person may request, searched as they type (by name and
//! description, on Graph's side, so ten thousand packages cost one page at a time).

use crate::components::{ErrorView, Loading};
use crate::components::{SelectToggle, SelectionBar};
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::entitlement::models::AccessPackage;
use crate::i18n::{tr, use_page_texts};
use crate::net::Cancel;
use crate::routing::{Link, Route};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Typing pauses this long before the search goes out.
const DEBOUNCE_MS: u32 = 250;

#[derive(Clone, Default)]
struct Results {
    items: Vec<AccessPackage>,
    next: Option<String>,
}

#[component]
pub fn Catalog() -> impl IntoView {
    let t = use_page_texts();
    let graph = expect_context::<GraphClient>();
    // A draft: the search survives a new sign-in.
    let typed = crate::state::draft::use_draft::<String>("catalog.search".into());
    let results = RwSignal::new(Results::default());
    let loading = RwSignal::new(true);
    let failure = RwSignal::new(None::<AppError>);
    // The request in flight, cancelled when a newer search or the page's end makes it moot.
    let inflight = StoredValue::new_local(None::<Cancel>);
    let page_cancel = Cancel::on_cleanup();
    let load = {
        let graph = graph.clone();
        move |search: String, link: Option<String>| {
            if let Some(c) = inflight.get_value() {
                c.cancel();
            }
            let cancel = Cancel::new();
            inflight.set_value(Some(cancel.clone()));
            let (graph, page_cancel) = (graph.clone(), page_cancel.clone());
            loading.set(true);
            spawn_local(async move {
                let page = graph.requestable_packages(&search, link.as_deref(), Some(&cancel)).await;
                if cancel.is_cancelled() || page_cancel.is_cancelled() {
                    return;
                }
                match page {
                    Ok(p) => results.update(|r| {
                        if link.is_none() {
                            r.items.clear();
                        }
                        r.items.extend(p.value.into_iter().filter(|p| !p.is_hidden.unwrap_or(false)));
                        r.next = p.next_link;
                    }),
                    Err(e) => failure.set(Some(e.into())),
                }
                loading.set(false);
                // What `cargo xtask bench` times: typing to results on screen.
                if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
                    let _ = p.mark("portier-catalog-results");
                }
            });
        }
    };
    let search = {
        let load = load.clone();
        move |text: String| {
            let load = load.clone();
            spawn_local(async move {
                crate::net::sleep(DEBOUNCE_MS).await;
                if typed.get_untracked() == text {
                    failure.set(None);
                    load(text, None);
                }
            });
        }
    };
    load(typed.get_untracked(), None);
    let retry = load.clone();
    let more = move |_| {
        if let Some(link) = results.with_untracked(|r| r.next.clone()) {
            load(typed.get_untracked(), Some(link));
        }
    };
    view! {
        <h1>{tr(t, |t| t.catalog_title)}</h1>
        <SelectionBar />
        <div class="field search">
            <label for="catalog-search">{tr(t, |t| t.search_label)}</label>
            <input
                id="catalog-search"
                type="search"
                autocomplete="off"
                data-testid="catalog-search"
                prop:value=move || typed.get()
                on:input=move |e| {
                    let v = event_target_value(&e);
                    typed.set(v.clone());
                    search(v);
                }
            />
        </div>
        {move || {
            failure
                .get()
                .map(|e| {
                    let retry = retry.clone();
                    view! {
                        <ErrorView
                            error=e
                            on_retry=Callback::new(move |_| {
                                failure.set(None);
                                retry(typed.get_untracked(), None)
                            })
                        />
                    }
                })
        }}
        <ul class="catalog" data-testid="catalog" aria-busy=move || loading.get().to_string()>
            <For each=move || results.get().items key=|p| p.id.clone() let:p>
                <PackageCard package=p />
            </For>
        </ul>
        {move || {
            (!loading.get() && failure.get().is_none() && results.with(|r| r.items.is_empty()))
                .then(|| view! { <p>{tr(t, |t| t.catalog_empty)}</p> }.into_any())
        }}
        <Show when=move || loading.get()>
            <Loading />
        </Show>
        <Show when=move || !loading.get() && results.with(|r| r.next.is_some())>
            <button type="button" data-testid="load-more" on:click=more.clone()>
                {tr(t, |t| t.load_more)}
            </button>
        </Show>
    }
}

#[component]
fn PackageCard(package: AccessPackage) -> impl IntoView {
    let (id, name) = (package.id.clone(), package.display_name.clone());
    let title = name.clone();
    view! {
        <li class="card" data-testid="package-card">
            <h2>
                <Link route=Route::Package(id.clone())>
                    <bdi>{title}</bdi>
                </Link>
            </h2>
            <p>
                <bdi>{package.description.clone()}</bdi>
            </p>
            <SelectToggle id=id name=name />
        </li>
    }
}
