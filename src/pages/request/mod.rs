//! A package's page: what it is and grants, and the form to request it. What was typed is a
//! draft until the request is sent; Graph's refusals come back to the field they concern.

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod controls;
mod field;
mod form;
mod many;
mod review;
pub mod values;

pub use many::SelectionPage;

use crate::components::SelectToggle;
use crate::components::{ErrorView, Grants, Loading};
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::entitlement::PackageDetails;
use crate::i18n::{I18n, tr, use_page_texts};
use crate::net::Cancel;
use crate::routing::{Link, Route};
use crate::state::draft;
use field::{Refusal, refusal_for};
use form::RequestForm;
use leptos::prelude::*;
use leptos::task::spawn_local;
use values::{FormValues, to_request};

#[component]
pub fn PackagePage(
    /// The package's id (deep links carry it).
    id: String,
) -> impl IntoView {
    let graph = expect_context::<GraphClient>();
    let cancel = Cancel::on_cleanup();
    let details = {
        let (graph, id, cancel) = (graph.clone(), id.clone(), cancel.clone());
        LocalResource::new(move || {
            let (graph, id, cancel) = (graph.clone(), id.clone(), cancel.clone());
            async move { graph.package_details(&id, Some(&cancel)).await.map_err(AppError::from) }
        })
    };
    move || match details.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorView error=e on_retry=Callback::new(move |_| details.refetch()) /> }.into_any(),
        Some(Ok(d)) => view! { <Package details=d /> }.into_any(),
    }
}

#[component]
fn Package(details: PackageDetails) -> impl IntoView {
    let t = use_page_texts();
    let package = details.package.clone();
    let grants = package.resource_role_scopes.clone().unwrap_or_default();
    let policies: Vec<(Option<String>, Option<String>, bool)> = details
        .requirements
        .iter()
        .map(|r| {
            (
                r.policy_display_name.clone(),
                r.policy_description.clone(),
                r.is_approval_required_for_add.unwrap_or(true),
            )
        })
        .collect();
    let (id, name) = (package.id.clone(), package.display_name.clone());
    view! {
        <article class="package" data-testid="package">
            <h1>
                <bdi>{package.display_name.clone()}</bdi>
            </h1>
            <p class="description">
                <bdi>{package.description.clone()}</bdi>
            </p>
            {(!grants.is_empty())
                .then(|| {
                    view! {
                        <section aria-labelledby="grants-title">
                            <h2 id="grants-title">{tr(t, |t| t.grants_title)}</h2>
                            <Grants scopes=grants />
                        </section>
                    }
                        .into_any()
                })}
            {(!policies.is_empty())
                .then(|| {
                    view! {
                        <section aria-labelledby="policies-title">
                            <h2 id="policies-title">{tr(t, |t| t.policies_title)}</h2>
                            <ul class="policies">
                                {policies
                                    .into_iter()
                                    .map(|(name, description, approval)| {
                                        view! {
                                            <li>
                                                <strong>
                                                    <bdi>{name}</bdi>
                                                </strong>
                                                {description
                                                    .map(|d| {
                                                        view! {
                                                            " — "
                                                            <bdi>{d}</bdi>
                                                        }
                                                            .into_any()
                                                    })}
                                                " "
                                                <span class="muted">
                                                    {move || {
                                                        if approval {
                                                            t.get().approval_needed
                                                        } else {
                                                            t.get().no_approval
                                                        }
                                                    }}
                                                </span>
                                            </li>
                                        }
                                            .into_any()
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                        .into_any()
                })}
            <p>
                <SelectToggle id=id.clone() name=name.clone() />
            </p>
            <section aria-labelledby="request-title">
                <h2 id="request-title">{tr(t, |t| t.request_title)}</h2>
                {if details.requirements.is_empty() {
                    view! { <p>{tr(t, |t| t.not_requestable)}</p> }.into_any()
                } else {
                    view! { <RequestOne package_id=id requirements=details.requirements /> }.into_any()
                }}
            </section>
        </article>
    }
}

/// The form for one package, its draft and its sending.
#[component]
fn RequestOne(package_id: String, requirements: Vec<crate::graph::entitlement::models::Requirements>) -> impl IntoView {
    let t = use_page_texts();
    let graph = expect_context::<GraphClient>();
    let i18n = expect_context::<I18n>();
    let values = draft::use_draft::<FormValues>(package_id.clone());
    let submitting = RwSignal::new(false);
    let refusal = RwSignal::new(None::<Refusal>);
    let failure = RwSignal::new(None::<AppError>);
    let sent = RwSignal::new(false);
    let reqs = StoredValue::new(requirements.clone());
    let submit = Callback::new(move |_| {
        if submitting.get_untracked() {
            return;
        }
        let v = values.get_untracked();
        let Some(req) = reqs.with_value(|r| values::chosen(r, &v)) else {
            return;
        };
        let body = to_request(&package_id, &v, &req, i18n.language.get_untracked().tag());
        let (graph, package_id) = (graph.clone(), package_id.clone());
        submitting.set(true);
        refusal.set(None);
        failure.set(None);
        spawn_local(async move {
            match graph.submit_request(&body, None).await {
                Ok(_) => {
                    draft::forget(&package_id);
                    sent.set(true);
                }
                Err(e) => match refusal_for(t.get_untracked(), &e) {
                    Some(r) => refusal.set(Some(r)),
                    None => failure.set(Some(AppError::from(e))),
                },
            }
            submitting.set(false);
        });
    });
    view! {
        <Show
            when=move || !sent.get()
            fallback=move || {
                view! {
                    <div class="outcome" role="status" data-testid="request-sent">
                        <p>
                            <strong>{tr(t, |t| t.request_sent)}</strong>
                        </p>
                        <p>
                            <Link route=Route::Requests>{tr(t, |t| t.view_requests)}</Link>
                        </p>
                    </div>
                }
                    .into_any()
            }
        >
            {move || failure.get().map(|e| view! { <ErrorView error=e /> })}
            <RequestForm
                requirements=requirements.clone()
                values=values
                refusal=refusal
                submitting=submitting
                on_submit=submit
            />
        </Show>
    }
}
