//! A request's timeline: sent, each approval stage with who decides and by when, the decisions
//! with their reasons, and the outcome. Every text from Graph is shown as text.

use super::state_badge::state_label;
use crate::graph::entitlement::timeline::{Approver, Entry, StageState};
use crate::i18n::{PageTexts, fill, tr, use_page_texts};
use leptos::prelude::*;

fn stage_label(t: &PageTexts, s: &StageState) -> &'static str {
    match s {
        StageState::Waiting => t.stage_waiting,
        StageState::InProgress => t.stage_in_progress,
        StageState::Approved => t.stage_approved,
        StageState::Denied => t.stage_denied,
        StageState::Expired => t.stage_expired,
    }
}

/// Who decides, "Approvers: a, b", each name isolated; nothing when nobody is named.
#[component]
pub fn Approvers(
    /// The approvers, as the timeline names them.
    names: Vec<Approver>,
) -> impl IntoView {
    let t = use_page_texts();
    (!names.is_empty()).then(|| {
        view! {
            <div class="approvers">
                {tr(t, |t| t.approvers)}": "
                {move || {
                    names
                        .iter()
                        .enumerate()
                        .map(|(i, a)| {
                            view! {
                                {(i > 0).then_some(", ")}
                                <bdi>{approver_name(t.get(), a)}</bdi>
                            }
                                .into_any()
                        })
                        .collect_view()
                }}
            </div>
        }
    })
}

fn approver_name(t: &PageTexts, a: &Approver) -> String {
    match a {
        Approver::Named(n) => n.clone(),
        Approver::Manager => t.approver_manager.into(),
        Approver::InternalSponsors => t.approver_internal.into(),
        Approver::ExternalSponsors => t.approver_external.into(),
    }
}

#[component]
pub fn Timeline(
    /// The entries, in order.
    entries: Vec<Entry>,
) -> impl IntoView {
    let t = use_page_texts();
    let item = move |e: Entry| match e {
        Entry::Submitted { at } => view! {
            <li class="done">
                <strong>{tr(t, |t| t.timeline_submitted)}</strong>
                " "
                <time>{super::format::date_time(at.as_deref())}</time>
            </li>
        }
        .into_any(),
        Entry::Stage { number, of, state, approvers, deadline, decided_by, decided_at, reason } => {
            let class = format!("stage stage-{}", format!("{state:?}").to_ascii_lowercase());
            let names = approvers.clone();
            view! {
                <li class=class data-testid=format!("stage-{number}")>
                    <strong>
                        {move || fill(t.get().timeline_step, &[("n", &number.to_string()), ("total", &of.to_string())])}
                    </strong>
                    ": "
                    <span class="stage-state">{move || stage_label(t.get(), &state)}</span>
                    <Approvers names=names />
                    {deadline
                        .clone()
                        .map(|d| {
                            view! {
                                <div class="deadline">
                                    {tr(t, |t| t.deadline)}": " <time>{super::format::date_time(Some(&d))}</time>
                                </div>
                            }
                                .into_any()
                        })}
                    {decided_by
                        .clone()
                        .map(|by| {
                            view! {
                                <div>
                                    {tr(t, |t| t.decided_by)}": " <bdi>{by.clone()}</bdi> " "
                                    <time>{super::format::date_time(decided_at.as_deref())}</time>
                                </div>
                            }
                                .into_any()
                        })}
                    {reason
                        .clone()
                        .map(|r| {
                            view! {
                                <div class="reason">
                                    {tr(t, |t| t.reason)}": " <q>
                                        <bdi>{r}</bdi>
                                    </q>
                                </div>
                            }
                                .into_any()
                        })}
                </li>
            }
            .into_any()
        }
        Entry::Outcome { state, at } => view! {
            <li class="outcome">
                <strong>{move || state_label(t.get(), &state)}</strong>
                " "
                <time>{super::format::date_time(at.as_deref())}</time>
            </li>
        }
        .into_any(),
    };
    view! { <ol class="timeline">{entries.into_iter().map(item).collect_view()}</ol> }
}
