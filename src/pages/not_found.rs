//! The page for an address Portier does not have.

use crate::i18n::{tr, use_texts};
use crate::routing::{Link, Route};
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let t = use_texts();
    view! {
        <h1>{tr(t, |t| t.not_found_title)}</h1>
        <p>{tr(t, |t| t.not_found_text)}</p>
        <p>
            <Link route=Route::Home>{tr(t, |t| t.go_home)}</Link>
        </p>
    }
}
