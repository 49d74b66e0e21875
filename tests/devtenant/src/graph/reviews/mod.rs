//! Graph's access reviews for a reviewer (`/identityGovernance/accessReviews/definitions/…`):
//! `filterByCurrentUser(on='reviewer')` on definitions, instances and decisions, GETs by id, an
//! instance's `contactedReviewers`, the writes (PATCH a decision, `batchRecordDecisions`,
//! `acceptRecommendations`, `resetDecisions`) and an administrator's `stop`, `applyDecisions`
//! and `sendReminder`. The clock-driven lifecycle runs before every answer, as for entitlements.

mod admin;
mod render;
mod reviewers;
mod writes;

use super::auth::Caller;
use super::entitlement::{ListSpec, function_on, list_page, one_entity};
use super::error::GraphError;
use super::expand::Allow;
use super::query::GraphQuery;
use crate::Tenant;
use crate::entitlement::codes;
use crate::routes::Routes;
use crate::store::reviews::{self as db, DecisionRow, DefinitionRow, InstanceRow};
use axum::Json;
use axum::extract::{Path, State};
use axum::middleware;
use rusqlite::Connection;
use serde_json::{Value, json};
use std::sync::Arc;

pub const BASE: &str = "/v1.0/identityGovernance/accessReviews";
pub const READ: [&str; 2] = ["AccessReview.Read.All", "AccessReview.ReadWrite.All"];
pub const WRITE: [&str; 1] = ["AccessReview.ReadWrite.All"];

const DEFINITIONS: ListSpec = ListSpec {
    entity: "accessReviewScheduleDefinition",
    filters: &[("id", &["eq", "in"]), ("displayName", &["eq", "contains", "startswith"]), ("status", &["eq", "in"])],
    orderby: &["displayName", "createdDateTime"],
    expand: &[],
    skip: true,
};
const INSTANCES: ListSpec = ListSpec {
    entity: "accessReviewInstance",
    filters: &[("id", &["eq", "in"]), ("status", &["eq", "in"])],
    orderby: &["startDateTime", "endDateTime"],
    expand: &[],
    skip: true,
};
const DECISIONS: ListSpec = ListSpec {
    entity: "accessReviewInstanceDecisionItem",
    filters: &[
        ("id", &["eq", "in"]),
        ("decision", &["eq", "in"]),
        ("recommendation", &["eq", "in"]),
        ("principal/id", &["eq", "in"]),
    ],
    orderby: &["decision", "reviewedDateTime"],
    expand: &[Allow("insights", &[])],
    skip: true,
};

pub fn router(t: Arc<Tenant>) -> Routes<Arc<Tenant>> {
    let i = "/definitions/{id}/instances/{instance}";
    Routes::new()
        .get("/definitions/{id}", definitions)
        .get(i, instances)
        .get(&format!("{i}/decisions/{{decision}}"), decisions)
        .patch(&format!("{i}/decisions/{{decision}}"), writes::patch)
        .post(&format!("{i}/batchRecordDecisions"), writes::batch)
        .post(&format!("{i}/acceptRecommendations"), writes::accept)
        .post(&format!("{i}/resetDecisions"), writes::reset)
        .post(&format!("{i}/stop"), admin::stop)
        .post(&format!("{i}/applyDecisions"), admin::apply)
        .post(&format!("{i}/sendReminder"), admin::remind)
        .get(&format!("{i}/contactedReviewers"), reviewers::contacted)
        .map(|r| r.layer(middleware::from_fn_with_state(t, super::entitlement::catch_up)))
}

/// A key that is not a GUID is Graph's 400; an unknown one its 404.
fn guid(id: &str) -> Result<(), GraphError> {
    uuid::Uuid::parse_str(id)
        .map(|_| ())
        .map_err(|_| GraphError::bad_request(format!("Invalid id '{id}': it is not a GUID.")))
}

pub(crate) fn load_definition(c: &Connection, id: &str) -> Result<DefinitionRow, GraphError> {
    guid(id)?;
    db::definition(c, id)?.ok_or_else(|| codes::not_found("access review definition", id))
}

pub(crate) fn load_instance(c: &Connection, d: &DefinitionRow, id: &str) -> Result<InstanceRow, GraphError> {
    guid(id)?;
    db::instance(c, id)?
        .filter(|i| i.definition_id == d.id)
        .ok_or_else(|| codes::not_found("access review instance", id))
}

pub(crate) fn load_decision(c: &Connection, i: &InstanceRow, id: &str) -> Result<DecisionRow, GraphError> {
    guid(id)?;
    db::decisions_of(c, &i.id)?
        .into_iter()
        .find(|x| x.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| codes::not_found("access review decision", id))
}

fn refused() -> GraphError {
    codes::forbidden("The signed-in user is not a reviewer of this access review.")
}

/// Reviewers of any item of it, and administrators, may read a definition or an instance.
pub(crate) fn may_read(c: &Connection, caller: &Caller, instances: &[InstanceRow]) -> Result<(), GraphError> {
    if caller.user.admin {
        return Ok(());
    }
    let mine = db::decisions_reviewed_by(c, &caller.user.id)?;
    if mine.iter().any(|x| instances.iter().any(|i| i.id == x.instance_id)) { Ok(()) } else { Err(refused()) }
}

fn set(path: &str) -> String {
    format!("identityGovernance/accessReviews/{path}")
}

pub async fn definitions(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    if let Some(on) = function_on(&id, &["reviewer"]) {
        on?;
        let me = caller.user.id.clone();
        return t
            .store
            .transaction(|c| {
                let mine = db::decisions_reviewed_by(c, &me)?;
                let mut rows = vec![];
                for d in db::definitions(c)? {
                    let ids: Vec<String> = db::instances_of(c, &d.id)?.into_iter().map(|i| i.id).collect();
                    if mine.iter().any(|x| ids.contains(&x.instance_id)) {
                        rows.push(d);
                    }
                }
                let path = format!("{BASE}/definitions/filterByCurrentUser(on='reviewer')");
                let view = |d: &DefinitionRow| render::definition(c, d).unwrap_or(Value::Null);
                list_page(&t, &path, &q, &DEFINITIONS, rows, view, |d, _| Ok(render::definition(c, d)?))
            })
            .map(Json);
    }
    let mut body = one_entity(&t, &q, DEFINITIONS.entity, "", &[], |c, _| {
        let d = load_definition(c, &id)?;
        may_read(c, &caller, &db::instances_of(c, &d.id)?)?;
        Ok(render::definition(c, &d)?)
    })?;
    body["@odata.context"] = json!(super::entitlement::context(&t, &set("definitions/$entity")));
    Ok(body)
}

pub async fn instances(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path((id, instance)): Path<(String, String)>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    if let Some(on) = function_on(&instance, &["reviewer"]) {
        on?;
        let me = caller.user.id.clone();
        return t
            .store
            .transaction(|c| {
                let d = load_definition(c, &id)?;
                let mine = db::decisions_reviewed_by(c, &me)?;
                let rows: Vec<InstanceRow> = db::instances_of(c, &d.id)?
                    .into_iter()
                    .filter(|i| mine.iter().any(|x| x.instance_id == i.id))
                    .collect();
                let path = format!("{BASE}/definitions/{}/instances/filterByCurrentUser(on='reviewer')", d.id);
                list_page(
                    &t,
                    &path,
                    &q,
                    &INSTANCES,
                    rows,
                    |i| render::instance(&d, i),
                    |i, _| Ok(render::instance(&d, i)),
                )
            })
            .map(Json);
    }
    let mut body = one_entity(&t, &q, INSTANCES.entity, "", &[], |c, _| {
        let d = load_definition(c, &id)?;
        let i = load_instance(c, &d, &instance)?;
        may_read(c, &caller, std::slice::from_ref(&i))?;
        Ok(render::instance(&d, &i))
    })?;
    body["@odata.context"] =
        json!(super::entitlement::context(&t, &set(&format!("definitions('{id}')/instances/$entity"))));
    Ok(body)
}

pub async fn decisions(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path((id, instance, decision)): Path<(String, String, String)>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    if let Some(on) = function_on(&decision, &["reviewer"]) {
        on?;
        let me = caller.user.id.clone();
        return t
            .store
            .transaction(|c| {
                let d = load_definition(c, &id)?;
                let i = load_instance(c, &d, &instance)?;
                let rows: Vec<DecisionRow> =
                    db::decisions_of(c, &i.id)?.into_iter().filter(|x| x.reviewers.contains(&me)).collect();
                let path = format!(
                    "{BASE}/definitions/{}/instances/{}/decisions/filterByCurrentUser(on='reviewer')",
                    d.id, i.id
                );
                let view = |x: &DecisionRow| render::decision(&t, c, &d, &i, x, &[]).unwrap_or(Value::Null);
                list_page(&t, &path, &q, &DECISIONS, rows, view, |x, ex| Ok(render::decision(&t, c, &d, &i, x, ex)?))
            })
            .map(Json);
    }
    let mut body = one_entity(&t, &q, DECISIONS.entity, "", DECISIONS.expand, |c, ex| {
        let d = load_definition(c, &id)?;
        let i = load_instance(c, &d, &instance)?;
        let x = load_decision(c, &i, &decision)?;
        if !caller.user.admin && !x.reviewers.contains(&caller.user.id) {
            return Err(codes::forbidden("The signed-in user is not a reviewer of this decision item."));
        }
        Ok(render::decision(&t, c, &d, &i, &x, ex)?)
    })?;
    let ctx = set(&format!("definitions('{id}')/instances('{instance}')/decisions/$entity"));
    body["@odata.context"] = json!(super::entitlement::context(&t, &ctx));
    Ok(body)
}
