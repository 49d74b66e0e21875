//! The request form: the policy, its questions by type (in the page's language), the
//! justification, dates where the policy allows them; checked at each field, then a review
//! step, then one send that a second click cannot repeat.

use super::controls::{Field, question};
use super::field::{FormField, Refusal};
use super::review::Review;
use super::values::{FieldErrors, FormValues, browser_regex, chosen, in_sequence, validate};
use crate::graph::entitlement::models::Requirements;
use crate::i18n::{I18n, tr, use_page_texts};
use leptos::prelude::*;

#[component]
pub fn RequestForm(
    /// The policies open to the person, with their questions.
    requirements: Vec<Requirements>,
    /// What was typed (the page keeps it as a draft).
    values: RwSignal<FormValues>,
    /// Graph's refusal of the last send, shown at the field it concerns.
    #[prop(into)]
    refusal: Signal<Option<Refusal>>,
    /// While the request is being sent.
    #[prop(into)]
    submitting: Signal<bool>,
    /// Sends the request.
    on_submit: Callback<()>,
) -> impl IntoView {
    let t = use_page_texts();
    let i18n = expect_context::<I18n>();
    let errors = RwSignal::new(FieldErrors::default());
    let reviewing = RwSignal::new(false);
    let reqs = StoredValue::new(requirements);
    if values.with_untracked(|v| v.policy_id.is_empty())
        && let Some(first) = reqs.with_value(|r| r.first().map(|r| r.policy_id.clone()))
    {
        values.update(|v| v.policy_id = first);
    }
    let current = move || reqs.with_value(|r| chosen(r, &values.get()));
    let review = move |_| {
        let Some(req) = current() else { return };
        let found = validate(&values.get_untracked(), &req, &browser_regex);
        let first = found.first().cloned();
        errors.set(found);
        match first {
            None => reviewing.set(true),
            Some(field) => focus(&field),
        }
    };
    let error_of = move |field: FormField| {
        move || {
            let local = errors.with(|e| e.get(&field).map(|e| e.message(t.get()).to_string()));
            let concerns = |r: &Refusal| r.field.as_ref().is_some_and(|f| field.concerned_by(f));
            local.or_else(|| refusal.get().filter(concerns).map(|r| r.sentence.to_string()))
        }
    };
    let policies = move || {
        let list = reqs.get_value();
        (list.len() > 1).then(|| {
            view! {
                <fieldset class="field">
                    <legend>{tr(t, |t| t.policy_label)}</legend>
                    {list
                        .into_iter()
                        .map(|r| {
                            let id = r.policy_id.clone();
                            let checked = {
                                let id = id.clone();
                                move || values.with(|v| v.policy_id == id)
                            };
                            view! {
                                <label class="choice">
                                    <input
                                        type="radio"
                                        name="policy"
                                        value=id.clone()
                                        prop:checked=checked
                                        on:change=move |_| values.update(|v| v.policy_id = id.clone())
                                    />
                                    <span>
                                        <bdi>{r.policy_display_name.clone()}</bdi>
                                    </span>
                                    {r
                                        .policy_description
                                        .clone()
                                        .map(|d| view! { <small>" — "<bdi>{d}</bdi></small> }.into_any())}
                                </label>
                            }
                                .into_any()
                        })
                        .collect_view()}
                </fieldset>
            }
            .into_any()
        })
    };
    let questions = move || {
        let Some(req) = current() else { return ().into_any() };
        let qs = in_sequence(&req.questions);
        let lang = i18n.language.get().tag();
        (!qs.is_empty())
            .then(|| {
                view! {
                    <fieldset class="questions">
                        <legend>{tr(t, |t| t.questions_title)}</legend>
                        {qs
                            .into_iter()
                            .map(|q| {
                                let error = Signal::derive(error_of(FormField::Question(q.id.clone())));
                                question(q, lang, values, error, t)
                            })
                            .collect_view()}
                    </fieldset>
                }
                .into_any()
            })
            .into_any()
    };
    view! {
        <form class="request-form" novalidate on:submit=move |e| e.prevent_default()>
            {move || {
                refusal
                    .get()
                    .filter(|r| r.field.is_none())
                    .map(|r| {
                        view! {
                            <p class="form-error" role="alert">
                                {r.sentence}
                            </p>
                        }
                            .into_any()
                    })
            }}
            <Show
                when=move || !reviewing.get()
                fallback=move || {
                    view! {
                        <Review
                            values=values
                            reqs=reqs.get_value()
                            submitting=submitting
                            on_submit=on_submit
                            reviewing=reviewing
                        />
                    }
                }
            >
                {policies}
                {move || {
                    current()
                        .map(|r| {
                            view! {
                                <p class="approval-note">
                                    {move || {
                                        if r.is_approval_required_for_add.unwrap_or(true) {
                                            t.get().approval_needed
                                        } else {
                                            t.get().no_approval
                                        }
                                    }}
                                </p>
                            }
                                .into_any()
                        })
                }}
                {questions}
                <Field
                    field=FormField::Justification
                    required=Signal::derive(move || {
                        current().is_some_and(|r| r.is_requestor_justification_required.unwrap_or(false))
                    })
                    error=Signal::derive(error_of(FormField::Justification))
                >
                    <textarea
                        id=FormField::Justification.dom_id()
                        rows="3"
                        prop:value=move || values.with(|v| v.justification.clone())
                        on:input=move |e| values.update(|v| v.justification = event_target_value(&e))
                    ></textarea>
                </Field>
                {move || {
                    current()
                        .filter(|r| r.allow_custom_assignment_schedule.unwrap_or(false))
                        .map(|_| {
                            view! {
                                <fieldset class="schedule">
                                    <legend>{tr(t, |t| t.schedule_title)}</legend>
                                    <Field field=FormField::Start error=Signal::derive(move || None::<String>)>
                                        <input
                                            id=FormField::Start.dom_id()
                                            type="date"
                                            prop:value=move || values.with(|v| v.start.clone())
                                            on:input=move |e| values.update(|v| v.start = event_target_value(&e))
                                        />
                                    </Field>
                                    <Field field=FormField::End error=Signal::derive(error_of(FormField::End))>
                                        <input
                                            id=FormField::End.dom_id()
                                            type="date"
                                            prop:value=move || values.with(|v| v.end.clone())
                                            on:input=move |e| values.update(|v| v.end = event_target_value(&e))
                                        />
                                    </Field>
                                </fieldset>
                            }
                                .into_any()
                        })
                }}
                <div class="actions">
                    <button type="button" class="primary" data-testid="review" on:click=review>
                        {tr(t, |t| t.review)}
                    </button>
                </div>
            </Show>
        </form>
    }
}

/// Moves focus to a field (the first one in error), inside Portier's root: embedded as an
/// element, the document cannot see the field.
fn focus(field: &FormField) {
    crate::dom::focus_id(&field.dom_id());
}
