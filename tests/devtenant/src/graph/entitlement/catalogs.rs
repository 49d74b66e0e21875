//! `catalogs` and `assignmentPolicies` as collections: what administrators (directory roles)
//! and catalog-role holders read. A directory role reads every catalog and policy; catalog roles
//! read their own catalogs, and — as Graph's page says — get policies through
//! `accessPackages?$expand=assignmentPolicies` instead of this list; anyone else is refused.

use super::{BASE, ListSpec, READ, list_page, render};
use crate::Tenant;
use crate::entitlement::codes;
use crate::entitlement::roles::Reach;
use crate::graph::auth::Caller;
use crate::graph::error::GraphError;
use crate::graph::expand::Allow;
use crate::graph::query::GraphQuery;
use crate::store::entitlement::{self as db, PolicyRow};
use axum::Json;
use axum::extract::State;
use rusqlite::Connection;
use serde_json::{Value, json};
use std::sync::Arc;

const PACKAGE_EXPAND: &[Allow] = &[
    Allow("assignmentPolicies", &[Allow("questions", &[])]),
    Allow("resourceRoleScopes", &[Allow("role", &[]), Allow("scope", &[])]),
];
const CATALOGS: ListSpec = ListSpec {
    entity: "accessPackageCatalog",
    filters: &[
        ("id", &["eq", "in"]),
        ("displayName", &["eq", "contains", "startswith"]),
        ("description", &["contains"]),
        ("state", &["eq"]),
        ("catalogType", &["eq"]),
        ("isExternallyVisible", &["eq"]),
    ],
    orderby: &["displayName", "createdDateTime", "modifiedDateTime"],
    expand: &[Allow("accessPackages", PACKAGE_EXPAND)],
    skip: false,
};
const POLICIES: ListSpec = ListSpec {
    entity: "accessPackageAssignmentPolicy",
    filters: &[
        ("id", &["eq", "in"]),
        ("displayName", &["eq", "contains", "startswith"]),
        ("allowedTargetScope", &["eq", "in"]),
        ("accessPackage/id", &["eq", "in"]),
    ],
    orderby: &["displayName", "createdDateTime", "modifiedDateTime"],
    expand: &[Allow("questions", &[]), Allow("accessPackage", &[]), Allow("catalog", &[])],
    skip: false,
};

/// The caller's reach; Graph's refusal for someone with no entitlement-management role.
pub fn reach_or_refuse(c: &Connection, caller: &Caller, what: &str) -> Result<Reach, GraphError> {
    match Reach::of(c, &caller.user)? {
        Reach::Nothing => Err(codes::no_role(format!(
            "Listing {what} needs a directory role or a catalog role in entitlement management; \
             use filterByCurrentUser for one's own."
        ))),
        reach => Ok(reach),
    }
}

pub async fn list(State(t): State<Arc<Tenant>>, caller: Caller, q: GraphQuery) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    let body = t.store.transaction(|c| {
        let reach = reach_or_refuse(c, &caller, "catalogs")?;
        let rows: Vec<Value> =
            db::catalogs(c)?.into_iter().filter(|v| reach.reads(v["id"].as_str().unwrap_or_default())).collect();
        let path = format!("{BASE}/catalogs");
        list_page(&t, &path, &q, &CATALOGS, rows, Value::clone, |v, ex| Ok(render::catalog_expanded(c, v, ex)?))
    })?;
    Ok(Json(body))
}

pub async fn policies(State(t): State<Arc<Tenant>>, caller: Caller, q: GraphQuery) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    let body = t.store.transaction(|c| {
        if reach_or_refuse(c, &caller, "assignment policies")? != Reach::Directory {
            return Err(codes::no_role(
                "Catalog roles read policies through their catalogs' access packages: \
                 GET accessPackages?$expand=assignmentPolicies.",
            ));
        }
        let view = |p: &PolicyRow| {
            let mut v = p.data.clone();
            v["accessPackage"] = json!({"id": p.package_id});
            v
        };
        let path = format!("{BASE}/assignmentPolicies");
        list_page(&t, &path, &q, &POLICIES, db::policies(c)?, view, |p, ex| Ok(render::policy(c, p, ex)?))
    })?;
    Ok(Json(body))
}
