//! The reviewer's writes and their rules: only a reviewer of an item decides it, only while its
//! instance is in progress, with a justification where the review requires one on approval;
//! the last decision recorded wins until the instance ends. Resetting decisions is an
//! administrator's act, as Graph documents.

use crate::graph::error::GraphError;
use crate::store::UserRecord;
use crate::store::reviews::{self as db, DecisionRow, DefinitionRow, InstanceRow};
use axum::http::StatusCode;

fn forbidden(message: impl Into<String>) -> GraphError {
    GraphError::new(StatusCode::FORBIDDEN, "Forbidden", message)
}

/// Decisions are recorded only while the instance is in progress.
pub fn require_in_progress(i: &InstanceRow) -> Result<(), GraphError> {
    if i.status == "InProgress" {
        Ok(())
    } else {
        Err(forbidden(format!(
            "The access review instance is '{}': decisions can be recorded only while it is in progress.",
            i.status
        )))
    }
}

/// A reviewer's decision as written (`Approve`, `Deny`, `DontKnow`, any case), in Graph's spelling.
pub fn parse_decision(value: Option<&str>) -> Result<&'static str, GraphError> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        Some("approve") => Ok("Approve"),
        Some("deny") => Ok("Deny"),
        Some("dontknow") => Ok("DontKnow"),
        _ => Err(GraphError::bad_request("'decision' must be 'Approve', 'Deny' or 'DontKnow'.")),
    }
}

/// The justification to store, refused when the review requires one on approval and none came.
fn justification(d: &DefinitionRow, decision: &str, given: Option<&str>) -> Result<String, GraphError> {
    let text = given.map(str::trim).unwrap_or_default().to_string();
    if d.rules.justification_required && decision == "Approve" && text.is_empty() {
        return Err(GraphError::bad_request("This access review requires a justification to approve access."));
    }
    Ok(text)
}

fn write(
    c: &rusqlite::Connection,
    mut item: DecisionRow,
    decision: &str,
    why: &str,
    by: &str,
    now: i64,
) -> rusqlite::Result<()> {
    item.decision = decision.into();
    item.justification = why.into();
    item.reviewed_by = Some(by.into());
    item.reviewed_at = Some(now);
    db::update_decision(c, &item)
}

/// `PATCH …/decisions/{id}`.
#[allow(clippy::too_many_arguments)]
pub fn record(
    c: &rusqlite::Connection,
    now: i64,
    d: &DefinitionRow,
    i: &InstanceRow,
    item: DecisionRow,
    caller: &UserRecord,
    decision: &str,
    given: Option<&str>,
) -> Result<(), GraphError> {
    if !item.reviewers.contains(&caller.id) {
        return Err(forbidden("The signed-in user is not a reviewer of this decision item."));
    }
    require_in_progress(i)?;
    let why = justification(d, decision, given)?;
    Ok(write(c, item, decision, &why, &caller.id, now)?)
}

/// The caller's items of an instance; 403 when they review none of it.
fn mine(c: &rusqlite::Connection, i: &InstanceRow, caller: &UserRecord) -> Result<Vec<DecisionRow>, GraphError> {
    let items: Vec<DecisionRow> =
        db::decisions_of(c, &i.id)?.into_iter().filter(|x| x.reviewers.contains(&caller.id)).collect();
    if items.is_empty() {
        return Err(forbidden("The signed-in user is not a reviewer of this access review instance."));
    }
    Ok(items)
}

/// `POST …/batchRecordDecisions`: the caller's items, those of one principal and/or resource.
pub struct Batch<'a> {
    pub decision: &'a str,
    pub justification: Option<&'a str>,
    pub principal_id: Option<&'a str>,
    pub resource_id: Option<&'a str>,
}

pub fn record_batch(
    c: &rusqlite::Connection,
    now: i64,
    d: &DefinitionRow,
    i: &InstanceRow,
    caller: &UserRecord,
    b: &Batch,
) -> Result<(), GraphError> {
    let items = mine(c, i, caller)?;
    require_in_progress(i)?;
    let why = justification(d, b.decision, b.justification)?;
    let same = |want: Option<&str>, have: &str| want.is_none_or(|w| w.eq_ignore_ascii_case(have));
    for item in items {
        if same(b.principal_id, &item.principal_id) && same(b.resource_id, &d.rules.resource_id) {
            write(c, item, b.decision, &why, &caller.id, now)?;
        }
    }
    Ok(())
}

/// `POST …/acceptRecommendations`: the caller's undecided items take their recommendation.
pub fn accept_recommendations(
    c: &rusqlite::Connection,
    now: i64,
    i: &InstanceRow,
    caller: &UserRecord,
) -> Result<(), GraphError> {
    let items = mine(c, i, caller)?;
    require_in_progress(i)?;
    for item in items.into_iter().filter(|x| x.decision == "NotReviewed") {
        if let rec @ ("Approve" | "Deny") = item.recommendation.clone().as_str() {
            write(c, item, rec, "", &caller.id, now)?;
        }
    }
    Ok(())
}

/// `POST …/resetDecisions`: every item of the instance back to `NotReviewed` (administrators).
pub fn reset(c: &rusqlite::Connection, i: &InstanceRow, caller: &UserRecord) -> Result<(), GraphError> {
    if !caller.admin {
        return Err(forbidden(
            "Resetting decisions needs an administrator role (User or Identity Governance Administrator).",
        ));
    }
    require_in_progress(i)?;
    for mut item in db::decisions_of(c, &i.id)? {
        item.decision = "NotReviewed".into();
        item.justification = String::new();
        (item.reviewed_by, item.reviewed_at) = (None, None);
        db::update_decision(c, &item)?;
    }
    Ok(())
}
