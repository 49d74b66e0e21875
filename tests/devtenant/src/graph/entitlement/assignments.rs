//! `assignments`: what access a user has (`filterByCurrentUser(on='target'|'createdBy')`, current
//! and expired) and one assignment by id. Assignments change only through requests.

use super::{BASE, ListSpec, READ, function_on, list_page, one_entity, render};
use crate::Tenant;
use crate::entitlement::codes;
use crate::graph::auth::Caller;
use crate::graph::error::GraphError;
use crate::graph::expand::Allow;
use crate::graph::query::GraphQuery;
use crate::store::entitlement::{self as db, AssignmentRow};
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

const EXPAND: &[Allow] = &[
    Allow("accessPackage", &[Allow("resourceRoleScopes", &[Allow("role", &[]), Allow("scope", &[])])]),
    Allow("assignmentPolicy", &[Allow("questions", &[])]),
    Allow("target", &[Allow("connectedOrganization", &[])]),
];
pub(super) const ASSIGNMENTS: ListSpec = ListSpec {
    entity: "accessPackageAssignment",
    filters: &[
        ("id", &["eq", "in"]),
        ("state", &["eq", "in"]),
        ("accessPackage/id", &["eq", "in"]),
        ("accessPackage/displayName", &["eq", "contains", "startswith"]),
        ("assignmentPolicy/id", &["eq"]),
        ("target/objectId", &["eq"]),
    ],
    orderby: &["expiredDateTime", "schedule/startDateTime", "schedule/expiration/endDateTime"],
    expand: EXPAND,
    skip: false,
};

pub async fn get(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    if let Some(on) = function_on(&id, &["target", "createdBy"]) {
        return mine(&t, &caller, &q, &on?).map(Json);
    }
    one_entity(&t, &q, "accessPackageAssignment", "assignments", EXPAND, |c, expand| {
        let a = db::assignment(c, &id)?.filter(|a| caller.user.admin || a.target_id.as_ref() == Some(&caller.user.id));
        let a = a.ok_or_else(|| codes::not_found("access package assignment", &id))?;
        Ok(render::assignment(c, &a, expand)?)
    })
}

/// Assignments whose target is the caller, or (`createdBy`) that came from requests they made.
fn mine(t: &Tenant, caller: &Caller, q: &GraphQuery, on: &str) -> Result<Value, GraphError> {
    let me = caller.user.id.clone();
    t.store.transaction(|c| {
        let rows: Vec<AssignmentRow> = if on == "target" {
            db::assignments_of(c, &me)?
        } else {
            let mut out: Vec<AssignmentRow> = vec![];
            for r in db::requests_of(c, &me)?.iter().filter(|r| r.created_by.as_ref() == Some(&me)) {
                let a = match &r.assignment_id {
                    Some(id) => db::assignment(c, id)?,
                    None => None,
                };
                out.extend(a.filter(|a| !out.iter().any(|o| o.id == a.id)));
            }
            out
        };
        let mut names: HashMap<String, Value> = HashMap::new();
        for a in &rows {
            if !names.contains_key(&a.package_id) {
                let name = db::package(c, &a.package_id)?.map(|p| p.data["displayName"].clone()).unwrap_or(Value::Null);
                names.insert(a.package_id.clone(), name);
            }
        }
        let view = |a: &AssignmentRow| {
            let mut v = render::assignment(c, a, &[]).unwrap_or(Value::Null);
            v["accessPackage"] = json!({"id": a.package_id, "displayName": names[&a.package_id]});
            v["assignmentPolicy"] = json!({"id": a.policy_id});
            v["target"] = json!({"objectId": a.target_id});
            v
        };
        let path = format!("{BASE}/assignments/filterByCurrentUser(on='{on}')");
        list_page(t, &path, q, &ASSIGNMENTS, rows, view, |a, ex| Ok(render::assignment(c, a, ex)?))
    })
}
