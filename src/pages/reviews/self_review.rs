//! My own access in a review: "Do you still need access to …?", yes with a reason (required
//! where the review says so) or no; yes records `Approve`, no `Deny`. The answer is shown and can
//! be changed until the review ends. On the reviews page and beside the package on my access.

use super::model::{Mine, Outcome, Target, answer, current, package_id, reason_draft, reason_missing, verdict_of};
use super::record::record;
use crate::components::{ErrorView, ReasonField, format};
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::reviews::{Review, ReviewItem};
use crate::i18n::{around, fill, tr, use_page_texts};
use crate::state::{draft, use_kept};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn SelfReview(
    review: Review,
    /// My own item in it.
    item: ReviewItem,
    /// My decisions since the reviews were read.
    mine: RwSignal<Mine>,
    /// My name, as who decided.
    #[prop(into)]
    by: String,
) -> impl IntoView {
    let t = use_page_texts();
    let graph = expect_context::<GraphClient>();
    let kept = use_kept();
    let id = item.decision.id.clone();
    let target = Target::of(&review, &item);
    let package = item.holds().map(str::to_string).unwrap_or_else(|| target.review.clone());
    let data_package = package_id(&item);
    let required = review.definition.reason_required_on_approval();
    let due = format::date_time(review.instance.end_date_time.as_deref());
    let reason = draft::use_draft::<String>(reason_draft(&id));
    let (missing, busy) = (RwSignal::new(false), RwSignal::new(false));
    let failure = RwSignal::new(None::<AppError>);
    let reason_id = format!("self-review-reason-{id}");
    let item = StoredValue::new(item);
    let now = move || mine.with(|m| item.with_value(|i| current(i, m)));
    let answered = move || answer(now().verdict);
    let act = {
        let reason_id = reason_id.clone();
        move |still_needed: bool| {
            let verdict = verdict_of(still_needed);
            let text = reason.get_untracked();
            if reason_missing(required, verdict, &text) {
                missing.set(true);
                crate::dom::focus_id(&reason_id);
                return;
            }
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            failure.set(None);
            let (graph, kept, target, by) = (graph.clone(), kept.clone(), target.clone(), by.clone());
            spawn_local(async move {
                match record(&graph, &kept, &target, verdict, &text, &by, mine).await {
                    Outcome::Failed(e) => failure.set(Some(e)),
                    _ => reason.set(String::new()),
                }
                busy.set(false);
            });
        }
    };
    let (yes, no) = (act.clone(), act);
    let question = move || around(t.get().self_review_question, "package");
    view! {
        <section class="self-review" data-testid="self-review" data-package=data_package>
            <fieldset>
                <legend>{move || question().0} <bdi>{package}</bdi> {move || question().1}</legend>
                <p class="muted">
                    {move || {
                        let words = if answered().is_some() {
                            t.get().self_review_change_until
                        } else {
                            t.get().self_review_answer_by
                        };
                        fill(words, &[("due", &due)])
                    }}
                </p>
                <ReasonField
                    id=reason_id
                    value=reason
                    missing=missing
                    required=required
                    required_words=|t| t.self_review_reason_required
                    error=|t| t.err_justification_required
                    testid="self-review-reason"
                />
                <div class="actions">
                    <button
                        type="button"
                        class="primary"
                        data-testid="self-review-yes"
                        aria-pressed=move || (answered() == Some(true)).to_string()
                        disabled=move || busy.get()
                        on:click=move |_| yes(true)
                    >
                        {tr(t, |t| t.yes)}
                    </button>
                    <button
                        type="button"
                        data-testid="self-review-no"
                        aria-pressed=move || (answered() == Some(false)).to_string()
                        disabled=move || busy.get()
                        on:click=move |_| no(false)
                    >
                        {tr(t, |t| t.no)}
                    </button>
                </div>
            </fieldset>
            <div role="status">
                {move || {
                    let reason = now().reason;
                    answered()
                        .map(|still_needed| {
                            view! {
                                <p data-testid="self-review-answer" data-answer=if still_needed { "yes" } else { "no" }>
                                    {move || {
                                        if still_needed {
                                            t.get().self_review_answered_yes
                                        } else {
                                            t.get().self_review_answered_no
                                        }
                                    }}
                                    {reason
                                        .map(|r| {
                                            view! {
                                                " "
                                                <q>
                                                    <bdi>{r}</bdi>
                                                </q>
                                            }
                                                .into_any()
                                        })}
                                </p>
                            }
                                .into_any()
                        })
                }}
            </div>
            {move || failure.get().map(|e| view! { <ErrorView error=e /> }.into_any())}
        </section>
    }
}
