//! Graph's entitlement-management endpoints (`/identityGovernance/entitlementManagement/…`):
//! routes, and what they share — the clock-driven processing before every answer, the
//! `filterByCurrentUser(on='…')` functions, and lists with `$filter`, `$orderby`, `$select`,
//! `$expand`, `$count` and paging.

mod admin;
mod approvals;
mod assignments;
mod catalogs;
mod orgs;
mod packages;
pub mod render;
mod requests;

use super::error::GraphError;
use super::expand::{Allow, Expand};
use super::query::{GraphQuery, paged};
use super::schema;
use crate::Tenant;
use crate::entitlement::{Ctx, lifecycle};
use crate::odata;
use crate::routes::Routes;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

pub const BASE: &str = "/v1.0/identityGovernance/entitlementManagement";

pub const READ: [&str; 2] = ["EntitlementManagement.Read.All", "EntitlementManagement.ReadWrite.All"];
pub const WRITE: [&str; 1] = ["EntitlementManagement.ReadWrite.All"];
/// The end user's own-access scope, and the broad ones above it.
pub const SUBJECT: [&str; 3] = [
    "EntitlementMgmt-SubjectAccess.ReadWrite",
    "EntitlementManagement.Read.All",
    "EntitlementManagement.ReadWrite.All",
];
pub const SUBJECT_WRITE: [&str; 2] = ["EntitlementMgmt-SubjectAccess.ReadWrite", "EntitlementManagement.ReadWrite.All"];

pub fn router(t: Arc<Tenant>) -> Routes<Arc<Tenant>> {
    Routes::new()
        .get("/catalogs", catalogs::list)
        .get("/accessPackages", packages::list)
        .get("/accessPackages/{id}", packages::get)
        .post("/accessPackages/{id}/getApplicablePolicyRequirements", packages::requirements)
        .get("/assignmentPolicies", catalogs::policies)
        .get("/assignmentPolicies/{id}", packages::policy)
        .get("/assignmentRequests", admin::requests)
        .post("/assignmentRequests", requests::create)
        .get("/assignmentRequests/{id}", requests::get)
        .post("/assignmentRequests/{id}/cancel", requests::cancel)
        .post("/assignmentRequests/{id}/reprocess", admin::reprocess_request)
        .get("/assignments", admin::assignments)
        .get("/assignments/{id}", assignments::get)
        .post("/assignments/{id}/reprocess", admin::reprocess_assignment)
        .get("/accessPackageAssignmentApprovals/{id}", approvals::get)
        .get("/accessPackageAssignmentApprovals/{id}/stages", approvals::stages)
        .get("/accessPackageAssignmentApprovals/{id}/stages/{stage}", approvals::stage)
        .patch("/accessPackageAssignmentApprovals/{id}/stages/{stage}", approvals::decide)
        .get("/connectedOrganizations", orgs::list)
        .get("/connectedOrganizations/{id}", orgs::get)
        .get("/connectedOrganizations/{id}/{relation}", orgs::sponsors)
        .map(|r| r.layer(middleware::from_fn_with_state(t, catch_up)))
}

/// Runs what the tenant clock has made due before any entitlement or access review call is answered.
pub(crate) async fn catch_up(State(t): State<Arc<Tenant>>, req: Request, next: Next) -> Response {
    if let Err(e) = process_due(&t) {
        return e.into_response();
    }
    next.run(req).await
}

/// [`lifecycle::process_due`] and the access reviews' at the tenant's current time, in one transaction.
pub fn process_due(t: &Tenant) -> Result<(), GraphError> {
    let ctx = Ctx { now: t.now(), scenario: &t.scenario, quiet: false };
    t.store.transaction(|tx| {
        lifecycle::process_due(tx, &ctx)?;
        crate::reviews::lifecycle::process_due(tx, &ctx)
    })
}

/// `filterByCurrentUser(on='…')` in a key segment: the value of `on`, checked against `options`.
pub fn function_on(segment: &str, options: &[&str]) -> Option<Result<String, GraphError>> {
    let args = segment.strip_prefix("filterByCurrentUser(")?;
    let parse = || {
        let inner = args.strip_suffix(')')?.trim();
        let (name, value) = inner.split_once('=')?;
        let value = value.trim().strip_prefix('\'')?.strip_suffix('\'')?;
        name.trim().eq_ignore_ascii_case("on").then(|| value.to_string())
    };
    Some(match parse() {
        Some(on) if options.contains(&on.as_str()) => Ok(on),
        Some(on) => Err(GraphError::bad_request(format!("The value '{on}' of parameter 'on' is not supported here."))),
        None => Err(GraphError::bad_request("filterByCurrentUser needs the parameter on='…'.")),
    })
}

/// What a list endpoint supports.
pub struct ListSpec {
    /// The schema type of its items, for `$select`.
    pub entity: &'static str,
    /// Property path → operations `$filter` may use on it.
    pub filters: &'static [(&'static str, &'static [&'static str])],
    pub orderby: &'static [&'static str],
    pub expand: &'static [Allow],
    /// Whether it takes `$skip` (Graph's access review lists do; entitlement management's page
    /// with `@odata.nextLink` only).
    pub skip: bool,
}

const LIST_OPTIONS: [&str; 7] = ["$select", "$filter", "$top", "$skiptoken", "$count", "$orderby", "$expand"];

/// Reads `$select` (against the schema type) and `$expand` (against what the endpoint allows).
pub fn select_expand(
    q: &GraphQuery,
    entity: &str,
    allowed: &[Allow],
) -> Result<(Option<Vec<String>>, Vec<Expand>), GraphError> {
    let select = q.select(|p| schema::has_property(entity, p))?;
    let expand = super::expand::read(q.get("$expand"), entity, allowed)?;
    Ok((select, expand))
}

/// `$select` keeps the chosen properties and every expanded relation.
pub fn project(v: Value, select: Option<&[String]>, expand: &[Expand]) -> Value {
    match select {
        Some(sel) => {
            let keep: Vec<String> = sel.iter().cloned().chain(expand.iter().map(|e| e.name.clone())).collect();
            odata::project(&v, &keep)
        }
        None => v,
    }
}

pub fn context(t: &Tenant, what: &str) -> String {
    format!("{}/v1.0/$metadata#{what}", t.graph_url())
}

/// A `GET` of one entity: checks `$select` and `$expand`, reads it in one transaction with the
/// expansions asked for (`read`), and answers it projected, with its `@odata.context`.
pub fn one_entity(
    t: &Tenant,
    q: &GraphQuery,
    schema_type: &str,
    set: &str,
    allowed: &[Allow],
    read: impl FnOnce(&rusqlite::Transaction, &[Expand]) -> Result<Value, GraphError>,
) -> Result<axum::Json<Value>, GraphError> {
    q.only(&["$select", "$expand"])?;
    let (select, expand) = select_expand(q, schema_type, allowed)?;
    let body = t.store.transaction(|c| read(c, &expand))?;
    Ok(axum::Json(entity(t, set, project(body, select.as_deref(), &expand))))
}

/// One entity with its `@odata.context`.
pub fn entity(t: &Tenant, set: &str, v: Value) -> Value {
    let mut v = v;
    if let Value::Object(m) = &mut v {
        m.insert(
            "@odata.context".into(),
            json!(context(t, &format!("identityGovernance/entitlementManagement/{set}/$entity"))),
        );
    }
    v
}

/// A list answer: filter on each row's `view`, order, count, page, then render only the page.
pub fn list_page<T>(
    t: &Tenant,
    path: &str,
    q: &GraphQuery,
    spec: &ListSpec,
    rows: Vec<T>,
    view: impl Fn(&T) -> Value,
    render: impl Fn(&T, &[Expand]) -> Result<Value, GraphError>,
) -> Result<Value, GraphError> {
    match spec.skip {
        true => q.only(&[&LIST_OPTIONS[..], &["$skip"]].concat())?,
        false => q.only(&LIST_OPTIONS)?,
    }
    let (select, expand) = select_expand(q, spec.entity, spec.expand)?;
    let filter = q.filter()?;
    if let Some(f) = &filter {
        for (prop, op) in f.uses() {
            let ok = spec.filters.iter().any(|(p, ops)| p.eq_ignore_ascii_case(&prop) && ops.contains(&op.as_str()));
            if !ok {
                let what = if prop.is_empty() { op } else { format!("'{op}' on '{prop}'") };
                return Err(GraphError::bad_request(format!("Invalid filter clause: {what} is not supported here.")));
            }
        }
    }
    let mut by_id: HashMap<String, T> = HashMap::new();
    let mut views = vec![];
    for row in rows {
        let v = view(&row);
        if filter.as_ref().is_none_or(|f| f.matches(&v)) {
            by_id.insert(v["id"].as_str().unwrap_or_default().to_string(), row);
            views.push(v);
        }
    }
    if let Some((prop, desc)) =
        q.orderby(spec.orderby).map_err(|e| GraphError::bad_request(format!("Invalid $orderby: {}", e.message)))?
    {
        odata::sort(&mut views, &prop, desc);
    }
    let total = views.len();
    let mut body = paged(t, path, q, views, t.scenario.graph.page_size, 999, spec.skip)?;
    let mut out = vec![];
    for v in body["value"].as_array().cloned().unwrap_or_default() {
        let row = &by_id[v["id"].as_str().unwrap_or_default()];
        out.push(project(render(row, &expand)?, select.as_deref(), &expand));
    }
    body["value"] = json!(out);
    let set = path.trim_start_matches("/v1.0/").split("/filterByCurrentUser").next().unwrap_or_default();
    body["@odata.context"] = json!(context(t, set));
    if q.count()? {
        body["@odata.count"] = json!(total);
    }
    Ok(body)
}
