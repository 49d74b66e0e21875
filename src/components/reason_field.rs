//! The reason given with a decision: its label (saying when it is required), the text area, and
//! the error tied to it (`aria-invalid`, `aria-describedby`) when a decision needed one and got
//! none. One field for every decision in the app: an approval, a review of one person or of
//! several, an answer about one's own access.

use crate::i18n::{PageTexts, tr, use_page_texts};
use leptos::prelude::*;

/// Words of the texts, chosen by the caller.
type Words = fn(&'static PageTexts) -> &'static str;

#[component]
pub fn ReasonField(
    /// The text area's id; its error's is this with `-error`.
    id: String,
    /// What is typed (a draft where the page keeps one).
    value: RwSignal<String>,
    /// Set when a decision found the reason missing; typing clears it.
    missing: RwSignal<bool>,
    /// Whether the decision needs a reason: then `required_words` ("required to approve") stand
    /// beside the label.
    required: bool,
    required_words: Words,
    /// What the error says.
    error: Words,
    /// The text area's `data-testid`.
    testid: &'static str,
) -> impl IntoView {
    let t = use_page_texts();
    let error_id = format!("{id}-error");
    let described_by = {
        let error_id = error_id.clone();
        move || missing.get().then(|| error_id.clone())
    };
    view! {
        <div class="field" class:invalid=move || missing.get()>
            <label for=id
                .clone()>
                {tr(t, |t| t.reason)}
                {required
                    .then(|| {
                        view! {
                            " "
                            <span class="required">"(" {tr(t, required_words)} ")"</span>
                        }
                    })}
            </label>
            <textarea
                id=id
                rows="2"
                data-testid=testid
                aria-invalid=move || missing.get().to_string()
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |e| {
                    value.set(event_target_value(&e));
                    missing.set(false);
                }
            ></textarea>
            {move || {
                let error_id = error_id.clone();
                missing
                    .get()
                    .then(move || {
                        view! {
                            <p class="field-error" id=error_id role="alert">
                                {tr(t, error)}
                            </p>
                        }
                    })
            }}
        </div>
    }
}
