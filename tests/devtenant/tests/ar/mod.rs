//! Helpers for the access review tests: the demo's review ids (derived as the tenant derives
//! them), tokens with the access review scopes, and the reviewer's calls.
#![allow(dead_code)]

use crate::common::*;
use crate::em::{PORTAL, policy_id, user_id};
use devtenant::scenario::derived_id;
use serde_json::{Value, json};

pub const AR: &str = "/v1.0/identityGovernance/accessReviews";
pub const MINE: &str = "filterByCurrentUser(on='reviewer')";
pub const READ: &str = "User.Read AccessReview.Read.All";
pub const WRITE: &str = "User.Read AccessReview.ReadWrite.All";
pub const PAT: &str = "pat@fabrikam.com";
pub const PAT_UPN: &str = "pat_fabrikam.com#EXT#@contoso.onmicrosoft.com";
/// The demo's second Fabrikam guest, on the delivery project since before its current review.
pub const ROBIN_UPN: &str = "robin_fabrikam.com#EXT#@contoso.onmicrosoft.com";

pub fn definition_of_policy(package: &str, policy: &str) -> String {
    derived_id("accessReviewScheduleDefinition", &policy_id(package, policy))
}

pub fn instance_id(definition: &str, seq: i64) -> String {
    derived_id("accessReviewInstance", &format!("{definition}/{seq}"))
}

pub fn decision_id(instance: &str, upn: &str) -> String {
    derived_id("accessReviewInstanceDecisionItem", &format!("{instance}/{}", user_id(upn)))
}

/// The demo's self-review of Partner portal: definition, first instance, pat's item.
pub struct PortalReview {
    pub definition: String,
    pub instance: String,
    pub pat_item: String,
}

pub fn portal_review() -> PortalReview {
    let definition = definition_of_policy(PORTAL, "Connected organizations");
    let instance = instance_id(&definition, 0);
    let pat_item = decision_id(&instance, PAT_UPN);
    PortalReview { definition, instance, pat_item }
}

impl PortalReview {
    pub fn instance_path(&self) -> String {
        format!("{AR}/definitions/{}/instances/{}", self.definition, self.instance)
    }

    pub fn item_path(&self) -> String {
        format!("{}/decisions/{}", self.instance_path(), self.pat_item)
    }
}

pub async fn patch_decision(
    t: &TestTenant,
    token: &str,
    path: &str,
    decision: &str,
    why: Option<&str>,
) -> reqwest::Response {
    graph_patch(t, token, path, &json!({"decision": decision, "justification": why})).await
}

pub async fn status_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Asserts that a Graph date-time is `expected` (Unix seconds), give or take the few seconds
/// between seeding (or a write) and the test reading the tenant's clock.
pub fn assert_about(value: &Value, expected: i64, what: &str) {
    let text = value.as_str().unwrap_or_else(|| panic!("{what}: {value}"));
    let at = chrono::DateTime::parse_from_rfc3339(text).unwrap().timestamp();
    assert!((at - expected).abs() <= 5, "{what}: {text} vs {}", devtenant::clock::iso(expected));
}
