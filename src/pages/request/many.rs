//! Requesting several packages at once: the selection's packages, each one's questions, one
//! justification and schedule for all; each package becomes its own Graph request, and each
//! outcome is shown (one may be refused while the others go through).

use super::controls::{Field, question};
use super::field::{FormField, refusal_for};
use super::values::{FieldErrors, FormValues, browser_regex, to_request, validate};
use crate::components::{ErrorView, Loading};
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::entitlement::PackageDetails;
use crate::i18n::{I18n, tr, use_page_texts};
use crate::net::Cancel;
use crate::routing::{Link, Route, use_router};
use crate::state::draft;
use crate::state::use_selection;
use leptos::prelude::*;
use leptos::task::spawn_local;

const DRAFT: &str = "selection-request";

/// What happened to one package's request.
#[derive(Clone)]
struct Outcome {
    name: String,
    sent: bool,
    message: Option<String>,
}

#[component]
pub fn SelectionPage() -> impl IntoView {
    let t = use_page_texts();
    let graph = expect_context::<GraphClient>();
    let selection = use_selection();
    let cancel = Cancel::on_cleanup();
    // An invitation's link names the packages its partner should request: they become the selection.
    if let Some(listed) = use_router().query("packages") {
        let ids: Vec<(String, String)> =
            listed.split(',').filter(|s| !s.is_empty()).map(|s| (s.to_string(), String::new())).collect();
        if !ids.is_empty() {
            selection.replace(ids);
        }
    }
    let ids: Vec<String> = selection.items_untracked().into_iter().map(|(id, _)| id).collect();
    let details = LocalResource::new(move || {
        let (graph, cancel, ids) = (graph.clone(), cancel.clone(), ids.clone());
        async move { graph.packages_details(&ids, Some(&cancel)).await.map_err(AppError::from) }
    });
    view! {
        <h1>{tr(t, |t| t.request_selected)}</h1>
        {move || match details.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorView error=e /> }.into_any(),
            Some(Ok(list)) if list.is_empty() => {
                view! {
                    <p>
                        <Link route=Route::Catalog>{tr(t, |t| t.catalog_title)}</Link>
                    </p>
                }
                    .into_any()
            }
            Some(Ok(list)) => view! { <ManyForm packages=list /> }.into_any(),
        }}
    }
}

#[component]
fn ManyForm(packages: Vec<PackageDetails>) -> impl IntoView {
    let t = use_page_texts();
    let i18n = expect_context::<I18n>();
    let graph = expect_context::<GraphClient>();
    let selection = use_selection();
    let values = draft::use_draft::<FormValues>(DRAFT.into());
    let errors = RwSignal::new(FieldErrors::default());
    let outcomes = RwSignal::new(Vec::<Outcome>::new());
    let submitting = RwSignal::new(false);
    let packages = StoredValue::new(packages);
    let lang = move || i18n.language.get().tag();
    let send = move |_| {
        if submitting.get_untracked() {
            return;
        }
        let v: FormValues = values.get_untracked();
        let mut found = FieldErrors::default();
        packages.with_value(|ps| {
            for p in ps {
                if let Some(req) = p.requirements.first() {
                    found.merge(validate(&v, req, &browser_regex));
                }
            }
        });
        let first = found.first().map(FormField::dom_id);
        errors.set(found);
        if let Some(id) = first {
            crate::dom::focus_id(&id);
            return;
        }
        submitting.set(true);
        let graph = graph.clone();
        let lang = i18n.language.get_untracked().tag();
        spawn_local(async move {
            let mut results = vec![];
            for p in packages.get_value() {
                let name = p.package.display_name.clone();
                let Some(req) = p.requirements.first() else {
                    results.push(Outcome {
                        name,
                        sent: false,
                        message: Some(t.get_untracked().not_requestable.into()),
                    });
                    continue;
                };
                match graph.submit_request(&to_request(&p.package.id, &v, req, lang), None).await {
                    Ok(_) => {
                        selection.toggle(&p.package.id, "");
                        results.push(Outcome { name, sent: true, message: None });
                    }
                    Err(e) => {
                        let message = refusal_for(t.get_untracked(), &e)
                            .map(|r| r.sentence)
                            .unwrap_or_else(|| AppError::from(e).sentence(t.get_untracked().shell))
                            .to_string();
                        results.push(Outcome { name, sent: false, message: Some(message) });
                    }
                }
            }
            if results.iter().all(|o| o.sent) {
                draft::forget(DRAFT);
            }
            outcomes.set(results);
            submitting.set(false);
        });
    };
    let error_of = move |field: FormField| {
        Signal::derive(move || errors.with(|e| e.get(&field).map(|e| e.message(t.get()).to_string())))
    };
    view! {
        <Show
            when=move || outcomes.with(Vec::is_empty)
            fallback=move || {
                view! {
                    <ul class="outcomes" role="status">
                        {outcomes
                            .get()
                            .into_iter()
                            .map(|o| {
                                view! {
                                    <li data-testid="outcome" data-package=o.name.clone() data-sent=o.sent.to_string()>
                                        <strong>
                                            <bdi>{o.name.clone()}</bdi>
                                        </strong>
                                        ": "
                                        {if o.sent {
                                            t.get().request_sent.to_string()
                                        } else {
                                            format!(
                                                "{} — {}",
                                                t.get().request_failed,
                                                o.message.clone().unwrap_or_default(),
                                            )
                                        }}
                                    </li>
                                }
                                    .into_any()
                            })
                            .collect_view()}
                    </ul>
                    <p>
                        <Link route=Route::Requests>{tr(t, |t| t.view_requests)}</Link>
                    </p>
                }
                    .into_any()
            }
        >
            <form class="request-form" novalidate on:submit=move |e| e.prevent_default()>
                {move || {
                    packages
                        .get_value()
                        .into_iter()
                        .map(|p| {
                            let questions = p.requirements.first().map(|r| r.questions.clone()).unwrap_or_default();
                            view! {
                                <section class="selected-package" data-testid="selected-package">
                                    <h2>
                                        <bdi>{p.package.display_name.clone()}</bdi>
                                    </h2>
                                    {p
                                        .requirements
                                        .is_empty()
                                        .then(|| view! { <p>{tr(t, |t| t.not_requestable)}</p> }.into_any())}
                                    {questions
                                        .into_iter()
                                        .map(|q| {
                                            let e = error_of(FormField::Question(q.id.clone()));
                                            question(q, lang(), values, e, t)
                                        })
                                        .collect_view()}
                                </section>
                            }
                                .into_any()
                        })
                        .collect_view()
                }}
                <Field field=FormField::Justification error=error_of(FormField::Justification)>
                    <textarea
                        id=FormField::Justification.dom_id()
                        rows="3"
                        prop:value=move || values.with(|v| v.justification.clone())
                        on:input=move |e| values.update(|v| v.justification = event_target_value(&e))
                    ></textarea>
                </Field>
                <div class="actions">
                    <button
                        type="button"
                        class="primary"
                        data-testid="submit"
                        disabled=move || submitting.get()
                        on:click=send.clone()
                    >
                        {move || if submitting.get() { t.get().submitting } else { t.get().submit }}
                    </button>
                </div>
            </form>
        </Show>
    }
}
