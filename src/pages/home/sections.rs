//! The home page's sections, one per part of the batch: each is absent when its part has
//! nothing, shows its own error when its part failed, and acts in place (extend an access,
//! invite someone again) where it can.

use super::model::{self, Part};
use crate::auth::Session;
use crate::components::{Approvers, ErrorView, StateBadge, format};
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::entitlement::models::{NewAssignment, NewRequest};
use crate::graph::invitations::{NewInvitation, UserRef};
use crate::i18n::{PageTexts, fill, tr, use_page_texts};
use crate::routing::{Link, Route, use_router};
use crate::state::draft;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A section with its heading: its content, or its part's error.
fn section<T: 'static>(
    id: &'static str,
    title: fn(&'static PageTexts) -> &'static str,
    part: Part<T>,
    retry: Callback<()>,
    content: impl FnOnce(T) -> AnyView,
) -> AnyView {
    let t = use_page_texts();
    let body = match part {
        Part::Nothing => return ().into_any(),
        Part::Shown(v) => content(v),
        Part::Failed(e) => view! { <ErrorView error=AppError::from(e) on_retry=retry /> }.into_any(),
    };
    let heading = format!("{id}-title");
    let labelled_by = heading.clone();
    view! {
        <section class="home-part" aria-labelledby=labelled_by data-testid=id>
            <h2 id=heading>{tr(t, title)}</h2>
            {body}
        </section>
    }
    .into_any()
}

#[component]
pub fn Decisions(part: Part<model::Waiting>, retry: Callback<()>) -> impl IntoView {
    let t = use_page_texts();
    section(
        "home-decisions",
        |t| t.home_decisions_title,
        part,
        retry,
        move |w| {
            let count = w.count;
            let says = move || match count {
                1 => t.get().home_decisions_one.to_string(),
                n => fill(t.get().home_decisions_many, &[("count", &n.to_string())]),
            };
            view! {
                <p data-testid="decisions-count" data-count=count.to_string()>
                    {says}
                </p>
                {w
                    .nearest
                    .map(|d| {
                        view! {
                            <p data-testid="decisions-nearest">
                                {tr(t, |t| t.home_nearest_deadline)}": "
                                <time datetime=d.clone()>{format::date_time(Some(&d))}</time>
                            </p>
                        }
                            .into_any()
                    })}
                <p>
                    <Link route=Route::Approvals class="button primary">
                        {tr(t, |t| t.home_open_inbox)}
                    </Link>
                </p>
            }
            .into_any()
        },
    )
}

/// Open access reviews list me as a reviewer: the account's one check says so, no call here.
#[component]
pub fn Reviews() -> impl IntoView {
    let t = use_page_texts();
    view! {
        <section class="home-part" aria-labelledby="home-reviews-title" data-testid="home-reviews">
            <h2 id="home-reviews-title">{tr(t, |t| t.home_reviews_title)}</h2>
            <p>{tr(t, |t| t.home_reviews_waiting)}</p>
            <p>
                <Link route=Route::Reviews class="button primary">
                    {tr(t, |t| t.home_open_reviews)}
                </Link>
            </p>
        </section>
    }
}

#[component]
pub fn InFlight(part: Part<Vec<model::InFlight>>, retry: Callback<()>) -> impl IntoView {
    let t = use_page_texts();
    section(
        "home-requests",
        |t| t.home_requests_title,
        part,
        retry,
        move |list| {
            let item = move |r: model::InFlight| {
                let names = r.approvers.clone();
                view! {
                    <li
                        class="request"
                        data-testid="home-request"
                        data-package=r.package.clone()
                        data-state=r.state.clone()
                    >
                        <div class="request-head">
                            <strong class="package-name">
                                <bdi>{r.package.clone()}</bdi>
                            </strong>
                            <StateBadge state=r.state.clone() />
                        </div>
                        <Approvers names=names />
                        {r
                            .deadline
                            .map(|d| {
                                view! {
                                    <div class="deadline">
                                        {tr(t, |t| t.deadline)}": "
                                        <time datetime=d.clone()>{format::date_time(Some(&d))}</time>
                                    </div>
                                }
                                    .into_any()
                            })}
                    </li>
                }
                .into_any()
            };
            view! {
                <ul class="requests">{list.into_iter().map(item).collect_view()}</ul>
                <p>
                    <Link route=Route::Requests>{tr(t, |t| t.home_follow)}</Link>
                </p>
            }
            .into_any()
        },
    )
}

#[component]
pub fn Ending(part: Part<Vec<model::Ending>>, retry: Callback<()>) -> impl IntoView {
    section(
        "home-ending",
        |t| t.home_ending_title,
        part,
        retry,
        move |list| {
            view! {
                <ul class="requests">
                    {list.into_iter().map(|e| view! { <EndingItem item=e /> }.into_any()).collect_view()}
                </ul>
            }
            .into_any()
        },
    )
}

/// An access ending soon, extended in place where its policy allows.
#[component]
fn EndingItem(item: model::Ending) -> impl IntoView {
    let t = use_page_texts();
    let graph = expect_context::<GraphClient>();
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    let id = item.assignment_id.clone();
    let extend = move |_| {
        if busy.get_untracked() {
            return;
        }
        let body = NewRequest {
            request_type: "userExtend".into(),
            assignment: NewAssignment { id: Some(id.clone()), ..Default::default() },
            justification: None,
            answers: vec![],
            schedule: None,
        };
        let graph = graph.clone();
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            match graph.submit_request(&body, None).await {
                Ok(_) => done.set(true),
                Err(e) => failure.set(Some(e.into())),
            }
            busy.set(false);
        });
    };
    view! {
        <li class="request" data-testid="home-ending-item" data-package=item.package.clone()>
            <strong class="package-name">
                <bdi>{item.package.clone()}</bdi>
            </strong>
            <p class="ends">
                {tr(t, |t| t.ends)}": "<time datetime=item.ends.clone()>{format::date(Some(&item.ends))}</time>
            </p>
            {move || failure.get().map(|e| view! { <ErrorView error=e /> })}
            {move || {
                if done.get() {
                    view! {
                        <p role="status" data-testid="home-extended">
                            {tr(t, |t| t.extend_sent)}
                        </p>
                    }
                        .into_any()
                } else if item.extendable {
                    let extend = extend.clone();
                    view! {
                        <button type="button" data-testid="home-extend" disabled=move || busy.get() on:click=extend>
                            {tr(t, |t| t.extend)}
                        </button>
                    }
                        .into_any()
                } else {
                    ().into_any()
                }
            }}
        </li>
    }
}

#[component]
pub fn NotRedeemed(part: Part<Vec<model::NotRedeemed>>, retry: Callback<()>) -> impl IntoView {
    section(
        "home-invited",
        |t| t.home_invited_title,
        part,
        retry,
        move |list| {
            view! {
                <ul class="requests">
                    {list.into_iter().map(|p| view! { <InvitedItem person=p /> }.into_any()).collect_view()}
                </ul>
            }
            .into_any()
        },
    )
}

/// Someone who has not accepted: the invitation sent again (Graph mails it anew).
#[component]
fn InvitedItem(person: model::NotRedeemed) -> impl IntoView {
    let t = use_page_texts();
    let graph = expect_context::<GraphClient>();
    let session = expect_context::<Session>();
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    let (id, mail) = (person.user_id.clone(), person.mail.clone());
    let again = move |_| {
        if busy.get_untracked() {
            return;
        }
        let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
        let redirect = session.config().allowed_redirect(&format!("{origin}/")).map(String::from).unwrap_or(origin);
        let body = NewInvitation {
            invited_user_email_address: mail.clone(),
            invited_user_display_name: None,
            invite_redirect_url: redirect,
            send_invitation_message: true,
            invited_user_message_info: None,
            reset_redemption: true,
            invited_user: Some(UserRef { id: id.clone() }),
        };
        let graph = graph.clone();
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            match graph.invite(&body, None).await {
                Ok(_) => done.set(true),
                Err(e) => failure.set(Some(e.into())),
            }
            busy.set(false);
        });
    };
    view! {
        <li class="request" data-testid="home-invited-person" data-mail=person.mail.clone()>
            <p>
                <strong>
                    <bdi>{person.name.clone()}</bdi>
                </strong>
                " <"
                <bdi>{person.mail.clone()}</bdi>
                ">"
            </p>
            {move || failure.get().map(|e| view! { <ErrorView error=e /> })}
            {move || {
                if done.get() {
                    view! {
                        <p role="status" data-testid="home-invited-again">
                            {tr(t, |t| t.home_invited_again)}
                        </p>
                    }
                        .into_any()
                } else {
                    let again = again.clone();
                    view! {
                        <button
                            type="button"
                            data-testid="home-invite-again"
                            disabled=move || busy.get()
                            on:click=again
                        >
                            {tr(t, |t| t.invite_again)}
                        </button>
                    }
                        .into_any()
                }
            }}
        </li>
    }
}

/// A partner with nothing yet: what Portier is for, and a search into the catalog.
#[component]
pub fn NewPartner() -> impl IntoView {
    let t = use_page_texts();
    let router = use_router();
    let typed = RwSignal::new(String::new());
    let search = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        // The catalog starts from its kept search.
        draft::save("catalog.search", &typed.get_untracked().trim().to_string());
        router.navigate(&Route::Catalog.path());
    };
    view! {
        <section class="home-part" aria-labelledby="home-new-title" data-testid="home-new">
            <h2 id="home-new-title">{tr(t, |t| t.home_new_title)}</h2>
            <p>{tr(t, |t| t.home_new_text)}</p>
            <form class="field search" role="search" on:submit=search>
                <label for="home-search">{tr(t, |t| t.home_search_label)}</label>
                <div class="search-row">
                    <input
                        id="home-search"
                        type="search"
                        data-testid="home-search"
                        prop:value=move || typed.get()
                        on:input=move |e| typed.set(event_target_value(&e))
                    />
                    <button type="submit" class="primary" data-testid="home-search-go">
                        {tr(t, |t| t.home_search_button)}
                    </button>
                </div>
            </form>
        </section>
    }
}
