//! Who may do what, beyond the token's permissions: only a stage's approvers decide it, only
//! while it is pending, never on their own request; only requestors in a policy's scope may
//! request; guests may look a user up but not list the directory. Each refusal has Graph's
//! status and code, and writes nothing.

mod common;
mod em;

use common::*;
use em::*;
use serde_json::{Value, json};

const DECIDER: &str = "EntitlementManagement.ReadWrite.All EntitlementMgmt-SubjectAccess.ReadWrite";

/// The id of a request's first stage, as one of its approvers reads it.
async fn first_stage(t: &TestTenant, approver: &str, request_id: &str) -> String {
    let a = json_ok(t, approver, &format!("{EM}/accessPackageAssignmentApprovals/{request_id}")).await;
    a["stages"][0]["id"].as_str().unwrap_or_else(|| panic!("no stage in {a}")).to_string()
}

#[tokio::test]
async fn authz_only_a_pending_stages_own_approvers_decide_it_and_never_on_their_own_request() {
    let t = start().await;
    let nils_requests = sign_up(&t, "nils@fabrikam.com", "Nils Ek", REQUESTOR).await;
    // Minted again after the clock moves, as the first ones will have expired.
    let people = ["sara", "oskar", "maja", "alex", "pat", "nils"];
    let tokens = || {
        people.map(|p| {
            let domain = if ["pat", "nils"].contains(&p) { "fabrikam.com" } else { "contoso.com" };
            minted_token(&t, &format!("{p}@{domain}"), DECIDER)
        })
    };
    let [sara, _, _, _, pat, _] = tokens();
    // Two stages: sara's (the internal sponsor), then oskar's.
    let fabrikam = submit(&t, &nils_requests, &fabrikam_request(Some("x"), "PRJ-1234", "developer")).await;
    // One stage: the Partner approvers group (sara, oskar, alex) and Fabrikam's external sponsor (pat).
    let decided = submit(&t, &nils_requests, &add_request(PILOT)).await;
    let pats_own = submit(&t, &pat, &add_request(PILOT)).await;
    let canceler = sign_up(&t, "carl@fabrikam.com", "Carl", REQUESTOR).await;
    let canceled = submit(&t, &canceler, &add_request(PILOT)).await;
    let late = sign_up(&t, "lars@fabrikam.com", "Lars", REQUESTOR).await;
    let expired = submit(&t, &late, &add_request(PILOT)).await;

    let stage = |id| first_stage(&t, &sara, id);
    let (fabrikam_1, decided_1, pats_1, canceled_1, expired_1) = (
        stage(&fabrikam).await,
        stage(&decided).await,
        stage(&pats_own).await,
        stage(&canceled).await,
        stage(&expired).await,
    );
    assert_eq!(decide(&t, &sara, &decided, &decided_1, "Approve", Some("ok")).await.status(), 204);
    let cancel = format!("{EM}/assignmentRequests/{canceled}/cancel");
    assert_eq!(graph_post(&t, &canceler, &cancel, &json!({})).await.status(), 204);
    // Past the pilot's two days: its open stages are denied automatically (the Fabrikam one has 14).
    t.advance_clock(3 * 86_400).await;
    let [sara, oskar, maja, alex, pat, nils] = tokens();
    assert_eq!(request(&t, &sara, &expired).await["state"], "denied");

    let before = t.running.tenant.store.dump().unwrap();
    let cases: [(&str, &str, &str, &str, u16, &str); 11] = [
        ("someone who approves nothing (maja)", &maja, &fabrikam, &fabrikam_1, 403, "Forbidden"),
        ("an administrator who is no approver of the stage (alex)", &alex, &fabrikam, &fabrikam_1, 403, "Forbidden"),
        ("the next stage's approver before it opens (oskar)", &oskar, &fabrikam, &fabrikam_1, 403, "Forbidden"),
        ("the requestor, with a permission to decide (nils)", &nils, &fabrikam, &fabrikam_1, 403, "Forbidden"),
        ("an approver of the package on her own request (pat)", &pat, &pats_own, &pats_1, 403, "Forbidden"),
        ("the approver again, on a stage they decided (sara)", &sara, &decided, &decided_1, 409, "Conflict"),
        ("another approver after the first decided (oskar)", &oskar, &decided, &decided_1, 409, "Conflict"),
        ("an approver on a canceled request (sara)", &sara, &canceled, &canceled_1, 409, "Conflict"),
        ("an approver on a stage that expired (oskar)", &oskar, &expired, &expired_1, 409, "Conflict"),
        (
            "a stage the request does not have",
            &sara,
            &fabrikam,
            "00000000-0000-0000-0000-000000000000",
            404,
            "ResourceNotFound",
        ),
        (
            "a request that does not exist",
            &sara,
            "00000000-0000-0000-0000-000000000000",
            &fabrikam_1,
            404,
            "ResourceNotFound",
        ),
    ];
    for (who, token, id, stage, status, code) in cases {
        for result in ["Approve", "Deny"] {
            let r = decide(&t, token, id, stage, result, Some("because")).await;
            assert_eq!(r.status(), status, "{result} by {who}");
            assert_graph_error(r, status, code).await;
        }
    }
    assert!(before == t.running.tenant.store.dump().unwrap(), "a refused decision wrote something");
    assert_eq!(request(&t, &sara, &fabrikam).await["state"], "pendingApproval");
    my_stage(&t, &sara, &fabrikam).await;
}

#[tokio::test]
async fn authz_only_requestors_in_a_policys_scope_may_request() {
    let t = start().await;
    let ask = "EntitlementMgmt-SubjectAccess.ReadWrite";
    let [maja, pat] = [minted_token(&t, "maja@contoso.com", ask), minted_token(&t, "pat@fabrikam.com", ask)];
    sign_up(&t, "ann@northwind.example", "Ann Lee", REQUESTOR).await;
    sign_up(&t, "nils@fabrikam.com", "Nils Ek", REQUESTOR).await;
    let [ann, nils] = [minted_token(&t, "ann@northwind.example", ask), minted_token(&t, "nils@fabrikam.com", ask)];
    let with_policy = |package: &str, policy: &str| {
        let mut r = add_request(package);
        r["assignment"]["assignmentPolicyId"] = json!(policy_id(package, policy));
        r
    };
    let fabrikam_policy_on_pilot = {
        let mut r = add_request(PILOT);
        r["assignment"]["assignmentPolicyId"] = json!(policy_id(FABRIKAM, "Fabrikam partners"));
        r
    };
    let cases: [(&str, &str, Value, u16, &str); 9] = [
        (
            "a member, for connected organizations' package",
            &maja,
            add_request(PORTAL),
            400,
            "RequestorNotInPolicyScope",
        ),
        ("a member, for one connected organization's", &maja, add_request(FABRIKAM), 400, "RequestorNotInPolicyScope"),
        ("a member, for the hidden pilot", &maja, add_request(PILOT), 400, "RequestorNotInPolicyScope"),
        ("a partner guest, for members' package", &pat, add_request(TOOLS), 400, "RequestorNotInPolicyScope"),
        ("a guest of no connected organization", &ann, add_request(PORTAL), 400, "RequestorNotInPolicyScope"),
        (
            "a guest of no connected organization, for Fabrikam's",
            &ann,
            add_request(FABRIKAM),
            400,
            "RequestorNotInPolicyScope",
        ),
        ("a partner naming members' policy", &nils, with_policy(TOOLS, "Employees"), 400, "RequestorNotInPolicyScope"),
        (
            "a member naming partners' policy",
            &maja,
            with_policy(PORTAL, "Connected organizations"),
            400,
            "RequestorNotInPolicyScope",
        ),
        ("a policy of another package", &nils, fabrikam_policy_on_pilot, 404, "ResourceNotFound"),
    ];
    let before = t.running.tenant.store.dump().unwrap();
    for (who, token, body, status, code) in cases {
        let r = graph_post(&t, token, &format!("{EM}/assignmentRequests"), &body).await;
        assert_eq!(r.status(), status, "{who}");
        assert_graph_error(r, status, code).await;
    }
    assert!(before == t.running.tenant.store.dump().unwrap(), "a refused request wrote something");
}

#[tokio::test]
async fn authz_guests_may_look_a_user_up_but_not_list_the_directory() {
    let t = start().await;
    let every_read = "User.Read User.ReadBasic.All User.Read.All";
    let pat = minted_token(&t, "pat@fabrikam.com", every_read);
    let sara = user_id("sara@contoso.com");
    let listings = [
        "/v1.0/users".to_string(),
        "/v1.0/users?$top=1".into(),
        "/v1.0/users?$filter=startswith(displayName,'s')".into(),
        "/v1.0/users?$select=id,displayName".into(),
        "/v1.0/users?$orderby=displayName".into(),
    ];
    for path in &listings {
        let r = graph_get(&t, &pat, path).await;
        assert_eq!(r.status(), 403, "a guest listing {path}");
        assert_graph_error(r, 403, "Authorization_RequestDenied").await;
        let batch = json!({"requests": [{"id": "1", "method": "GET", "url": path.trim_start_matches("/v1.0")}]});
        let answer: Value = graph_post(&t, &pat, "/v1.0/$batch", &batch).await.json().await.unwrap();
        let item = &answer["responses"][0];
        assert_eq!(item["status"], 403, "a guest listing {path} in $batch: {item}");
        assert_eq!(item["body"]["error"]["code"], "Authorization_RequestDenied");
    }
    for path in ["/v1.0/me".to_string(), format!("/v1.0/users/{sara}"), "/v1.0/users/sara@contoso.com".into()] {
        assert_eq!(graph_get(&t, &pat, &path).await.status(), 200, "a guest looking up {path}");
    }
    // A member with the same permissions lists the directory.
    let maja = minted_token(&t, "maja@contoso.com", every_read);
    for path in &listings {
        assert_eq!(graph_get(&t, &maja, path).await.status(), 200, "a member listing {path}");
    }
}
