//! The packages a partner picks while browsing, to request together; kept for the tab in
//! `sessionStorage` so a reload or a sign-in loses nothing.

use crate::i18n::{tr, use_texts};
use crate::routing::{Link, Route};
use leptos::prelude::*;

const KEY: &str = "portier.draft.selection";

/// The selection: (package id, name) pairs, in the order picked.
#[derive(Clone, Copy)]
pub struct Selection(RwSignal<Vec<(String, String)>>);

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

impl Selection {
    pub fn provide() -> Selection {
        let stored = storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default();
        let selection = Selection(RwSignal::new(stored));
        provide_context(selection);
        Effect::new(move || {
            let items = selection.0.get();
            // An empty selection leaves nothing behind (sign-out must find no trace).
            if let Some(s) = storage() {
                let _ = if items.is_empty() {
                    s.remove_item(KEY)
                } else {
                    s.set_item(KEY, &serde_json::to_string(&items).unwrap_or_default())
                };
            }
        });
        selection
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.with(|items| items.iter().any(|(i, _)| i == id))
    }

    pub fn toggle(&self, id: &str, name: &str) {
        self.0.update(|items| match items.iter().position(|(i, _)| i == id) {
            Some(i) => {
                items.remove(i);
            }
            None => items.push((id.to_string(), name.to_string())),
        });
    }

    pub fn items(&self) -> Vec<(String, String)> {
        self.0.get()
    }

    pub fn items_untracked(&self) -> Vec<(String, String)> {
        self.0.get_untracked()
    }

    pub fn replace(&self, items: Vec<(String, String)>) {
        self.0.set(items);
    }

    pub fn clear(&self) {
        self.0.set(vec![]);
    }
}

/// The selection, when it has something in it: the packages and the way to request them.
#[component]
pub fn SelectionBar() -> impl IntoView {
    let t = use_texts();
    let selection = expect_context::<Selection>();
    move || {
        let items = selection.items();
        (!items.is_empty()).then(|| {
            view! {
                <aside class="selection" aria-labelledby="selection-title" data-testid="selection">
                    <h2 id="selection-title">{tr(t, |t| t.selection_title)}" ("{items.len()}")"</h2>
                    <ul>
                        {items.into_iter().map(|(id, name)| {
                            let remove = { let id = id.clone(); move |_| selection.toggle(&id, "") };
                            view! { <li><Link route=Route::Package(id.clone())><bdi>{name}</bdi></Link>" " <button type="button" on:click=remove>{tr(t, |t| t.remove_from_selection)}</button></li> }.into_any()
                        }).collect_view()}
                    </ul>
                    <div class="actions">
                        <Link route=Route::RequestSelection class="button primary">{tr(t, |t| t.request_selected)}</Link>
                        <button type="button" on:click=move |_| selection.clear()>{tr(t, |t| t.clear_selection)}</button>
                    </div>
                </aside>
            }.into_any()
        })
    }
}

/// The button that puts a package in the selection or takes it out (pressed while it is in).
#[component]
pub fn SelectToggle(
    /// The package's id.
    id: String,
    /// Its name, shown in the selection.
    name: String,
) -> impl IntoView {
    let t = use_texts();
    let selection = expect_context::<Selection>();
    let picked = {
        let id = id.clone();
        move || selection.contains(&id)
    };
    view! {
        <button type="button" aria-pressed=move || picked().to_string() on:click=move |_| selection.toggle(&id, &name)>
            {tr(t, |t| t.select_package)}
        </button>
    }
}
