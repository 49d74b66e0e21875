//! Access packages and their policies: `accessPackages` (list, get,
//! `filterByCurrentUser(on='allowedRequestor')`, `getApplicablePolicyRequirements`) and
//! `assignmentPolicies/{id}`.
//!
//! A delegated read shows a package to a caller whom one of its policies lets request it, who is
//! named as an approver in one (a user, a group they are in, or sponsors when they sponsor a
//! connected organization), or who is a directory administrator; to anyone else it does not
//! exist (404). Catalog roles (`entitlement::roles`) open the tenant-wide collections of
//! `catalogs` and `admin`; they do not widen what these package reads show.

use super::{BASE, ListSpec, READ, function_on, list_page, one_entity, render};
use crate::Tenant;
use crate::entitlement::approvers::{Who, allows, is_sponsor};
use crate::entitlement::codes;
use crate::graph::auth::Caller;
use crate::graph::error::GraphError;
use crate::graph::expand::Allow;
use crate::graph::query::GraphQuery;
use crate::store::entitlement::{self as db, PolicyRow};
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

const POLICY_EXPAND: &[Allow] = &[Allow("questions", &[]), Allow("accessPackage", &[]), Allow("catalog", &[])];
const PACKAGE_EXPAND: &[Allow] = &[
    Allow("assignmentPolicies", POLICY_EXPAND),
    Allow("catalog", &[]),
    Allow("resourceRoleScopes", &[Allow("role", &[]), Allow("scope", &[])]),
];
const PACKAGES: ListSpec = ListSpec {
    entity: "accessPackage",
    filters: &[
        ("displayName", &["eq", "contains", "startswith"]),
        ("description", &["contains"]),
        ("id", &["eq", "in"]),
        ("isHidden", &["eq"]),
    ],
    orderby: &["displayName", "createdDateTime", "modifiedDateTime"],
    expand: PACKAGE_EXPAND,
    skip: false,
};

/// A caller as package visibility sees them.
struct Viewer {
    who: Who,
    admin: bool,
    sponsor: bool,
}

impl Viewer {
    fn load(c: &rusqlite::Connection, caller: &Caller) -> rusqlite::Result<Viewer> {
        Ok(Viewer {
            who: Who::of_user(c, &caller.user)?,
            admin: caller.user.admin,
            sponsor: is_sponsor(c, &caller.user.id)?,
        })
    }
}

/// Whether a policy names this person as an approver in one of its stages.
fn names_approver(policy: &Value, who: &Who, sponsor: bool) -> bool {
    let id = who.person.id.as_deref().unwrap_or_default();
    let stages = policy["requestApprovalSettings"]["stages"].as_array().cloned().unwrap_or_default();
    let keys = ["primaryApprovers", "fallbackPrimaryApprovers", "escalationApprovers", "fallbackEscalationApprovers"];
    let sponsors = ["#microsoft.graph.internalSponsors", "#microsoft.graph.externalSponsors"];
    let sets = stages.iter().flat_map(|s| keys.iter().flat_map(move |k| s[*k].as_array().cloned().unwrap_or_default()));
    sets.into_iter().any(|set| {
        set["userId"].as_str() == Some(id)
            || set["groupId"].as_str().is_some_and(|g| who.groups.iter().any(|x| x == g))
            || (sponsor && set["@odata.type"].as_str().is_some_and(|t| sponsors.contains(&t)))
    })
}

fn may_see(policies: &[PolicyRow], v: &Viewer) -> bool {
    v.admin || policies.iter().any(|p| allows(&p.data, &v.who) || names_approver(&p.data, &v.who, v.sponsor))
}

fn packages(
    t: &Tenant,
    caller: &Caller,
    q: &GraphQuery,
    requestable_only: bool,
    path: &str,
) -> Result<Value, GraphError> {
    t.store.transaction(|c| {
        let viewer = Viewer::load(c, caller)?;
        let mut by_package: HashMap<String, Vec<PolicyRow>> = HashMap::new();
        for p in db::policies(c)? {
            by_package.entry(p.package_id.clone()).or_default().push(p);
        }
        let none = vec![];
        let rows: Vec<_> = db::packages(c)?
            .into_iter()
            .filter(|p| {
                let policies = by_package.get(&p.id).unwrap_or(&none);
                if requestable_only {
                    policies.iter().any(|pol| allows(&pol.data, &viewer.who))
                } else {
                    may_see(policies, &viewer)
                }
            })
            .collect();
        list_page(t, path, q, &PACKAGES, rows, |p| p.data.clone(), |p, ex| Ok(render::package(c, p, ex)?))
    })
}

pub async fn list(State(t): State<Arc<Tenant>>, caller: Caller, q: GraphQuery) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    packages(&t, &caller, &q, false, &format!("{BASE}/accessPackages")).map(Json)
}

pub async fn get(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    if let Some(on) = function_on(&id, &["allowedRequestor"]) {
        on?;
        let path = format!("{BASE}/accessPackages/filterByCurrentUser(on='allowedRequestor')");
        return packages(&t, &caller, &q, true, &path).map(Json);
    }
    one_entity(&t, &q, "accessPackage", "accessPackages", PACKAGE_EXPAND, |c, expand| {
        let viewer = Viewer::load(c, &caller)?;
        let p = db::package(c, &id)?.ok_or_else(|| codes::not_found("access package", &id))?;
        if !may_see(&db::policies_of(c, &p.id)?, &viewer) {
            return Err(codes::not_found("access package", &id));
        }
        Ok(render::package(c, &p, expand)?)
    })
}

pub async fn policy(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    one_entity(&t, &q, "accessPackageAssignmentPolicy", "assignmentPolicies", POLICY_EXPAND, |c, expand| {
        let viewer = Viewer::load(c, &caller)?;
        let p = db::policy(c, &id)?.ok_or_else(|| codes::not_found("assignment policy", &id))?;
        if !may_see(&db::policies_of(c, &p.package_id)?, &viewer) {
            return Err(codes::not_found("assignment policy", &id));
        }
        Ok(render::policy(c, &p, expand)?)
    })
}

/// What the caller must supply to request a package, one entry per policy that allows them
/// (an empty collection when none does, as Graph answers).
pub async fn requirements(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    let value = t.store.transaction(|c| {
        let viewer = Viewer::load(c, &caller)?;
        let p = db::package(c, &id)?.ok_or_else(|| codes::not_found("access package", &id))?;
        let policies = db::policies_of(c, &p.id)?;
        if !may_see(&policies, &viewer) {
            return Err(codes::not_found("access package", &id));
        }
        let allowed = policies.iter().filter(|pol| allows(&pol.data, &viewer.who));
        Ok::<_, GraphError>(allowed.map(|pol| {
            let d = &pol.data;
            let approval = &d["requestApprovalSettings"];
            json!({
                "policyId": pol.id, "policyDisplayName": d["displayName"], "policyDescription": d["description"],
                "isApprovalRequiredForAdd": approval["isApprovalRequiredForAdd"],
                "isApprovalRequiredForUpdate": approval["isApprovalRequiredForUpdate"],
                "isRequestorJustificationRequired": approval["isRequestorJustificationRequired"],
                "allowCustomAssignmentSchedule": d["requestorSettings"]["allowCustomAssignmentSchedule"],
                "questions": d["questions"],
                "schedule": {"startDateTime": null, "expiration": d["expiration"], "recurrence": null},
            })
        }).collect::<Vec<_>>())
    })?;
    let context = super::context(&t, "Collection(microsoft.graph.accessPackageAssignmentRequestRequirements)");
    Ok(Json(json!({"@odata.context": context, "value": value})))
}
