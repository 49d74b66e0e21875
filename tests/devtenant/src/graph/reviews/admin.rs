//! An administrator's actions on an access review instance over HTTP: `stop`, `applyDecisions`
//! and `sendReminder`, each without parameters, carried out in one transaction after the
//! clock's due steps, 204 on success as Graph answers. The rules are in `reviews::admin`.

use super::writes::no_parameters;
use super::{WRITE, load_definition, load_instance};
use crate::Tenant;
use crate::entitlement::Ctx;
use crate::graph::auth::Caller;
use crate::graph::error::GraphError;
use crate::reviews::admin;
use crate::store::reviews::{DefinitionRow, InstanceRow};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rusqlite::Connection;
use std::sync::Arc;

/// Checks the scope and the body, finds the instance, and runs `act` on it.
fn action(
    t: &Tenant,
    caller: &Caller,
    (id, instance): (String, String),
    body: &Bytes,
    act: impl FnOnce(&Connection, &Ctx, &DefinitionRow, &InstanceRow) -> Result<(), GraphError>,
) -> Result<StatusCode, GraphError> {
    caller.require_any(&WRITE)?;
    no_parameters(body)?;
    let ctx = Ctx { now: t.now(), scenario: &t.scenario, quiet: false };
    t.store.transaction(|c| {
        let d = load_definition(c, &id)?;
        let i = load_instance(c, &d, &instance)?;
        act(c, &ctx, &d, &i)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn stop(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(ids): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, GraphError> {
    action(&t, &caller, ids, &body, |c, ctx, d, i| admin::stop(c, ctx, d, i, &caller.user))
}

pub async fn apply(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(ids): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, GraphError> {
    action(&t, &caller, ids, &body, |c, ctx, d, i| admin::apply(c, ctx, d, i, &caller.user))
}

pub async fn remind(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(ids): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, GraphError> {
    action(&t, &caller, ids, &body, |_, _, _, i| admin::remind(i, &caller.user))
}
