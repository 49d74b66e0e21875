//! A request's or an assignment's state, as a short label a person understands.

use crate::i18n::{PageTexts, use_page_texts};
use leptos::prelude::*;

/// The label for one of Graph's request or assignment states.
pub fn state_label(t: &PageTexts, state: &str) -> &'static str {
    match state {
        "submitted" => t.state_submitted,
        "pendingApproval" => t.state_pending,
        "delivering" | "partiallyDelivered" => t.state_delivering,
        "delivered" => t.state_delivered,
        "denied" => t.state_denied,
        "canceled" => t.state_canceled,
        "scheduled" => t.state_scheduled,
        "deliveryFailed" => t.state_failed,
        "expired" => t.state_expired,
        _ => t.state_submitted,
    }
}

/// A coloured label for a state (the colour repeats the words, never replaces them).
#[component]
pub fn StateBadge(
    /// Graph's state value, e.g. `pendingApproval`.
    #[prop(into)]
    state: String,
) -> impl IntoView {
    let t = use_page_texts();
    let class = format!("state state-{}", state.to_ascii_lowercase());
    let data = state.clone();
    view! {
        <span class=class data-state=data>
            {move || state_label(t.get(), &state)}
        </span>
    }
}
