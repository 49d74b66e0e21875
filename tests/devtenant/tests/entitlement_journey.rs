//! Entitlement management end to end over HTTP: a partner signs up, requests the Fabrikam package
//! with answers, two stages approve it and the group membership arrives; and the other endings:
//! denial with a reason, automatic denial on the clock, cancellation, extension, removal,
//! expiry, a scheduled start, and an outsider who becomes a guest when approved.

mod common;
mod em;

use common::*;
use em::*;
use serde_json::{Value, json};

#[tokio::test]
async fn nils_signs_up_requests_the_fabrikam_package_and_two_approval_stages_deliver_it() {
    let t = start().await;
    let nils = sign_up(&t, "nils@fabrikam.com", "Nils Ek", REQUESTOR).await;
    let sara = access_token(&t, "sara@contoso.com", APPROVER).await;
    let oskar = access_token(&t, "oskar@contoso.com", APPROVER).await;

    // nils finds the package among what he may request, with its policy and questions.
    let p = json_ok(
        &t,
        &nils,
        &format!("{EM}/accessPackages/{}?$expand=assignmentPolicies($expand=questions)", package_id(FABRIKAM)),
    )
    .await;
    conforms(&p, "accessPackage");
    let policy = &p["assignmentPolicies"][0];
    assert_eq!(policy["requestApprovalSettings"]["stages"].as_array().unwrap().len(), 2);
    assert_eq!(policy["questions"][0]["regexPattern"], "^PRJ-[0-9]{4}$");
    let role = &policy["questions"][1];
    assert_eq!(role["@odata.type"], "#microsoft.graph.accessPackageMultipleChoiceQuestion");
    assert!(
        role["localizations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["languageCode"] == "sv-SE" && l["text"] == "Din roll i projektet")
    );

    let r = graph_post(
        &t,
        &nils,
        &format!("{EM}/assignmentRequests"),
        &fabrikam_request(Some("I build the integration."), "PRJ-1234", "developer"),
    )
    .await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    conforms(&created, "accessPackageAssignmentRequest");
    assert_eq!(created["state"], "submitted", "Graph answers the request as accepted");
    assert_eq!(created["status"], "Accepted");
    let id = created["id"].as_str().unwrap().to_string();

    // Stage 1: Fabrikam's internal sponsor, sara, is asked (and oskar is not yet).
    assert_eq!(request(&t, &nils, &id).await["state"], "pendingApproval");
    let mails = outbox(&t).await;
    assert_eq!(mails_to(&mails, "sara@contoso.com", "approvalRequired").len(), 1);
    assert!(mails_to(&mails, "oskar@contoso.com", "approvalRequired").is_empty());
    let mine = json_ok(
        &t,
        &sara,
        &format!("{EM}/assignmentRequests/filterByCurrentUser(on='approver')?$expand=requestor,accessPackage"),
    )
    .await;
    let item = mine["value"].as_array().unwrap().iter().find(|r| r["id"] == id.as_str()).cloned().unwrap();
    conforms(&item, "accessPackageAssignmentRequest");
    assert_eq!(item["requestor"]["email"], "nils@fabrikam.com");
    assert_eq!(item["answers"][0]["value"], "PRJ-1234");
    assert_eq!(item["answers"][1]["displayValue"], "Developer");
    let approval = json_ok(&t, &sara, &format!("{EM}/accessPackageAssignmentApprovals/{id}")).await;
    conforms(&approval, "approval");
    assert_eq!(approval["stages"][0]["reviewResult"], "NotReviewed");
    let stage1 = my_stage(&t, &sara, &id).await;
    assert_eq!(decide(&t, &sara, &id, &stage1, "Approve", Some("Nils is on the project.")).await.status(), 204);

    // Stage 2: oskar.
    let stage2 = my_stage(&t, &oskar, &id).await;
    assert_ne!(stage1, stage2);
    assert_eq!(decide(&t, &oskar, &id, &stage2, "Approve", None).await.status(), 204);

    let done = json_ok(
        &t,
        &nils,
        &format!(
            "{EM}/assignmentRequests/{id}?$expand=assignment($expand=target),requestor($expand=connectedOrganization)"
        ),
    )
    .await;
    conforms(&done, "accessPackageAssignmentRequest");
    assert_eq!(done["state"], "delivered");
    assert!(done["completedDateTime"].is_string());
    assert_eq!(done["assignment"]["state"], "delivered");
    assert_eq!(done["assignment"]["target"]["email"], "nils@fabrikam.com");
    assert_eq!(done["requestor"]["connectedOrganization"]["displayName"], "Fabrikam");
    let stages = json_ok(&t, &oskar, &format!("{EM}/accessPackageAssignmentApprovals/{id}/stages")).await;
    let results: Vec<&Value> = stages["value"].as_array().unwrap().iter().map(|s| &s["reviewResult"]).collect();
    assert_eq!(results, [&json!("Approved"), &json!("Approved")]);
    conforms(&stages["value"][0], "approvalStage");

    let assignments =
        json_ok(&t, &nils, &format!("{EM}/assignments/filterByCurrentUser(on='target')?$expand=accessPackage,target"))
            .await;
    let a = &assignments["value"][0];
    conforms(a, "accessPackageAssignment");
    assert_eq!(a["accessPackage"]["displayName"], FABRIKAM);
    assert_eq!(a["schedule"]["expiration"]["type"], "afterDateTime", "90 days from delivery");
    assert!(members_of(&t, "Fabrikam project team").contains(&"nils@fabrikam.com".to_string()));
    let mails = outbox(&t).await;
    assert_eq!(mails_to(&mails, "oskar@contoso.com", "approvalRequired").len(), 1);
    assert_eq!(mails_to(&mails, "nils@fabrikam.com", "requestApproved").len(), 1);
    assert_eq!(mails_to(&mails, "nils@fabrikam.com", "accessDelivered").len(), 1);

    // Extending needs a justification (the policy asks for one) but no new answers (it keeps
    // the ones given); a wrong answer is still refused.
    let assignment = a["id"].as_str().unwrap();
    let mut bad = fabrikam_request(Some("More time."), "PRJ-1", "developer");
    bad["requestType"] = json!("userExtend");
    bad["assignment"] = json!({"id": assignment});
    let r = graph_post(&t, &nils, &format!("{EM}/assignmentRequests"), &bad).await;
    assert_graph_error(r, 400, "InvalidAnswer").await;
    let without = json!({"requestType": "userExtend", "assignment": {"id": assignment}});
    let r = graph_post(&t, &nils, &format!("{EM}/assignmentRequests"), &without).await;
    assert_graph_error(r, 400, "RequestorJustificationRequired").await;
    let body = json!({"requestType": "userExtend", "assignment": {"id": assignment}, "justification": "More time."});
    let ext = submit(&t, &nils, &body).await;
    assert_eq!(request(&t, &nils, &ext).await["state"], "delivered");
}

#[tokio::test]
async fn a_denial_carries_a_reason_the_requestor_can_read() {
    let t = start().await;
    let nils = sign_up(&t, "nils@fabrikam.com", "Nils Ek", REQUESTOR).await;
    let sara = access_token(&t, "sara@contoso.com", APPROVER).await;
    let id = submit(&t, &nils, &fabrikam_request(Some("Curious."), "PRJ-0001", "tester")).await;
    let stage = my_stage(&t, &sara, &id).await;
    // Stage 1 wants the approver's justification.
    let r = decide(&t, &sara, &id, &stage, "Deny", None).await;
    assert_graph_error(r, 400, "ApproverJustificationRequired").await;
    let r = decide(&t, &sara, &id, &stage, "Reject", Some("x")).await;
    assert_graph_error(r, 400, "BadRequest").await;
    assert_eq!(decide(&t, &sara, &id, &stage, "Deny", Some("PRJ-0001 is closed.")).await.status(), 204);
    let r = request(&t, &nils, &id).await;
    assert_eq!((r["state"].as_str(), r["status"].as_str()), (Some("denied"), Some("Denied")));
    // The requestor reads the reason on the approval of their own request, and in the mail.
    let approval = json_ok(&t, &nils, &format!("{EM}/accessPackageAssignmentApprovals/{id}")).await;
    let s = &approval["stages"][0];
    assert_eq!(
        (s["reviewResult"].as_str(), s["justification"].as_str()),
        (Some("Denied"), Some("PRJ-0001 is closed."))
    );
    assert_eq!(s["reviewedBy"]["displayName"], "Sara Lindqvist");
    assert_eq!(s["assignedToMe"], false);
    let mails = outbox(&t).await;
    let denial = mails_to(&mails, "nils@fabrikam.com", "requestDenied");
    assert!(denial[0]["body"].as_str().unwrap().contains("PRJ-0001 is closed."));
    assert!(members_of(&t, "Fabrikam project team").iter().all(|m| m != "nils@fabrikam.com"));
}

#[tokio::test]
async fn an_undecided_stage_escalates_and_then_is_denied_when_the_clock_moves() {
    let t = start().await;
    let nils = sign_up(&t, "nils@fabrikam.com", "Nils Ek", REQUESTOR).await;
    let sara = access_token(&t, "sara@contoso.com", APPROVER).await;
    let id = submit(&t, &nils, &fabrikam_request(Some("Testing."), "PRJ-0002", "tester")).await;
    let stage = my_stage(&t, &sara, &id).await;
    decide(&t, &sara, &id, &stage, "Approve", Some("Fine.")).await;
    // Stage 2 (oskar) escalates to alex after three days…
    t.advance_clock(3 * 86_400 + 60).await;
    let alex = access_token(&t, "alex@contoso.com", APPROVER).await;
    // (Tokens issued before the jump have expired: read with fresh ones.)
    assert_eq!(request(&t, &alex, &id).await["status"], "PendingApprovalEscalated");
    my_stage(&t, &alex, &id).await;
    assert_eq!(mails_to(&outbox(&t).await, "alex@contoso.com", "approvalRequired").len(), 1);
    // …and nobody deciding within seven days denies it.
    t.advance_clock(4 * 86_400).await;
    let oskar = access_token(&t, "oskar@contoso.com", APPROVER).await;
    let r = request(&t, &oskar, &id).await;
    assert_eq!((r["state"].as_str(), r["status"].as_str()), (Some("denied"), Some("Expired")));
    let a = json_ok(&t, &oskar, &format!("{EM}/accessPackageAssignmentApprovals/{id}")).await;
    assert_eq!(
        (a["stages"][1]["status"].as_str(), a["stages"][1]["reviewResult"].as_str()),
        (Some("Expired"), Some("NotReviewed"))
    );
    let pending =
        json_ok(&t, &oskar, &format!("{EM}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')")).await;
    assert!(pending["value"].as_array().unwrap().iter().all(|a| a["id"] != id.as_str()));
    let s2 = a["stages"][1]["id"].as_str().unwrap();
    assert_graph_error(decide(&t, &oskar, &id, s2, "Approve", None).await, 409, "Conflict").await;
    assert_eq!(mails_to(&outbox(&t).await, "nils@fabrikam.com", "requestDenied").len(), 1);
}

#[tokio::test]
async fn a_requestor_cancels_a_pending_request_and_its_approvers_stop_seeing_it() {
    let t = start().await;
    let nils = sign_up(&t, "nils@fabrikam.com", "Nils Ek", REQUESTOR).await;
    let sara = access_token(&t, "sara@contoso.com", APPROVER).await;
    let id = submit(&t, &nils, &fabrikam_request(Some("Soon."), "PRJ-0003", "manager")).await;
    let stage = my_stage(&t, &sara, &id).await;
    let maja = access_token(&t, "maja@contoso.com", REQUESTOR).await;
    let r = graph_post(&t, &maja, &format!("{EM}/assignmentRequests/{id}/cancel"), &json!({})).await;
    assert_graph_error(r, 403, "Forbidden").await;
    let r = graph_post(&t, &nils, &format!("{EM}/assignmentRequests/{id}/cancel"), &json!({})).await;
    assert_eq!(r.status(), 204);
    assert_eq!(request(&t, &nils, &id).await["state"], "canceled");
    let pending = json_ok(&t, &sara, &format!("{EM}/assignmentRequests/filterByCurrentUser(on='approver')")).await;
    assert!(pending["value"].as_array().unwrap().iter().all(|r| r["id"] != id.as_str()));
    assert_graph_error(decide(&t, &sara, &id, &stage, "Approve", Some("late")).await, 409, "Conflict").await;
    let r = graph_post(&t, &nils, &format!("{EM}/assignmentRequests/{id}/cancel"), &json!({})).await;
    assert_graph_error(r, 400, "RequestNotCancelable").await;
}

#[tokio::test]
async fn maja_extends_then_removes_her_assignment_and_loses_the_membership() {
    let t = start().await;
    let maja = access_token(&t, "maja@contoso.com", REQUESTOR).await;
    assert!(members_of(&t, "Engineering tools users").contains(&"maja@contoso.com".to_string()), "seeded delivery");
    let mine =
        json_ok(&t, &maja, &format!("{EM}/assignments/filterByCurrentUser(on='target')?$filter=state eq 'delivered'"))
            .await;
    let a = &mine["value"][0];
    let before = a["schedule"]["expiration"]["endDateTime"].as_str().unwrap().to_string();
    let assignment = a["id"].as_str().unwrap().to_string();
    // `userExtend`, as the docs name it, renews for the policy's 180 days from now.
    t.advance_clock(30 * 86_400).await;
    let maja = access_token(&t, "maja@contoso.com", REQUESTOR).await;
    let r = graph_post(
        &t,
        &maja,
        &format!("{EM}/assignmentRequests"),
        &json!({"requestType": "UserExtend", "assignment": {"id": assignment}}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let ext: Value = r.json().await.unwrap();
    assert_eq!(ext["requestType"], "userUpdate", "shown as the v1.0 enum value");
    conforms(&ext, "accessPackageAssignmentRequest");
    assert_eq!(request(&t, &maja, ext["id"].as_str().unwrap()).await["state"], "delivered");
    let after = json_ok(&t, &maja, &format!("{EM}/assignments/{assignment}")).await;
    assert!(after["schedule"]["expiration"]["endDateTime"].as_str().unwrap() > before.as_str());
    // Giving it up removes the group membership it granted.
    let id = submit(&t, &maja, &json!({"requestType": "userRemove", "assignment": {"id": assignment}})).await;
    assert_eq!(request(&t, &maja, &id).await["state"], "delivered");
    let gone = json_ok(&t, &maja, &format!("{EM}/assignments/{assignment}")).await;
    assert_eq!(gone["state"], "expired");
    assert!(gone["expiredDateTime"].is_string());
    assert!(!members_of(&t, "Engineering tools users").contains(&"maja@contoso.com".to_string()));
    let r = graph_post(
        &t,
        &maja,
        &format!("{EM}/assignmentRequests"),
        &json!({"requestType": "userRemove", "assignment": {"id": assignment}}),
    )
    .await;
    assert_graph_error(r, 400, "AccessPackageAssignmentNotFound").await;
}

#[tokio::test]
async fn access_expires_on_the_clock_after_a_reminder_and_takes_the_membership_away() {
    let t = start().await;
    let pat = access_token(&t, "pat@fabrikam.com", REQUESTOR).await;
    let id = submit(
        &t,
        &pat,
        &json!({
            "requestType": "userAdd", "assignment": {"accessPackageId": package_id(PILOT)},
            "schedule": {"expiration": {"type": "afterDuration", "duration": "P10D"}},
        }),
    )
    .await;
    let sara = access_token(&t, "sara@contoso.com", APPROVER).await;
    let stage = my_stage(&t, &sara, &id).await;
    decide(&t, &sara, &id, &stage, "Approve", None).await;
    assert!(members_of(&t, "Pilot testers").contains(&"pat@fabrikam.com".to_string()));
    // Ten days is within the 14-day reminder: it goes out at the next look.
    assert_eq!(request(&t, &pat, &id).await["state"], "delivered");
    let soon = mails_to(&outbox(&t).await, "pat@fabrikam.com", "accessExpiringSoon").len();
    assert_eq!(soon, 1);
    t.advance_clock(9 * 86_400 + 60).await;
    let mails = outbox(&t).await;
    let soon = mails_to(&mails, "pat@fabrikam.com", "accessExpiringSoon");
    assert_eq!(soon.len(), 2, "and one day before: {soon:?}");
    assert!(soon[0]["subject"].as_str().unwrap().contains("10 days"));
    assert!(soon[1]["subject"].as_str().unwrap().contains("1 day"));
    t.advance_clock(86_400).await;
    let pat = access_token(&t, "pat@fabrikam.com", REQUESTOR).await;
    let r = request(&t, &pat, &id).await;
    assert_eq!(r["state"], "delivered", "the request stays delivered; its assignment expires");
    let list = json_ok(
        &t,
        &pat,
        &format!(
            "{EM}/assignments/filterByCurrentUser(on='target')?$filter=accessPackage/id eq '{}'",
            package_id(PILOT)
        ),
    )
    .await;
    assert_eq!(list["value"][0]["state"], "expired");
    assert!(!members_of(&t, "Pilot testers").contains(&"pat@fabrikam.com".to_string()));
}

#[tokio::test]
async fn a_later_start_is_scheduled_until_the_clock_reaches_it() {
    let t = start().await;
    let pat = access_token(&t, "pat@fabrikam.com", REQUESTOR).await;
    let start_at = chrono::Utc::now() + chrono::Duration::days(3);
    let id = submit(
        &t,
        &pat,
        &json!({
            "requestType": "userAdd", "assignment": {"accessPackageId": package_id(PILOT)},
            "schedule": {"startDateTime": start_at.to_rfc3339()},
        }),
    )
    .await;
    let oskar = access_token(&t, "oskar@contoso.com", APPROVER).await;
    let stage = my_stage(&t, &oskar, &id).await;
    decide(&t, &oskar, &id, &stage, "Approve", None).await;
    assert_eq!(request(&t, &pat, &id).await["state"], "scheduled");
    assert!(!members_of(&t, "Pilot testers").contains(&"pat@fabrikam.com".to_string()));
    t.advance_clock(3 * 86_400 + 60).await;
    let pat = access_token(&t, "pat@fabrikam.com", REQUESTOR).await;
    assert_eq!(request(&t, &pat, &id).await["state"], "delivered");
    assert!(members_of(&t, "Pilot testers").contains(&"pat@fabrikam.com".to_string()));
}

#[tokio::test]
async fn an_outsider_becomes_a_guest_when_approved_and_the_request_stays_delivering_until_then() {
    let t = start().await;
    let sara = access_token(&t, "sara@contoso.com", APPROVER).await;
    let oskar = access_token(&t, "oskar@contoso.com", APPROVER).await;
    let pending =
        json_ok(&t, &sara, &format!("{EM}/assignmentRequests/filterByCurrentUser(on='approver')?$expand=requestor"))
            .await;
    let lena = pending["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["requestor"]["email"] == "lena@fabrikam.com")
        .cloned()
        .unwrap();
    assert!(lena["requestor"]["objectId"].is_null(), "not in the directory: {lena}");
    conforms(&lena, "accessPackageAssignmentRequest");
    let id = lena["id"].as_str().unwrap();
    let s = my_stage(&t, &sara, id).await;
    decide(&t, &sara, id, &s, "Approve", Some("Known tester.")).await;
    let s = my_stage(&t, &oskar, id).await;
    decide(&t, &oskar, id, &s, "Approve", None).await;
    let r = request(&t, &oskar, &format!("{id}?$expand=assignment")).await;
    assert_eq!((r["state"].as_str(), r["assignment"]["state"].as_str()), (Some("delivering"), Some("delivering")));
    assert!(t.running.tenant.store.user_by_mail("lena@fabrikam.com").is_none());
    t.advance_clock(120).await;
    let r = request(&t, &oskar, &format!("{id}?$expand=requestor")).await;
    assert_eq!(r["state"], "delivered");
    let guest = t.running.tenant.store.user_by_mail("lena@fabrikam.com").expect("a guest now");
    assert!(guest.is_guest);
    assert_eq!(r["requestor"]["objectId"], guest.id.as_str());
    assert!(members_of(&t, "Fabrikam project team").contains(&"lena@fabrikam.com".to_string()));
    assert_eq!(mails_to(&outbox(&t).await, "lena@fabrikam.com", "accessDelivered").len(), 1);
}
