//! The reviewer's writes over HTTP: bodies read strictly (unknown fields are a 400), each write
//! checked and carried out in one transaction, 204 on success as Graph answers.

use super::{WRITE, load_decision, load_definition, load_instance};
use crate::Tenant;
use crate::graph::GraphJson;
use crate::graph::auth::Caller;
use crate::graph::error::GraphError;
use crate::reviews::decide::{self, Batch};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Decision {
    decision: Option<String>,
    justification: Option<String>,
}

pub async fn patch(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path((id, instance, decision)): Path<(String, String, String)>,
    GraphJson(body): GraphJson<Decision>,
) -> Result<StatusCode, GraphError> {
    caller.require_any(&WRITE)?;
    let value = decide::parse_decision(body.decision.as_deref())?;
    let now = t.now();
    t.store.transaction(|c| {
        let d = load_definition(c, &id)?;
        let i = load_instance(c, &d, &instance)?;
        let x = load_decision(c, &i, &decision)?;
        decide::record(c, now, &d, &i, x, &caller.user, value, body.justification.as_deref())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchBody {
    decision: Option<String>,
    justification: Option<String>,
    principal_id: Option<String>,
    resource_id: Option<String>,
}

pub async fn batch(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path((id, instance)): Path<(String, String)>,
    GraphJson(body): GraphJson<BatchBody>,
) -> Result<StatusCode, GraphError> {
    caller.require_any(&WRITE)?;
    let value = decide::parse_decision(body.decision.as_deref())?;
    let b = Batch {
        decision: value,
        justification: body.justification.as_deref(),
        principal_id: body.principal_id.as_deref(),
        resource_id: body.resource_id.as_deref(),
    };
    let now = t.now();
    t.store.transaction(|c| {
        let d = load_definition(c, &id)?;
        let i = load_instance(c, &d, &instance)?;
        decide::record_batch(c, now, &d, &i, &caller.user, &b)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// Actions without parameters take no body, or an empty JSON object.
pub(super) fn no_parameters(body: &Bytes) -> Result<(), GraphError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    match serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body) {
        Ok(m) if m.is_empty() => Ok(()),
        Ok(m) => Err(GraphError::bad_request(format!(
            "This action takes no parameters; '{}' is not one.",
            m.keys().next().map(String::as_str).unwrap_or_default()
        ))),
        Err(e) => Err(GraphError::bad_request(format!("Invalid JSON: {e}"))),
    }
}

pub async fn accept(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path((id, instance)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, GraphError> {
    caller.require_any(&WRITE)?;
    no_parameters(&body)?;
    let now = t.now();
    t.store.transaction(|c| {
        let d = load_definition(c, &id)?;
        let i = load_instance(c, &d, &instance)?;
        decide::accept_recommendations(c, now, &i, &caller.user)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reset(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path((id, instance)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, GraphError> {
    caller.require_any(&WRITE)?;
    no_parameters(&body)?;
    t.store.transaction(|c| {
        let d = load_definition(c, &id)?;
        let i = load_instance(c, &d, &instance)?;
        decide::reset(c, &i, &caller.user)
    })?;
    Ok(StatusCode::NO_CONTENT)
}
