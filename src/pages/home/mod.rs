//! The signed-in start page: what needs me now, from one `$batch` (decisions waiting, my
//! requests in flight, access ending soon, people I invited who have not accepted) and the
//! account's check (open reviews listing me as a reviewer), each part
//! shown only when it has something and failing on its own; a partner with nothing yet learns
//! what Portier is for and searches the catalog. The count of what waits goes into the title.

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod model;
mod sections;
mod title;

use crate::components::{ErrorView, Loading};
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::models::User;
use crate::i18n::{tr, use_page_texts};
use crate::net::Cancel;
use crate::state::kept::{Invited, List};
use crate::state::{use_inbox, use_kept, use_me};
use leptos::prelude::*;
use model::HomeModel;
use sections::{Decisions, Ending, InFlight, NewPartner, NotRedeemed, Reviews};

/// Now, on the browser's clock.
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

#[component]
pub fn Home() -> impl IntoView {
    let t = use_page_texts();
    let me = use_me();
    let inbox = use_inbox();
    let graph = expect_context::<GraphClient>();
    let kept = use_kept();
    let cancel = Cancel::on_cleanup();
    // Once `/me` is read (by the shell, once): a partner is not asked for decisions or
    // invitations. `/me` is read here, not awaited: awaiting it would run the batch again when it
    // settles, a second round trip.
    let summary = LocalResource::new(move || {
        let (graph, kept, cancel) = (graph.clone(), kept.clone(), cancel.clone());
        let me = me.0.get();
        async move {
            let user = match me {
                Some(Ok(Some(user))) => user,
                None | Some(Ok(None)) => return Ok(None),
                Some(Err(e)) => return Err(e),
            };
            let guest = user.is_guest();
            let invited: Vec<String> = if guest {
                vec![]
            } else {
                kept.read::<Invited>(List::Invited).into_iter().map(|i| i.user_id).collect()
            };
            let data = graph.home(!guest, &invited, Some(&cancel)).await.map_err(AppError::from)?;
            Ok(Some((user, HomeModel::build(data, now(), guest))))
        }
    });
    let count = Signal::derive(move || match summary.get() {
        Some(Ok(Some((_, model)))) => model.count(),
        _ => 0,
    });
    title::show_count(count);
    let retry = Callback::new(move |_| summary.refetch());
    view! {
        <h1>{tr(t, |t| t.home_heading)}</h1>
        {move || match summary.get() {
            None | Some(Ok(None)) => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorView error=e on_retry=retry /> }.into_any(),
            Some(Ok(Some((user, model)))) => {
                let (quiet, count) = (model.all_quiet(), model.count());
                view! {
                    <div class="home" data-testid="home" data-count=count.to_string()>
                        <Decisions part=model.decisions retry=retry />
                        {move || inbox.waiting().reviews.then(|| view! { <Reviews /> })}
                        <InFlight part=model.requests retry=retry />
                        <Ending part=model.ending retry=retry />
                        <NotRedeemed part=model.invited retry=retry />
                        {model.new_partner.then(|| view! { <NewPartner /> }.into_any())}
                        {move || {
                            (quiet && !inbox.waiting().reviews)
                                .then(|| view! { <p data-testid="home-quiet">{tr(t, |t| t.home_quiet)}</p> })
                        }}
                    </div>
                    // Who is signed in, after what needs them.
                    <section class="home-part" aria-labelledby="home-account-title">
                        <h2 id="home-account-title">{tr(t, |t| t.home_title)}</h2>
                        <WhoAmI user=user />
                    </section>
                }
                    .into_any()
            }
        }}
    }
}

/// Who is signed in, as Graph knows them.
#[component]
fn WhoAmI(user: User) -> impl IntoView {
    let t = use_page_texts();
    let kind = if user.is_guest() { tr(t, |t| t.shell.guest) } else { tr(t, |t| t.shell.member) };
    view! {
        <dl class="facts" data-testid="who-am-i">
            <dt>{tr(t, |t| t.home_signed_in_as)}</dt>
            <dd class="display-name">
                <bdi>{user.display_name.clone()}</bdi>
            </dd>
            <dt>{tr(t, |t| t.home_email)}</dt>
            <dd>
                <bdi>{user.mail.clone().or(user.user_principal_name.clone())}</bdi>
            </dd>
            <dt>{tr(t, |t| t.home_organisation)}</dt>
            <dd>
                <bdi>{user.company_name.clone()}</bdi>
            </dd>
            <dt>{tr(t, |t| t.home_account_kind)}</dt>
            <dd class="account-kind">{kind}</dd>
        </dl>
    }
}
