//! One kept decision as a line of a history: what it was about, whom, what became of it, and the
//! reason given. The approvals history and the reviews history say it the same way.

use leptos::prelude::*;

#[component]
pub fn DecidedLine(
    /// What the decision was about (a package).
    what: String,
    /// Whom it concerned.
    who: String,
    /// What became of it, in the language shown.
    outcome: Signal<String>,
    /// The reason given; nothing is shown for none.
    reason: String,
) -> impl IntoView {
    view! {
        <strong>
            <bdi>{what}</bdi>
        </strong>
        " — "
        <bdi>{who}</bdi>
        ": "
        {outcome}
        {(!reason.is_empty())
            .then(|| {
                view! {
                    " ("
                    <q>
                        <bdi>{reason}</bdi>
                    </q>
                    ")"
                }
            })}
    }
}
