//! Helpers for the entitlement-management tests: the demo's ids (derived from names, as the
//! tenant derives them), request bodies, and the approver's steps.
#![allow(dead_code)]

use crate::common::*;
use devtenant::graph::schema::conformance;
use devtenant::scenario::derived_id;
use serde_json::{Value, json};

pub const EM: &str = "/v1.0/identityGovernance/entitlementManagement";
pub const REQUESTOR: &str =
    "openid profile offline_access User.Read EntitlementMgmt-SubjectAccess.ReadWrite EntitlementManagement.Read.All";
pub const APPROVER: &str = "openid offline_access User.Read EntitlementManagement.ReadWrite.All";

pub const FABRIKAM: &str = "Fabrikam delivery project";
pub const PORTAL: &str = "Partner portal";
pub const PILOT: &str = "Fabrikam pilot program";
pub const TOOLS: &str = "Engineering tools";

pub fn package_id(name: &str) -> String {
    derived_id("accessPackage", name)
}

pub fn policy_id(package: &str, policy: &str) -> String {
    derived_id("accessPackageAssignmentPolicy", &format!("{}/{policy}", package_id(package)))
}

pub fn question_id(package: &str, policy: &str, i: usize) -> String {
    derived_id("accessPackageQuestion", &format!("{}/{i}", policy_id(package, policy)))
}

pub fn group_id(name: &str) -> String {
    derived_id("group", name)
}

pub fn user_id(upn: &str) -> String {
    derived_id("user", upn)
}

/// A `userAdd` for the Fabrikam package, with its two answers.
pub fn fabrikam_request(justification: Option<&str>, code: &str, role: &str) -> Value {
    let q = |i| json!({"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "id": question_id(FABRIKAM, "Fabrikam partners", i)});
    json!({
        "requestType": "userAdd",
        "assignment": {"accessPackageId": package_id(FABRIKAM), "assignmentPolicyId": policy_id(FABRIKAM, "Fabrikam partners")},
        "justification": justification,
        "answers": [
            {"@odata.type": "#microsoft.graph.accessPackageAnswerString", "value": code, "displayValue": code, "answeredQuestion": q(0)},
            {"@odata.type": "#microsoft.graph.accessPackageAnswerString", "value": role, "answeredQuestion": q(1)},
        ],
    })
}

pub fn add_request(package: &str) -> Value {
    json!({"requestType": "userAdd", "assignment": {"accessPackageId": package_id(package)}})
}

pub async fn json_ok(t: &TestTenant, token: &str, path: &str) -> Value {
    let r = graph_get(t, token, path).await;
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// Asserts that a response object has Graph's v1.0 names and types.
pub fn conforms(v: &Value, type_name: &str) {
    let problems = conformance(v, type_name);
    assert!(problems.is_empty(), "{type_name}: {problems:?}\n{v}");
}

/// Files a request and returns its id (asserting 201).
pub async fn submit(t: &TestTenant, token: &str, body: &Value) -> String {
    let r = graph_post(t, token, &format!("{EM}/assignmentRequests"), body).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

pub async fn request(t: &TestTenant, token: &str, id: &str) -> Value {
    json_ok(t, token, &format!("{EM}/assignmentRequests/{id}")).await
}

/// The stage in progress that is assigned to the caller.
pub async fn my_stage(t: &TestTenant, token: &str, request_id: &str) -> String {
    let a = json_ok(t, token, &format!("{EM}/accessPackageAssignmentApprovals/{request_id}")).await;
    let stages = a["stages"].as_array().unwrap();
    let s = stages.iter().find(|s| s["assignedToMe"] == true && s["status"] == "InProgress");
    s.unwrap_or_else(|| panic!("no stage for me in {a}"))["id"].as_str().unwrap().to_string()
}

pub async fn decide(
    t: &TestTenant,
    token: &str,
    request_id: &str,
    stage: &str,
    result: &str,
    why: Option<&str>,
) -> reqwest::Response {
    let body = json!({"reviewResult": result, "justification": why});
    graph_patch(t, token, &format!("{EM}/accessPackageAssignmentApprovals/{request_id}/stages/{stage}"), &body).await
}

pub fn members_of(t: &TestTenant, group: &str) -> Vec<String> {
    let mut out = vec![];
    for u in t.running.tenant.store.users() {
        if t.running.tenant.store.group_ids_of(&u.id).contains(&group_id(group)) {
            out.push(u.sign_in_name().to_string());
        }
    }
    out
}

pub fn mails_to<'a>(mails: &'a [Value], to: &str, kind: &str) -> Vec<&'a Value> {
    mails.iter().filter(|m| m["kind"] == kind && m["to"].as_array().unwrap().iter().any(|a| a == to)).collect()
}
