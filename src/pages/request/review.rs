//! The request form's review step: what will be sent, read back in the page's language, and the
//! one button that sends it.

use super::values::{FormValues, chosen};
use crate::components::TextFacts;
use crate::graph::entitlement::models::Requirements;
use crate::i18n::{I18n, tr, use_page_texts};
use leptos::prelude::*;

/// The review step: what will be sent, and the one button that sends it.
#[component]
pub(super) fn Review(
    values: RwSignal<FormValues>,
    reqs: Vec<Requirements>,
    submitting: Signal<bool>,
    on_submit: Callback<()>,
    reviewing: RwSignal<bool>,
) -> impl IntoView {
    let t = use_page_texts();
    let i18n = expect_context::<I18n>();
    let v = values.get_untracked();
    let req = chosen(&reqs, &v);
    let lang = i18n.language.get_untracked().tag();
    let answers: Vec<(String, String)> = req
        .iter()
        .flat_map(|r| r.questions.iter())
        .map(|q| {
            let given = v.answers.get(&q.id).cloned().unwrap_or_default();
            let shown: Vec<String> = given
                .iter()
                .map(|a| {
                    q.choices
                        .iter()
                        .find(|c| &c.actual_value == a)
                        .map(|c| c.text_in(lang))
                        .unwrap_or_else(|| a.clone())
                })
                .collect();
            (q.text_in(lang), shown.join(", "))
        })
        .collect();
    let send = move |_| {
        if !submitting.get_untracked() {
            on_submit.run(());
        }
    };
    view! {
        <section class="review" aria-labelledby="review-title">
            <h2 id="review-title" tabindex="-1">
                {tr(t, |t| t.review_title)}
            </h2>
            <dl class="facts">
                {req
                    .as_ref()
                    .and_then(|r| r.policy_display_name.clone())
                    .map(|p| {
                        view! {
                            <dt>{tr(t, |t| t.policy_label)}</dt>
                            <dd>
                                <bdi>{p}</bdi>
                            </dd>
                        }
                            .into_any()
                    })} <TextFacts facts=answers /> <dt>{tr(t, |t| t.justification_label)}</dt><dd>
                    <bdi>{v.justification.clone()}</bdi>
                </dd>
                {(!v.start.is_empty())
                    .then(|| {
                        view! {
                            <dt>{tr(t, |t| t.start_label)}</dt>
                            <dd>{v.start.clone()}</dd>
                        }
                            .into_any()
                    })}
                {(!v.end.is_empty())
                    .then(|| {
                        view! {
                            <dt>{tr(t, |t| t.end_label)}</dt>
                            <dd>{v.end.clone()}</dd>
                        }
                            .into_any()
                    })}
            </dl>
            <div class="actions">
                <button type="button" on:click=move |_| reviewing.set(false) disabled=move || submitting.get()>
                    {tr(t, |t| t.edit)}
                </button>
                <button
                    type="button"
                    class="primary"
                    data-testid="submit"
                    disabled=move || submitting.get()
                    aria-busy=move || submitting.get().to_string()
                    on:click=send
                >
                    {move || if submitting.get() { t.get().submitting } else { t.get().submit }}
                </button>
            </div>
        </section>
    }
}
