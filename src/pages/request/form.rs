//! The request form: the policy, its questions by type (in the page's language), the
//! justification, dates where the policy allows them; checked at each field, then a review
//! step, then one send that a second click cannot repeat.

use super::field::{FormField, Refusal};
use super::values::{FieldErrors, FormValues, browser_regex, in_sequence, validate};
use crate::graph::entitlement::models::{Question, Requirements};
use crate::i18n::{I18n, Texts, tr, use_texts};
use leptos::prelude::*;

/// The requirements of the chosen policy.
fn chosen(reqs: &[Requirements], values: &FormValues) -> Option<Requirements> {
    reqs.iter().find(|r| r.policy_id == values.policy_id).or(reqs.first()).cloned()
}

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
    let t = use_texts();
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

/// A labelled field with its error message announced.
#[component]
pub(super) fn Field(
    /// Which field: its control's id and its label.
    field: FormField,
    /// Marks the field required.
    #[prop(optional, into)]
    required: Signal<bool>,
    /// The message under the field, when it is wrong.
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let t = use_texts();
    let id = field.dom_id();
    let error_id = format!("{id}-error");
    let label = move || field.label(t.get()).unwrap_or_default();
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id>
                {label}
                {move || {
                    required
                        .get()
                        .then(|| {
                            view! {
                                " "
                                <span class="required">"(" {t.get().required} ")"</span>
                            }
                                .into_any()
                        })
                }}
            </label>
            {children()}
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="field-error" id=error_id.clone() role="alert">
                                {e}
                            </p>
                        }
                            .into_any()
                    })
            }}
        </div>
    }
}

pub(super) fn question(
    q: Question,
    lang: &'static str,
    values: RwSignal<FormValues>,
    error: Signal<Option<String>>,
    t: Signal<&'static Texts>,
) -> impl IntoView {
    let dom_id = FormField::Question(q.id.clone()).dom_id();
    let text = q.text_in(lang);
    let required = q.is_required.unwrap_or(false);
    let qid = q.id.clone();
    let mark = move || {
        required.then(|| {
            view! {
                " "
                <span class="required">"(" {t.get().required} ")"</span>
            }
            .into_any()
        })
    };
    let error_id = format!("{dom_id}-error");
    let message = {
        let error_id = error_id.clone();
        move || {
            error.get().map(|e| {
                view! {
                    <p class="field-error" id=error_id.clone() role="alert">
                        {e}
                    </p>
                }
                .into_any()
            })
        }
    };
    if q.is_choice() {
        let multiple = q.is_multiple_selection_allowed.unwrap_or(false);
        let choices = q.choices.clone();
        return view! {
            <fieldset
                class="field"
                class:invalid=move || error.get().is_some()
                id=dom_id.clone()
                tabindex="-1"
                data-question=qid.clone()
            >
                <legend>
                    <bdi>{text}</bdi>
                    {mark}
                </legend>
                {choices
                    .into_iter()
                    .map(|c| {
                        let (qid, value) = (qid.clone(), c.actual_value.clone());
                        let checked = {
                            let (qid, value) = (qid.clone(), value.clone());
                            move || values.with(|v| v.answers.get(&qid).is_some_and(|a| a.contains(&value)))
                        };
                        let toggle = move |_| {
                            values
                                .update(|v| {
                                    let a = v.answers.entry(qid.clone()).or_default();
                                    if !multiple {
                                        a.clear();
                                        a.push(value.clone());
                                    } else if let Some(i) = a.iter().position(|x| *x == value) {
                                        a.remove(i);
                                    } else {
                                        a.push(value.clone());
                                    }
                                })
                        };
                        view! {
                            <label class="choice">
                                <input
                                    type=if multiple { "checkbox" } else { "radio" }
                                    name=format!("{dom_id}-choice")
                                    value=c.actual_value.clone()
                                    prop:checked=checked
                                    on:change=toggle
                                />
                                <span>
                                    <bdi>{c.text_in(lang)}</bdi>
                                </span>
                            </label>
                        }
                            .into_any()
                    })
                    .collect_view()}
                {message}
            </fieldset>
        }
        .into_any();
    }
    let single = q.is_single_line_question.unwrap_or(true);
    let value = {
        let qid = qid.clone();
        move || values.with(|v| v.answers.get(&qid).and_then(|a| a.first().cloned()).unwrap_or_default())
    };
    let set = move |e: leptos::ev::Event| {
        values.update(|v| {
            v.answers.insert(qid.clone(), vec![event_target_value(&e)]);
        })
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some() data-question=q.id.clone()>
            <label for=dom_id.clone()>
                <bdi>{text}</bdi>
                {mark}
            </label>
            {if single {
                view! {
                    <input
                        id=dom_id.clone()
                        type="text"
                        aria-required=required.to_string()
                        aria-invalid=move || error.get().is_some().to_string()
                        aria-describedby=error_id.clone()
                        prop:value=value
                        on:input=set
                    />
                }
                    .into_any()
            } else {
                view! {
                    <textarea
                        id=dom_id.clone()
                        rows="3"
                        aria-required=required.to_string()
                        aria-invalid=move || error.get().is_some().to_string()
                        aria-describedby=error_id.clone()
                        prop:value=value
                        on:input=set
                    ></textarea>
                }
                    .into_any()
            }}
            {message}
        </div>
    }
    .into_any()
}

/// The review step: what will be sent, and the one button that sends it.
#[component]
fn Review(
    values: RwSignal<FormValues>,
    reqs: Vec<Requirements>,
    submitting: Signal<bool>,
    on_submit: Callback<()>,
    reviewing: RwSignal<bool>,
) -> impl IntoView {
    let t = use_texts();
    let i18n = expect_context::<I18n>();
    let v = values.get_untracked();
    let req = chosen(&reqs, &v);
    let lang = i18n.language.get_untracked().tag();
    let answers: Vec<(String, String)> = req
        .iter()
        .flat_map(|r| r.questions.iter())
        .map(|q| {
            let given = v.answers.get(&q.id).cloned().unwrap_or_default();
            let shown: Vec<String> = given
                .iter()
                .map(|a| {
                    q.choices
                        .iter()
                        .find(|c| &c.actual_value == a)
                        .map(|c| c.text_in(lang))
                        .unwrap_or_else(|| a.clone())
                })
                .collect();
            (q.text_in(lang), shown.join(", "))
        })
        .collect();
    let send = move |_| {
        if !submitting.get_untracked() {
            on_submit.run(());
        }
    };
    view! {
        <section class="review" aria-labelledby="review-title">
            <h2 id="review-title" tabindex="-1">
                {tr(t, |t| t.review_title)}
            </h2>
            <dl class="facts">
                {req
                    .as_ref()
                    .and_then(|r| r.policy_display_name.clone())
                    .map(|p| {
                        view! {
                            <dt>{tr(t, |t| t.policy_label)}</dt>
                            <dd>
                                <bdi>{p}</bdi>
                            </dd>
                        }
                            .into_any()
                    })}
                {answers
                    .into_iter()
                    .map(|(q, a)| {
                        view! {
                            <dt>
                                <bdi>{q}</bdi>
                            </dt>
                            <dd>
                                <bdi>{a}</bdi>
                            </dd>
                        }
                            .into_any()
                    })
                    .collect_view()} <dt>{tr(t, |t| t.justification_label)}</dt><dd>
                    <bdi>{v.justification.clone()}</bdi>
                </dd>
                {(!v.start.is_empty())
                    .then(|| {
                        view! {
                            <dt>{tr(t, |t| t.start_label)}</dt>
                            <dd>{v.start.clone()}</dd>
                        }
                            .into_any()
                    })}
                {(!v.end.is_empty())
                    .then(|| {
                        view! {
                            <dt>{tr(t, |t| t.end_label)}</dt>
                            <dd>{v.end.clone()}</dd>
                        }
                            .into_any()
                    })}
            </dl>
            <div class="actions">
                <button type="button" on:click=move |_| reviewing.set(false) disabled=move || submitting.get()>
                    {tr(t, |t| t.edit)}
                </button>
                <button
                    type="button"
                    class="primary"
                    data-testid="submit"
                    disabled=move || submitting.get()
                    aria-busy=move || submitting.get().to_string()
                    on:click=send
                >
                    {move || if submitting.get() { t.get().submitting } else { t.get().submit }}
                </button>
            </div>
        </section>
    }
}
