//! The delegated permissions each Graph endpoint needs, one table per endpoint family: a token
//! holding any one of them passes the check; a token without a permission, one holding every
//! other permission, and a request without a token are refused with Graph's status and code —
//! directly and as an item of `$batch`.

mod common;
mod em;

use common::*;
use devtenant::scenario::derived_id;
use devtenant::scopes::GRAPH_PERMISSIONS;
use em::*;
use reqwest::Method;
use serde_json::{Value, json};

const ME: [&str; 5] = ["User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "Directory.Read.All"];
const DIRECTORY: [&str; 3] = ["User.ReadBasic.All", "User.Read.All", "Directory.Read.All"];
const INVITE: [&str; 1] = ["User.Invite.All"];
const READ: [&str; 2] = ["EntitlementManagement.Read.All", "EntitlementManagement.ReadWrite.All"];
const WRITE: [&str; 1] = ["EntitlementManagement.ReadWrite.All"];
const SUBJECT: [&str; 3] = [
    "EntitlementMgmt-SubjectAccess.ReadWrite",
    "EntitlementManagement.Read.All",
    "EntitlementManagement.ReadWrite.All",
];
const SUBJECT_WRITE: [&str; 2] = ["EntitlementMgmt-SubjectAccess.ReadWrite", "EntitlementManagement.ReadWrite.All"];

/// One endpoint: the request, the permissions that let it through (any one), the status it then
/// gets (the ids are made up where a success would write), and Graph's refusal without them.
struct Row {
    method: Method,
    path: String,
    body: Option<Value>,
    passes_with: &'static [&'static str],
    passing_status: u16,
    refusal: (u16, &'static str),
}

fn row(method: Method, path: String, passes_with: &'static [&'static str], passing_status: u16) -> Row {
    Row { method, path, body: None, passes_with, passing_status, refusal: (403, "Authorization_RequestDenied") }
}

fn get(path: String, passes_with: &'static [&'static str], passing_status: u16) -> Row {
    row(Method::GET, path, passes_with, passing_status)
}

fn with_body(mut r: Row, body: Value) -> Row {
    r.body = Some(body);
    r
}

/// Every permission the tenant knows except `passes_with`.
fn all_but(passes_with: &[&str]) -> String {
    let others = GRAPH_PERMISSIONS.iter().map(|(p, _)| *p).filter(|p| !passes_with.contains(p));
    others.collect::<Vec<_>>().join(" ")
}

async fn send(t: &TestTenant, token: Option<&str>, r: &Row) -> reqwest::Response {
    let mut req = http().request(r.method.clone(), format!("{}{}", t.graph, r.path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = &r.body {
        req = req.json(body);
    }
    req.send().await.unwrap()
}

/// Runs a family's table as sara.
async fn check_family(t: &TestTenant, family: &str, rows: &[Row]) {
    for r in rows {
        let what = format!("{family}: {} {}", r.method, r.path);
        for permission in r.passes_with {
            let res = send(t, Some(&minted_token(t, "sara@contoso.com", permission)), r).await;
            assert_eq!(res.status(), r.passing_status, "{what} with only {permission}");
        }
        let (status, code) = r.refusal;
        for (label, scp) in [("no permission", String::new()), ("every other permission", all_but(r.passes_with))] {
            let res = send(t, Some(&minted_token(t, "sara@contoso.com", &scp)), r).await;
            assert_eq!(res.status(), status, "{what} with {label}");
            let body = assert_graph_error(res, status, code).await;
            assert!(body["error"]["message"].is_string(), "{what} with {label}");
        }
        let res = send(t, None, r).await;
        assert!(res.headers().contains_key("www-authenticate"), "{what} without a token");
        assert_graph_error(res, 401, "InvalidAuthenticationToken").await;
    }
}

/// The same refusals for an endpoint's GET as an item of `$batch`.
async fn check_in_batch(t: &TestTenant, family: &str, rows: &[Row]) {
    for r in rows.iter().filter(|r| r.method == Method::GET) {
        let url = r.path.trim_start_matches("/v1.0");
        let batch = json!({"requests": [{"id": "1", "method": "GET", "url": url}]});
        let token = minted_token(t, "sara@contoso.com", &all_but(r.passes_with));
        let answer: Value = graph_post(t, &token, "/v1.0/$batch", &batch).await.json().await.unwrap();
        let item = &answer["responses"][0];
        assert_eq!(item["status"], r.refusal.0, "{family} in $batch: {url}: {item}");
        assert_eq!(item["body"]["error"]["code"], r.refusal.1, "{family} in $batch: {url}");
    }
}

async fn check(t: &TestTenant, family: &str, rows: &[Row]) {
    check_family(t, family, rows).await;
    check_in_batch(t, family, rows).await;
}

#[tokio::test]
async fn authz_directory_reads_need_a_user_read_permission() {
    let t = start().await;
    let own = user_id("sara@contoso.com");
    let rows = [
        get("/v1.0/me".into(), &ME, 200),
        get("/v1.0/users".into(), &DIRECTORY, 200),
        get(format!("/v1.0/users/{}", user_id("oskar@contoso.com")), &DIRECTORY, 200),
        get("/v1.0/users/oskar@contoso.com".into(), &DIRECTORY, 200),
        // One's own profile reads with what reads `/me`.
        get(format!("/v1.0/users/{own}"), &ME, 200),
    ];
    check(&t, "directory", &rows).await;
}

#[tokio::test]
async fn authz_invitations_need_user_invite_all_and_are_refused_as_unauthorized() {
    let t = start().await;
    // A member's address: past the permission check the invitation is refused, so none is made.
    let body = json!({"invitedUserEmailAddress": "x@contoso.com", "inviteRedirectUrl": "http://localhost:8080/"});
    let mut invite = with_body(row(Method::POST, "/v1.0/invitations".into(), &INVITE, 400), body);
    // Graph's invitation manager answers a missing permission with its own code (observed).
    invite.refusal = (403, "Unauthorized");
    check(&t, "invitations", &[invite]).await;
}

#[tokio::test]
async fn authz_access_packages_and_policies_need_an_entitlement_read_permission() {
    let t = start().await;
    let tools = package_id(TOOLS);
    let rows = [
        get(format!("{EM}/accessPackages"), &READ, 200),
        get(format!("{EM}/accessPackages/filterByCurrentUser(on='allowedRequestor')"), &READ, 200),
        get(format!("{EM}/accessPackages/{tools}"), &READ, 200),
        get(format!("{EM}/accessPackages/{tools}?$expand=assignmentPolicies"), &READ, 200),
        row(Method::POST, format!("{EM}/accessPackages/{tools}/getApplicablePolicyRequirements"), &READ, 200),
        get(format!("{EM}/assignmentPolicies/{}", policy_id(FABRIKAM, "Fabrikam partners")), &READ, 200),
        // sara reads her catalog; policies as a list are for directory roles (her 403 is `Forbidden`).
        get(format!("{EM}/catalogs"), &READ, 200),
        get(format!("{EM}/assignmentPolicies"), &READ, 403),
    ];
    check(&t, "access packages", &rows).await;
}

#[tokio::test]
async fn authz_assignment_requests_need_subject_access_or_an_entitlement_permission() {
    let t = start().await;
    let nobody = uuid::Uuid::new_v4();
    let unknown_package =
        json!({"requestType": "userAdd", "assignment": {"accessPackageId": "00000000-0000-0000-0000-000000000001"}});
    let rows = [
        with_body(row(Method::POST, format!("{EM}/assignmentRequests"), &SUBJECT_WRITE, 404), unknown_package),
        get(format!("{EM}/assignmentRequests/{nobody}"), &READ, 404),
        get(format!("{EM}/assignmentRequests/filterByCurrentUser(on='target')"), &SUBJECT, 200),
        get(format!("{EM}/assignmentRequests/filterByCurrentUser(on='createdBy')"), &SUBJECT, 200),
        get(format!("{EM}/assignmentRequests/filterByCurrentUser(on='approver')"), &SUBJECT, 200),
        row(Method::POST, format!("{EM}/assignmentRequests/{nobody}/cancel"), &SUBJECT_WRITE, 404),
        // sara, a catalog reader of the partner catalog, filtered to a package in it.
        get(format!("{EM}/assignmentRequests?$filter=accessPackage/id%20eq%20'{}'", package_id(FABRIKAM)), &READ, 200),
        row(Method::POST, format!("{EM}/assignmentRequests/{nobody}/reprocess"), &WRITE, 404),
    ];
    check(&t, "assignment requests", &rows).await;
}

#[tokio::test]
async fn authz_assignments_need_an_entitlement_read_permission() {
    let t = start().await;
    let rows = [
        get(format!("{EM}/assignments/{}", uuid::Uuid::new_v4()), &READ, 404),
        get(format!("{EM}/assignments/filterByCurrentUser(on='target')"), &READ, 200),
        get(format!("{EM}/assignments/filterByCurrentUser(on='createdBy')"), &READ, 200),
        get(format!("{EM}/assignments?$filter=accessPackage/id%20eq%20'{}'", package_id(PORTAL)), &READ, 200),
        row(Method::POST, format!("{EM}/assignments/{}/reprocess", uuid::Uuid::new_v4()), &WRITE, 404),
    ];
    check(&t, "assignments", &rows).await;
}

#[tokio::test]
async fn authz_approvals_are_read_with_read_all_and_decided_with_readwrite_all() {
    let t = start().await;
    let approvals = format!("{EM}/accessPackageAssignmentApprovals");
    let (id, stage) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let decision = json!({"reviewResult": "Approve", "justification": "fine"});
    let rows = [
        get(format!("{approvals}/filterByCurrentUser(on='approver')"), &WRITE, 200),
        get(format!("{approvals}/{id}"), &READ, 404),
        get(format!("{approvals}/{id}/stages"), &READ, 404),
        get(format!("{approvals}/{id}/stages/{stage}"), &READ, 404),
        with_body(row(Method::PATCH, format!("{approvals}/{id}/stages/{stage}"), &WRITE, 404), decision),
    ];
    check(&t, "approvals", &rows).await;
}

#[tokio::test]
async fn authz_connected_organizations_need_an_entitlement_read_permission() {
    let t = start().await;
    let orgs = format!("{EM}/connectedOrganizations");
    let fabrikam = derived_id("connectedOrganization", "Fabrikam");
    let rows = [
        get(orgs.clone(), &READ, 200),
        get(format!("{orgs}/{fabrikam}?$expand=internalSponsors"), &READ, 200),
        get(format!("{orgs}/{fabrikam}/internalSponsors"), &READ, 200),
        get(format!("{orgs}/{fabrikam}/externalSponsors"), &READ, 200),
    ];
    check(&t, "connected organizations", &rows).await;
}

const REVIEW_READ: [&str; 2] = ["AccessReview.Read.All", "AccessReview.ReadWrite.All"];
const REVIEW_WRITE: [&str; 1] = ["AccessReview.ReadWrite.All"];

#[tokio::test]
async fn authz_access_reviews_are_read_with_accessreview_read_all_and_decided_with_readwrite_all() {
    let t = start().await;
    let ar = "/v1.0/identityGovernance/accessReviews/definitions";
    let mine = "filterByCurrentUser(on='reviewer')";
    // The demo's Partner portal review; sara reviews none of it and has no directory role, so past
    // the scope check she is refused (403 `Forbidden`) or finds nothing of hers. Unknown ids are
    // 404s.
    let portal = derived_id("accessReviewScheduleDefinition", &policy_id(PORTAL, "Connected organizations"));
    let instance = derived_id("accessReviewInstance", &format!("{portal}/0"));
    let unknown = uuid::Uuid::new_v4();
    let decisions = format!("{ar}/{portal}/instances/{instance}/decisions");
    let rows = [
        get(format!("{ar}/{mine}"), &REVIEW_READ, 200),
        get(format!("{ar}/{portal}"), &REVIEW_READ, 403),
        get(format!("{ar}/{portal}/instances/{mine}"), &REVIEW_READ, 200),
        get(format!("{ar}/{portal}/instances/{instance}"), &REVIEW_READ, 403),
        get(format!("{decisions}/{mine}"), &REVIEW_READ, 200),
        get(format!("{decisions}/{unknown}"), &REVIEW_READ, 404),
        with_body(
            row(Method::PATCH, format!("{decisions}/{unknown}"), &REVIEW_WRITE, 404),
            json!({"decision": "Deny"}),
        ),
        with_body(
            row(Method::POST, format!("{ar}/{portal}/instances/{instance}/batchRecordDecisions"), &REVIEW_WRITE, 403),
            json!({"decision": "Deny"}),
        ),
        row(Method::POST, format!("{ar}/{portal}/instances/{instance}/acceptRecommendations"), &REVIEW_WRITE, 403),
        row(Method::POST, format!("{ar}/{portal}/instances/{instance}/resetDecisions"), &REVIEW_WRITE, 403),
        get(format!("{ar}/{portal}/instances/{instance}/contactedReviewers"), &REVIEW_READ, 403),
        get(format!("{ar}/{portal}/instances/{unknown}/contactedReviewers"), &REVIEW_READ, 404),
        row(Method::POST, format!("{ar}/{portal}/instances/{instance}/stop"), &REVIEW_WRITE, 403),
        row(Method::POST, format!("{ar}/{portal}/instances/{instance}/applyDecisions"), &REVIEW_WRITE, 403),
        row(Method::POST, format!("{ar}/{portal}/instances/{instance}/sendReminder"), &REVIEW_WRITE, 403),
    ];
    check(&t, "access reviews", &rows).await;
}
