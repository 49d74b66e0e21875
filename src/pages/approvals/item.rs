//! One decision waiting for me: everything the requester gave (who, organisation, policy,
//! answers, what it grants, justification, stage and deadline), a reason, approve or deny.

use super::model::{DecisionTarget, answers, package_of, reason_required};
use crate::components::TextFacts;
use crate::components::{Grants, PickBox, ReasonField, format};
use crate::graph::entitlement::approver::Decision;
use crate::graph::entitlement::timeline::{self, Entry, Sponsors, StageState};
use crate::i18n::{I18n, fill, tr, use_page_texts};
use crate::state::draft;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// What a decision asks the page to send: for whom, approve or deny, and the reason.
pub(super) type Decide = (Vec<DecisionTarget>, bool, String);

#[component]
pub(super) fn DecisionItem(
    decision: Decision,
    selected: RwSignal<BTreeSet<String>>,
    busy: RwSignal<bool>,
    on_decide: Callback<Decide>,
) -> impl IntoView {
    let t = use_page_texts();
    let i18n = expect_context::<I18n>();
    let lang = i18n.language.get_untracked().tag();
    let reason = draft::use_draft::<String>(format!("reason.{}", decision.request.id));
    let missing = RwSignal::new(false);
    let r = &decision.request;
    let requestor = r.requestor.clone();
    let who = requestor.as_ref().and_then(|s| s.display_name.clone()).unwrap_or_default();
    let mail = requestor.as_ref().and_then(|s| s.email.clone()).unwrap_or_default();
    let org = requestor.as_ref().and_then(|s| s.connected_organization.as_ref()).and_then(|o| o.display_name.clone());
    let policy = timeline::policy_of(r, Some(&decision.approval)).cloned();
    let grants = r.access_package.as_ref().and_then(|p| p.resource_role_scopes.clone()).unwrap_or_default();
    let answers = answers(&decision, lang);
    let stage = timeline::build(r, Some(&decision.approval), &Sponsors::default())
        .into_iter()
        .find(|e| matches!(e, Entry::Stage { state: StageState::InProgress, .. }));
    let (stage_no, stage_of, deadline) = match &stage {
        Some(Entry::Stage { number, of, deadline, .. }) => (*number, *of, deadline.clone()),
        _ => (1, 1, None),
    };
    let needs_reason = reason_required(&decision);
    let id = r.id.clone();
    let package = package_of(&decision);
    let target = DecisionTarget::of(&decision);
    let reason_id = format!("reason-{id}");
    let act = {
        let reason_id = reason_id.clone();
        move |approve: bool| {
            if needs_reason && reason.get_untracked().trim().is_empty() {
                missing.set(true);
                // Where the person types what is missing.
                crate::dom::focus_id(&reason_id);
                return;
            }
            on_decide.run((target.clone().into_iter().collect(), approve, reason.get_untracked()));
        }
    };
    let (approve, deny) = (act.clone(), act);
    let check_id = format!("pick-{id}");
    view! {
        <li class="decision" data-testid="decision" data-package=package.clone() data-requestor=mail.clone()>
            <div class="request-head">
                <PickBox id=check_id.clone() item=id.clone() picked=selected />
                <label for=check_id>
                    <strong>
                        <bdi>{package.clone()}</bdi>
                    </strong>
                </label>
                <span>
                    {move || fill(
                        t.get().timeline_step,
                        &[("n", &stage_no.to_string()), ("total", &stage_of.to_string())],
                    )}
                </span>
            </div>
            <dl class="facts">
                <dt>{tr(t, |t| t.requester)}</dt>
                <dd>
                    <bdi>{who}</bdi>
                    " <"
                    <bdi>{mail.clone()}</bdi>
                    ">"
                </dd>
                <dt>{tr(t, |t| t.organisation)}</dt>
                <dd>
                    {match org.clone() {
                        Some(o) => {
                            view! {
                                <bdi>{o}</bdi>
                                " ("
                                {t.get_untracked().shell.guest}
                                ")"
                            }
                                .into_any()
                        }
                        None => t.get_untracked().shell.member.into_any(),
                    }}
                </dd>
                {policy
                    .and_then(|p| p.display_name)
                    .map(|p| {
                        view! {
                            <dt>{tr(t, |t| t.policy_label)}</dt>
                            <dd>
                                <bdi>{p}</bdi>
                            </dd>
                        }
                            .into_any()
                    })}
                <TextFacts facts=answers />
                <dt>{tr(t, |t| t.grants_title)}</dt>
                <dd>
                    <Grants scopes=grants />
                </dd>
                <dt>{tr(t, |t| t.justification_label)}</dt>
                <dd class="justification">
                    <bdi>{r.justification.clone()}</bdi>
                </dd>
                {deadline
                    .map(|d| {
                        view! {
                            <dt>{tr(t, |t| t.deadline)}</dt>
                            <dd>
                                <time>{format::date_time(Some(&d))}</time>
                            </dd>
                        }
                            .into_any()
                    })}
            </dl>
            <ReasonField
                id=reason_id
                value=reason
                missing=missing
                required=needs_reason
                required_words=|t| t.required
                error=|t| t.field_required
                testid="reason"
            />
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    data-testid="approve"
                    disabled=move || busy.get()
                    on:click=move |_| approve(true)
                >
                    {tr(t, |t| t.approve)}
                </button>
                <button
                    type="button"
                    class="danger"
                    data-testid="deny"
                    disabled=move || busy.get()
                    on:click=move |_| deny(false)
                >
                    {tr(t, |t| t.deny)}
                </button>
            </div>
        </li>
    }
}
