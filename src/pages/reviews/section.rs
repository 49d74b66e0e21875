//! One open review: its name and description for reviewers, what it covers, when it is due and
//! how far it is; my own access to confirm; Graph's recommendations to accept; the people to
//! decide on, one by one or several at once with one reason.

use super::item::{Decide, PersonItem};
use super::model::{Mine, Target, progress, reason_missing, review_name, to_accept};
use super::self_review::SelfReview;
use crate::components::{ReasonField, format};
use crate::graph::reviews::{Review, Verdict};
use crate::i18n::{PageTexts, fill, tr, use_page_texts};
use crate::state::draft;
use leptos::prelude::*;
use std::collections::BTreeSet;

#[component]
pub(super) fn ReviewSection(
    review: Review,
    /// My object id (my own item is a self-review) and my name (who decided).
    me: String,
    my_name: String,
    mine: RwSignal<Mine>,
    selected: RwSignal<BTreeSet<String>>,
    busy: RwSignal<bool>,
    on_decide: Callback<Decide>,
    on_accept: Callback<Review>,
) -> impl IntoView {
    let t = use_page_texts();
    let instance = review.instance.id.clone();
    let title_id = format!("review-{instance}");
    let labelled_by = title_id.clone();
    let bulk_id = format!("review-bulk-reason-{instance}");
    let hint_id = format!("accept-hint-{instance}");
    let name = review_name(&review);
    let description = review.definition.description_for_reviewers.clone().filter(|d| !d.trim().is_empty());
    let due = review.instance.end_date_time.clone();
    let covers = review.covers();
    let reason_required = review.definition.reason_required_on_approval();
    let own = review.my_own(&me).cloned();
    let others: Vec<_> = review.others(&me).cloned().collect();
    let ids: Vec<String> = others.iter().map(|i| i.decision.id.clone()).collect();
    let bulk_reason = draft::use_draft::<String>(format!("review.bulk.{instance}"));
    let bulk_missing = RwSignal::new(false);
    let stored = StoredValue::new((review.clone(), me.clone()));
    let counts = move || stored.with_value(|(r, _)| mine.with(|m| progress(r, m)));
    let acceptable = move || stored.with_value(|(r, me)| mine.with(|m| to_accept(r, me, m).len()));
    let chosen = StoredValue::new(ids);
    let none_chosen = move || chosen.with_value(|ids| selected.with(|s| !ids.iter().any(|id| s.contains(id))));
    let bulk = {
        let bulk_id = bulk_id.clone();
        move |verdict: Verdict| {
            let reason = bulk_reason.get_untracked();
            if reason_missing(reason_required, verdict, &reason) {
                bulk_missing.set(true);
                crate::dom::focus_id(&bulk_id);
                return;
            }
            let picked = selected.get_untracked();
            let targets = stored.with_value(|(r, me)| {
                r.others(me).filter(|i| picked.contains(&i.decision.id)).map(|i| Target::of(r, i)).collect()
            });
            on_decide.run(Decide { targets, verdict, reason, field: bulk_reason });
        }
    };
    let bulk_button = move |verdict: Verdict,
                            testid: &'static str,
                            class: &'static str,
                            label: fn(&'static PageTexts) -> &'static str| {
        let bulk = bulk.clone();
        view! {
            <button
                type="button"
                class=class
                data-testid=testid
                disabled=move || busy.get() || none_chosen()
                on:click=move |_| bulk(verdict)
            >
                {tr(t, label)}
            </button>
        }
        .into_any()
    };
    let people = others
        .into_iter()
        .map(|item| {
            let (target, why) = stored.with_value(|(r, _)| (Target::of(r, &item), r.reason(&item)));
            view! {
                <PersonItem
                    item=item
                    target=target
                    why_recommended=why
                    reason_required=reason_required
                    mine=mine
                    selected=selected
                    busy=busy
                    on_decide=on_decide
                />
            }
            .into_any()
        })
        .collect_view();
    let has_others = !chosen.with_value(Vec::is_empty);
    view! {
        <section class="access-review" data-testid="review" data-instance=instance.clone() aria-labelledby=labelled_by>
            <h2 id=title_id>
                <bdi>{name}</bdi>
            </h2>
            {description
                .map(|d| {
                    view! {
                        <p class="description">
                            <bdi>{d}</bdi>
                        </p>
                    }
                        .into_any()
                })}
            <dl class="facts">
                <dt>{tr(t, |t| t.review_covers)}</dt>
                <dd data-testid="review-covers">
                    {covers
                        .into_iter()
                        .enumerate()
                        .map(|(n, c)| {
                            view! {
                                {(n > 0).then_some(", ")}
                                <bdi>{c}</bdi>
                            }
                                .into_any()
                        })
                        .collect_view()}
                </dd>
                <dt>{tr(t, |t| t.review_due)}</dt>
                <dd data-testid="review-due">
                    <time datetime=due.clone().unwrap_or_default()>{format::date_time(due.as_deref())}</time>
                </dd>
                <dt>{tr(t, |t| t.review_progress_label)}</dt>
                <dd
                    data-testid="review-progress"
                    data-decided=move || counts().0.to_string()
                    data-total=move || counts().1.to_string()
                >
                    {move || {
                        let (decided, total) = counts();
                        fill(
                            t.get().review_progress,
                            &[("decided", &decided.to_string()), ("total", &total.to_string())],
                        )
                    }}
                </dd>
            </dl>
            {own
                .map(|item| {
                    view! { <SelfReview review=review.clone() item=item mine=mine by=my_name.clone() /> }.into_any()
                })}
            {has_others
                .then(|| {
                    view! {
                        <div class="actions">
                            <button
                                type="button"
                                data-testid="accept-recommendations"
                                aria-describedby=hint_id.clone()
                                disabled=move || busy.get() || acceptable() == 0
                                on:click=move |_| on_accept.run(stored.with_value(|(r, _)| r.clone()))
                            >
                                {tr(t, |t| t.accept_recommendations)}
                            </button>
                            <span id=hint_id.clone() class="muted">
                                {move || fill(t.get().accept_count, &[("count", &acceptable().to_string())])}
                            </span>
                        </div>
                        <fieldset class="bulk">
                            <legend>{tr(t, |t| t.review_bulk_title)}</legend>
                            <ReasonField
                                id=bulk_id.clone()
                                value=bulk_reason
                                missing=bulk_missing
                                required=reason_required
                                required_words=|t| t.review_reason_required
                                error=|t| t.review_reason_missing
                                testid="review-bulk-reason"
                            />
                            <div class="actions">
                                {bulk_button(
                                    Verdict::Approve,
                                    "review-approve-selected",
                                    "primary",
                                    |t| t.approve_selected,
                                )} {bulk_button(Verdict::Deny, "review-deny-selected", "danger", |t| t.deny_selected)}
                                {bulk_button(
                                    Verdict::DontKnow,
                                    "review-dontknow-selected",
                                    "",
                                    |t| t.dont_know_selected,
                                )}
                            </div>
                        </fieldset>
                        <ul class="review-items">{people}</ul>
                    }
                        .into_any()
                })}
        </section>
    }
}
