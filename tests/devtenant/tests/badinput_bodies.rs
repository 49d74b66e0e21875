//! Hostile request bodies on every Graph endpoint that takes one: malformed JSON, wrong types,
//! missing required fields, unknown enum values, injection attempts and huge bodies. Each is
//! Graph's 4xx with Graph's error body, never a 5xx, and nothing is written.

mod ar;
mod common;
mod em;
mod refused;

use ar::*;
use common::*;
use em::*;
use refused::*;
use reqwest::Method;
use serde_json::{Value, json};

/// Bodies that no JSON endpoint accepts, with the status each gets: unreadable JSON and JSON
/// that is not an object are 400; a body over the limit is 413.
fn unreadable_bodies() -> Vec<(Vec<u8>, u16)> {
    let mut out: Vec<(Vec<u8>, u16)> = [
        "",
        "{",
        "{\"a\":}",
        "[1,2",
        "nul",
        "{'a': 1}",
        "{\"a\":1,}",
        "\u{feff}{}",
        "{\"a\":\"\\ud800\"}",
        "null",
        "42",
        "\"text\"",
        "[]",
        "true",
        "{} {}",
    ]
    .iter()
    .map(|b| (b.as_bytes().to_vec(), 400))
    .collect();
    out.push((vec![0xff, 0xfe, 0x00, b'{'], 400));
    out.push(("[".repeat(100_000).into_bytes(), 400));
    out.push((format!("{{\"a\":{}}}", "{\"a\":".repeat(5000)).into_bytes(), 400));
    // A few MB: over the tenant's 2 MB limit (Graph's own is about 4 MB).
    out.push((json!({"justification": "x".repeat(3 * 1024 * 1024)}).to_string().into_bytes(), 413));
    out
}

/// Sends every unreadable body, and a readable one without a JSON content type (415).
async fn unreadable(p: &mut Prober<'_>, method: Method, path: &str, valid: &Value) {
    for (body, status) in unreadable_bodies() {
        p.refused(Bad::json(method.clone(), path, body), &[status]).await;
    }
    for content_type in [None, Some("text/plain"), Some("application/x-www-form-urlencoded")] {
        let bad = Bad { method: method.clone(), path: path.into(), content_type, body: valid.to_string().into() };
        p.refused(bad, &[415]).await;
    }
}

/// `base` with `pointer` (`/a/b`) set to `value`, or removed when `value` is `None`.
fn with(base: &Value, pointer: &str, value: Option<Value>) -> Value {
    let mut v = base.clone();
    let (parent, key) = pointer.rsplit_once('/').expect("a JSON pointer");
    let target = v.pointer_mut(parent).expect("the parent exists");
    match value {
        Some(x) => target[key] = x,
        None => {
            target.as_object_mut().expect("an object").remove(key);
        }
    }
    v
}

/// Variants of `base` that must be refused: each `(pointer, value)` replaces (or with `None`
/// removes) one field.
async fn variants(p: &mut Prober<'_>, method: Method, path: &str, base: &Value, changes: &[(&str, Option<Value>)]) {
    for (pointer, value) in changes {
        let body = with(base, pointer, value.clone());
        p.refused(Bad::json(method.clone(), path, body.to_string()), &[400]).await;
    }
}

#[tokio::test]
async fn badinput_invitations_refuse_every_malformed_body() {
    let t = start().await;
    let mut p = Prober::new(&t, minted_token(&t, "sara@contoso.com", ALL_SCOPES));
    let path = "/v1.0/invitations";
    let valid =
        json!({"invitedUserEmailAddress": "new@partner.example", "inviteRedirectUrl": "http://localhost:8080/"});
    unreadable(&mut p, Method::POST, path, &valid).await;
    let long_address = format!("{}@partner.example", "a".repeat(300));
    let s = |x: &str| Some(json!(x));
    let changes = [
        // Wrong types.
        ("/invitedUserEmailAddress", Some(json!(5))),
        ("/invitedUserEmailAddress", Some(json!(["new@partner.example"]))),
        ("/inviteRedirectUrl", Some(json!(true))),
        ("/sendInvitationMessage", s("yes")),
        ("/resetRedemption", s("true")),
        ("/invitedUserDisplayName", Some(json!({}))),
        ("/invitedUserMessageInfo", Some(json!([]))),
        ("/invitedUserMessageInfo", Some(json!({"ccRecipients": {}}))),
        ("/invitedUserMessageInfo", Some(json!({"ccRecipients": [5]}))),
        ("/invitedUser", s("some-id")),
        // Missing required fields.
        ("/invitedUserEmailAddress", None),
        ("/inviteRedirectUrl", None),
        ("/resetRedemption", Some(json!(true))),
        // Unknown enum values and properties.
        ("/invitedUserType", s("Administrator")),
        ("/invitedUserType", s("")),
        ("/colour", s("blue")),
        ("/invitedUserMessageInfo", Some(json!({"messageLanguage": "en-US'; DROP TABLE outbox; --"}))),
        // Injection attempts and very long strings.
        ("/invitedUserEmailAddress", s("' OR 1=1 --@x.com")),
        ("/invitedUserEmailAddress", s("a@b.com'; DROP TABLE users; --")),
        ("/invitedUserEmailAddress", s("nils@fabrikam.com\r\nBcc: eve@blocked.example")),
        ("/invitedUserEmailAddress", s("nils\u{0}@fabrikam.com")),
        ("/invitedUserEmailAddress", Some(json!(long_address))),
        ("/inviteRedirectUrl", s("javascript:alert(1)")),
        ("/inviteRedirectUrl", s("' OR 1=1 --")),
    ];
    variants(&mut p, Method::POST, path, &valid, &changes).await;
    p.assert_nothing_written();
}

#[tokio::test]
async fn badinput_assignment_requests_refuse_every_malformed_body() {
    let t = start().await;
    // pat may request the pilot, whose policy allows custom schedules: the checks after the
    // policy's are reached too.
    let mut p = Prober::new(&t, minted_token(&t, "pat@fabrikam.com", ALL_SCOPES));
    let path = format!("{EM}/assignmentRequests");
    let valid = add_request(PILOT);
    unreadable(&mut p, Method::POST, &path, &valid).await;
    let s = |x: &str| Some(json!(x));
    let answer = |v: Value| Some(json!([v]));
    let changes = [
        // Wrong types.
        ("/requestType", Some(json!(5))),
        ("/requestType", Some(json!(["userAdd"]))),
        ("/assignment", s("x")),
        ("/assignment", Some(json!([]))),
        ("/assignment/accessPackageId", Some(json!(5))),
        ("/assignment/assignmentPolicyId", Some(json!({}))),
        ("/justification", Some(json!(5))),
        ("/justification", Some(json!(["why"]))),
        ("/answers", Some(json!({}))),
        ("/answers", answer(json!(5))),
        ("/answers", answer(json!({"answeredQuestion": {"id": 5}, "value": "x"}))),
        ("/schedule", s("tomorrow")),
        ("/schedule", Some(json!({"startDateTime": 5}))),
        ("/schedule", Some(json!({"startDateTime": "not a date"}))),
        ("/schedule", Some(json!({"expiration": "never"}))),
        // Missing required fields.
        ("/requestType", None),
        ("/assignment", None),
        ("/assignment/accessPackageId", None),
        // Unknown enum values and properties.
        ("/requestType", s("userDelete")),
        ("/requestType", s("")),
        ("/schedule", Some(json!({"expiration": {"type": "forever"}}))),
        ("/colour", s("blue")),
        ("/accessPackageAssignment", Some(json!({}))),
        // Numbers past what a date can hold.
        ("/schedule", Some(json!({"expiration": {"type": "afterDuration", "duration": "PT9223372036854775807S"}}))),
        ("/schedule", Some(json!({"expiration": {"type": "afterDuration", "duration": "P99999999999999999999D"}}))),
        ("/schedule", Some(json!({"startDateTime": "+262143-12-31T23:59:59Z"}))),
        // Injection attempts and very long strings.
        ("/assignment/accessPackageId", s("' OR 1=1 --")),
        ("/assignment/accessPackageId", Some(json!("x".repeat(100_000)))),
        ("/assignment/assignmentPolicyId", s("'; DROP TABLE em_requests; --")),
        ("/answers", answer(json!({"answeredQuestion": {"id": "' OR 1=1 --"}, "value": "x"}))),
    ];
    // A missing or unknown package is 404, the rest 400.
    for (pointer, value) in changes {
        let body = with(&valid, pointer, value);
        p.refused(Bad::json(Method::POST, &path, body.to_string()), &[400, 404]).await;
    }
    p.assert_nothing_written();
}

#[tokio::test]
async fn badinput_decisions_refuse_every_malformed_body() {
    let t = start().await;
    // lena's seeded request waits for sara: a real stage, so only the body stands in the way.
    let sara = minted_token(&t, "sara@contoso.com", ALL_SCOPES);
    let pending =
        json_ok(&t, &sara, &format!("{EM}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')")).await;
    let id = pending["value"][0]["id"].as_str().expect("a request waits for sara").to_string();
    let stage = my_stage(&t, &sara, &id).await;
    let mut p = Prober::new(&t, sara);
    let path = format!("{EM}/accessPackageAssignmentApprovals/{id}/stages/{stage}");
    let valid = json!({"reviewResult": "Approve", "justification": "fine"});
    unreadable(&mut p, Method::PATCH, &path, &valid).await;
    let changes = [
        ("/reviewResult", Some(json!(5))),
        ("/reviewResult", Some(json!(null))),
        ("/reviewResult", Some(json!("Maybe"))),
        ("/reviewResult", Some(json!(""))),
        ("/reviewResult", Some(json!("Approve' OR 1=1 --"))),
        ("/reviewResult", None),
        ("/justification", Some(json!(5))),
        ("/justification", Some(json!({"text": "fine"}))),
        ("/colour", Some(json!("blue"))),
    ];
    variants(&mut p, Method::PATCH, &path, &valid, &changes).await;
    p.assert_nothing_written();
}

#[tokio::test]
async fn badinput_bodiless_posts_refuse_hostile_ids_and_no_route_takes_a_method_it_lacks() {
    let t = start().await;
    let mut p = Prober::new(&t, minted_token(&t, "pat@fabrikam.com", ALL_SCOPES));
    let wrong_methods = [
        (Method::DELETE, "/v1.0/me".to_string()),
        (Method::PUT, "/v1.0/invitations".to_string()),
        (Method::PATCH, format!("{EM}/assignmentRequests")),
        (Method::DELETE, format!("{EM}/accessPackages/{}", package_id(PILOT))),
        (Method::GET, format!("{EM}/assignmentRequests/x/cancel")),
        (Method::GET, format!("{EM}/assignments/x/reprocess")),
        (Method::DELETE, format!("{EM}/assignments")),
        (Method::POST, format!("{EM}/connectedOrganizations")),
    ];
    for (method, path) in wrong_methods {
        p.refused(Bad::json(method, path, "{}"), &[405]).await;
    }
    for id in ["%FF", "'%20OR%201=1%20--", "x", &"9".repeat(10_000), "filterByCurrentUser(on='target')"] {
        let cancel = Bad::json(Method::POST, format!("{EM}/assignmentRequests/{id}/cancel"), "");
        p.refused(cancel, &[400, 404]).await;
        let requirements = format!("{EM}/accessPackages/{id}/getApplicablePolicyRequirements");
        p.refused(Bad::json(Method::POST, requirements, ""), &[400, 404]).await;
        for set in ["assignmentRequests", "assignments"] {
            // None of these is a GUID: Graph's 400 before anything is looked up.
            p.refused(Bad::json(Method::POST, format!("{EM}/{set}/{id}/reprocess"), ""), &[400]).await;
        }
    }
    p.assert_nothing_written();
}

#[tokio::test]
async fn badinput_batches_refuse_malformed_envelopes_and_items() {
    let t = start().await;
    let mut p = Prober::new(&t, minted_token(&t, "sara@contoso.com", ALL_SCOPES));
    let path = "/v1.0/$batch";
    let me = json!({"id": "1", "method": "GET", "url": "/me"});
    let valid = json!({"requests": [me]});
    for (body, status) in unreadable_bodies() {
        p.refused(Bad::json(Method::POST, path, body), &[status]).await;
    }
    let item = |change: &str, value: Option<Value>| with(&json!({"requests": [me.clone()]}), change, value);
    let many: Vec<Value> = (0..21).map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/me"})).collect();
    let envelopes = [
        with(&valid, "/requests", Some(json!("x"))),
        with(&valid, "/requests", Some(json!([]))),
        with(&valid, "/requests", Some(json!(many))),
        with(&valid, "/requests", Some(json!([5]))),
        with(&valid, "/requests", None),
        item("/requests/0/id", None),
        item("/requests/0/id", Some(json!(5))),
        item("/requests/0/method", Some(json!("TRACE"))),
        item("/requests/0/method", Some(json!(["GET"]))),
        item("/requests/0/url", None),
        item("/requests/0/url", Some(json!("https://evil.example/v1.0/me"))),
        item("/requests/0/body", Some(json!({"a": 1}))),
        item("/requests/0/headers", Some(json!([]))),
        item("/requests/0/dependsOn", Some(json!("1"))),
        item("/requests/0/dependsOn", Some(json!(["nobody"]))),
        item("/requests/0/dependsOn", Some(json!(["1"]))),
        json!({"requests": [me.clone(), me.clone()]}),
    ];
    for body in envelopes {
        p.refused(Bad::json(Method::POST, path, body.to_string()), &[400]).await;
    }
    // Bad items in a good envelope: the batch answers 200, each item its own Graph error.
    let inner = [
        json!({"id": "a", "method": "GET", "url": "/me\u{0}"}),
        json!({"id": "b", "method": "GET", "url": "/../../_dev/reset"}),
        json!({"id": "c", "method": "GET", "url": "/users?$filter=' OR 1=1 --"}),
        json!({"id": "d", "method": "POST", "url": "/invitations", "headers": {"Content-Type": "application/json"}, "body": {"invitedUserEmailAddress": 5}}),
        json!({"id": "e", "method": "PATCH", "url": "/me", "headers": {"Content-Type": "application/json"}, "body": {}}),
        json!({"id": "f", "method": "GET", "url": "/me", "headers": {"bad header": "x", "x": "\u{0}"}}),
    ];
    let answer: Value =
        graph_post(&t, &minted_token(&t, "sara@contoso.com", ALL_SCOPES), path, &json!({"requests": inner}))
            .await
            .json()
            .await
            .unwrap();
    p.sent += inner.len();
    let responses = answer["responses"].as_array().unwrap_or_else(|| panic!("{answer}"));
    assert_eq!(responses.len(), inner.len());
    for r in responses {
        let status = r["status"].as_u64().unwrap();
        assert!((400..500).contains(&status), "item {}: {r}", r["id"]);
        assert_graph_error_shape(&r["body"], &format!("batch item {}", r["id"]));
    }
    p.assert_nothing_written();
}

#[tokio::test]
async fn badinput_review_decisions_refuse_every_malformed_body() {
    let t = start().await;
    // pat's own item of the demo's Partner portal self-review: only the body stands in the way.
    let review = portal_review();
    let mut p = Prober::new(&t, minted_token(&t, PAT, ALL_SCOPES));
    let valid = json!({"decision": "Approve", "justification": "fine"});
    unreadable(&mut p, Method::PATCH, &review.item_path(), &valid).await;
    let changes = [
        ("/decision", Some(json!(5))),
        ("/decision", Some(json!(null))),
        ("/decision", Some(json!("Maybe"))),
        ("/decision", Some(json!("NotReviewed"))),
        ("/decision", Some(json!("Approve' OR 1=1 --"))),
        ("/decision", None),
        ("/justification", Some(json!(5))),
        ("/justification", Some(json!(["fine"]))),
        ("/principal", Some(json!({"id": "x"}))),
    ];
    variants(&mut p, Method::PATCH, &review.item_path(), &valid, &changes).await;
    let batch = format!("{}/batchRecordDecisions", review.instance_path());
    unreadable(&mut p, Method::POST, &batch, &valid).await;
    let mut changes = changes.to_vec();
    changes.extend([("/principalId", Some(json!(5))), ("/resourceId", Some(json!({"id": "x"})))]);
    variants(&mut p, Method::POST, &batch, &valid, &changes).await;
    // Actions without parameters: no body or `{}`, anything else refused.
    let actions = ["acceptRecommendations", "resetDecisions", "stop", "applyDecisions", "sendReminder"];
    for action in actions {
        let path = format!("{}/{action}", review.instance_path());
        for body in ["{", "[]", "42", "{\"decision\": \"Deny\"}", "{\"a\":1,}", "null"] {
            p.refused(Bad::json(Method::POST, path.clone(), body), &[400]).await;
        }
        let huge = json!({"x": "x".repeat(3 * 1024 * 1024)}).to_string();
        p.refused(Bad::json(Method::POST, path.clone(), huge), &[413]).await;
    }
    for id in ["%FF", "'%20OR%201=1%20--", "x", &"9".repeat(10_000), MINE] {
        let instance = format!("{AR}/definitions/{}/instances/{id}", review.definition);
        for action in actions {
            p.refused(Bad::json(Method::POST, format!("{instance}/{action}"), ""), &[400, 404]).await;
        }
        let decision = format!("{}/decisions/{id}", review.instance_path());
        p.refused(Bad::json(Method::PATCH, decision, valid.to_string()), &[400, 404]).await;
    }
    p.assert_nothing_written();
}
