//! `GET …/instances/{id}/contactedReviewers`: the people an instance asks to review, resolved
//! from its items' reviewers when it started (sponsors, managers, named users, the reviewed
//! themselves), each once, as Graph's `accessReviewReviewer` with the start as the time they
//! were added. Read by the instance's reviewers and by administrators, like the instance.

use super::{BASE, READ, load_definition, load_instance, may_read};
use crate::Tenant;
use crate::clock::iso;
use crate::graph::auth::Caller;
use crate::graph::entitlement::{ListSpec, list_page};
use crate::graph::error::GraphError;
use crate::graph::query::GraphQuery;
use crate::store::reviews as db;
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use std::sync::Arc;

const CONTACTED: ListSpec = ListSpec {
    entity: "accessReviewReviewer",
    filters: &[
        ("id", &["eq", "in"]),
        ("displayName", &["eq", "startswith", "contains"]),
        ("userPrincipalName", &["eq", "startswith"]),
    ],
    orderby: &["displayName", "userPrincipalName", "createdDateTime"],
    expand: &[],
    skip: true,
};

pub async fn contacted(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path((id, instance)): Path<(String, String)>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&READ)?;
    t.store
        .transaction(|c| {
            let d = load_definition(c, &id)?;
            let i = load_instance(c, &d, &instance)?;
            may_read(c, &caller, std::slice::from_ref(&i))?;
            let mut ids: Vec<String> = vec![];
            for x in db::decisions_of(c, &i.id)? {
                for r in x.reviewers {
                    if !ids.contains(&r) {
                        ids.push(r);
                    }
                }
            }
            let mut rows = vec![];
            for r in ids {
                if let Some(u) = crate::store::user_in(c, &r)? {
                    rows.push(json!({"id": u.id, "displayName": u.display_name(), "userPrincipalName": u.upn,
                                     "createdDateTime": iso(i.start_at)}));
                }
            }
            let path = format!("{BASE}/definitions/{}/instances/{}/contactedReviewers", d.id, i.id);
            list_page(&t, &path, &q, &CONTACTED, rows, Value::clone, |v, _| Ok(v.clone()))
        })
        .map(Json)
}
