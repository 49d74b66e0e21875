//! The approvals inbox: every request waiting for my decision with everything the requester
//! gave (who, package, policy, answers, justification, dates, stage and deadline), approve or
//! deny with a reason, one at a time or many at once, each outcome said plainly.

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod history;
mod item;
mod model;

use crate::components::{ErrorView, Loading};
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::i18n::{tr, use_page_texts};
use crate::net::Cancel;
use crate::state::draft;
use crate::state::kept::{self, Decided, List};
use crate::state::{DECISIONS_AHEAD, shown_with_ahead, use_kept};
use history::History;
use item::DecisionItem;
use leptos::prelude::*;
use leptos::task::spawn_local;
use model::{DecisionTarget, Outcome};
use std::collections::{BTreeMap, BTreeSet};

/// How many decisions of one bulk decision are sent at once.
const DECISIONS_AT_ONCE: usize = 4;

#[component]
pub fn Approvals() -> impl IntoView {
    let t = use_page_texts();
    let graph = expect_context::<GraphClient>();
    let cancel = Cancel::on_cleanup();
    let list = {
        let graph = graph.clone();
        LocalResource::new(move || {
            let (graph, cancel) = (graph.clone(), cancel.clone());
            async move { graph.pending_decisions(Some(&cancel)).await.map_err(AppError::from) }
        })
    };
    // What the account's check read shows at once; this page's own read replaces it where it
    // differs (a decision another approver took meanwhile leaves).
    let shown = shown_with_ahead(list, &DECISIONS_AHEAD);
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
            let Some(Ok(items)) = shown.get_untracked() else { return };
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
        {move || match shown.get() {
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
                    // Busy while the page's own read is out: what shows may be the inbox kept
                    // from the account's check, about to be replaced.
                    <ul class="decisions" aria-busy=move || list.get().is_none().to_string()>
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
