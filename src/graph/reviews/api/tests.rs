//! The reviewer's calls against a scripted Graph: how many round trips the page costs, and
//! writes whose answer was lost.

use super::*;
use crate::graph::fake::{answer, batch_answer, client, graph_error};
use crate::net::NetError;
use futures::executor::block_on;
use serde_json::json;

fn at() -> ReviewAt {
    ReviewAt { definition_id: "d1".into(), instance_id: "i1".into() }
}

fn item(id: &str, principal: &str, decision: &str, recommendation: &str) -> serde_json::Value {
    json!({"id": id, "principal": {"id": principal, "displayName": principal}, "decision": decision,
           "recommendation": recommendation, "justification": ""})
}

#[test]
fn the_reviews_page_costs_four_round_trips_however_many_reviews_there_are() {
    let (c, net, _) = client(vec![
        answer(200, &[], json!({"value": [{"id": "d1", "displayName": "Q1"}, {"id": "d2", "displayName": "Portal"}]})),
        batch_answer(&[
            ("0", 200, json!({"value": [{"id": "i1", "status": "InProgress", "endDateTime": "2026-12-20T00:00:00Z"}]})),
            // A review with no open instance is left out.
            ("1", 200, json!({"value": []})),
        ]),
        batch_answer(&[(
            "0",
            200,
            json!({"value": [item("x1", "u1", "NotReviewed", "Deny"), item("x2", "u2", "Approve", "Approve")]}),
        )]),
        batch_answer(&[
            ("0", 200, json!({"id": "u1", "userType": "Guest", "companyName": "Fabrikam"})),
            ("1", 200, json!({"id": "u2", "userType": "Member"})),
        ]),
    ]);
    let reviews = block_on(c.my_reviews(None)).unwrap();
    assert_eq!(net.sent.borrow().len(), 4, "definitions, instances, items, people");
    assert_eq!(reviews.len(), 1);
    let r = &reviews[0];
    assert_eq!((r.definition.id.as_str(), r.instance.id.as_str()), ("d1", "i1"));
    assert_eq!(r.progress(), (1, 2));
    assert_eq!(r.items[0].organisation().as_deref(), Some("Fabrikam"));
    assert!(r.items[0].is_guest() && !r.items[1].is_guest());
    let sent = net.sent.borrow();
    let body = String::from_utf8(sent[2].body().clone()).unwrap();
    assert!(
        body.contains("/definitions/d1/instances/i1/decisions/filterByCurrentUser(on='reviewer')?$expand=insights"),
        "{body}"
    );
}

#[test]
fn someone_who_reviews_nothing_costs_one_round_trip() {
    let (c, net, _) = client(vec![answer(200, &[], json!({"value": []}))]);
    assert!(!block_on(c.reviews_waiting(None)).unwrap());
    assert_eq!(net.sent.borrow().len(), 1);
}

#[test]
fn a_decision_sends_the_verdict_and_the_reason_to_the_item() {
    let (c, net, _) = client(vec![answer(204, &[], json!(null))]);
    block_on(c.record_review_decision(&at(), "x1", Verdict::DontKnow, "On leave", None)).unwrap();
    let sent = net.sent.borrow();
    assert_eq!(sent[0].method(), http::Method::PATCH);
    assert!(
        sent[0]
            .uri()
            .to_string()
            .ends_with("/identityGovernance/accessReviews/definitions/d1/instances/i1/decisions/x1")
    );
    let body: serde_json::Value = serde_json::from_slice(sent[0].body()).unwrap();
    assert_eq!(body, json!({"decision": "DontKnow", "justification": "On leave"}));
}

#[test]
fn a_lost_decision_found_recorded_is_not_sent_again() {
    let (c, net, _) = client(vec![
        Err(NetError::Failed("reset".into())),
        answer(200, &[], json!({"id": "x1", "decision": "Deny", "justification": "Left"})),
    ]);
    block_on(c.record_review_decision(&at(), "x1", Verdict::Deny, "Left", None)).unwrap();
    let sent = net.sent.borrow();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].method(), http::Method::GET, "read back, not sent again");
}

#[test]
fn a_lost_decision_not_found_is_sent_once_more() {
    let (c, net, _) = client(vec![
        Err(NetError::Failed("reset".into())),
        answer(200, &[], json!({"id": "x1", "decision": "NotReviewed", "justification": ""})),
        answer(204, &[], json!(null)),
    ]);
    block_on(c.record_review_decision(&at(), "x1", Verdict::Deny, "Left", None)).unwrap();
    let methods: Vec<_> = net.sent.borrow().iter().map(|r| r.method().clone()).collect();
    assert_eq!(methods, [http::Method::PATCH, http::Method::GET, http::Method::PATCH]);
}

#[test]
fn a_refused_decision_is_not_sent_again() {
    let (c, net, _) = client(vec![answer(403, &[], graph_error("Forbidden"))]);
    let e = block_on(c.record_review_decision(&at(), "x1", Verdict::Approve, "", None)).unwrap_err();
    assert_eq!(e.code(), Some("Forbidden"));
    assert_eq!(net.sent.borrow().len(), 1);
}

#[test]
fn lost_accepted_recommendations_are_checked_on_my_items() {
    // Nothing left to accept: done.
    let (c, net, _) = client(vec![
        Err(NetError::Failed("reset".into())),
        answer(
            200,
            &[],
            json!({"value": [item("x1", "u1", "Deny", "Deny"), item("x2", "u2", "NotReviewed", "NoInfoAvailable")]}),
        ),
    ]);
    block_on(c.accept_recommendations(&at(), None)).unwrap();
    assert_eq!(net.sent.borrow().len(), 2);
    // Still waiting: sent once more.
    let (c, net, _) = client(vec![
        Err(NetError::Failed("reset".into())),
        answer(200, &[], json!({"value": [item("x1", "u1", "NotReviewed", "Approve")]})),
        answer(204, &[], json!(null)),
    ]);
    block_on(c.accept_recommendations(&at(), None)).unwrap();
    let sent = net.sent.borrow();
    assert_eq!(sent.len(), 3);
    assert!(sent[2].uri().to_string().ends_with("/instances/i1/acceptRecommendations"));
}
