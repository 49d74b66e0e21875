//! One person whose access I review: who they are (organisation, guest or member), what they
//! hold, their last sign-in, Graph's recommendation and why, the decision as it stands and who
//! took it; approve, deny or "don't know" with a reason, asked at the field where the review
//! requires one, and changeable until the review ends.

use super::model::{
    LastSignIn, Mine, Target, current, last_sign_in, reason_draft, reason_missing, recommendation_text, verdict_text,
    why,
};
use crate::components::{PickBox, ReasonField, format};
use crate::graph::reviews::review::Reason;
use crate::graph::reviews::{ReviewItem, Verdict};
use crate::i18n::{PageTexts, tr, use_page_texts};
use crate::state::draft;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// What a decision asks the page to send: for whom, which verdict, the reason, and the field the
/// reason was typed in (emptied once every decision is recorded).
#[derive(Clone)]
pub(super) struct Decide {
    pub targets: Vec<Target>,
    pub verdict: Verdict,
    pub reason: String,
    pub field: RwSignal<String>,
}

#[component]
pub(super) fn PersonItem(
    item: ReviewItem,
    /// Where its decision goes.
    target: Target,
    /// Why Graph recommends what it does.
    why_recommended: Reason,
    /// Whether an approval must carry a reason.
    reason_required: bool,
    mine: RwSignal<Mine>,
    selected: RwSignal<BTreeSet<String>>,
    busy: RwSignal<bool>,
    on_decide: Callback<Decide>,
) -> impl IntoView {
    let t = use_page_texts();
    let id = item.decision.id.clone();
    let reason = draft::use_draft::<String>(reason_draft(&id));
    let missing = RwSignal::new(false);
    let name = item.name();
    let organisation = item.organisation();
    let guest = item.is_guest();
    let holds = item.holds().unwrap_or_default().to_string();
    let recommendation = item.decision.recommendation();
    let last = last_sign_in(&item, &why_recommended);
    let reason_id = format!("review-reason-{id}");
    let check_id = format!("review-select-{id}");
    let (item, target) = (StoredValue::new(item), StoredValue::new(target));
    let now = move || mine.with(|m| item.with_value(|i| current(i, m)));
    let act = {
        let reason_id = reason_id.clone();
        move |verdict: Verdict| {
            let text = reason.get_untracked();
            if reason_missing(reason_required, verdict, &text) {
                missing.set(true);
                crate::dom::focus_id(&reason_id);
                return;
            }
            on_decide.run(Decide { targets: vec![target.get_value()], verdict, reason: text, field: reason });
        }
    };
    let button = move |verdict: Verdict,
                       testid: &'static str,
                       class: &'static str,
                       label: fn(&'static PageTexts) -> &'static str| {
        let act = act.clone();
        view! {
            <button
                type="button"
                class=class
                data-testid=testid
                aria-pressed=move || (now().verdict == verdict).to_string()
                disabled=move || busy.get()
                on:click=move |_| act(verdict)
            >
                {tr(t, label)}
            </button>
        }
        .into_any()
    };
    view! {
        <li class="review-item" data-testid="review-item" data-decision=id.clone()>
            <div class="request-head">
                <PickBox id=check_id.clone() item=id.clone() picked=selected testid="review-select" />
                <label for=check_id data-testid="review-person">
                    <strong>
                        <bdi>{name}</bdi>
                    </strong>
                </label>
                <span class="badge">{move || if guest { t.get().shell.guest } else { t.get().shell.member }}</span>
            </div>
            <dl class="facts">
                {organisation
                    .map(|o| {
                        view! {
                            <dt>{tr(t, |t| t.organisation)}</dt>
                            <dd>
                                <bdi>{o}</bdi>
                            </dd>
                        }
                            .into_any()
                    })} <dt>{tr(t, |t| t.review_holds)}</dt> <dd>
                    <bdi>{holds}</bdi>
                </dd> <dt>{tr(t, |t| t.review_last_sign_in)}</dt>
                <dd data-testid="review-last-sign-in">
                    {match last {
                        LastSignIn::At(at) => {
                            view! { <time datetime=at.clone()>{format::date_time(Some(&at))}</time> }.into_any()
                        }
                        LastSignIn::Never => tr(t, |t| t.review_never_signed_in).into_any(),
                        LastSignIn::Unknown => tr(t, |t| t.review_sign_in_unknown).into_any(),
                    }}
                </dd> <dt>{tr(t, |t| t.review_recommendation)}</dt>
                <dd data-testid="review-recommendation" data-recommendation=format!("{recommendation:?}")>
                    <strong>{move || recommendation_text(t.get(), recommendation)}</strong>
                    ": "
                    {move || why(t.get(), &why_recommended)}
                </dd> <dt>{tr(t, |t| t.review_decision)}</dt>
                <dd data-testid="review-current" data-verdict=move || now().verdict.as_str()>
                    {move || {
                        let c = now();
                        view! {
                            <strong>{verdict_text(t.get(), c.verdict)}</strong>
                            {c
                                .by
                                .map(|by| {
                                    view! {
                                        " — "
                                        {tr(t, |t| t.decided_by)}
                                        " "
                                        <bdi>{by}</bdi>
                                    }
                                        .into_any()
                                })}
                            {c
                                .at
                                .map(|at| {
                                    view! {
                                        ", "
                                        <time datetime=at.clone()>{format::date_time(Some(&at))}</time>
                                    }
                                        .into_any()
                                })}
                        }
                            .into_any()
                    }}
                </dd>
                {move || {
                    now()
                        .reason
                        .map(|r| {
                            view! {
                                <dt>{tr(t, |t| t.review_reason_given)}</dt>
                                <dd>
                                    <bdi>{r}</bdi>
                                </dd>
                            }
                                .into_any()
                        })
                }}
            </dl>
            <ReasonField
                id=reason_id
                value=reason
                missing=missing
                required=reason_required
                required_words=|t| t.review_reason_required
                error=|t| t.review_reason_missing
                testid="review-reason"
            />
            <div class="actions">
                {button(Verdict::Approve, "review-approve", "primary", |t| t.approve)}
                {button(Verdict::Deny, "review-deny", "danger", |t| t.deny)}
                {button(Verdict::DontKnow, "review-dontknow", "", |t| t.dont_know)}
            </div>
        </li>
    }
}
