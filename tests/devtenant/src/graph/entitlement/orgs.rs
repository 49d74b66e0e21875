//! `connectedOrganizations`: the partner organizations (matched on their domains) and their
//! internal and external sponsors, who approve requests of people from there.

use super::{BASE, ListSpec, READ, context, list_page, one_entity, render};
use crate::Tenant;
use crate::entitlement::codes;
use crate::graph::auth::Caller;
use crate::graph::error::GraphError;
use crate::graph::expand::Allow;
use crate::graph::query::{GraphQuery, page};
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use std::sync::Arc;

const EXPAND: &[Allow] = &[Allow("internalSponsors", &[]), Allow("externalSponsors", &[])];
const ORGS: ListSpec = ListSpec {
    entity: "connectedOrganization",
    filters: &[("id", &["eq"]), ("displayName", &["eq", "contains", "startswith"]), ("state", &["eq"])],
    orderby: &["displayName", "createdDateTime"],
    expand: EXPAND,
    skip: false,
};

fn org(t: &Tenant, id: &str) -> Result<Value, GraphError> {
    let found = t
        .store
        .connected_organizations()
        .into_iter()
        .find(|o| o["id"].as_str().is_some_and(|i| i.eq_ignore_ascii_case(id)));
    found.ok_or_else(|| codes::not_found("connected organization", id))
}

pub async fn list(State(t): State<Arc<Tenant>>, caller: Caller, q: GraphQuery) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    let rows = t.store.connected_organizations();
    let path = format!("{BASE}/connectedOrganizations");
    let body = t.store.transaction(|c| {
        let view = |o: &Value| render::org(c, o, &[]).unwrap_or(Value::Null);
        list_page(&t, &path, &q, &ORGS, rows, view, |o, ex| Ok(render::org(c, o, ex)?))
    })?;
    Ok(Json(body))
}

pub async fn get(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    let stored = org(&t, &id)?;
    one_entity(&t, &q, "connectedOrganization", "connectedOrganizations", EXPAND, |c, expand| {
        Ok(render::org(c, &stored, expand)?)
    })
}

/// `internalSponsors` / `externalSponsors`: directory objects, paged.
pub async fn sponsors(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path((id, relation)): Path<(String, String)>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    let key = match relation.as_str() {
        "internalSponsors" => "internalSponsorIds",
        "externalSponsors" => "externalSponsorIds",
        other => return Err(GraphError::bad_request(format!("Resource not found for the segment '{other}'."))),
    };
    q.only(&["$top", "$skiptoken"])?;
    let stored = org(&t, &id)?;
    let items = t.store.transaction(|c| render::sponsors(c, &stored[key]))?;
    let items = items.as_array().cloned().unwrap_or_default();
    let path = format!("{BASE}/connectedOrganizations/{id}/{relation}");
    let mut body = page(&t, &path, &q, items, t.scenario.graph.page_size, 999)?;
    body["@odata.context"] = json!(context(&t, "directoryObjects"));
    Ok(Json(body))
}
