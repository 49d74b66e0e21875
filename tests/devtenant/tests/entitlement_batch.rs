//! `POST /v1.0/$batch` with entitlement calls: items run through the same routes (auth, faults,
//! errors per item) in `dependsOn` order; a failed dependency gives 424; a malformed batch 400.

mod common;
mod em;

use common::*;
use em::*;
use serde_json::{Value, json};

async fn batch(t: &TestTenant, token: &str, body: &Value) -> reqwest::Response {
    graph_post(t, token, "/v1.0/$batch", body).await
}

fn item<'a>(answer: &'a Value, id: &str) -> &'a Value {
    answer["responses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {answer}"))
}

#[tokio::test]
async fn a_batch_runs_several_entitlement_calls_in_dependency_order() {
    let t = start().await;
    let nils = sign_up(&t, "nils@fabrikam.com", "Nils Ek", REQUESTOR).await;
    let em = EM.trim_start_matches("/v1.0");
    let body = json!({"requests": [
        {"id": "3", "dependsOn": ["2"], "method": "GET", "url": format!("{em}/assignments/filterByCurrentUser(on='target')?$expand=accessPackage")},
        {"id": "1", "method": "GET", "url": format!("{em}/accessPackages/filterByCurrentUser(on='allowedRequestor')?$top=3")},
        {"id": "2", "method": "POST", "url": format!("{}/assignmentRequests", em.trim_start_matches('/')),
         "headers": {"Content-Type": "application/json"}, "body": add_request(PORTAL)},
        {"id": "4", "method": "POST", "url": format!("{em}/assignmentRequests"), "headers": {"Content-Type": "application/json"},
         "body": fabrikam_request(Some("Batch."), "PRJ-77", "developer")},
        {"id": "5", "method": "GET", "url": "me?$select=displayName"},
    ]});
    let r = batch(&t, &nils, &body).await;
    assert_eq!(r.status(), 200);
    let answer: Value = r.json().await.unwrap();
    assert_eq!(item(&answer, "1")["status"], 200);
    assert_eq!(item(&answer, "1")["body"]["value"].as_array().unwrap().len(), 3);
    assert_eq!(item(&answer, "2")["status"], 201);
    conforms(&item(&answer, "2")["body"], "accessPackageAssignmentRequest");
    let mine = &item(&answer, "3")["body"]["value"];
    assert_eq!(mine[0]["accessPackage"]["displayName"], PORTAL, "ran after the request it depends on");
    let bad = item(&answer, "4");
    assert_eq!((bad["status"].as_u64(), bad["body"]["error"]["code"].as_str()), (Some(400), Some("InvalidAnswer")));
    assert!(bad["body"]["error"]["innerError"]["request-id"].is_string());
    assert_eq!(item(&answer, "5")["body"]["displayName"], "Nils Ek");
    assert!(item(&answer, "5")["headers"]["Content-Type"].as_str().unwrap().starts_with("application/json"));

    // An approver decides in a batch and reads the result back in the same one.
    let id = submit(&t, &nils, &add_request(PILOT)).await;
    let sara = access_token(&t, "sara@contoso.com", APPROVER).await;
    let stage = my_stage(&t, &sara, &id).await;
    let body = json!({"requests": [
        {"id": "a", "method": "PATCH", "url": format!("{em}/accessPackageAssignmentApprovals/{id}/stages/{stage}"),
         "headers": {"Content-Type": "application/json"}, "body": {"reviewResult": "Approve", "justification": "ok"}},
        {"id": "b", "dependsOn": ["a"], "method": "GET", "url": format!("{em}/assignmentRequests/{id}")},
        {"id": "c", "dependsOn": ["a"], "method": "PATCH", "url": format!("{em}/accessPackageAssignmentApprovals/{id}/stages/{stage}"),
         "headers": {"Content-Type": "application/json"}, "body": {"reviewResult": "Deny"}},
    ]});
    let answer: Value = batch(&t, &sara, &body).await.json().await.unwrap();
    assert_eq!(item(&answer, "a")["status"], 204);
    assert!(item(&answer, "a").get("body").is_none());
    assert_eq!(item(&answer, "b")["body"]["state"], "delivered");
    assert_eq!(item(&answer, "c")["status"], 409);
}

#[tokio::test]
async fn a_failed_item_fails_its_dependents_and_a_throttled_item_carries_its_retry_after() {
    let t = start().await;
    let pat = access_token(&t, "pat@fabrikam.com", REQUESTOR).await;
    let fault = json!({"path": "/v1.0/identityGovernance/entitlementManagement/connectedOrganizations*", "status": 429, "retryAfter": 7, "times": 1});
    let r = http().post(format!("{}/_dev/faults", t.signin)).json(&fault).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let em = EM.trim_start_matches("/v1.0");
    let body = json!({"requests": [
        {"id": "orgs", "method": "GET", "url": format!("{em}/connectedOrganizations")},
        {"id": "after", "dependsOn": ["orgs"], "method": "GET", "url": format!("{em}/connectedOrganizations")},
        {"id": "unknown", "method": "GET", "url": format!("{em}/accessPackages/00000000-0000-0000-0000-000000000000")},
        {"id": "later", "dependsOn": ["unknown"], "method": "GET", "url": "/me"},
        {"id": "fine", "method": "GET", "url": "/me"},
    ]});
    let answer: Value = batch(&t, &pat, &body).await.json().await.unwrap();
    let throttled = item(&answer, "orgs");
    assert_eq!(throttled["status"], 429);
    assert_eq!(throttled["headers"]["Retry-After"], "7");
    assert_eq!(throttled["body"]["error"]["code"], "TooManyRequests");
    for dependent in ["after", "later"] {
        assert_eq!(item(&answer, dependent)["status"], 424, "{dependent}");
        assert_eq!(item(&answer, dependent)["body"]["error"]["code"], "FailedDependency");
    }
    assert_eq!(item(&answer, "unknown")["status"], 404);
    assert_eq!(item(&answer, "fine")["status"], 200);
    // Without a token every item is refused on its own, as Graph checks each one.
    let answer: Value =
        batch(&t, "", &json!({"requests": [{"id": "1", "method": "GET", "url": "/me"}]})).await.json().await.unwrap();
    assert_eq!(item(&answer, "1")["status"], 401);
    assert!(item(&answer, "1")["headers"]["Www-Authenticate"].is_string());
}

#[tokio::test]
async fn a_malformed_batch_is_refused_whole_with_400() {
    let t = start().await;
    let pat = access_token(&t, "pat@fabrikam.com", REQUESTOR).await;
    let get = |id: &str| json!({"id": id, "method": "GET", "url": "/me"});
    let too_many: Vec<Value> = (0..21).map(|i| get(&i.to_string())).collect();
    let cases = [
        json!({"requests": too_many}),
        json!({"requests": []}),
        json!({"value": [get("1")]}),
        json!({"requests": [get("1"), get("1")]}),
        json!({"requests": [get("A"), get("a")]}),
        json!({"requests": [{"id": "1", "method": "POST", "url": "/invitations", "body": {"x": 1}}]}),
        json!({"requests": [{"id": "1", "method": "GET", "url": "/me", "dependsOn": ["9"]}]}),
        json!({"requests": [{"id": "1", "method": "GET", "url": "/me", "dependsOn": ["2"]}, {"id": "2", "method": "GET", "url": "/me", "dependsOn": ["1"]}]}),
        json!({"requests": [{"id": "1", "method": "FETCH", "url": "/me"}]}),
        json!({"requests": [{"id": "1", "method": "GET", "url": "https://graph.microsoft.com/v1.0/me"}]}),
        json!({"requests": [{"method": "GET", "url": "/me"}]}),
    ];
    for body in &cases {
        assert_graph_error(batch(&t, &pat, body).await, 400, "BadRequest").await;
    }
    let r = http()
        .post(format!("{}/v1.0/$batch", t.graph))
        .bearer_auth(&pat)
        .header("content-type", "application/json")
        .body("[")
        .send()
        .await
        .unwrap();
    assert_graph_error(r, 400, "BadRequest").await;
}
