//! The approvals inbox mounted in a shadow root over a scripted Graph, and decided as an approver
//! would: one click sends one decision for my stage, a stage that asks for a reason sends nothing
//! without one; what the account's check read shows at once, and the page's own read replaces it.

use super::Approvals;
use crate::graph::fake::{answer, batch_answer, client};
use crate::pages::testing::{mount, mount_signed_in_by_page};
use leptos::prelude::*;
use serde_json::{Value, json};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn inbox(reason_required: bool) -> (Value, Value) {
    let requests = json!({"value": [{
        "id": "r1", "state": "pendingApproval", "justification": "Delivery work",
        "requestor": {"displayName": "Pat Doe", "email": "pat@fabrikam.com"},
        "accessPackage": {"id": "p", "displayName": "Fabrikam delivery project", "assignmentPolicies": [
            {"id": "pol", "displayName": "Partners", "requestApprovalSettings": {"stages": [
                {"isApproverJustificationRequired": reason_required},
            ]}, "questions": []},
        ]},
    }]});
    let approvals = json!({"value": [{"id": "r1", "stages": [
        {"id": "s1", "status": "InProgress", "assignedToMe": true, "reviewResult": "NotReviewed"},
    ]}]});
    (requests, approvals)
}

#[wasm_bindgen_test]
async fn approving_sends_my_stages_decision_and_says_what_became_of_it() {
    let (requests, approvals) = inbox(false);
    let empty = json!({"value": []});
    let (graph, net, _) = client(vec![
        batch_answer(&[("requests", 200, requests), ("approvals", 200, approvals)]),
        answer(204, &[], Value::Null),
        batch_answer(&[("requests", 200, empty.clone()), ("approvals", 200, empty)]),
    ]);
    let page = mount(graph, || view! { <Approvals /> });
    page.find("[data-testid=decision][data-requestor='pat@fabrikam.com']").await;
    page.click("[data-testid=approve]").await;
    let outcome = page.find("[data-testid=decision-outcome][data-result=approved]").await;
    assert_eq!(outcome.get_attribute("data-request").as_deref(), Some("r1"));
    let sent = net.sent.borrow();
    assert!(sent[1].uri().path().ends_with("/accessPackageAssignmentApprovals/r1/stages/s1"), "{}", sent[1].uri());
    let body: Value = serde_json::from_slice(sent[1].body()).unwrap();
    assert_eq!(body["reviewResult"], "Approve");
}

#[wasm_bindgen_test]
async fn a_stage_that_asks_for_a_reason_sends_nothing_without_one() {
    let (requests, approvals) = inbox(true);
    let (graph, net, _) = client(vec![batch_answer(&[("requests", 200, requests), ("approvals", 200, approvals)])]);
    let page = mount(graph, || view! { <Approvals /> });
    page.find("[data-testid=decision]").await;
    page.click("[data-testid=deny]").await;
    let error = page.find("[data-testid=decision] .field-error").await;
    // The error is the field's: announced with it, and the person is taken there.
    let field = page.find("[data-testid=decision] [data-testid=reason]").await;
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(field.get_attribute("aria-describedby"), Some(error.id()));
    assert_eq!(page.focused_id(), Some(field.id()));
    assert_eq!(net.sent.borrow().len(), 1, "only the inbox was read");
    assert_eq!(page.count("[data-testid=decision-outcome]"), 0);
}

#[wasm_bindgen_test]
async fn decisions_the_account_check_read_show_at_once_and_the_pages_own_read_replaces_them() {
    // The account's check read Pat's request; since then, another approver has decided it.
    let (requests, approvals) = inbox(false);
    let (ahead, _, _) = client(vec![batch_answer(&[("requests", 200, requests), ("approvals", 200, approvals)])]);
    let list = ahead.pending_decisions(None).await.unwrap();
    crate::state::DECISIONS_AHEAD.with(|a| a.keep("", list));
    // Graph slow to answer: the decision read ahead shows meanwhile, with no loading indicator.
    let (slow, slow_net, _) = client(vec![]);
    slow_net.held.set(true);
    let page = mount_signed_in_by_page(slow, || view! { <Approvals /> });
    assert_eq!(page.until_count("[data-testid=decision]", 1).await, 1, "shown before Graph answered");
    assert_eq!(page.count(".loading"), 0);
    // The page's own read leaves once the page's sign-in has handed over a token.
    for _ in 0..50 {
        if !slow_net.sent.borrow().is_empty() {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    assert_eq!(slow_net.sent.borrow().len(), 1, "and the page reads for itself");
    assert_eq!(page.count("ul.decisions[aria-busy=true]"), 1, "what shows is marked busy meanwhile");
    drop(page);
    // Graph answers with an empty inbox: it replaces what was kept, and is kept in turn.
    let empty = json!({"value": []});
    let (graph, _, _) = client(vec![batch_answer(&[("requests", 200, empty.clone()), ("approvals", 200, empty)])]);
    let page = mount_signed_in_by_page(graph, || view! { <Approvals /> });
    assert_eq!(page.until_count("[data-testid=decision]", 0).await, 0, "Graph's answer replaced the inbox");
    assert_eq!(crate::state::DECISIONS_AHEAD.with(|a| a.get("")).map(|l| l.len()), Some(0));
}
