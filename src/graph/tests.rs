//! The client's behaviour against scripted answers: retries, renewal, claims challenges,
//! writes that got no answer, batches and paging.

use super::batch::{BatchItem, take};
use super::*;
use crate::net::NetError;
use futures::executor::block_on;
use serde_json::{Value, json};

use super::fake::{Scripted, answer, client, graph_error};

#[test]
fn throttling_is_retried_after_retry_after_and_then_succeeds() {
    let (c, net, _) = client(vec![
        answer(429, &[("retry-after", "2")], graph_error("TooManyRequests")),
        answer(503, &[], graph_error("ServiceUnavailable")),
        answer(200, &[], json!({"id": "me"})),
    ]);
    let me: Value = block_on(c.get("/me", None)).unwrap();
    assert_eq!(me["id"], "me");
    assert_eq!(*net.slept.borrow(), [2000, 2000], "Retry-After, then back-off for the second try");
    let sent = net.sent.borrow();
    assert_eq!(sent.len(), 3);
    assert!(
        sent.iter().all(|r| r.headers()["client-request-id"] == "11111111-1111-4111-8111-111111111111"),
        "one id per logical call"
    );
    assert_eq!(sent[0].uri(), "https://graph.example/v1.0/me");
}

#[test]
fn throttling_gives_up_after_three_retries_with_graphs_error() {
    let (c, net, _) = client((0..4).map(|_| answer(429, &[], graph_error("TooManyRequests"))).collect());
    let err = block_on(c.get::<Value>("/me", None)).unwrap_err();
    assert_eq!(err.code(), Some("TooManyRequests"));
    assert_eq!(err.request_id(), Some("rid-1"));
    assert_eq!(net.sent.borrow().len(), 4);
}

#[test]
fn a_refused_token_is_renewed_once() {
    let (c, _, auth) =
        client(vec![answer(401, &[], graph_error("InvalidAuthenticationToken")), answer(200, &[], json!({}))]);
    block_on(c.get::<Value>("/me", None)).unwrap();
    assert_eq!(*auth.renewals.borrow(), [Renew::No, Renew::Refresh]);
    let (c, _, _) = client(vec![
        answer(401, &[], graph_error("InvalidAuthenticationToken")),
        answer(401, &[], graph_error("InvalidAuthenticationToken")),
    ]);
    assert_eq!(block_on(c.get::<Value>("/me", None)).unwrap_err().status(), Some(401));
}

#[test]
fn a_claims_challenge_asks_the_session_for_those_claims() {
    let claims = r#"{"access_token":{"nbf":{"essential":true,"value":"1726077595"}}}"#;
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(claims);
    let challenge = format!(
        r#"Bearer realm="", authorization_uri="https://login/x", error="insufficient_claims", claims="{encoded}""#
    );
    let (c, _, auth) = client(vec![
        answer(401, &[("www-authenticate", &challenge)], graph_error("InvalidAuthenticationToken")),
        answer(200, &[], json!({})),
    ]);
    block_on(c.get::<Value>("/me", None)).unwrap();
    assert_eq!(auth.renewals.borrow()[1], Renew::Claims(claims.into()));
}

#[test]
fn a_write_without_an_answer_is_not_sent_again() {
    let (c, net, _) = client(vec![Err(NetError::Failed("connection reset".into()))]);
    let err = block_on(c.post::<_, Value>("/invitations", &json!({}), None)).unwrap_err();
    assert!(matches!(err, GraphError::Network { maybe_applied: true, .. }), "{err:?}");
    assert_eq!(net.sent.borrow().len(), 1);
    let (c, net, _) = client(vec![Err(NetError::Failed("reset".into())), answer(200, &[], json!({}))]);
    block_on(c.get::<Value>("/me", None)).unwrap();
    assert_eq!(net.sent.borrow().len(), 2, "a read is simply sent again");
}

#[test]
fn links_outside_graph_are_refused() {
    let (c, net, _) = client(vec![]);
    assert!(block_on(c.get::<Value>("https://evil.example/v1.0/me", None)).is_err());
    assert!(net.sent.borrow().is_empty(), "the token never left");
}

#[test]
fn pages_are_followed_through_empty_ones() {
    let (c, net, _) = client(vec![
        answer(
            200,
            &[],
            json!({"value": [{"id": "a"}], "@odata.nextLink": "https://graph.example/v1.0/users?$skiptoken=1"}),
        ),
        answer(200, &[], json!({"value": [], "@odata.nextLink": "https://graph.example/v1.0/users?$skiptoken=2"})),
        answer(200, &[], json!({"value": [{"id": "b"}]})),
    ]);
    let users: Vec<models::User> = block_on(c.all_pages("/users", 10, None)).unwrap();
    assert_eq!(users.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(net.sent.borrow()[2].uri(), "https://graph.example/v1.0/users?$skiptoken=2");
}

#[test]
fn a_batch_matches_answers_by_id_and_retries_only_throttled_items() {
    let (c, net, _) = client(vec![
        answer(
            200,
            &[],
            json!({"responses": [
                {"id": "2", "status": 429, "headers": {"Retry-After": "3"}, "body": graph_error("TooManyRequests")},
                {"id": "1", "status": 200, "body": {"id": "me"}},
                {"id": "3", "status": 404, "body": graph_error("Request_ResourceNotFound")},
            ]}),
        ),
        answer(200, &[], json!({"responses": [{"id": "2", "status": 200, "body": {"value": []}}]})),
    ]);
    let items = vec![BatchItem::get("1", "/me"), BatchItem::get("2", "/users"), BatchItem::get("3", "/users/x")];
    let mut results = block_on(c.batch(items, None)).unwrap();
    assert_eq!(*net.slept.borrow(), [3000]);
    let second: Value = serde_json::from_slice(net.sent.borrow()[1].body()).unwrap();
    assert_eq!(second["requests"].as_array().unwrap().len(), 1, "only the throttled item again");
    assert_eq!(take::<Value>(&mut results, "1").unwrap()["id"], "me");
    assert!(take::<Value>(&mut results, "2").unwrap()["value"].is_array());
    assert_eq!(take::<Value>(&mut results, "3").unwrap_err().code(), Some("Request_ResourceNotFound"));
}

fn new_request() -> entitlement::models::NewRequest {
    entitlement::models::NewRequest {
        request_type: "userAdd".into(),
        assignment: entitlement::models::NewAssignment {
            access_package_id: Some("pkg-1".into()),
            assignment_policy_id: Some("pol-1".into()),
            ..Default::default()
        },
        justification: Some("I deliver".into()),
        answers: vec![],
        schedule: None,
    }
}

fn my_requests(created: &str) -> Scripted {
    answer(
        200,
        &[],
        json!({"value": [{"id": "req-7", "requestType": "userAdd", "justification": "I deliver",
                          "createdDateTime": created, "accessPackage": {"id": "pkg-1", "displayName": "P"}}]}),
    )
}

#[test]
fn a_request_whose_answer_was_lost_is_looked_for_before_it_is_sent_again() {
    // Carried out: found among my requests of the last minutes, not sent twice.
    let (c, net, _) = client(vec![Err(NetError::Failed("reset".into())), my_requests("2026-11-25T11:58:30Z")]);
    let found = block_on(c.submit_request(&new_request(), None)).unwrap();
    assert_eq!(found.id, "req-7");
    let methods: Vec<_> = net.sent.borrow().iter().map(|r| r.method().to_string()).collect();
    assert_eq!(methods, ["POST", "GET"]);
    // A gateway timeout, and only an older request like it: sent once more.
    let (c, net, _) = client(vec![
        answer(504, &[], graph_error("GatewayTimeout")),
        my_requests("2026-11-24T09:00:00Z"),
        answer(201, &[], json!({"id": "req-8"})),
    ]);
    assert_eq!(block_on(c.submit_request(&new_request(), None)).unwrap().id, "req-8");
    assert_eq!(net.sent.borrow().len(), 3);
}

#[test]
fn a_lost_decision_is_read_back_from_its_stage() {
    let (c, net, _) = client(vec![
        Err(NetError::Failed("reset".into())),
        answer(200, &[], json!({"id": "1", "reviewResult": "Approve", "justification": "Fine"})),
    ]);
    block_on(c.decide("req-1", "1", true, "Fine", None)).unwrap();
    assert_eq!(net.sent.borrow().len(), 2, "recorded: not sent again");
    let (c, net, _) = client(vec![
        Err(NetError::Failed("reset".into())),
        answer(200, &[], json!({"id": "1", "reviewResult": "NotReviewed"})),
        answer(204, &[], json!(null)),
    ]);
    block_on(c.decide("req-1", "1", true, "Fine", None)).unwrap();
    assert_eq!(net.sent.borrow()[2].method(), "PATCH", "not recorded: sent once more");
}

#[test]
fn a_batch_of_reads_is_sent_again_after_a_lost_answer_but_a_batch_with_writes_is_not() {
    let (c, net, _) = client(vec![
        Err(NetError::Failed("reset".into())),
        answer(200, &[], json!({"responses": [{"id": "1", "status": 200, "body": {"id": "me"}}]})),
    ]);
    block_on(c.batch(vec![BatchItem::get("1", "/me")], None)).unwrap();
    assert_eq!(net.sent.borrow().len(), 2);
    let (c, net, _) = client(vec![Err(NetError::Failed("reset".into()))]);
    let err = block_on(c.batch(vec![BatchItem::post("1", "/invitations", json!({}))], None)).unwrap_err();
    assert!(err.maybe_applied(), "{err:?}");
    assert_eq!(net.sent.borrow().len(), 1);
}

#[test]
fn a_lost_invitation_is_asked_for_again_without_a_second_mail_once_the_guest_exists() {
    let (c, net, _) = client(vec![
        Err(NetError::Failed("reset".into())),
        answer(200, &[], json!({"value": [{"id": "guest-1"}]})),
        answer(
            201,
            &[],
            json!({"id": "inv-2", "inviteRedeemUrl": "https://login/redeem", "invitedUser": {"id": "guest-1"}}),
        ),
    ]);
    let invitation = invitations::NewInvitation {
        invited_user_email_address: "kim@fabrikam.com".into(),
        send_invitation_message: true,
        ..Default::default()
    };
    let done = block_on(c.invite(&invitation, None)).unwrap();
    assert_eq!(done.invited_user.unwrap().id, "guest-1");
    let sent = net.sent.borrow();
    assert!(sent[1].uri().to_string().contains("mail%20eq%20%27kim%40fabrikam.com%27"), "{}", sent[1].uri());
    let again: Value = serde_json::from_slice(sent[2].body()).unwrap();
    assert_eq!(again["sendInvitationMessage"], false, "one mail is enough");
}

#[test]
fn offline_a_read_is_not_retried_so_the_person_hears_it_at_once() {
    let (c, net, _) = client(vec![Err(NetError::Failed("offline".into()))]);
    net.offline.set(true);
    let err = block_on(c.get::<Value>("/me", None)).unwrap_err();
    assert!(matches!(err, GraphError::Network { .. }), "{err:?}");
    assert_eq!((net.sent.borrow().len(), net.slept.borrow().len()), (1, 0));
}

#[test]
fn a_batch_whose_items_refuse_the_token_is_sent_again_once_with_a_fresh_one() {
    let refused = json!({"id": "1", "status": 401, "headers": {}, "body": graph_error("InvalidAuthenticationToken")});
    let (c, net, auth) = client(vec![
        answer(200, &[], json!({"responses": [refused.clone(), {"id": "2", "status": 200, "body": {"id": "b"}}]})),
        answer(200, &[], json!({"responses": [{"id": "1", "status": 200, "body": {"id": "a"}}]})),
    ]);
    let items = vec![BatchItem::get("1", "/me"), BatchItem::get("2", "/users/b")];
    let mut results = block_on(c.batch(items, None)).unwrap();
    assert_eq!(take::<Value>(&mut results, "1").unwrap()["id"], "a");
    assert_eq!(*auth.renewals.borrow(), [Renew::No, Renew::Refresh]);
    let second: Value = serde_json::from_slice(net.sent.borrow()[1].body()).unwrap();
    assert_eq!(second["requests"].as_array().unwrap().len(), 1, "only the refused item again");
    // Refused again after renewing: that is the item's error, not a loop.
    let (c, net, _) = client(vec![
        answer(200, &[], json!({"responses": [refused.clone()]})),
        answer(200, &[], json!({"responses": [refused]})),
    ]);
    let mut results = block_on(c.batch(vec![BatchItem::get("1", "/me")], None)).unwrap();
    assert_eq!(take::<Value>(&mut results, "1").unwrap_err().status(), Some(401));
    assert_eq!(net.sent.borrow().len(), 2);
}
