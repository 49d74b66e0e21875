//! My access: what I hold, what it grants and until when (a warning when the end is near),
//! extend where the policy allows it, give it up with confirmation; where an open review asks me
//! whether I still need a package, the question beside it.

use super::reviews::{Mine, SelfReview, about_package, own_items};
use crate::components::{ConfirmAction, ErrorView, Grants, Loading, StateBadge, format};
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::entitlement::models::{Assignment, NewAssignment, NewRequest};
use crate::graph::entitlement::timeline::{ends_at, ends_soon};
use crate::graph::reviews::{Review, ReviewItem};
use crate::i18n::{tr, use_page_texts};
use crate::net::Cancel;
use crate::state::{use_inbox, use_me};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// An end within this many days gets a warning.
const SOON_DAYS: i64 = 14;

#[component]
pub fn MyAccess() -> impl IntoView {
    let t = use_page_texts();
    let graph = expect_context::<GraphClient>();
    let cancel = Cancel::on_cleanup();
    let (inbox, me) = (use_inbox(), use_me());
    // My own access in open reviews: asked only when the account's check says reviews wait for
    // me (most people are never asked), at the same time as the access itself.
    let own = {
        let (graph, cancel) = (graph.clone(), cancel.clone());
        LocalResource::new(move || {
            let waiting = inbox.waiting().reviews;
            let person = me.0.get().and_then(Result::ok).flatten().filter(|_| waiting);
            let (graph, cancel) = (graph.clone(), cancel.clone());
            async move {
                let Some(person) = person else { return Ok(vec![]) };
                let reviews = graph.open_reviews(Some(&cancel)).await.map_err(AppError::from)?;
                Ok::<_, AppError>(own_items(reviews, &person.id))
            }
        })
    };
    let mine = RwSignal::new(Mine::new());
    let list = LocalResource::new(move || {
        let (graph, cancel) = (graph.clone(), cancel.clone());
        async move { graph.my_assignments(Some(&cancel)).await.map_err(AppError::from) }
    });
    view! {
        <h1>{tr(t, |t| t.access_title)}</h1>
        {move || {
            own.get()
                .and_then(Result::err)
                .map(|e| view! { <ErrorView error=e on_retry=Callback::new(move |_| own.refetch()) /> }.into_any())
        }}
        {move || match list.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorView error=e on_retry=Callback::new(move |_| list.refetch()) /> }.into_any(),
            Some(Ok(items)) => {
                let live: Vec<Assignment> = items
                    .into_iter()
                    .filter(|a| a.state.as_deref() != Some("expired"))
                    .collect();
                if live.is_empty() {
                    view! { <p>{tr(t, |t| t.access_empty)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="assignments">
                            {live
                                .into_iter()
                                .map(|a| {
                                    let package = a.access_package.as_ref().map(|p| p.id.clone()).unwrap_or_default();
                                    let asked = Signal::derive(move || {
                                        own.get()
                                            .and_then(Result::ok)
                                            .and_then(|o| about_package(&o, &package).cloned())
                                    });
                                    view! { <AssignmentItem assignment=a asked=asked mine=mine /> }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }
        }}
    }
}

#[component]
fn AssignmentItem(
    assignment: Assignment,
    /// My own review of this access, if an open review asks me about it.
    asked: Signal<Option<(Review, ReviewItem)>>,
    mine: RwSignal<Mine>,
) -> impl IntoView {
    let t = use_page_texts();
    let me = use_me();
    let graph = expect_context::<GraphClient>();
    let busy = RwSignal::new(false);
    let done = RwSignal::new(None::<&'static str>);
    let failure = RwSignal::new(None::<AppError>);
    let name = assignment.access_package.as_ref().map(|p| p.display_name.clone()).unwrap_or_default();
    let grants = assignment.access_package.as_ref().and_then(|p| p.resource_role_scopes.clone()).unwrap_or_default();
    let end = ends_at(assignment.schedule.as_ref()).or(assignment.expired_date_time.clone());
    let now = chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
    let soon = end.as_deref().is_some_and(|e| ends_soon(e, now, SOON_DAYS));
    let settings = assignment.assignment_policy.as_ref().and_then(|p| p.requestor_settings.clone()).unwrap_or_default();
    let act = move |request_type: &'static str, message: fn(&crate::i18n::PageTexts) -> &'static str| {
        let (graph, id) = (graph.clone(), assignment.id.clone());
        Callback::new(move |_| {
            if busy.get_untracked() {
                return;
            }
            let body = NewRequest {
                request_type: request_type.into(),
                assignment: NewAssignment { id: Some(id.clone()), ..Default::default() },
                justification: None,
                answers: vec![],
                schedule: None,
            };
            let graph = graph.clone();
            busy.set(true);
            spawn_local(async move {
                match graph.submit_request(&body, None).await {
                    Ok(_) => done.set(Some(message(t.get_untracked()))),
                    Err(e) => failure.set(Some(e.into())),
                }
                busy.set(false);
            });
        })
    };
    let extend = act("userExtend", |t| t.extend_sent);
    let remove = act("userRemove", |t| t.remove_sent);
    view! {
        <li class="assignment" data-testid="assignment" data-package=name.clone()>
            <div class="request-head">
                <strong class="package-name">
                    <bdi>{name.clone()}</bdi>
                </strong>
                <StateBadge state=assignment.state.clone().unwrap_or_default() />
            </div>
            <Grants scopes=grants />
            <p class="ends" data-testid="ends">
                {tr(t, |t| t.ends)}
                ": "
                {match end.clone() {
                    Some(e) => format::date(Some(&e)),
                    None => t.get().no_end.to_string(),
                }}
                {soon
                    .then(|| {
                        view! {
                            " "
                            <strong class="warning" data-testid="ends-soon">
                                {tr(t, |t| t.ends_soon)}
                            </strong>
                        }
                            .into_any()
                    })}
            </p>
            {move || {
                done.get()
                    .map(|m| {
                        view! {
                            <p role="status" data-testid="access-done">
                                {m}
                            </p>
                        }
                            .into_any()
                    })
            }}
            {move || failure.get().map(|e| view! { <ErrorView error=e /> })}
            {move || {
                asked
                    .get()
                    .map(|(review, item)| {
                        let by = me.0.get_untracked().and_then(Result::ok).flatten().and_then(|u| u.display_name);
                        view! { <SelfReview review=review item=item mine=mine by=by.unwrap_or_default() /> }.into_any()
                    })
            }}
            <Show when=move || done.get().is_none()>
                <div class="actions">
                    {settings
                        .enable_targets_to_self_update_access
                        .unwrap_or(false)
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    data-testid="extend"
                                    disabled=move || busy.get()
                                    on:click=move |_| extend.run(())
                                >
                                    {tr(t, |t| t.extend)}
                                </button>
                            }
                                .into_any()
                        })}
                    {settings
                        .enable_targets_to_self_remove_access
                        .unwrap_or(false)
                        .then(|| {
                            view! {
                                <ConfirmAction
                                    label=Signal::derive(tr(t, |t| t.remove_access))
                                    question=Signal::derive(tr(t, |t| t.confirm_remove))
                                    yes=Signal::derive(tr(t, |t| t.confirm_remove_yes))
                                    no=Signal::derive(tr(t, |t| t.keep))
                                    on_confirm=remove
                                    busy=busy
                                    testid="remove"
                                />
                            }
                        })}
                </div>
            </Show>
        </li>
    }
}
