//! The approvals inbox: every request waiting for my decision with everything the requester
//! gave (who, package, policy, answers, justification, dates, stage and deadline), approve or
//! deny with a reason, one at a time or many at once, each outcome said plainly.

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod model;

use crate::components::{ErrorView, Grants, Loading, csv, download, format};
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::entitlement::approver::Decision;
use crate::graph::entitlement::timeline::{self, Entry, Sponsors, StageState};
use crate::i18n::{I18n, fill, tr, use_texts};
use crate::net::Cancel;
use crate::state::draft;
use crate::state::kept::{self, Decided, List};
use crate::state::use_kept;
use leptos::prelude::*;
use leptos::task::spawn_local;
use model::{DecisionTarget, HistoryFilter, Outcome, answers, history_rows, package_of, reason_required};
use std::collections::{BTreeMap, BTreeSet};

/// How many decisions of one bulk decision are sent at once.
const DECISIONS_AT_ONCE: usize = 4;

#[component]
pub fn Approvals() -> impl IntoView {
    let t = use_texts();
    let graph = expect_context::<GraphClient>();
    let cancel = Cancel::on_cleanup();
    let list = {
        let graph = graph.clone();
        LocalResource::new(move || {
            let (graph, cancel) = (graph.clone(), cancel.clone());
            async move { graph.pending_decisions(Some(&cancel)).await.map_err(AppError::from) }
        })
    };
    let outcomes = RwSignal::new(BTreeMap::<String, (String, Outcome)>::new());
    // Kept as a draft too: a new sign-in in the middle of a bulk decision loses nothing.
    let selected = draft::use_draft::<BTreeSet<String>>("approvals.selected".into());
    let bulk_reason = draft::use_draft::<String>("reason.bulk".into());
    let busy = RwSignal::new(false);
    let kept = use_kept();
    let history = RwSignal::new(kept.read::<Decided>(List::Decisions));
    let decide_many = {
        let (graph, kept) = (graph.clone(), kept.clone());
        move |targets: Vec<DecisionTarget>, approve: bool, reason: String| {
            if busy.get_untracked() {
                return;
            }
            let (graph, kept) = (graph.clone(), kept.clone());
            busy.set(true);
            spawn_local(async move {
                use futures::StreamExt;
                // A few at a time: a slow Graph then costs a person one wait, not one per
                // decision, and the tenant is not flooded.
                let graph = &graph;
                let reason_sent = &reason;
                let decided: Vec<_> = futures::stream::iter(targets)
                    .map(|target| async move {
                        let answer =
                            graph.decide(&target.request_id, &target.stage_id, approve, reason_sent, None).await;
                        (target, Outcome::of(answer, approve))
                    })
                    .buffer_unordered(DECISIONS_AT_ONCE)
                    .collect()
                    .await;
                // Only a decision taken (by me or someone else) changes the inbox.
                let mut changed = false;
                for (target, o) in decided {
                    let DecisionTarget { request_id, package, requester, .. } = target;
                    if o == (Outcome::Done { approved: approve }) {
                        draft::forget(&format!("reason.{request_id}"));
                        let d = Decided {
                            package: package.clone(),
                            requester,
                            approved: approve,
                            reason: reason.clone(),
                            at: kept::now_iso(),
                        };
                        kept.push(List::Decisions, d.clone());
                        history.update(|h| h.push(d));
                    }
                    changed |= o.changes_the_inbox();
                    outcomes.update(|m| {
                        m.insert(request_id, (package, o));
                    });
                }
                busy.set(false);
                if changed {
                    selected.set(BTreeSet::new());
                    list.refetch();
                }
            });
        }
    };
    let bulk = {
        let decide_many = decide_many.clone();
        move |approve: bool| {
            let Some(Ok(items)) = list.get_untracked() else { return };
            let chosen = selected.get_untracked();
            let targets =
                items.iter().filter(|d| chosen.contains(&d.request.id)).filter_map(DecisionTarget::of).collect();
            decide_many(targets, approve, bulk_reason.get_untracked());
        }
    };
    let (bulk_yes, bulk_no) = (bulk.clone(), bulk);
    view! {
        <h1>{tr(t, |t| t.approvals_title)}</h1>
        <History history=history />
        <ul class="outcomes" role="status" data-testid="decision-outcomes">
            {move || {
                outcomes
                    .get()
                    .into_iter()
                    .map(|(id, (name, o))| {
                        let result = o.test_id();
                        view! {
                            <li data-testid="decision-outcome" data-request=id data-result=result>
                                <strong>
                                    <bdi>{name}</bdi>
                                </strong>
                                {match o {
                                    Outcome::Failed(e) => view! { <ErrorView error=e /> }.into_any(),
                                    done => {
                                        view! {
                                            ": "
                                            {done.text(t.get())}
                                        }
                                            .into_any()
                                    }
                                }}
                            </li>
                        }
                            .into_any()
                    })
                    .collect_view()
            }}
        </ul>
        {move || match list.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorView error=e on_retry=Callback::new(move |_| list.refetch()) /> }.into_any(),
            Some(Ok(items)) if items.is_empty() => view! { <p>{tr(t, |t| t.approvals_empty)}</p> }.into_any(),
            Some(Ok(items)) => {
                let decide_many = decide_many.clone();
                view! {
                    <section class="bulk" aria-labelledby="bulk-title">
                        <h2 id="bulk-title">{tr(t, |t| t.bulk_title)}</h2>
                        <div class="field">
                            <label for="bulk-reason">{tr(t, |t| t.reason)}</label>
                            <textarea
                                id="bulk-reason"
                                rows="2"
                                prop:value=move || bulk_reason.get()
                                on:input=move |e| bulk_reason.set(event_target_value(&e))
                            ></textarea>
                        </div>
                        <div class="actions">
                            <button
                                type="button"
                                data-testid="approve-selected"
                                disabled=move || busy.get() || selected.with(BTreeSet::is_empty)
                                on:click={
                                    let b = bulk_yes.clone();
                                    move |_| b(true)
                                }
                            >
                                {tr(t, |t| t.approve_selected)}
                            </button>
                            <button
                                type="button"
                                class="danger"
                                data-testid="deny-selected"
                                disabled=move || busy.get() || selected.with(BTreeSet::is_empty)
                                on:click={
                                    let b = bulk_no.clone();
                                    move |_| b(false)
                                }
                            >
                                {tr(t, |t| t.deny_selected)}
                            </button>
                        </div>
                    </section>
                    <ul class="decisions">
                        {items
                            .into_iter()
                            .map(|d| {
                                let decide_many = decide_many.clone();
                                view! {
                                    <DecisionItem
                                        decision=d
                                        selected=selected
                                        busy=busy
                                        on_decide=Callback::new(move |(ids, approve, reason)| decide_many(
                                            ids,
                                            approve,
                                            reason,
                                        ))
                                    />
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }
        }}
    }
}

type Decide = (Vec<DecisionTarget>, bool, String);

#[component]
fn DecisionItem(
    decision: Decision,
    selected: RwSignal<BTreeSet<String>>,
    busy: RwSignal<bool>,
    on_decide: Callback<Decide>,
) -> impl IntoView {
    let t = use_texts();
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
    let act = move |approve: bool| {
        if needs_reason && reason.get_untracked().trim().is_empty() {
            missing.set(true);
            return;
        }
        on_decide.run((target.clone().into_iter().collect(), approve, reason.get_untracked()));
    };
    let (approve, deny) = (act.clone(), act);
    let check_id = format!("pick-{id}");
    let reason_id = format!("reason-{id}");
    let checked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            selected.update(|s| {
                if !s.remove(&id) {
                    s.insert(id.clone());
                }
            })
        }
    };
    view! {
        <li class="decision" data-testid="decision" data-package=package.clone() data-requestor=mail.clone()>
            <div class="request-head">
                <input type="checkbox" id=check_id.clone() prop:checked=checked on:change=toggle />
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
                                {t.get_untracked().guest}
                                ")"
                            }
                                .into_any()
                        }
                        None => t.get_untracked().member.into_any(),
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
                {answers
                    .into_iter()
                    .map(|(q, a)| {
                        view! {
                            <dt>
                                <bdi>{q}</bdi>
                            </dt>
                            <dd>
                                <bdi>{a}</bdi>
                            </dd>
                        }
                            .into_any()
                    })
                    .collect_view()}
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
            <div class="field" class:invalid=move || missing.get()>
                <label for=reason_id
                    .clone()>
                    {tr(t, |t| t.reason)}
                    {needs_reason
                        .then(|| {
                            view! {
                                " "
                                <span class="required">"(" {tr(t, |t| t.required)} ")"</span>
                            }
                                .into_any()
                        })}
                </label>
                <textarea
                    id=reason_id
                    rows="2"
                    data-testid="reason"
                    prop:value=move || reason.get()
                    on:input=move |e| {
                        reason.set(event_target_value(&e));
                        missing.set(false);
                    }
                ></textarea>
                {move || {
                    missing
                        .get()
                        .then(|| {
                            view! {
                                <p class="field-error" role="alert">
                                    {tr(t, |t| t.field_required)}
                                </p>
                            }
                                .into_any()
                        })
                }}
            </div>
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

/// What I decided (kept by the app: Graph lists only what still waits), filtered, as CSV.
#[component]
fn History(history: RwSignal<Vec<Decided>>) -> impl IntoView {
    let t = use_texts();
    let filter = RwSignal::new(HistoryFilter::All);
    let shown = move || history.with(|h| filter.get().shown(h));
    let export = move |_| {
        let rows = history_rows(t.get_untracked(), shown());
        download("my-decisions.csv", "text/csv;charset=utf-8", &csv(&rows));
    };
    view! {
        <Show when=move || history.with(|h| !h.is_empty())>
            <details class="history" data-testid="history">
                <summary>{tr(t, |t| t.history_title)}</summary>
                <div class="actions">
                    <label for="history-filter">{tr(t, |t| t.history_filter)}</label>
                    <select
                        id="history-filter"
                        on:change=move |e| filter.set(HistoryFilter::from_value(&event_target_value(&e)))
                    >
                        {HistoryFilter::ALL
                            .into_iter()
                            .map(|f| view! { <option value=f.value()>{move || f.label(t.get())}</option> }.into_any())
                            .collect_view()}
                    </select>
                    <button type="button" data-testid="history-csv" on:click=export>
                        {tr(t, |t| t.export_csv)}
                    </button>
                </div>
                <ul>
                    {move || {
                        shown()
                            .into_iter()
                            .map(|d| {
                                view! {
                                    <li data-testid="history-item" data-approved=d.approved.to_string()>
                                        <strong>
                                            <bdi>{d.package.clone()}</bdi>
                                        </strong>
                                        " — "
                                        <bdi>{d.requester.clone()}</bdi>
                                        ": "
                                        {move || if d.approved { t.get().stage_approved } else { t.get().stage_denied }}
                                        {(!d.reason.is_empty())
                                            .then(|| {
                                                view! {
                                                    " ("
                                                    <q>
                                                        <bdi>{d.reason.clone()}</bdi>
                                                    </q>
                                                    ")"
                                                }
                                                    .into_any()
                                            })}
                                    </li>
                                }
                                    .into_any()
                            })
                            .collect_view()
                    }}
                </ul>
            </details>
        </Show>
    }
}
