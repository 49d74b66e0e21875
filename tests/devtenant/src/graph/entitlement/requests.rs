//! `assignmentRequests`: a user asks for, extends or gives up access (`POST`), follows their
//! requests (`GET {id}`, `filterByCurrentUser(on='target'|'createdBy'|'approver')`) and cancels
//! them (`POST {id}/cancel`).

use super::{BASE, ListSpec, READ, SUBJECT, SUBJECT_WRITE, entity, function_on, list_page, one_entity, render};
use crate::Tenant;
use crate::entitlement::requests::{Ask, Kind, file};
use crate::entitlement::{Ctx, Person, codes, lifecycle};
use crate::graph::GraphJson;
use crate::graph::auth::Caller;
use crate::graph::error::GraphError;
use crate::graph::expand::Allow;
use crate::graph::query::GraphQuery;
use crate::graph::schema;
use crate::store::entitlement::{self as db, RequestRow};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rusqlite::Connection;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

const SUBJECT_EXPAND: &[Allow] = &[Allow("connectedOrganization", &[])];
const ASSIGNMENT_EXPAND: &[Allow] = &[
    Allow("target", SUBJECT_EXPAND),
    Allow("accessPackage", &[]),
    Allow("assignmentPolicy", &[Allow("questions", &[])]),
];
const REQUEST_EXPAND: &[Allow] = &[
    Allow(
        "accessPackage",
        &[
            Allow("assignmentPolicies", &[Allow("questions", &[])]),
            Allow("resourceRoleScopes", &[Allow("role", &[]), Allow("scope", &[])]),
        ],
    ),
    Allow("requestor", SUBJECT_EXPAND),
    Allow("assignment", ASSIGNMENT_EXPAND),
];
pub(super) const REQUESTS: ListSpec = ListSpec {
    entity: "accessPackageAssignmentRequest",
    filters: &[
        ("id", &["eq", "in"]),
        ("state", &["eq", "in"]),
        ("requestType", &["eq"]),
        ("accessPackage/id", &["eq", "in"]),
        ("accessPackage/displayName", &["eq", "contains", "startswith"]),
        ("createdDateTime", &["ge", "gt", "le", "lt"]),
    ],
    orderby: &["createdDateTime", "completedDateTime"],
    expand: REQUEST_EXPAND,
    skip: false,
};

/// Reads `requestType` as the docs spell it (any case; `userExtend` too).
fn kind(raw: &str) -> Result<Kind, GraphError> {
    match raw.to_ascii_lowercase().as_str() {
        "useradd" => Ok(Kind::Add),
        // `userExtend` is in the docs (resource page, end-user tip) but not in the v1.0 schema;
        // accepted as the docs say, and shown as `userUpdate`, which the app can read.
        "userupdate" | "userextend" => Ok(Kind::Update),
        "userremove" => Ok(Kind::Remove),
        "adminadd" | "adminupdate" | "adminremove" | "onbehalfadd" | "systemadd" | "systemupdate" | "systemremove" => {
            Err(codes::forbidden(format!("'{raw}' requests need an entitlement management administrator role.")))
        }
        _ => Err(GraphError::bad_request(format!("'{raw}' is not a requestType for this request."))),
    }
}

/// Fields the tenant reads as strings, by JSON pointer: a number or an object there is Graph's
/// 400, never silently read as absent.
const STRING_FIELDS: [&str; 5] = [
    "/justification",
    "/assignment/accessPackageId",
    "/assignment/assignmentPolicyId",
    "/assignment/targetId",
    "/assignment/id",
];

/// Refuses a body whose fields have the wrong JSON types, and a `schedule` that is not Graph's
/// `entitlementManagementSchedule` (names, types, date-times, `expiration.type`).
fn check_types(body: &Value) -> Result<(), GraphError> {
    for pointer in STRING_FIELDS {
        if let Some(v) = body.pointer(pointer).filter(|v| !v.is_null() && !v.is_string()) {
            let name = pointer[1..].replace('/', ".");
            return Err(GraphError::bad_request(format!("'{name}' must be a string, not {v}.")));
        }
    }
    let schedule = body.get("schedule").filter(|s| !s.is_null());
    match schedule.map(|s| schema::conformance(s, "entitlementManagementSchedule")).unwrap_or_default().first() {
        Some(problem) => Err(GraphError::bad_request(format!("Invalid 'schedule': {problem}."))),
        None => Ok(()),
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v[key].as_str().map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

pub async fn create(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    GraphJson(body): GraphJson<Value>,
) -> Result<(StatusCode, Json<Value>), GraphError> {
    caller.require_any(&SUBJECT_WRITE)?;
    let Value::Object(fields) = &body else { return Err(GraphError::bad_request("The body must be a JSON object.")) };
    // Only v1.0's names: the beta-era `accessPackageAssignment` or `requestState` are refused.
    let known = |k: &str| k.starts_with('@') || ["assignment", "accessPackage", "requestor"].contains(&k);
    if let Some(k) = fields.keys().find(|k| !known(k) && !schema::has_property("accessPackageAssignmentRequest", k)) {
        return Err(GraphError::bad_request(format!("'{k}' is not a property of accessPackageAssignmentRequest.")));
    }
    check_types(&body)?;
    let kind =
        kind(body["requestType"].as_str().ok_or_else(|| GraphError::bad_request("'requestType' is required."))?)?;
    let a = &body["assignment"];
    if !a.is_object() {
        return Err(GraphError::bad_request("'assignment' is required."));
    }
    if text(a, "targetId").is_some_and(|id| !id.eq_ignore_ascii_case(&caller.user.id)) {
        return Err(codes::forbidden("A user request is for the signed-in user only (assignment.targetId)."));
    }
    let answers = match &body["answers"] {
        Value::Null => vec![],
        Value::Array(a) => a.clone(),
        _ => return Err(GraphError::bad_request("'answers' must be a collection.")),
    };
    let ask = Ask {
        kind,
        package_id: text(a, "accessPackageId"),
        policy_id: text(a, "assignmentPolicyId"),
        assignment_id: text(a, "id"),
        justification: body["justification"].as_str().map(String::from),
        answers,
        schedule: Some(body["schedule"].clone()).filter(|s| !s.is_null()),
    };
    if kind != Kind::Add && ask.assignment_id.is_none() && ask.package_id.is_none() {
        return Err(GraphError::bad_request(
            "'assignment' needs the 'id' of the assignment, or its 'accessPackageId'.",
        ));
    }
    let ctx = Ctx { now: t.now(), scenario: &t.scenario, quiet: false };
    let person = Person::from_user(&caller.user);
    let out = t.store.transaction(|c| {
        let r = file(c, &ctx, person, Some(&caller.user.id), ask, uuid::Uuid::new_v4().to_string())?;
        Ok::<_, GraphError>(render::request(c, &r, &[])?)
    })?;
    Ok((StatusCode::CREATED, Json(entity(&t, "assignmentRequests", out))))
}

/// Whether the caller may read a request: its requestor, its creator, one of its approvers, or
/// a directory administrator.
fn may_read(c: &Connection, r: &RequestRow, caller: &Caller) -> rusqlite::Result<bool> {
    let me = &caller.user.id;
    if caller.user.admin || r.target_id.as_ref() == Some(me) || r.created_by.as_ref() == Some(me) {
        return Ok(true);
    }
    Ok(db::stages(c, &r.id)?.iter().any(|s| s.approvers.contains(me)))
}

pub async fn get(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    if let Some(on) = function_on(&id, &["target", "createdBy", "approver"]) {
        let on = on?;
        caller.require_any(&SUBJECT)?;
        return mine(&t, &caller, &q, &on).map(Json);
    }
    caller.require_any(&READ)?;
    one_entity(&t, &q, "accessPackageAssignmentRequest", "assignmentRequests", REQUEST_EXPAND, |c, expand| {
        let r = db::request(c, &id)?.filter(|r| may_read(c, r, &caller).unwrap_or(false));
        let r = r.ok_or_else(|| codes::not_found("access package assignment request", &id))?;
        Ok(render::request(c, &r, expand)?)
    })
}

/// The caller's requests: as target, as creator, or awaiting their decision.
fn mine(t: &Tenant, caller: &Caller, q: &GraphQuery, on: &str) -> Result<Value, GraphError> {
    let me = caller.user.id.clone();
    t.store.transaction(|c| {
        let rows: Vec<RequestRow> = if on == "approver" {
            let mut out = vec![];
            for s in db::stages_in_progress(c)?.into_iter().filter(|s| s.approvers.contains(&me)) {
                out.extend(db::request(c, &s.request_id)?.filter(|r| r.state == "pendingApproval"));
            }
            out
        } else {
            let all = db::requests_of(c, &me)?;
            let key = |r: &RequestRow| if on == "target" { r.target_id.clone() } else { r.created_by.clone() };
            all.into_iter().filter(|r| key(r).as_ref() == Some(&me)).collect()
        };
        let mut names: HashMap<String, Value> = HashMap::new();
        for r in &rows {
            if !names.contains_key(&r.package_id) {
                let name = db::package(c, &r.package_id)?.map(|p| p.data["displayName"].clone()).unwrap_or(Value::Null);
                names.insert(r.package_id.clone(), name);
            }
        }
        let view = |r: &RequestRow| {
            let mut v = render::request(c, r, &[]).unwrap_or(Value::Null);
            v["accessPackage"] = json!({"id": r.package_id, "displayName": names[&r.package_id]});
            v
        };
        let path = format!("{BASE}/assignmentRequests/filterByCurrentUser(on='{on}')");
        list_page(t, &path, q, &REQUESTS, rows, view, |r, ex| Ok(render::request(c, r, ex)?))
    })
}

pub async fn cancel(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, GraphError> {
    // The docs list ReadWrite.All; cancelling one's own request is the subject-access scope's
    // purpose, so the local tenant accepts that too.
    caller.require_any(&SUBJECT_WRITE)?;
    let ctx = Ctx { now: t.now(), scenario: &t.scenario, quiet: false };
    t.store.transaction(|c| {
        let r = db::request(c, &id)?.ok_or_else(|| codes::not_found("access package assignment request", &id))?;
        let me = Some(&caller.user.id);
        if r.target_id.as_ref() != me && r.created_by.as_ref() != me {
            return Err(codes::forbidden("Only the requestor may cancel a request."));
        }
        lifecycle::cancel(c, &ctx, r)
    })?;
    Ok(StatusCode::NO_CONTENT)
}
