//! The selection on screen: the packages picked so far with the way to request them, and the
//! button that picks a package or puts it back.

use crate::i18n::{tr, use_page_texts};
use crate::routing::{Link, Route};
use crate::state::use_selection;
use leptos::prelude::*;

/// The selection, when it has something in it: the packages and the way to request them.
#[component]
pub fn SelectionBar() -> impl IntoView {
    let t = use_page_texts();
    let selection = use_selection();
    move || {
        let items = selection.items();
        (!items.is_empty()).then(|| {
            view! {
                <aside class="selection" aria-labelledby="selection-title" data-testid="selection">
                    <h2 id="selection-title">{tr(t, |t| t.selection_title)}" ("{items.len()}")"</h2>
                    <ul>
                        {items
                            .into_iter()
                            .map(|(id, name)| {
                                let remove = {
                                    let id = id.clone();
                                    move |_| selection.toggle(&id, "")
                                };
                                view! {
                                    <li>
                                        <Link route=Route::Package(id.clone())>
                                            <bdi>{name}</bdi>
                                        </Link>
                                        " "
                                        <button type="button" on:click=remove>
                                            {tr(t, |t| t.remove_from_selection)}
                                        </button>
                                    </li>
                                }
                                    .into_any()
                            })
                            .collect_view()}
                    </ul>
                    <div class="actions">
                        <Link route=Route::RequestSelection class="button primary">
                            {tr(t, |t| t.request_selected)}
                        </Link>
                        <button type="button" on:click=move |_| selection.clear()>
                            {tr(t, |t| t.clear_selection)}
                        </button>
                    </div>
                </aside>
            }
            .into_any()
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
    let t = use_page_texts();
    let selection = use_selection();
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
