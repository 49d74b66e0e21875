//! The page for an address Portier does not have.

use crate::i18n::use_texts;
use crate::routing::{Link, Route};
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let t = use_texts();
    view! {
        <h1>{move || t.get().not_found_title}</h1>
        <p>{move || t.get().not_found_text}</p>
        <p><Link route=Route::Home>{move || t.get().go_home}</Link></p>
    }
}
