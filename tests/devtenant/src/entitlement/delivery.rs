//! Delivering access: each resource role a package grants is provisioned on its own (group
//! memberships for real; applications and sites recorded), and some may fail — a scenario's
//! resource with `fail_attempts` — leaving the request `partiallyDelivered` or `deliveryFailed`
//! until someone allowed to `reprocess` it tries again.

use super::lifecycle::{end_of, policy_of, provision_guest, set_state};
use super::notify::{self, ToRequestor};
use super::{Ctx, codes};
use crate::graph::error::GraphError;
use crate::store::entitlement::{self as db, AssignmentRow, DeliveryTry, PolicyRow, RequestRow};
use rusqlite::Connection;
use serde_json::Value;

/// A request can be reprocessed this long after it completed (Graph: 14 days).
pub const REPROCESS_WINDOW_SECONDS: i64 = 14 * 86_400;

/// The groups a package makes its assignees members of.
pub fn group_ids(c: &Connection, package_id: &str) -> rusqlite::Result<Vec<String>> {
    let scopes = db::package(c, package_id)?.map(|p| p.role_scopes).unwrap_or(Value::Null);
    Ok(scopes.as_array().into_iter().flatten().filter_map(membership).collect())
}

/// The group a role scope makes someone a member of, if it is a group's `Member` role.
fn membership(s: &Value) -> Option<String> {
    let member = s["role"]["originSystem"] == "AadGroup"
        && s["role"]["originId"].as_str().is_some_and(|o| o.starts_with("Member_"));
    member.then(|| s["scope"]["originId"].as_str().map(String::from)).flatten()
}

/// How one delivery attempt of an assignment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Delivered,
    Partial,
    Failed,
}

/// Tries every resource role of the assignment's package not yet provisioned; those whose
/// resource fails more attempts than this one is fail again.
fn provision(c: &Connection, ctx: &Ctx, a: &AssignmentRow) -> Result<Outcome, GraphError> {
    let scopes = db::package(c, &a.package_id)?.map(|p| p.role_scopes).unwrap_or(Value::Null);
    let (mut done, mut failed) = (0, 0);
    for s in scopes.as_array().into_iter().flatten() {
        let key = s["id"].as_str().unwrap_or_default();
        let mut t = db::delivery_try(c, &a.id, key)?;
        if !t.delivered {
            let name = s["scope"]["displayName"].as_str().unwrap_or_default();
            let resource = ctx.scenario.resources.iter().map(|r| r.get_ref());
            let fails = resource.filter(|r| r.display_name.eq_ignore_ascii_case(name)).map(|r| r.fail_attempts).max();
            t = DeliveryTry { attempts: t.attempts + 1, delivered: t.attempts + 1 > i64::from(fails.unwrap_or(0)) };
            if t.delivered
                && let (Some(group), Some(user)) = (membership(s), &a.target_id)
            {
                db::grant_membership(c, &group, user)?;
            }
            db::record_delivery_try(c, &a.id, key, t)?;
        }
        if t.delivered { done += 1 } else { failed += 1 }
    }
    Ok(match (done, failed) {
        (_, 0) => Outcome::Delivered,
        (0, _) => Outcome::Failed,
        _ => Outcome::Partial,
    })
}

/// Delivers an approved request's assignment (now in the directory) and records how it went.
pub fn complete(
    c: &Connection,
    ctx: &Ctx,
    r: &mut RequestRow,
    mut a: AssignmentRow,
    policy: &PolicyRow,
) -> Result<(), GraphError> {
    // A partial delivery is in force already: a retry keeps its schedule.
    if a.state != "partiallyDelivered" {
        a.start_at = ctx.now;
        a.end_at = end_of(policy, &r.data["schedule"], ctx.now);
    }
    a.target_id = r.target_id.clone();
    let (state, status) = match provision(c, ctx, &a)? {
        Outcome::Delivered => ("delivered", "Delivered"),
        Outcome::Partial => ("partiallyDelivered", "PartiallyDelivered"),
        Outcome::Failed => ("deliveryFailed", "DeliveryFailed"),
    };
    (a.state, a.status) = (state.into(), status.into());
    db::update_assignment(c, &a)?;
    set_state(r, state, status, Some(ctx.now));
    r.due = None;
    db::update_request(c, r)?;
    if state == "delivered" {
        notify::requestor(c, ctx, &r.target_email, &r.package_id, ToRequestor::Delivered)?;
    }
    Ok(())
}

/// `POST assignmentRequests/{id}/reprocess`: a request whose delivery failed, in whole or in
/// part, within the last 14 days, is delivered again (what was provisioned stays).
pub fn reprocess_request(c: &Connection, ctx: &Ctx, mut r: RequestRow) -> Result<(), GraphError> {
    if !matches!(r.state.as_str(), "deliveryFailed" | "partiallyDelivered") {
        return Err(codes::not_reprocessable(&format!(
            "its state is '{}', not deliveryFailed or partiallyDelivered",
            r.state
        )));
    }
    if r.completed.is_some_and(|done| ctx.now - done > REPROCESS_WINDOW_SECONDS) {
        return Err(codes::not_reprocessable("it completed more than 14 days ago; a new request is needed"));
    }
    let a = db::assignment(c, r.assignment_id.as_deref().unwrap_or_default())?;
    let a = a.ok_or_else(|| codes::not_found("access package assignment", r.assignment_id.as_deref().unwrap_or("")))?;
    // Access removed or expired since is not brought back by retrying its delivery.
    if !matches!(a.state.as_str(), "deliveryFailed" | "partiallyDelivered") {
        return Err(codes::not_reprocessable(&format!("its assignment is '{}' now", a.state)));
    }
    if r.target_id.is_none() {
        // The guest was never created (external collaboration refused it): try that again.
        return provision_guest(c, ctx, &mut r);
    }
    let policy = policy_of(c, &r)?;
    complete(c, ctx, &mut r, a, &policy)
}

/// `POST assignments/{id}/reprocess`: a delivered assignment is enforced again — every resource
/// role it grants is provisioned anew (a group membership removed meanwhile comes back).
pub fn reprocess_assignment(c: &Connection, a: &AssignmentRow) -> Result<(), GraphError> {
    if a.state != "delivered" {
        return Err(codes::not_reprocessable(&format!(
            "the assignment's state is '{}', not delivered (reprocess its request instead)",
            a.state
        )));
    }
    if let Some(user) = &a.target_id {
        for g in group_ids(c, &a.package_id)? {
            db::grant_membership(c, &g, user)?;
        }
    }
    Ok(())
}
