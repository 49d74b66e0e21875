//! Terms and values of a description list (`<dt>`/`<dd>`), each written by a person or Graph and
//! so isolated (`<bdi>`): a question and its answer, say.

use leptos::prelude::*;

/// The pairs, in order, inside the caller's `<dl>`.
#[component]
pub fn TextFacts(
    /// (term, value) pairs.
    facts: Vec<(String, String)>,
) -> impl IntoView {
    facts
        .into_iter()
        .map(|(term, value)| {
            view! {
                <dt>
                    <bdi>{term}</bdi>
                </dt>
                <dd>
                    <bdi>{value}</bdi>
                </dd>
            }
            .into_any()
        })
        .collect_view()
}
