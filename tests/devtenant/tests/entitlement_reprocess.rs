//! Deliveries that fail and are tried again, and a partner renewing their own access with a
//! schedule of their own: the two demo states the app's other journeys never reach.

mod common;
mod em;

use common::*;
use em::*;
use serde_json::{Value, json};

const MANAGER: &str = "EntitlementManagement.ReadWrite.All";

/// The demo and a package whose only resource fails its first two deliveries per assignment.
fn scenario_with_a_failing_lab() -> String {
    format!(
        "{}{}",
        demo_scenario_text(),
        r#"
[[groups]]
display_name = "Lab users"

[[resources]]
catalog = "General"
display_name = "Lab users"
kind = "group"
roles = ["Member"]
fail_attempts = 2

[[access_packages]]
display_name = "Lab"
catalog = "General"
grants = [{ resource = "Lab users", role = "Member" }]

[[access_packages.policies]]
display_name = "Members"
allowed_target_scope = "allMemberUsers"
"#
    )
}

async fn reprocess(t: &TestTenant, token: &str, set: &str, id: &str) -> reqwest::Response {
    graph_post(t, token, &format!("{EM}/{set}/{id}/reprocess"), &json!({})).await
}

/// The assignment of a request, as its requestor reads it.
async fn assignment_of(t: &TestTenant, token: &str, request_id: &str) -> Value {
    request_expanded(t, token, request_id).await["assignment"].clone()
}

async fn request_expanded(t: &TestTenant, token: &str, request_id: &str) -> Value {
    json_ok(t, token, &format!("{EM}/assignmentRequests/{request_id}?$expand=assignment")).await
}

#[tokio::test]
async fn reprocess_takes_a_failed_delivery_to_delivered_and_refuses_what_is_not_failed() {
    let t = start_with(&scenario_with_a_failing_lab(), ":memory:").await;
    let maja = access_token(&t, "maja@contoso.com", REQUESTOR).await;
    let oskar = minted_token(&t, "oskar@contoso.com", MANAGER);
    let id = submit(&t, &maja, &add_request("Lab")).await;
    let r = request_expanded(&t, &maja, &id).await;
    assert_eq!((r["state"].as_str(), r["status"].as_str()), (Some("deliveryFailed"), Some("DeliveryFailed")));
    assert!(r["completedDateTime"].is_string());
    assert_eq!(r["assignment"]["state"], "deliveryFailed");
    assert!(!members_of(&t, "Lab users").contains(&"maja@contoso.com".to_string()));
    // A failed assignment is not access: asking again is no "already assigned".
    let again = graph_post(&t, &maja, &format!("{EM}/assignmentRequests"), &add_request("Lab")).await;
    assert_eq!(again.status(), 201);
    let id2 = again.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    // The second try of the first request fails too; the third delivers.
    assert_eq!(reprocess(&t, &oskar, "assignmentRequests", &id).await.status(), 202);
    assert_eq!(request(&t, &maja, &id).await["state"], "deliveryFailed");
    assert!(mails_to(&outbox(&t).await, "maja@contoso.com", "accessDelivered").is_empty());
    assert_eq!(reprocess(&t, &oskar, "assignmentRequests", &id).await.status(), 202);
    let r = request_expanded(&t, &maja, &id).await;
    assert_eq!((r["state"].as_str(), r["status"].as_str()), (Some("delivered"), Some("Delivered")));
    assert_eq!(r["assignment"]["state"], "delivered");
    conforms(&r, "accessPackageAssignmentRequest");
    assert!(members_of(&t, "Lab users").contains(&"maja@contoso.com".to_string()));
    assert_eq!(mails_to(&outbox(&t).await, "maja@contoso.com", "accessDelivered").len(), 1);
    // Delivered now: nothing left to reprocess.
    let r = reprocess(&t, &oskar, "assignmentRequests", &id).await;
    assert_graph_error(r, 400, "RequestNotReprocessable").await;
    // Reprocess is for the last 14 days only: the second failed request ages out.
    assert_eq!(request(&t, &maja, &id2).await["state"], "deliveryFailed");
    t.advance_clock(15 * 86_400).await;
    // Tokens from before have expired by now.
    let (maja, oskar) =
        (minted_token(&t, "maja@contoso.com", REQUESTOR), minted_token(&t, "oskar@contoso.com", MANAGER));
    let r = reprocess(&t, &oskar, "assignmentRequests", &id2).await;
    let body = assert_graph_error(r, 400, "RequestNotReprocessable").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("14 days"), "{body}");
    assert_eq!(request(&t, &maja, &id2).await["state"], "deliveryFailed");
    // Ids: not a GUID is a 400, an unknown one a 404.
    assert_graph_error(reprocess(&t, &oskar, "assignmentRequests", "not-an-id").await, 400, "BadRequest").await;
    let unknown = uuid::Uuid::new_v4().to_string();
    assert_graph_error(reprocess(&t, &oskar, "assignmentRequests", &unknown).await, 404, "ResourceNotFound").await;
}

#[tokio::test]
async fn reprocess_completes_the_demos_partially_delivered_build_farm() {
    let t = start().await;
    let alex = access_token(&t, "alex@contoso.com", APPROVER).await;
    let mine = json_ok(&t, &alex, &format!("{EM}/assignmentRequests/filterByCurrentUser(on='target')")).await;
    let farm = mine["value"].as_array().unwrap().iter().find(|r| r["state"] == "partiallyDelivered");
    let id = farm.expect("alex's build farm request")["id"].as_str().unwrap().to_string();
    let a = assignment_of(&t, &alex, &id).await;
    assert_eq!(a["state"], "partiallyDelivered");
    // Its group was delivered; the application was not.
    assert!(members_of(&t, "Build farm users").contains(&"alex@contoso.com".to_string()));
    let end_before = a["schedule"]["expiration"].clone();
    // Partial access is access: no second request for it.
    let again = graph_post(&t, &alex, &format!("{EM}/assignmentRequests"), &add_request("Build farm")).await;
    assert_graph_error(again, 400, "AccessPackageAlreadyAssigned").await;
    // The assignment itself is not delivered, so reprocessing it is refused; its request's is not.
    let aid = a["id"].as_str().unwrap().to_string();
    assert_graph_error(reprocess(&t, &alex, "assignments", &aid).await, 400, "RequestNotReprocessable").await;
    assert_eq!(reprocess(&t, &alex, "assignmentRequests", &id).await.status(), 202);
    let a = assignment_of(&t, &alex, &id).await;
    assert_eq!(a["state"], "delivered");
    assert_eq!(a["schedule"]["expiration"], end_before, "a retry keeps the schedule in force");
    assert_eq!(mails_to(&outbox(&t).await, "alex@contoso.com", "accessDelivered").len(), 1);
    // A delivered assignment may be enforced again: 202, and its membership stays.
    assert_eq!(reprocess(&t, &alex, "assignments", &aid).await.status(), 202);
    assert!(members_of(&t, "Build farm users").contains(&"alex@contoso.com".to_string()));
    // By a catalog owner of its catalog too; a reader of another catalog may not.
    let oskar = minted_token(&t, "oskar@contoso.com", MANAGER);
    assert_eq!(reprocess(&t, &oskar, "assignments", &aid).await.status(), 202);
    let sara = minted_token(&t, "sara@contoso.com", MANAGER);
    assert_graph_error(reprocess(&t, &sara, "assignments", &aid).await, 403, "Forbidden").await;
}

#[tokio::test]
async fn a_partner_renews_their_own_access_with_a_schedule_of_their_own() {
    let t = start().await;
    let pat = access_token(&t, "pat@fabrikam.com", REQUESTOR).await;
    let workspace = package_id("Fabrikam workspace");
    let mine = json_ok(
        &t,
        &pat,
        &format!("{EM}/assignments/filterByCurrentUser(on='target')?$filter=accessPackage/id%20eq%20'{workspace}'"),
    )
    .await;
    let assignment = mine["value"][0].clone();
    let assignment_id = assignment["id"].as_str().expect("pat's workspace").to_string();
    let update = |expiration: Value| {
        json!({
            "requestType": "userUpdate",
            "assignment": {"id": assignment_id, "accessPackageId": workspace},
            "schedule": {"expiration": expiration},
        })
    };
    // Longer than the policy's 365 days is refused.
    let too_long = update(json!({"type": "afterDuration", "duration": "P400D"}));
    let r = graph_post(&t, &pat, &format!("{EM}/assignmentRequests"), &too_long).await;
    assert_graph_error(r, 400, "InvalidRequestSchedule").await;
    // An end date of his own within it: delivered at once (no approval for updates), and the
    // assignment now ends then.
    let end = chrono::DateTime::from_timestamp(t.running.tenant.now() + 200 * 86_400, 0).unwrap();
    let end = end.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let id = submit(&t, &pat, &update(json!({"type": "afterDateTime", "endDateTime": end}))).await;
    let r = request_expanded(&t, &pat, &id).await;
    assert_eq!((r["requestType"].as_str(), r["state"].as_str()), (Some("userUpdate"), Some("delivered")));
    assert_eq!(r["schedule"]["expiration"]["endDateTime"], end.as_str());
    assert_eq!(r["assignment"]["id"], assignment_id.as_str());
    let renewed = r["assignment"]["schedule"]["expiration"].clone();
    assert_ne!(renewed, assignment["schedule"]["expiration"]);
    assert_eq!(renewed["endDateTime"], end.as_str());
    // The portal's policy allows neither self-update nor a schedule: the same request is refused.
    let portal = json_ok(
        &t,
        &pat,
        &format!(
            "{EM}/assignments/filterByCurrentUser(on='target')?$filter=accessPackage/id%20eq%20'{}'",
            package_id(PORTAL)
        ),
    )
    .await;
    let body = json!({
        "requestType": "userUpdate",
        "assignment": {"id": portal["value"][0]["id"]},
        "schedule": {"expiration": {"type": "afterDuration", "duration": "P10D"}},
    });
    let r = graph_post(&t, &pat, &format!("{EM}/assignmentRequests"), &body).await;
    assert_graph_error(r, 400, "RequestTypeNotAllowedByPolicy").await;
}

#[tokio::test]
async fn reprocess_tries_a_refused_guest_again_and_never_revives_access_given_up() {
    // Fabrikam blocked after lena asked: her guest account cannot be made when she is approved.
    let text = demo_scenario_text().replace(
        "blocked_domains = [\"blocked.example\"]",
        "blocked_domains = [\"blocked.example\", \"fabrikam.com\"]",
    );
    let t = start_with(&text, ":memory:").await;
    let sara = access_token(&t, "sara@contoso.com", APPROVER).await;
    let oskar = access_token(&t, "oskar@contoso.com", APPROVER).await;
    let pending = json_ok(&t, &sara, &format!("{EM}/assignmentRequests/filterByCurrentUser(on='approver')")).await;
    let id = pending["value"][0]["id"].as_str().expect("lena's request").to_string();
    let s = my_stage(&t, &sara, &id).await;
    decide(&t, &sara, &id, &s, "Approve", Some("Known tester.")).await;
    let s = my_stage(&t, &oskar, &id).await;
    decide(&t, &oskar, &id, &s, "Approve", None).await;
    t.advance_clock(120).await;
    let alex = minted_token(&t, "alex@contoso.com", MANAGER);
    assert_eq!(request(&t, &alex, &id).await["state"], "deliveryFailed");
    assert_eq!(reprocess(&t, &alex, "assignmentRequests", &id).await.status(), 202);
    let r = request_expanded(&t, &alex, &id).await;
    assert_eq!(
        (r["state"].as_str(), r["assignment"]["state"].as_str()),
        (Some("deliveryFailed"), Some("deliveryFailed"))
    );
    assert!(t.running.tenant.store.user_by_mail("lena@fabrikam.com").is_none(), "still no guest");

    // Alex gives up his partially delivered build farm: its request is not retried after that.
    let mine = json_ok(&t, &alex, &format!("{EM}/assignmentRequests/filterByCurrentUser(on='target')")).await;
    let farm = mine["value"].as_array().unwrap().iter().find(|r| r["state"] == "partiallyDelivered").cloned();
    let farm_id = farm.expect("alex's build farm")["id"].as_str().unwrap().to_string();
    let aid = assignment_of(&t, &alex, &farm_id).await["id"].as_str().unwrap().to_string();
    submit(&t, &alex, &json!({"requestType": "userRemove", "assignment": {"id": aid}})).await;
    assert_eq!(assignment_of(&t, &alex, &farm_id).await["state"], "expired");
    assert!(!members_of(&t, "Build farm users").contains(&"alex@contoso.com".to_string()));
    let r = reprocess(&t, &alex, "assignmentRequests", &farm_id).await;
    assert_graph_error(r, 400, "RequestNotReprocessable").await;
    assert_eq!(assignment_of(&t, &alex, &farm_id).await["state"], "expired");
}
