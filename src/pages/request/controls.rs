//! The request form's controls: a labelled field with its message announced, and a policy's
//! question by its type (text, long text, single or multiple choice), in the page's language.

use super::field::FormField;
use super::values::FormValues;
use crate::graph::entitlement::models::Question;
use crate::i18n::{PageTexts, use_page_texts};
use leptos::prelude::*;

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
    let t = use_page_texts();
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
    t: Signal<&'static PageTexts>,
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
