//! An administrator's acts on an access review instance, with Graph's rules: stopping one in
//! progress (it ends now, as at its end), applying the decisions of a completed one whose results
//! were not applied automatically, and reminding the reviewers of one in progress. Each needs a
//! directory role (Graph asks for User or Identity Governance Administrator); reviewers who are
//! not administrators are refused like anyone else.

use super::lifecycle;
use crate::entitlement::Ctx;
use crate::graph::error::GraphError;
use crate::store::UserRecord;
use crate::store::reviews::{DefinitionRow, InstanceRow};
use axum::http::StatusCode;
use rusqlite::Connection;

/// 403 `Forbidden` for anyone without a directory role.
pub fn require_admin(caller: &UserRecord, act: &str) -> Result<(), GraphError> {
    if caller.admin {
        return Ok(());
    }
    Err(GraphError::new(
        StatusCode::FORBIDDEN,
        "Forbidden",
        format!("{act} needs an administrator role (User or Identity Governance Administrator)."),
    ))
}

fn wrong_status(i: &InstanceRow, rule: &str) -> GraphError {
    GraphError::bad_request(format!("The access review instance is '{}': {rule}", i.status))
}

/// `POST …/instances/{id}/stop`: only an instance in progress stops.
pub fn stop(
    c: &Connection,
    ctx: &Ctx,
    d: &DefinitionRow,
    i: &InstanceRow,
    caller: &UserRecord,
) -> Result<(), GraphError> {
    require_admin(caller, "Stopping an access review")?;
    if i.status != "InProgress" {
        return Err(wrong_status(i, "only an instance in progress can be stopped."));
    }
    lifecycle::stop(c, ctx, d, i)
}

/// `POST …/instances/{id}/applyDecisions`: only a `Completed` instance (not yet applied).
pub fn apply(
    c: &Connection,
    ctx: &Ctx,
    d: &DefinitionRow,
    i: &InstanceRow,
    caller: &UserRecord,
) -> Result<(), GraphError> {
    require_admin(caller, "Applying access review decisions")?;
    if i.status != "Completed" {
        return Err(wrong_status(i, "decisions are applied only when it is 'Completed'."));
    }
    lifecycle::apply_decisions(c, ctx, d, i)
}

/// `POST …/instances/{id}/sendReminder`: accepted for an instance in progress (no mail is sent:
/// the tenant's outbox has no reminder).
pub fn remind(i: &InstanceRow, caller: &UserRecord) -> Result<(), GraphError> {
    require_admin(caller, "Sending a reminder")?;
    if i.status != "InProgress" {
        return Err(wrong_status(i, "reminders go to the reviewers of an instance in progress."));
    }
    Ok(())
}
