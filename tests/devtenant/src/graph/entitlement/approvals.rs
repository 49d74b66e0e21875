//! `accessPackageAssignmentApprovals`: an approval's id is its request's id; its stages are what
//! approvers read and decide (`PATCH …/stages/{id}`, first decision wins, others get 409).
//!
//! Who may read an approval: the approvers of its stages, and (read-only, so they can see why a
//! request was denied) its requestor. Graph documents 403 for everyone else.

use super::{BASE, ListSpec, READ, WRITE, context, function_on, list_page, render};
use crate::Tenant;
use crate::entitlement::{Ctx, codes, lifecycle};
use crate::graph::GraphJson;
use crate::graph::auth::Caller;
use crate::graph::error::GraphError;
use crate::graph::expand::Allow;
use crate::graph::query::GraphQuery;
use crate::store::entitlement::{self as db, RequestRow};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

const APPROVALS: ListSpec = ListSpec {
    entity: "approval",
    filters: &[("id", &["eq", "in"])],
    orderby: &[],
    expand: &[Allow("stages", &[])],
    skip: false,
};

/// The request behind an approval, if the caller may read it.
fn readable(c: &Connection, id: &str, caller: &Caller) -> Result<RequestRow, GraphError> {
    let r = db::request(c, id)?.ok_or_else(|| codes::not_found("approval", id))?;
    let me = &caller.user.id;
    let approver = db::stages(c, &r.id)?.iter().any(|s| s.approvers.contains(me));
    if approver || r.target_id.as_ref() == Some(me) {
        Ok(r)
    } else {
        Err(codes::forbidden("The signed-in user is not an approver of this request."))
    }
}

pub async fn get(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    if let Some(on) = function_on(&id, &["approver"]) {
        on?;
        caller.require_any(&WRITE)?;
        return pending(&t, &caller, &q).map(Json);
    }
    caller.require_any(&READ)?;
    q.only(&["$expand"])?;
    crate::graph::expand::read(q.get("$expand"), APPROVALS.entity, APPROVALS.expand)?;
    let mut body = t.store.transaction(|c| {
        let r = readable(c, &id, &caller)?;
        Ok::<_, GraphError>(render::approval(c, &r, &caller.user.id)?)
    })?;
    body["@odata.context"] =
        json!(context(&t, "identityGovernance/entitlementManagement/accessPackageAssignmentApprovals/$entity"));
    Ok(Json(body))
}

/// Approvals with a stage in progress that the caller may decide.
fn pending(t: &Tenant, caller: &Caller, q: &GraphQuery) -> Result<Value, GraphError> {
    let me = caller.user.id.clone();
    t.store.transaction(|c| {
        let mut rows = vec![];
        for s in db::stages_in_progress(c)?.into_iter().filter(|s| s.approvers.contains(&me)) {
            rows.extend(db::request(c, &s.request_id)?.filter(|r| r.state == "pendingApproval"));
        }
        let path = format!("{BASE}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')");
        list_page(t, &path, q, &APPROVALS, rows, |r| json!({"id": r.id}), |r, _| Ok(render::approval(c, r, &me)?))
    })
}

pub async fn stages(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    q.only(&[])?;
    let value = t.store.transaction(|c| {
        let r = readable(c, &id, &caller)?;
        Ok::<_, GraphError>(render::approval(c, &r, &caller.user.id)?["stages"].take())
    })?;
    let ctx = context(
        &t,
        &format!("identityGovernance/entitlementManagement/accessPackageAssignmentApprovals('{id}')/stages"),
    );
    Ok(Json(json!({"@odata.context": ctx, "value": value})))
}

pub async fn stage(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path((id, stage)): Path<(String, String)>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    q.only(&[])?;
    let mut body = t.store.transaction(|c| {
        let r = readable(c, &id, &caller)?;
        let s = db::stages(c, &r.id)?.into_iter().find(|s| s.id.eq_ignore_ascii_case(&stage));
        let s = s.ok_or_else(|| codes::not_found("approval stage", &stage))?;
        Ok::<_, GraphError>(render::stage(c, &s, &caller.user.id)?)
    })?;
    body["@odata.context"] =
        json!(context(&t, "identityGovernance/entitlementManagement/accessPackageAssignmentApprovals/stages/$entity"));
    Ok(Json(body))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Decision {
    review_result: Option<String>,
    justification: Option<String>,
}

/// Records a decision. One transaction checks the stage is still open and writes the decision
/// and its consequences, so of two approvers at the same moment one wins and one gets 409.
pub async fn decide(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path((id, stage)): Path<(String, String)>,
    GraphJson(d): GraphJson<Decision>,
) -> Result<StatusCode, GraphError> {
    caller.require_any(&WRITE)?;
    // Written `Approve` / `Deny` (read back as `Approved` / `Denied`).
    let approve = match d.review_result.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("approve") => true,
        Some("deny") => false,
        _ => return Err(GraphError::bad_request("'reviewResult' must be 'Approve' or 'Deny'.")),
    };
    let ctx = Ctx { now: t.now(), scenario: &t.scenario, quiet: false };
    t.store
        .transaction(|c| lifecycle::decide(c, &ctx, &id, &stage, &caller.user, approve, d.justification.as_deref()))?;
    Ok(StatusCode::NO_CONTENT)
}
