//! An access review instance's life on the tenant's clock: `NotStarted` → `InProgress` (its
//! decision items made: who is reviewed, by whom, with what recommendation) → `Completed` (the
//! default decision for what nobody decided) → `Applied` (denied access removed) when results
//! apply automatically; a recurring review then opens its next instance. Runs in
//! [`process_due`], before every review or entitlement call, like the entitlement lifecycle;
//! an administrator may end an instance early ([`stop`]) and apply a completed one's decisions
//! ([`apply_decisions`]).

use crate::entitlement::Ctx;
use crate::entitlement::approvers::{Who, resolve_with_fallback};
use crate::graph::error::GraphError;
use crate::scenario::derived_id;
use crate::store::entitlement as em;
use crate::store::reviews::{self as db, DecisionRow, DefinitionRow, InstanceRow};
use chrono::{DateTime, Months, Utc};
use rusqlite::Connection;
use serde_json::json;

pub fn instance_id(definition_id: &str, seq: i64) -> String {
    derived_id("accessReviewInstance", &format!("{definition_id}/{seq}"))
}

/// The people an instance reviews, as (user id, assignment id) at its start.
fn principals(c: &Connection, d: &DefinitionRow, start: i64) -> rusqlite::Result<Vec<(String, Option<String>)>> {
    let r = &d.rules;
    if r.kind == "groupGuests" {
        let mut out = vec![];
        for id in em::group_members(c, &r.resource_id)? {
            if crate::store::user_in(c, &id)?.is_some_and(|u| u.is_guest) {
                out.push((id, None));
            }
        }
        return Ok(out);
    }
    let live = |a: &em::AssignmentRow| {
        a.policy_id.eq_ignore_ascii_case(&r.resource_id)
            && matches!(a.state.as_str(), "delivered" | "partiallyDelivered")
            && a.start_at <= start
    };
    Ok(em::assignments(c)?
        .into_iter()
        .filter(live)
        .filter_map(|a| a.target_id.clone().map(|t| (t, Some(a.id))))
        .collect())
}

/// Opens an instance: one decision item per reviewed person, with reviewers and recommendation.
fn start(c: &Connection, d: &DefinitionRow, i: &InstanceRow) -> Result<(), GraphError> {
    let rules = &d.rules;
    for (user_id, assignment_id) in principals(c, d, i.start_at)? {
        let Some(user) = crate::store::user_in(c, &user_id)? else { continue };
        let reviewers = if rules.self_review {
            vec![user.id.clone()]
        } else {
            let sets = json!({"primary": rules.reviewers, "fallback": rules.fallback_reviewers});
            resolve_with_fallback(c, &sets, "primary", "fallback", &Who::of_user(c, &user)?)?
        };
        let last_sign_in = db::last_sign_in(c, &user.id, i.start_at)?;
        let recommendation = match last_sign_in {
            _ if !rules.recommendations => "NoInfoAvailable",
            Some(at) if at >= i.start_at - rules.look_back_seconds => "Approve",
            _ => "Deny",
        };
        db::insert_decision(
            c,
            &DecisionRow {
                id: derived_id("accessReviewInstanceDecisionItem", &format!("{}/{}", i.id, user.id)),
                instance_id: i.id.clone(),
                principal_id: user.id.clone(),
                principal_name: user.display_name().to_string(),
                principal_upn: user.upn.clone(),
                assignment_id,
                reviewers,
                decision: "NotReviewed".into(),
                justification: String::new(),
                reviewed_by: None,
                reviewed_at: None,
                recommendation: recommendation.into(),
                last_sign_in,
                apply_result: "New".into(),
                applied_at: None,
            },
        )?;
    }
    Ok(db::set_instance_status(c, &i.id, "InProgress")?)
}

/// Closes an instance at its end (or when an administrator stopped it): default decisions, then
/// (when enabled) applies the results; a recurring review's next instance is scheduled.
fn finish(c: &Connection, ctx: &Ctx, d: &DefinitionRow, i: &InstanceRow) -> Result<(), GraphError> {
    let at = i.end_at;
    let rules = &d.rules;
    for mut item in db::decisions_of(c, &i.id)? {
        if item.decision == "NotReviewed" {
            let default = match rules.default_decision.as_deref() {
                Some("Recommendation") if matches!(item.recommendation.as_str(), "Approve" | "Deny") => {
                    Some(item.recommendation.clone())
                }
                Some(d @ ("Approve" | "Deny")) => Some(d.to_string()),
                _ => None,
            };
            if let Some(decision) = default {
                (item.decision, item.reviewed_at) = (decision, Some(at));
            }
        }
        if rules.auto_apply {
            let applied = apply(c, ctx, d, &item, at)?;
            (item.apply_result, item.applied_at) = (applied.into(), Some(at));
        }
        db::update_decision(c, &item)?;
    }
    db::set_instance_status(c, &i.id, if rules.auto_apply { "Applied" } else { "Completed" })?;
    if let Some(next) = next_start(rules.recurrence.as_ref(), i) {
        let instance = InstanceRow {
            id: instance_id(&d.id, i.seq + 1),
            definition_id: d.id.clone(),
            seq: i.seq + 1,
            start_at: next,
            end_at: next + rules.duration_seconds,
            status: "NotStarted".into(),
        };
        db::insert_instance(c, &instance)?;
    }
    Ok(())
}

/// Ends an instance in progress now, as its end would (an administrator's `stop`): no more
/// decisions, the default decision, results applied where they apply automatically; its
/// `endDateTime` becomes now. The series goes on: the next instance starts as scheduled.
pub fn stop(c: &Connection, ctx: &Ctx, d: &DefinitionRow, i: &InstanceRow) -> Result<(), GraphError> {
    db::set_instance_end(c, &i.id, ctx.now)?;
    finish(c, ctx, d, &InstanceRow { end_at: ctx.now, ..i.clone() })
}

/// Carries out a completed instance's decisions now (an administrator's `applyDecisions`, for a
/// review whose results do not apply automatically): denied access is removed, the rest kept.
pub fn apply_decisions(c: &Connection, ctx: &Ctx, d: &DefinitionRow, i: &InstanceRow) -> Result<(), GraphError> {
    for mut item in db::decisions_of(c, &i.id)? {
        let applied = apply(c, ctx, d, &item, ctx.now)?;
        (item.apply_result, item.applied_at) = (applied.into(), Some(ctx.now));
        db::update_decision(c, &item)?;
    }
    Ok(db::set_instance_status(c, &i.id, "Applied")?)
}

/// Carries out one decision: a denial removes the access it reviewed; anything else keeps it.
fn apply(
    c: &Connection,
    ctx: &Ctx,
    d: &DefinitionRow,
    item: &DecisionRow,
    at: i64,
) -> Result<&'static str, GraphError> {
    if item.decision != "Deny" {
        return Ok("AppliedSuccessfully");
    }
    if d.rules.kind == "groupGuests" {
        let removed = db::remove_member(c, &d.rules.resource_id, &item.principal_id)?;
        return Ok(if removed { "AppliedSuccessfully" } else { "AppliedSuccessfullyButObjectNotFound" });
    }
    let Some(mut a) = em::assignment(c, item.assignment_id.as_deref().unwrap_or_default())? else {
        return Ok("AppliedSuccessfullyButObjectNotFound");
    };
    if !matches!(a.state.as_str(), "delivered" | "partiallyDelivered") {
        return Ok("AppliedSuccessfullyButObjectNotFound");
    }
    let removal = Ctx { now: at, scenario: ctx.scenario, quiet: ctx.quiet };
    crate::entitlement::lifecycle::end_assignment(c, &removal, &mut a)?;
    Ok("AppliedSuccessfully")
}

/// When the next instance of a recurring review starts: one interval after this one started.
fn next_start(recurrence: Option<&(String, u32)>, i: &InstanceRow) -> Option<i64> {
    let (kind, interval) = recurrence?;
    if kind == "weekly" {
        return Some(i.start_at + i64::from(*interval) * 7 * 86_400);
    }
    let start = DateTime::<Utc>::from_timestamp(i.start_at, 0)?;
    start.checked_add_months(Months::new(*interval)).map(|t| t.timestamp())
}

/// Starts and ends every instance the clock has reached, in order (a long jump of the clock runs
/// each recurrence in turn).
pub fn process_due(c: &Connection, ctx: &Ctx) -> Result<(), GraphError> {
    // Bounded: ten years of weekly reviews, whatever the clock does.
    for _ in 0..1000 {
        let mut moved = false;
        for i in db::open_instances(c)? {
            let Some(d) = db::definition(c, &i.definition_id)? else { continue };
            if i.status == "NotStarted" && i.start_at <= ctx.now {
                start(c, &d, &i)?;
                moved = true;
            } else if i.status == "InProgress" && i.end_at <= ctx.now {
                finish(c, ctx, &d, &i)?;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text).unwrap().timestamp()
    }

    fn instance(start: &str) -> InstanceRow {
        let start_at = at(start);
        let (id, definition_id, status) = (String::new(), String::new(), String::new());
        InstanceRow { id, definition_id, seq: 0, start_at, end_at: start_at, status }
    }

    #[test]
    fn the_next_instance_starts_one_interval_after_the_last_began() {
        let quarterly = Some(("absoluteMonthly".to_string(), 3));
        let next = next_start(quarterly.as_ref(), &instance("2026-01-15T09:00:00Z"));
        assert_eq!(next, Some(at("2026-04-15T09:00:00Z")));
        // A month without that day ends the month instead.
        let monthly = Some(("absoluteMonthly".to_string(), 1));
        assert_eq!(next_start(monthly.as_ref(), &instance("2026-01-31T00:00:00Z")), Some(at("2026-02-28T00:00:00Z")));
        let fortnightly = Some(("weekly".to_string(), 2));
        assert_eq!(
            next_start(fortnightly.as_ref(), &instance("2026-03-02T00:00:00Z")),
            Some(at("2026-03-16T00:00:00Z"))
        );
        assert_eq!(next_start(None, &instance("2026-03-02T00:00:00Z")), None, "one-time");
    }
}
