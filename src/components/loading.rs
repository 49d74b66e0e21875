//! The one loading indicator: announced politely to screen readers, calm for everyone.

use crate::i18n::use_texts;
use leptos::prelude::*;

/// Shows that Portier is waiting for an answer.
#[component]
pub fn Loading(
    /// What is being waited for, when more specific than "Loading…".
    #[prop(optional, into)]
    label: Option<String>,
) -> impl IntoView {
    let t = use_texts();
    let text = move || label.clone().unwrap_or_else(|| t.get().loading.to_string());
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="loading-spinner" aria-hidden="true"></span>
            <span>{text}</span>
        </div>
    }
}
