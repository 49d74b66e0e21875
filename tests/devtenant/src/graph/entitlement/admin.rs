//! `assignmentRequests` and `assignments` across the tenant, and `reprocess` of either. A
//! directory role reads them all. Catalog roles only, as Graph's pages say, must filter to an
//! access package they may read (`$filter=accessPackage/id eq '…'`) and are refused otherwise;
//! anyone else is refused (their own are under `filterByCurrentUser`). Reprocessing needs a
//! directory role, or owning or managing the package's catalog.

use super::catalogs::reach_or_refuse;
use super::{BASE, READ, WRITE, assignments::ASSIGNMENTS, list_page, render, requests::REQUESTS};
use crate::Tenant;
use crate::entitlement::roles::Reach;
use crate::entitlement::{Ctx, codes, delivery};
use crate::graph::auth::Caller;
use crate::graph::error::GraphError;
use crate::graph::query::GraphQuery;
use crate::store::entitlement::{self as db, AssignmentRow, RequestRow};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rusqlite::Connection;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// The packages a caller's list is limited to: `None` for a directory role (every one); for
/// catalog roles, the ones the filter pins `accessPackage/id` to, each in a catalog they read.
fn scope(c: &Connection, caller: &Caller, q: &GraphQuery, what: &str) -> Result<Option<Vec<String>>, GraphError> {
    let catalogs = match reach_or_refuse(c, caller, what)? {
        Reach::Directory => return Ok(None),
        reach => reach,
    };
    let pinned = q.filter()?.and_then(|f| f.pinned("accessPackage/id")).ok_or_else(|| {
        codes::no_role(format!(
            "A caller with catalog roles only must filter {what} to an access package, \
             e.g. $filter=accessPackage/id eq '<id>'."
        ))
    })?;
    for id in &pinned {
        let package = db::package(c, id)?;
        if !package.is_some_and(|p| catalogs.reads(&p.catalog_id)) {
            return Err(codes::no_role(format!("The access package '{id}' is not in a catalog you may read.")));
        }
    }
    Ok(Some(pinned.into_iter().map(|p| p.to_lowercase()).collect()))
}

fn in_scope(scope: &Option<Vec<String>>, package_id: &str) -> bool {
    scope.as_ref().is_none_or(|s| s.contains(&package_id.to_lowercase()))
}

/// Package display names by id, for filters on `accessPackage/displayName`.
fn names<'a>(c: &Connection, ids: impl Iterator<Item = &'a String>) -> rusqlite::Result<HashMap<String, Value>> {
    let mut out = HashMap::new();
    for id in ids {
        if !out.contains_key(id) {
            let name = db::package(c, id)?.map(|p| p.data["displayName"].clone()).unwrap_or(Value::Null);
            out.insert(id.clone(), name);
        }
    }
    Ok(out)
}

pub async fn requests(State(t): State<Arc<Tenant>>, caller: Caller, q: GraphQuery) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    let body = t.store.transaction(|c| {
        let scope = scope(c, &caller, &q, "assignment requests")?;
        let rows: Vec<RequestRow> = db::requests(c)?.into_iter().filter(|r| in_scope(&scope, &r.package_id)).collect();
        let names = names(c, rows.iter().map(|r| &r.package_id))?;
        let view = |r: &RequestRow| {
            let mut v = render::request(c, r, &[]).unwrap_or(Value::Null);
            v["accessPackage"] = json!({"id": r.package_id, "displayName": names[&r.package_id]});
            v
        };
        let path = format!("{BASE}/assignmentRequests");
        list_page(&t, &path, &q, &REQUESTS, rows, view, |r, ex| Ok(render::request(c, r, ex)?))
    })?;
    Ok(Json(body))
}

pub async fn assignments(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    let body = t.store.transaction(|c| {
        let scope = scope(c, &caller, &q, "assignments")?;
        let rows: Vec<AssignmentRow> =
            db::assignments(c)?.into_iter().filter(|a| in_scope(&scope, &a.package_id)).collect();
        let names = names(c, rows.iter().map(|a| &a.package_id))?;
        let view = |a: &AssignmentRow| {
            let mut v = render::assignment(c, a, &[]).unwrap_or(Value::Null);
            v["accessPackage"] = json!({"id": a.package_id, "displayName": names[&a.package_id]});
            v["assignmentPolicy"] = json!({"id": a.policy_id});
            v["target"] = json!({"objectId": a.target_id});
            v
        };
        let path = format!("{BASE}/assignments");
        list_page(&t, &path, &q, &ASSIGNMENTS, rows, view, |a, ex| Ok(render::assignment(c, a, ex)?))
    })?;
    Ok(Json(body))
}

/// Graph's 400 for a key that is not an id at all (an unknown one is a 404).
fn check_id(id: &str) -> Result<(), GraphError> {
    match uuid::Uuid::parse_str(id) {
        Ok(_) => Ok(()),
        Err(_) => Err(GraphError::bad_request(format!("'{id}' is not a valid id."))),
    }
}

/// Refuses a caller who may not change what the package's catalog delivers.
fn require_manager(c: &Connection, caller: &Caller, package_id: &str) -> Result<(), GraphError> {
    let catalog = db::package(c, package_id)?.map(|p| p.catalog_id).unwrap_or_default();
    if Reach::of(c, &caller.user)?.manages(&catalog) {
        return Ok(());
    }
    Err(codes::no_role(
        "Reprocessing needs a directory role, or the catalog owner, access package manager or \
         access package assignment manager role of the package's catalog.",
    ))
}

pub async fn reprocess_request(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, GraphError> {
    caller.require_any(&WRITE)?;
    check_id(&id)?;
    let ctx = Ctx { now: t.now(), scenario: &t.scenario, quiet: false };
    t.store.transaction(|c| {
        let r = db::request(c, &id)?.ok_or_else(|| codes::not_found("access package assignment request", &id))?;
        require_manager(c, &caller, &r.package_id)?;
        delivery::reprocess_request(c, &ctx, r)
    })?;
    Ok(StatusCode::ACCEPTED)
}

pub async fn reprocess_assignment(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, GraphError> {
    caller.require_any(&WRITE)?;
    check_id(&id)?;
    t.store.transaction(|c| {
        let a = db::assignment(c, &id)?.ok_or_else(|| codes::not_found("access package assignment", &id))?;
        require_manager(c, &caller, &a.package_id)?;
        delivery::reprocess_assignment(c, &a)
    })?;
    Ok(StatusCode::ACCEPTED)
}
