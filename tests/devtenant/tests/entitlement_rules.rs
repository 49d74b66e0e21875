//! Entitlement management's rules and refusals over HTTP: who may request what, request
//! validation with its error codes, who may see and decide an approval, the scopes each endpoint
//! wants, and two approvers deciding the same stage at the same moment.

mod common;
mod em;

use common::*;
use em::*;
use serde_json::{Value, json};

/// Every page of a list, following `@odata.nextLink`.
async fn all_pages(t: &TestTenant, token: &str, path: &str) -> Vec<Value> {
    let mut out = vec![];
    let mut url = format!("{}{path}", t.graph);
    loop {
        let page: Value = http().get(&url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        out.extend(page["value"].as_array().unwrap_or_else(|| panic!("{page}")).iter().cloned());
        match page["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_string(),
            None => return out,
        }
    }
}

fn names(items: &[Value]) -> Vec<String> {
    items.iter().map(|p| p["displayName"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn who_may_request_what_follows_each_policys_target_scope() {
    let t = start().await;
    let requestable = format!("{EM}/accessPackages/filterByCurrentUser(on='allowedRequestor')");
    let nils = sign_up(&t, "nils@fabrikam.com", "Nils Ek", REQUESTOR).await;
    let seen = all_pages(&t, &nils, &requestable).await;
    let nils_sees = names(&seen);
    for p in [FABRIKAM, PORTAL, PILOT, "Team site 1", "Team site 24"] {
        assert!(nils_sees.contains(&p.to_string()), "{p} in {nils_sees:?}");
    }
    assert!(!nils_sees.contains(&TOOLS.to_string()), "members only");
    let pilot = seen.iter().find(|p| p["displayName"] == PILOT).unwrap();
    assert_eq!(pilot["isHidden"], true, "hidden packages come back marked, for the app to keep off its catalog");
    conforms(pilot, "accessPackage");
    // The hidden package opens by its link.
    assert_eq!(json_ok(&t, &nils, &format!("{EM}/accessPackages/{}", package_id(PILOT))).await["displayName"], PILOT);

    let maja = access_token(&t, "maja@contoso.com", REQUESTOR).await;
    let maja_sees = names(&all_pages(&t, &maja, &requestable).await);
    assert!(maja_sees.contains(&TOOLS.to_string()));
    assert!(![FABRIKAM, PORTAL, PILOT].iter().any(|p| maja_sees.contains(&p.to_string())), "{maja_sees:?}");

    // Someone from a domain that is no connected organization gets the directory-wide ones only.
    let ann = sign_up(&t, "ann@northwind.example", "Ann Lee", REQUESTOR).await;
    let ann_sees = names(&all_pages(&t, &ann, &requestable).await);
    assert!(ann_sees.iter().all(|n| n.starts_with("Team site")), "{ann_sees:?}");

    // A package no policy allows does not exist for a partner, and cannot be requested.
    let r = graph_get(&t, &nils, &format!("{EM}/accessPackages/{}", package_id(TOOLS))).await;
    assert_graph_error(r, 404, "ResourceNotFound").await;
    let r = graph_post(&t, &nils, &format!("{EM}/assignmentRequests"), &add_request(TOOLS)).await;
    assert_graph_error(r, 400, "RequestorNotInPolicyScope").await;
    let r = graph_post(&t, &maja, &format!("{EM}/assignmentRequests"), &add_request(PORTAL)).await;
    assert_graph_error(r, 400, "RequestorNotInPolicyScope").await;
    let r = graph_post(&t, &ann, &format!("{EM}/assignmentRequests"), &add_request(PORTAL)).await;
    assert_graph_error(r, 400, "RequestorNotInPolicyScope").await;
}

#[tokio::test]
async fn requests_are_validated_with_graphs_error_codes_and_refusals_write_nothing() {
    let t = start().await;
    let nils = sign_up(&t, "nils@fabrikam.com", "Nils Ek", REQUESTOR).await;
    let post = |body: Value| {
        let (t, nils) = (&t, &nils);
        async move { graph_post(t, nils, &format!("{EM}/assignmentRequests"), &body).await }
    };
    assert_graph_error(
        post(fabrikam_request(None, "PRJ-1234", "developer")).await,
        400,
        "RequestorJustificationRequired",
    )
    .await;
    let mut one_answer = fabrikam_request(Some("x"), "PRJ-1234", "developer");
    one_answer["answers"].as_array_mut().unwrap().pop();
    assert_graph_error(post(one_answer).await, 400, "MissingRequiredAnswer").await;
    let body =
        assert_graph_error(post(fabrikam_request(Some("x"), "PRJ-12", "developer")).await, 400, "InvalidAnswer").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("Project code"));
    assert_graph_error(post(fabrikam_request(Some("x"), "PRJ-1234", "astronaut")).await, 400, "InvalidAnswer").await;
    let mut scheduled = fabrikam_request(Some("x"), "PRJ-1234", "developer");
    scheduled["schedule"] = json!({"expiration": {"type": "afterDuration", "duration": "P7D"}});
    assert_graph_error(post(scheduled).await, 400, "InvalidRequestSchedule").await;
    let mut too_long = add_request(PILOT);
    too_long["schedule"] = json!({"expiration": {"type": "afterDuration", "duration": "P60D"}});
    assert_graph_error(post(too_long).await, 400, "InvalidRequestSchedule").await;
    // Beta-era shapes, other people's targets and admin request types are refused.
    let beta = json!({"requestType": "userAdd", "accessPackageAssignment": {"accessPackageId": package_id(PORTAL)}});
    assert_graph_error(post(beta).await, 400, "BadRequest").await;
    let mut other = add_request(PORTAL);
    other["assignment"]["targetId"] = json!(user_id("maja@contoso.com"));
    assert_graph_error(post(other).await, 403, "Forbidden").await;
    let mut admin = add_request(PORTAL);
    admin["requestType"] = json!("AdminAdd");
    assert_graph_error(post(admin).await, 403, "Forbidden").await;
    let unknown =
        json!({"requestType": "userAdd", "assignment": {"accessPackageId": "00000000-0000-0000-0000-000000000001"}});
    assert_graph_error(post(unknown).await, 404, "ResourceNotFound").await;
    assert_graph_error(post(json!({"assignment": {}})).await, 400, "BadRequest").await;
    let r = http()
        .post(format!("{}{EM}/assignmentRequests", t.graph))
        .bearer_auth(&nils)
        .header("content-type", "application/json")
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_graph_error(r, 400, "BadRequest").await;
    let mine = json_ok(&t, &nils, &format!("{EM}/assignmentRequests/filterByCurrentUser(on='target')")).await;
    assert_eq!(mine["value"].as_array().unwrap().len(), 0, "no refusal left a request behind");

    // One open request per package; one assignment per package.
    submit(&t, &nils, &fabrikam_request(Some("x"), "PRJ-1234", "developer")).await;
    assert_graph_error(post(fabrikam_request(Some("x"), "PRJ-1234", "developer")).await, 400, "ExistingOpenRequest")
        .await;
    submit(&t, &nils, &add_request(PORTAL)).await;
    assert_graph_error(post(add_request(PORTAL)).await, 400, "AccessPackageAlreadyAssigned").await;
    // Extending or removing needs an assignment, and a policy that lets requestors do it.
    let remove = json!({"requestType": "userRemove", "assignment": {"accessPackageId": package_id(PILOT)}});
    assert_graph_error(post(remove).await, 400, "AccessPackageAssignmentNotFound").await;
    let extend = json!({"requestType": "userExtend", "assignment": {"accessPackageId": package_id("Team site 2")}});
    assert_graph_error(post(extend).await, 400, "AccessPackageAssignmentNotFound").await;
    let update = json!({"requestType": "userUpdate", "assignment": {"accessPackageId": package_id(PORTAL)}});
    assert_graph_error(post(update).await, 400, "RequestTypeNotAllowedByPolicy").await;
}

#[tokio::test]
async fn only_a_stages_approvers_see_and_decide_it_and_nobody_approves_their_own_request() {
    let t = start().await;
    let nils = sign_up(&t, "nils@fabrikam.com", "Nils Ek", REQUESTOR).await;
    let [sara, oskar, maja, pat] = [
        access_token(&t, "sara@contoso.com", APPROVER).await,
        access_token(&t, "oskar@contoso.com", APPROVER).await,
        access_token(&t, "maja@contoso.com", APPROVER).await,
        access_token(&t, "pat@fabrikam.com", &format!("{APPROVER} {REQUESTOR}")).await,
    ];
    let id = submit(&t, &nils, &fabrikam_request(Some("x"), "PRJ-1234", "developer")).await;
    let approvals = format!("{EM}/accessPackageAssignmentApprovals/{id}");
    // Stage 1 is sara's; oskar (stage 2) and maja see nothing yet.
    assert_graph_error(graph_get(&t, &oskar, &approvals).await, 403, "Forbidden").await;
    assert_graph_error(graph_get(&t, &maja, &approvals).await, 403, "Forbidden").await;
    let stage1 = my_stage(&t, &sara, &id).await;
    assert_graph_error(decide(&t, &oskar, &id, &stage1, "Approve", Some("me")).await, 403, "Forbidden").await;
    let r = graph_get(&t, &maja, &format!("{EM}/assignmentRequests/{id}")).await;
    assert_graph_error(r, 404, "ResourceNotFound").await;
    let unknown = format!("{EM}/accessPackageAssignmentApprovals/00000000-0000-0000-0000-000000000009");
    assert_graph_error(graph_get(&t, &sara, &unknown).await, 404, "ResourceNotFound").await;
    decide(&t, &sara, &id, &stage1, "Approve", Some("ok")).await;
    my_stage(&t, &oskar, &id).await;

    // The pilot's approvers: a group and Fabrikam's external sponsor (pat) — but never the
    // requestor: pat's own request is for the group alone.
    let nils_pilot = submit(&t, &nils, &add_request(PILOT)).await;
    my_stage(&t, &pat, &nils_pilot).await;
    let pats = submit(&t, &pat, &add_request(PILOT)).await;
    let a = json_ok(&t, &pat, &format!("{EM}/accessPackageAssignmentApprovals/{pats}")).await;
    assert_eq!(a["stages"][0]["assignedToMe"], false);
    let stage = a["stages"][0]["id"].as_str().unwrap();
    let body = assert_graph_error(decide(&t, &pat, &pats, stage, "Approve", None).await, 403, "Forbidden").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("own request"));
    let mine =
        json_ok(&t, &pat, &format!("{EM}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')")).await;
    let ids: Vec<&str> = mine["value"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&nils_pilot.as_str()) && !ids.contains(&pats.as_str()), "{ids:?}");
    conforms(&mine["value"][0], "approval");
    my_stage(&t, &sara, &pats).await;
}

#[tokio::test]
async fn each_endpoint_wants_the_scopes_graph_requires() {
    let t = start().await;
    let plain = access_token(&t, "sara@contoso.com", SCOPE).await;
    let subject = access_token(&t, "sara@contoso.com", "openid EntitlementMgmt-SubjectAccess.ReadWrite").await;
    let read = access_token(&t, "sara@contoso.com", "openid EntitlementManagement.Read.All").await;
    let write = access_token(&t, "sara@contoso.com", APPROVER).await;
    let req = format!("{EM}/assignmentRequests/{}", uuid::Uuid::new_v4());
    let appr = format!("{EM}/accessPackageAssignmentApprovals/{}", uuid::Uuid::new_v4());
    // (path, the least token that passes, a token that does not)
    let gets = [
        (format!("{EM}/accessPackages"), &read, &subject),
        (format!("{EM}/accessPackages/filterByCurrentUser(on='allowedRequestor')"), &read, &subject),
        (format!("{EM}/assignmentPolicies/{}", policy_id(FABRIKAM, "Fabrikam partners")), &write, &subject),
        (format!("{EM}/assignmentRequests/filterByCurrentUser(on='target')"), &subject, &plain),
        (format!("{EM}/assignments/filterByCurrentUser(on='target')"), &read, &subject),
        (format!("{EM}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')"), &write, &read),
        (format!("{EM}/connectedOrganizations"), &read, &subject),
    ];
    for (path, ok, refused) in &gets {
        assert_eq!(graph_get(&t, ok, path).await.status(), 200, "{path}");
        assert_graph_error(graph_get(&t, refused, path).await, 403, "Authorization_RequestDenied").await;
    }
    assert_graph_error(graph_get(&t, &subject, &req).await, 403, "Authorization_RequestDenied").await;
    assert_graph_error(graph_get(&t, &read, &req).await, 404, "ResourceNotFound").await;
    assert_graph_error(graph_get(&t, &subject, &appr).await, 403, "Authorization_RequestDenied").await;
    let r = graph_post(&t, &read, &format!("{EM}/assignmentRequests"), &add_request(TOOLS)).await;
    assert_graph_error(r, 403, "Authorization_RequestDenied").await;
    let r = graph_patch(&t, &read, &format!("{appr}/stages/x"), &json!({"reviewResult": "Approve"})).await;
    assert_graph_error(r, 403, "Authorization_RequestDenied").await;
    assert_graph_error(graph_get(&t, "", &format!("{EM}/accessPackages")).await, 401, "InvalidAuthenticationToken")
        .await;
}

// Two worker threads: the two PATCHes really are handled at the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_approvers_deciding_a_stage_at_the_same_moment_one_wins_and_the_other_gets_409() {
    let t = start().await;
    let sara = access_token(&t, "sara@contoso.com", APPROVER).await;
    let oskar = access_token(&t, "oskar@contoso.com", APPROVER).await;
    for (i, (sara_says, oskar_says)) in
        [("Approve", "Approve"), ("Approve", "Deny"), ("Deny", "Approve")].into_iter().enumerate()
    {
        let who = format!("racer{i}@fabrikam.com");
        let token = sign_up(&t, &who, "Racer", REQUESTOR).await;
        let id = submit(&t, &token, &add_request(PILOT)).await;
        let stage = my_stage(&t, &sara, &id).await;
        let (a, b) = tokio::join!(
            decide(&t, &sara, &id, &stage, sara_says, Some("sara")),
            decide(&t, &oskar, &id, &stage, oskar_says, Some("oskar"))
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [204, 409], "round {i}");
        let loser = if a.status() == 409 { a } else { b };
        assert_graph_error(loser, 409, "Conflict").await;
        // Exactly the winner's decision, and everything that follows from it, is written.
        let s = &json_ok(&t, &sara, &format!("{EM}/accessPackageAssignmentApprovals/{id}")).await["stages"][0];
        let winner = s["justification"].as_str().unwrap();
        assert_eq!(s["reviewedBy"]["displayName"], if winner == "sara" { "Sara Lindqvist" } else { "Oskar Berg" });
        let approved = s["reviewResult"] == "Approved";
        let said = if winner == "sara" { sara_says } else { oskar_says };
        assert_eq!(approved, said == "Approve");
        let state = request(&t, &sara, &id).await["state"].clone();
        assert_eq!(state, if approved { "delivered" } else { "denied" });
        assert_eq!(members_of(&t, "Pilot testers").contains(&who), approved);
        let mails = outbox(&t).await;
        let kind = if approved { "accessDelivered" } else { "requestDenied" };
        assert_eq!(mails_to(&mails, &who, kind).len(), 1);
        assert_eq!(mails_to(&mails, &who, "accessDelivered").len() + mails_to(&mails, &who, "requestDenied").len(), 1);
    }
}
