//! Access review objects as Graph v1.0 writes them (names and types of its schema).

use crate::Tenant;
use crate::clock::iso;
use crate::graph::expand::{Expand, find, shape};
use crate::reviews::NOBODY;
use crate::scenario::derived_id;
use crate::store::reviews::{DecisionRow, DefinitionRow, InstanceRow, instances_of};
use rusqlite::Connection;
use serde_json::{Value, json};

fn identity(c: &Connection, id: Option<&str>) -> rusqlite::Result<Value> {
    let user = match id {
        Some(id) => crate::store::user_in(c, id)?,
        None => None,
    };
    Ok(match user {
        Some(u) => json!({"id": u.id, "displayName": u.display_name(), "userPrincipalName": u.upn}),
        None => json!({"id": NOBODY, "displayName": "", "userPrincipalName": ""}),
    })
}

/// A definition with its status: in progress while an instance is, else not started or completed.
pub fn definition(c: &Connection, d: &DefinitionRow) -> rusqlite::Result<Value> {
    let instances = instances_of(c, &d.id)?;
    let status = if instances.iter().any(|i| i.status == "InProgress") {
        "InProgress"
    } else if instances.iter().any(|i| i.status == "NotStarted") {
        "NotStarted"
    } else {
        "Completed"
    };
    let mut v = d.data.clone();
    v["status"] = json!(status);
    Ok(v)
}

pub fn instance(d: &DefinitionRow, i: &InstanceRow) -> Value {
    json!({
        "id": i.id, "startDateTime": iso(i.start_at), "endDateTime": iso(i.end_at), "status": i.status,
        "scope": d.data["scope"], "reviewers": d.data["reviewers"], "fallbackReviewers": d.data["fallbackReviewers"],
    })
}

pub fn decision(
    t: &Tenant,
    c: &Connection,
    d: &DefinitionRow,
    i: &InstanceRow,
    x: &DecisionRow,
    ex: &[Expand],
) -> rusqlite::Result<Value> {
    let graph = format!("{}/v1.0", t.graph_url());
    let r = &d.rules;
    let (resource, resource_link) = match &r.package_id {
        Some(package_id) => (
            json!({"@odata.type": "#microsoft.graph.accessReviewInstanceDecisionItemAccessPackageAssignmentPolicyResource",
                   "id": r.resource_id, "displayName": r.resource_name, "type": "AccessPackageAssignmentPolicy",
                   "accessPackageId": package_id, "accessPackageDisplayName": r.resource_name}),
            format!("{graph}/identityGovernance/entitlementManagement/assignmentPolicies/{}", r.resource_id),
        ),
        None => (
            json!({"id": r.resource_id, "displayName": r.resource_name, "type": "Group"}),
            format!("{graph}/groups/{}", r.resource_id),
        ),
    };
    let applied = x.applied_at.is_some();
    let mut v = json!({
        "id": x.id, "accessReviewId": i.id,
        "principal": {"@odata.type": "#microsoft.graph.userIdentity", "id": x.principal_id,
                      "displayName": x.principal_name, "userPrincipalName": x.principal_upn},
        "principalLink": format!("{graph}/users/{}", x.principal_id),
        "resource": resource, "resourceLink": resource_link,
        "decision": x.decision, "recommendation": x.recommendation, "justification": x.justification,
        "reviewedBy": identity(c, x.reviewed_by.as_deref())?, "reviewedDateTime": x.reviewed_at.map(iso),
        "appliedBy": identity(c, None)?, "appliedDateTime": x.applied_at.map(iso),
        "applyResult": if applied { x.apply_result.as_str() } else { "New" },
    });
    if let Some(e) = find(ex, "insights") {
        let insight = json!({
            "@odata.type": "#microsoft.graph.userSignInInsight",
            "id": derived_id("userSignInInsight", &x.id),
            "insightCreatedDateTime": iso(i.start_at),
            "lastSignInDateTime": x.last_sign_in.map(iso),
        });
        v["insights"] = shape(e, json!([insight]));
    }
    Ok(v)
}
