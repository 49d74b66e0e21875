//! The request form mounted in a shadow root, as Portier runs embedded, and used as a person
//! would: checked at each field, focus on the first one in error, Graph's refusal at its field.

use super::field::{FormField, Refusal};
use super::form::RequestForm;
use super::values::FormValues;
use crate::graph::entitlement::models::Requirements;
use crate::graph::fake::client;
use crate::pages::testing::mount;
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn requirements() -> Vec<Requirements> {
    serde_json::from_value(serde_json::json!([{
        "policyId": "p1", "policyDisplayName": "Partners", "isRequestorJustificationRequired": true,
        "questions": [
            {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "id": "role", "sequence": 2,
             "isRequired": true, "text": "Role"},
            {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "id": "code", "sequence": 1,
             "isRequired": true, "text": "Project code", "regexPattern": "^PRJ-[0-9]{4}$"},
        ],
    }]))
    .unwrap()
}

#[wasm_bindgen_test]
async fn focus_goes_to_the_first_field_in_error_inside_the_shadow_root_and_a_valid_form_is_sent_once() {
    let sent = Rc::new(Cell::new(0));
    let on_submit = {
        let sent = sent.clone();
        send_wrapper::SendWrapper::new(move || sent.set(sent.get() + 1))
    };
    let values = RwSignal::new(FormValues::default());
    let (graph, _, _) = client(vec![]);
    let page = mount(graph, move || {
        let submit = Callback::new(move |_| (on_submit)());
        view! {
            <RequestForm
                requirements=requirements()
                values=values
                refusal=Signal::derive(|| None)
                submitting=Signal::derive(|| false)
                on_submit=submit
            />
        }
    });
    page.click("[data-testid=review]").await;
    page.find("#q-code-error").await;
    assert_eq!(page.count(".field-error"), 3, "both questions and the justification");
    assert_eq!(page.focused_id().as_deref(), Some("q-code"), "the question asked first");

    page.type_into("#q-code", "PRJ-12").await;
    page.type_into("#q-role", "Developer").await;
    page.type_into("#justification", "Delivery work").await;
    assert_eq!(values.get_untracked().justification, "Delivery work", "typing reaches the form");
    page.click("[data-testid=review]").await;
    assert_eq!(page.focused_id().as_deref(), Some("q-code"), "the pattern is checked at the field");
    assert_eq!(page.count(".field-error"), 1);

    page.type_into("#q-code", "PRJ-1234").await;
    page.click("[data-testid=review]").await;
    page.find("#review-title").await;
    page.click("[data-testid=submit]").await;
    assert_eq!(sent.get(), 1);
    assert_eq!(values.get_untracked().answers["code"], ["PRJ-1234"]);
}

#[wasm_bindgen_test]
async fn graphs_refusal_is_shown_under_the_field_it_concerns() {
    let t = crate::i18n::page_texts(crate::config::Language::En);
    let refusal = Refusal { sentence: t.err_justification_required, field: Some(FormField::Justification) };
    let (graph, _, _) = client(vec![]);
    let page = mount(graph, move || {
        view! {
            <RequestForm
                requirements=requirements()
                values=RwSignal::new(FormValues::default())
                refusal=Signal::derive(move || Some(refusal.clone()))
                submitting=Signal::derive(|| false)
                on_submit=Callback::new(|_| ())
            />
        }
    });
    let message = page.find("#justification-error").await;
    assert_eq!(message.text_content().as_deref(), Some(t.err_justification_required));
    assert_eq!(page.count(".form-error"), 0, "said at the field, not above the form");
}
