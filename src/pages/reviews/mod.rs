//! The access reviews I take part in: each open review with what it covers, when it is due and
//! how far it is; for each person I review who they are, their last sign-in and Graph's
//! recommendation, and my decision (approve, deny or don't know with a reason, one by one or
//! several at once, or the recommendations accepted), changeable until the review ends; my own
//! access to confirm; each outcome said plainly; what I decided, kept.

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod history;
mod item;
mod model;
mod record;
mod section;
mod self_review;

use crate::components::{ErrorView, Loading};
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::models::User;
use crate::graph::reviews::Review;
use crate::i18n::{tr, use_page_texts};
use crate::net::Cancel;
use crate::state::kept::{self, List, Reviewed};
use crate::state::{Me, REVIEWS_AHEAD, draft, shown_with_ahead, use_kept, use_me};
use history::History;
use item::Decide;
use leptos::prelude::*;
use leptos::task::spawn_local;
use model::{Outcome, Target, review_name, to_accept};
use record::record;
use section::ReviewSection;
use std::collections::{BTreeMap, BTreeSet};

pub use model::{Mine, about_package, own_items};
pub use self_review::SelfReview;

/// How many decisions of one bulk decision are sent at once.
const DECISIONS_AT_ONCE: usize = 4;

/// What became of one decision, and of whom it was said.
#[derive(Debug, Clone, PartialEq)]
struct Said {
    instance: String,
    person: String,
    outcome: Outcome,
}

/// The signed-in person, once `/me` is read.
fn user(me: Me) -> Option<User> {
    me.0.get_untracked().and_then(Result::ok).flatten()
}

#[component]
pub fn Reviews() -> impl IntoView {
    let t = use_page_texts();
    let graph = expect_context::<GraphClient>();
    let me = use_me();
    let cancel = Cancel::on_cleanup();
    let list = {
        let graph = graph.clone();
        LocalResource::new(move || {
            let (graph, cancel) = (graph.clone(), cancel.clone());
            async move { graph.my_reviews(Some(&cancel)).await.map_err(AppError::from) }
        })
    };
    // What was read ahead shows at once; this page's own read replaces it where it differs.
    let shown = shown_with_ahead(list, &REVIEWS_AHEAD);
    let mine = RwSignal::new(Mine::new());
    // Keyed by decision item (a review's own failure: by its instance).
    let outcomes = RwSignal::new(BTreeMap::<String, Said>::new());
    // Kept as a draft too: a new sign-in in the middle of a bulk decision loses nothing.
    let selected = draft::use_draft::<BTreeSet<String>>("reviews.selected".into());
    let busy = RwSignal::new(false);
    let kept = use_kept();
    let history = {
        let kept = kept.clone();
        Memo::new(move |_| {
            mine.track();
            kept.read::<Reviewed>(List::Reviewed)
        })
    };
    // Graph's answer replaces what I recorded since the last read.
    let refresh = move || {
        mine.set(Mine::new());
        list.refetch();
    };
    let say = move |key: String, instance: String, person: String, outcome: Outcome| {
        outcomes.update(|m| {
            m.insert(key, Said { instance, person, outcome });
        });
    };
    let on_decide = {
        let (graph, kept) = (graph.clone(), kept.clone());
        Callback::new(move |decide: Decide| {
            if busy.get_untracked() || decide.targets.is_empty() {
                return;
            }
            let (graph, kept) = (graph.clone(), kept.clone());
            let by = user(me).and_then(|u| u.display_name).unwrap_or_default();
            busy.set(true);
            spawn_local(async move {
                use futures::StreamExt;
                let Decide { targets, verdict, reason, field } = decide;
                let (graph, kept, reason_sent, by) = (&graph, &kept, &reason, &by);
                // A few at a time: a slow Graph then costs a person one wait, not one per
                // decision, and the tenant is not flooded.
                let done: Vec<(Target, Outcome)> = futures::stream::iter(targets)
                    .map(|target| async move {
                        let outcome = record(graph, kept, &target, verdict, reason_sent, by, mine).await;
                        (target, outcome)
                    })
                    .buffer_unordered(DECISIONS_AT_ONCE)
                    .collect()
                    .await;
                let all_recorded = done.iter().all(|(_, o)| !o.failed());
                for (target, outcome) in done {
                    if !outcome.failed() {
                        selected.update(|s| {
                            s.remove(&target.item_id);
                        });
                    }
                    say(target.item_id, target.at.instance_id, target.person, outcome);
                }
                if all_recorded {
                    field.set(String::new());
                }
                busy.set(false);
            });
        })
    };
    let on_accept = {
        let (graph, kept) = (graph.clone(), kept.clone());
        Callback::new(move |review: Review| {
            if busy.get_untracked() {
                return;
            }
            let me_id = user(me).map(|u| u.id).unwrap_or_default();
            let accepted = mine.with_untracked(|m| to_accept(&review, &me_id, m));
            let (graph, kept) = (graph.clone(), kept.clone());
            busy.set(true);
            spawn_local(async move {
                let at = review.at();
                match graph.accept_recommendations(&at, None).await {
                    Ok(()) => {
                        for (target, verdict) in accepted {
                            kept.push(
                                List::Reviewed,
                                Reviewed {
                                    review: target.review,
                                    person: target.person.clone(),
                                    holds: target.holds,
                                    verdict,
                                    reason: String::new(),
                                    accepted: true,
                                    at: kept::now_iso(),
                                },
                            );
                            say(target.item_id, at.instance_id.clone(), target.person, Outcome::Accepted(verdict));
                        }
                        busy.set(false);
                        refresh();
                    }
                    Err(e) => {
                        let instance = at.instance_id.clone();
                        say(instance.clone(), instance, review_name(&review), Outcome::Failed(e.into()));
                        busy.set(false);
                    }
                }
            });
        })
    };
    view! {
        <h1>{tr(t, |t| t.reviews_title)}</h1>
        <History history=history.into() />
        <ul class="outcomes" role="status" data-testid="review-outcomes">
            {move || {
                outcomes
                    .get()
                    .into_iter()
                    .map(|(key, said)| {
                        let Said { instance, person, outcome } = said;
                        let result = outcome.test_id();
                        view! {
                            <li
                                data-testid="review-outcome"
                                data-decision=key
                                data-instance=instance
                                data-result=result
                            >
                                <strong>
                                    <bdi>{person}</bdi>
                                </strong>
                                {match outcome {
                                    Outcome::Failed(e) => view! { <ErrorView error=e /> }.into_any(),
                                    done => {
                                        view! {
                                            ": "
                                            {move || done.text(t.get())}
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
        {move || match (shown.get(), me.0.get()) {
            (_, Some(Err(e))) => {
                view! { <ErrorView error=e on_retry=Callback::new(move |_| me.0.refetch()) /> }.into_any()
            }
            (None, _) | (_, None | Some(Ok(None))) => view! { <Loading /> }.into_any(),
            (Some(Err(e)), _) => view! { <ErrorView error=e on_retry=Callback::new(move |_| refresh()) /> }.into_any(),
            (Some(Ok(reviews)), _) if reviews.is_empty() => {
                view! { <p data-testid="reviews-empty">{tr(t, |t| t.reviews_empty)}</p> }.into_any()
            }
            (Some(Ok(reviews)), Some(Ok(Some(person)))) => {
                let my_name = person.display_name.clone().unwrap_or_default();
                reviews
                    .into_iter()
                    .map(|review| {
                        view! {
                            <ReviewSection
                                review=review
                                me=person.id.clone()
                                my_name=my_name.clone()
                                mine=mine
                                selected=selected
                                busy=busy
                                on_decide=on_decide
                                on_accept=on_accept
                            />
                        }
                            .into_any()
                    })
                    .collect_view()
                    .into_any()
            }
        }}
    }
}
