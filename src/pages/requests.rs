//! My requests: newest first, each with its state, a timeline on demand (one `$batch`), cancel
//! with confirmation, "request again" pre-filled for denied and cancelled ones, CSV export.

use super::request::values::FormValues;
use crate::components::{ConfirmAction, ErrorView, Loading, StateBadge, Timeline, csv, download, format, state_label};
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::entitlement::models::AssignmentRequest;
use crate::graph::entitlement::timeline;
use crate::i18n::{tr, use_page_texts};
use crate::net::Cancel;
use crate::routing::{Route, use_router};
use crate::state::draft;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn MyRequests() -> impl IntoView {
    let t = use_page_texts();
    let graph = expect_context::<GraphClient>();
    let cancel = Cancel::on_cleanup();
    let list = LocalResource::new(move || {
        let (graph, cancel) = (graph.clone(), cancel.clone());
        async move { graph.my_requests(Some(&cancel)).await.map_err(AppError::from) }
    });
    let export = move |_| {
        let Some(Ok(items)) = list.get_untracked() else { return };
        let t = t.get_untracked();
        let mut rows = vec![vec![
            t.csv_package.to_string(),
            t.csv_state.to_string(),
            t.csv_created.to_string(),
            t.csv_justification.to_string(),
        ]];
        rows.extend(items.iter().map(|r| {
            let name = r.access_package.as_ref().map(|p| p.display_name.clone()).unwrap_or_default();
            vec![
                name,
                state_label(t, r.state()).to_string(),
                r.created_date_time.clone().unwrap_or_default(),
                r.justification.clone().unwrap_or_default(),
            ]
        }));
        download("my-requests.csv", "text/csv;charset=utf-8", &csv(&rows));
    };
    view! {
        <h1>{tr(t, |t| t.requests_title)}</h1>
        {move || match list.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorView error=e on_retry=Callback::new(move |_| list.refetch()) /> }.into_any(),
            Some(Ok(items)) if items.is_empty() => view! { <p>{tr(t, |t| t.requests_empty)}</p> }.into_any(),
            Some(Ok(items)) => {
                view! {
                    <div class="actions">
                        <button type="button" data-testid="export-csv" on:click=export>
                            {tr(t, |t| t.export_csv)}
                        </button>
                    </div>
                    <ul class="requests">
                        {items
                            .into_iter()
                            .map(|r| {
                                view! { <RequestItem request=r on_change=Callback::new(move |_| list.refetch()) /> }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn RequestItem(request: AssignmentRequest, on_change: Callback<()>) -> impl IntoView {
    let t = use_page_texts();
    let graph = expect_context::<GraphClient>();
    let router = use_router();
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    let package = request.access_package.clone().unwrap_or_default();
    let details_id = format!("details-{}", request.id);
    let cancel_request = {
        let (graph, id) = (graph.clone(), request.id.clone());
        Callback::new(move |_| {
            if busy.get_untracked() {
                return;
            }
            let (graph, id) = (graph.clone(), id.clone());
            busy.set(true);
            spawn_local(async move {
                match graph.cancel_request(&id, None).await {
                    Ok(()) => on_change.run(()),
                    Err(e) => failure.set(Some(e.into())),
                }
                busy.set(false);
            });
        })
    };
    let again = {
        let (request, package_id) = (request.clone(), package.id.clone());
        move |_| {
            // Pre-fill the package's form with what was asked before.
            let mut values =
                FormValues { justification: request.justification.clone().unwrap_or_default(), ..Default::default() };
            for a in &request.answers {
                if let (Some(q), Some(v)) = (&a.answered_question, &a.value) {
                    values.answers.insert(q.id.clone(), v.split(',').map(String::from).collect());
                }
            }
            draft::save(&package_id, &values);
            router.navigate(&Route::Package(package_id.clone()).path());
        }
    };
    let can_cancel = request.cancellable();
    let can_again = matches!(request.state(), "denied" | "canceled");
    let state = request.state().to_string();
    let stored = StoredValue::new(request.clone());
    view! {
        <li class="request" data-testid="request" data-package=package.display_name.clone() data-state=state.clone()>
            <div class="request-head">
                <strong class="package-name">
                    <bdi>{package.display_name.clone()}</bdi>
                </strong>
                <StateBadge state=state.clone() />
                <span class="muted">
                    {tr(t, |t| t.requested_on)}" "<time>{format::date_time(request.created_date_time.as_deref())}</time>
                </span>
            </div>
            <div class="actions">
                <button
                    type="button"
                    aria-expanded=move || open.get().to_string()
                    aria-controls=details_id.clone()
                    data-testid="details"
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {tr(t, |t| t.details)}
                </button>
                {can_cancel
                    .then(|| {
                        view! {
                            <ConfirmAction
                                label=Signal::derive(tr(t, |t| t.cancel_request))
                                question=Signal::derive(tr(t, |t| t.confirm_cancel))
                                yes=Signal::derive(tr(t, |t| t.confirm_cancel_yes))
                                no=Signal::derive(tr(t, |t| t.keep))
                                on_confirm=cancel_request
                                busy=busy
                                testid="cancel"
                            />
                        }
                    })}
                {can_again
                    .then(|| {
                        view! {
                            <button type="button" data-testid="resubmit" on:click=again.clone()>
                                {tr(t, |t| t.resubmit)}
                            </button>
                        }
                            .into_any()
                    })}
            </div>
            {move || failure.get().map(|e| view! { <ErrorView error=e /> })}
            <div id=format!("details-{}", stored.with_value(|r| r.id.clone()))>
                <Show when=move || open.get()>
                    <RequestTimeline request=stored.get_value() />
                </Show>
            </div>
        </li>
    }
}

/// The timeline of one request, loaded when opened.
#[component]
fn RequestTimeline(request: AssignmentRequest) -> impl IntoView {
    let graph = expect_context::<GraphClient>();
    let cancel = Cancel::on_cleanup();
    let stored = StoredValue::new(request);
    let parts = LocalResource::new(move || {
        let (graph, cancel, request) = (graph.clone(), cancel.clone(), stored.get_value());
        async move { graph.request_timeline(&request, Some(&cancel)).await.map_err(AppError::from) }
    });
    move || match parts.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorView error=e /> }.into_any(),
        Some(Ok(p)) => {
            let entries = stored.with_value(|r| timeline::build(r, p.approval.as_ref(), &p.sponsors));
            view! { <Timeline entries=entries /> }.into_any()
        }
    }
}
