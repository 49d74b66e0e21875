//! A request's life: `submitted` → `pendingApproval` (stage by stage, first decision wins) →
//! `scheduled` / `delivering` → `delivered`, or `denied` / `canceled`; and an assignment's:
//! delivered, extended, removed, expired. Time-driven steps run in [`process_due`], which every
//! entitlement call (and `/_dev/clock`, `/_dev/reset`) runs first: no background timers, so the
//! tenant clock alone decides what has happened.

use super::approvers::{Who, resolve_with_fallback};
use super::delivery;
use super::notify::{self, ToRequestor};
use super::{Ctx, Person, codes, duration_seconds, parse_instant};
use crate::clock::iso;
use crate::graph::error::GraphError;
use crate::scenario::derived_id;
use crate::store::entitlement::{self as db, AssignmentRow, PolicyRow, RequestRow, StageRow};
use crate::store::{NewUser, UserRecord};
use rusqlite::Connection;
use serde_json::{Value, json};

/// How long (tenant time) Entra takes to create the guest for an approved request from someone
/// not yet in the directory; until then the request is observably `delivering`.
pub const GUEST_PROVISIONING_SECONDS: i64 = 60;

/// Reminders before an assignment ends, in days (Entra mails 14 days and 1 day before).
const REMINDER_DAYS: [i64; 2] = [14, 1];

fn stage_settings(policy: &PolicyRow, idx: i64) -> Option<&Value> {
    policy.data["requestApprovalSettings"]["stages"].as_array()?.get(idx as usize)
}

pub(super) fn policy_of(c: &Connection, r: &RequestRow) -> Result<PolicyRow, GraphError> {
    db::policy(c, &r.policy_id)?.ok_or_else(|| codes::not_found("assignment policy", &r.policy_id))
}

fn who_of(c: &Connection, r: &RequestRow) -> rusqlite::Result<Who> {
    let user = match &r.target_id {
        Some(id) => crate::store::user_in(c, id)?,
        None => None,
    };
    let person =
        user.as_ref().map(Person::from_user).unwrap_or_else(|| Person::outsider(&r.target_email, Some(&r.target_name)));
    Who::load(c, person)
}

fn approval_required(policy: &PolicyRow, request_type: &str) -> bool {
    let s = &policy.data["requestApprovalSettings"];
    let stages = s["stages"].as_array().is_some_and(|a| !a.is_empty());
    stages
        && match request_type {
            "userAdd" => s["isApprovalRequiredForAdd"] == true,
            "userUpdate" => s["isApprovalRequiredForUpdate"] == true,
            _ => false,
        }
}

pub(super) fn set_state(r: &mut RequestRow, state: &str, status: &str, completed: Option<i64>) {
    r.state = state.into();
    r.status = status.into();
    r.completed = completed;
}

/// Files a validated request and moves it as far as it goes now. Returns it as submitted, which
/// is what Graph answers: processing goes on behind the response.
pub fn submit(c: &Connection, ctx: &Ctx, mut r: RequestRow, policy: &PolicyRow) -> Result<RequestRow, GraphError> {
    set_state(&mut r, "submitted", "Accepted", None);
    db::insert_request(c, &r)?;
    let submitted = r.clone();
    if approval_required(policy, &r.request_type) {
        open_stage(c, ctx, &mut r, policy, 0)?;
    } else {
        approved(c, ctx, &mut r, policy, false)?;
    }
    Ok(submitted)
}

fn open_stage(c: &Connection, ctx: &Ctx, r: &mut RequestRow, policy: &PolicyRow, idx: i64) -> Result<(), GraphError> {
    let settings = stage_settings(policy, idx).cloned().unwrap_or(Value::Null);
    let who = who_of(c, r)?;
    let approvers = resolve_with_fallback(c, &settings, "primaryApprovers", "fallbackPrimaryApprovers", &who)?;
    let deny_at =
        ctx.now + settings["durationBeforeAutomaticDenial"].as_str().and_then(duration_seconds).unwrap_or(14 * 86_400);
    let escalate_at = (settings["isEscalationEnabled"] == true)
        .then(|| settings["durationBeforeEscalation"].as_str().and_then(duration_seconds))
        .flatten()
        .map(|d| ctx.now + d);
    let stage = StageRow {
        request_id: r.id.clone(),
        idx,
        id: derived_id("approvalStage", &format!("{}/{idx}", r.id)),
        status: "InProgress".into(),
        review_result: "NotReviewed".into(),
        justification: None,
        reviewed_by: None,
        reviewed_at: None,
        deny_at,
        escalate_at,
        escalated: false,
        approvers,
    };
    db::insert_stage(c, &stage)?;
    set_state(r, "pendingApproval", "PendingApproval", None);
    db::update_request(c, r)?;
    notify::approvers(c, ctx, r, &stage.approvers, deny_at)?;
    Ok(())
}

/// Records one approver's decision on a stage: the first decision wins, later ones get 409.
pub fn decide(
    c: &Connection,
    ctx: &Ctx,
    request_id: &str,
    stage_id: &str,
    approver: &UserRecord,
    approve: bool,
    justification: Option<&str>,
) -> Result<(), GraphError> {
    let mut r = db::request(c, request_id)?.ok_or_else(|| codes::not_found("approval", request_id))?;
    let stages = db::stages(c, &r.id)?;
    let mut stage = stages
        .into_iter()
        .find(|s| s.id.eq_ignore_ascii_case(stage_id))
        .ok_or_else(|| codes::not_found("approval stage", stage_id))?;
    if r.target_id.as_deref() == Some(approver.id.as_str()) {
        return Err(codes::forbidden("Nobody may approve their own request."));
    }
    if !stage.approvers.contains(&approver.id) {
        return Err(codes::forbidden("The signed-in user is not an approver of this stage."));
    }
    if stage.status != "InProgress" {
        return Err(codes::already_decided());
    }
    let policy = policy_of(c, &r)?;
    let settings = stage_settings(&policy, stage.idx).cloned().unwrap_or(Value::Null);
    let reason = justification.map(str::trim).filter(|j| !j.is_empty());
    if settings["isApproverJustificationRequired"] == true && reason.is_none() {
        return Err(codes::approver_justification_required());
    }
    stage.status = "Completed".into();
    stage.review_result = if approve { "Approved" } else { "Denied" }.into();
    stage.justification = reason.map(String::from);
    stage.reviewed_by = Some(approver.id.clone());
    stage.reviewed_at = Some(ctx.now);
    db::update_stage(c, &stage)?;
    if !approve {
        set_state(&mut r, "denied", "Denied", Some(ctx.now));
        db::update_request(c, &r)?;
        let why = reason.unwrap_or("The approver gave no reason.");
        return Ok(notify::requestor(c, ctx, &r.target_email, &r.package_id, ToRequestor::Denied(why))?);
    }
    if stage_settings(&policy, stage.idx + 1).is_some() {
        open_stage(c, ctx, &mut r, &policy, stage.idx + 1)
    } else {
        approved(c, ctx, &mut r, &policy, true)
    }
}

/// Every stage approved (or none needed): deliver now, or at the requested start.
fn approved(c: &Connection, ctx: &Ctx, r: &mut RequestRow, policy: &PolicyRow, mail: bool) -> Result<(), GraphError> {
    if mail {
        notify::requestor(c, ctx, &r.target_email, &r.package_id, ToRequestor::Approved)?;
    }
    let start = r.data["schedule"]["startDateTime"].as_str().and_then(parse_instant).unwrap_or(ctx.now);
    if start > ctx.now && r.request_type == "userAdd" {
        set_state(r, "scheduled", "Scheduled", None);
        r.due = Some(start);
        return Ok(db::update_request(c, r)?);
    }
    deliver(c, ctx, r, policy)
}

/// When access granted at `start` ends: the policy's expiration, shortened by the request's own.
pub(super) fn end_of(policy: &PolicyRow, requested: &Value, start: i64) -> Option<i64> {
    let end = |e: &Value| match e["type"].as_str() {
        Some("afterDuration") => e["duration"].as_str().and_then(duration_seconds).map(|d| start + d),
        Some("afterDateTime") => e["endDateTime"].as_str().and_then(parse_instant),
        _ => None,
    };
    match (end(&policy.data["expiration"]), end(&requested["expiration"])) {
        (Some(p), Some(r)) => Some(p.min(r)),
        (p, r) => p.or(r),
    }
}

fn deliver(c: &Connection, ctx: &Ctx, r: &mut RequestRow, policy: &PolicyRow) -> Result<(), GraphError> {
    let assignment_id = r.assignment_id.clone().unwrap_or_else(|| derived_id("accessPackageAssignment", &r.id));
    match r.request_type.as_str() {
        "userRemove" => {
            if let Some(mut a) = db::assignment(c, &assignment_id)? {
                end_assignment(c, ctx, &mut a)?;
            }
            set_state(r, "delivered", "Delivered", Some(ctx.now));
            Ok(db::update_request(c, r)?)
        }
        "userUpdate" => {
            let mut a = db::assignment(c, &assignment_id)?.ok_or_else(codes::no_assignment)?;
            a.end_at = end_of(policy, &r.data["schedule"], ctx.now);
            a.warned = 0;
            a.status = if a.state == "partiallyDelivered" { "PartiallyDelivered" } else { "Delivered" }.into();
            db::update_assignment(c, &a)?;
            set_state(r, "delivered", "Delivered", Some(ctx.now));
            db::update_request(c, r)?;
            Ok(notify::requestor(c, ctx, &r.target_email, &r.package_id, ToRequestor::Delivered)?)
        }
        _ => {
            let a = AssignmentRow {
                id: assignment_id.clone(),
                package_id: r.package_id.clone(),
                policy_id: r.policy_id.clone(),
                target_id: r.target_id.clone(),
                target_email: r.target_email.clone(),
                target_name: r.target_name.clone(),
                state: "delivering".into(),
                status: "Delivering".into(),
                start_at: ctx.now,
                end_at: None,
                expired_at: None,
                warned: 0,
            };
            db::insert_assignment(c, &a)?;
            r.assignment_id = Some(assignment_id);
            if r.target_id.is_none() {
                // Someone not in the directory yet: Entra first creates their guest account.
                set_state(r, "delivering", "Delivering", None);
                r.due = Some(ctx.now + GUEST_PROVISIONING_SECONDS);
                return Ok(db::update_request(c, r)?);
            }
            delivery::complete(c, ctx, r, a, policy)
        }
    }
}

/// The guest for an approved outsider exists now (created silently, as Entra's B2B step does,
/// within the tenant's external collaboration settings); then delivery completes.
pub(super) fn provision_guest(c: &Connection, ctx: &Ctx, r: &mut RequestRow) -> Result<(), GraphError> {
    let mut a = db::assignment(c, r.assignment_id.as_deref().unwrap_or_default())?
        .ok_or_else(|| codes::not_found("assignment", &r.id))?;
    if !ctx.scenario.external_collaboration.domain_allowed(&r.target_email) {
        (a.state, a.status) = ("deliveryFailed".into(), "DeliveryFailed".into());
        db::update_assignment(c, &a)?;
        set_state(r, "deliveryFailed", "DeliveryFailed", Some(ctx.now));
        r.due = None;
        return Ok(db::update_request(c, r)?);
    }
    let user = match crate::store::user_by_mail_in(c, &r.target_email)? {
        Some(u) => u,
        None => {
            let new = NewUser::guest(
                &r.target_email,
                Some(&r.target_name),
                ctx.scenario.initial_domain(),
                "Invitation",
                "PendingAcceptance",
                ctx.now,
            );
            crate::store::insert_user(c, &new)?;
            crate::store::user_in(c, &new.id)?.ok_or_else(|| codes::not_found("user", &new.id))?
        }
    };
    r.target_id = Some(user.id.clone());
    let policy = policy_of(c, r)?;
    delivery::complete(c, ctx, r, a, &policy)
}

/// Ends an assignment (removal or expiry): its group memberships go, unless another assignment
/// of the same person still grants them.
pub(crate) fn end_assignment(c: &Connection, ctx: &Ctx, a: &mut AssignmentRow) -> rusqlite::Result<()> {
    a.state = "expired".into();
    a.status = "Expired".into();
    a.expired_at = Some(a.end_at.map_or(ctx.now, |e| e.min(ctx.now)));
    db::update_assignment(c, a)?;
    let Some(user) = a.target_id.clone() else { return Ok(()) };
    let mut still = vec![];
    let live = |o: &&AssignmentRow| matches!(o.state.as_str(), "delivered" | "partiallyDelivered") && o.id != a.id;
    for other in db::assignments_of(c, &user)?.iter().filter(live) {
        still.extend(delivery::group_ids(c, &other.package_id)?);
    }
    for g in delivery::group_ids(c, &a.package_id)?.iter().filter(|g| !still.contains(g)) {
        db::revoke_membership(c, g, &user)?;
    }
    Ok(())
}

/// Cancels a request that is still open; its stage in progress closes undecided.
pub fn cancel(c: &Connection, ctx: &Ctx, mut r: RequestRow) -> Result<(), GraphError> {
    if !matches!(r.state.as_str(), "submitted" | "pendingApproval" | "scheduled") {
        return Err(codes::not_cancelable(&r.state));
    }
    for mut s in db::stages(c, &r.id)?.into_iter().filter(|s| s.status == "InProgress") {
        s.status = "Completed".into();
        db::update_stage(c, &s)?;
    }
    set_state(&mut r, "canceled", "Canceled", Some(ctx.now));
    r.due = None;
    Ok(db::update_request(c, &r)?)
}

/// Everything the clock has made due, in order: escalations and automatic denials, scheduled
/// starts, guest provisioning, expiry reminders and expiries.
pub fn process_due(c: &Connection, ctx: &Ctx) -> Result<(), GraphError> {
    for mut s in db::stages_in_progress(c)? {
        if s.escalate_at.is_some_and(|e| e <= ctx.now) && !s.escalated {
            escalate(c, ctx, &mut s)?;
        }
        if s.deny_at <= ctx.now {
            let Some(mut r) = db::request(c, &s.request_id)? else { continue };
            s.status = "Expired".into();
            db::update_stage(c, &s)?;
            set_state(&mut r, "denied", "Expired", Some(s.deny_at));
            db::update_request(c, &r)?;
            let why =
                format!("No approver decided before {}, so the request was denied automatically.", iso(s.deny_at));
            notify::requestor(c, ctx, &r.target_email, &r.package_id, ToRequestor::Denied(&why))?;
        }
    }
    for mut r in db::requests_in_state(c, "scheduled", ctx.now)? {
        let policy = policy_of(c, &r)?;
        deliver(c, ctx, &mut r, &policy)?;
    }
    for mut r in db::requests_in_state(c, "delivering", ctx.now)? {
        provision_guest(c, ctx, &mut r)?;
    }
    let soonest = REMINDER_DAYS[0] * 86_400;
    for mut a in db::delivered_ending_by(c, ctx.now + soonest)? {
        let end = a.end_at.unwrap_or(ctx.now);
        if end <= ctx.now {
            end_assignment(c, ctx, &mut a)?;
            continue;
        }
        let Some(days) = REMINDER_DAYS.into_iter().rev().find(|d| end - d * 86_400 <= ctx.now) else { continue };
        if a.warned == 0 || days < a.warned {
            a.warned = days;
            if days == 1 {
                a.status = "NearExpiry1DayNotificationTriggered".into();
            }
            db::update_assignment(c, &a)?;
            let left = (end - ctx.now + 86_399) / 86_400;
            notify::requestor(c, ctx, &a.target_email, &a.package_id, ToRequestor::ExpiresSoon { days: left, end })?;
        }
    }
    Ok(())
}

fn escalate(c: &Connection, ctx: &Ctx, s: &mut StageRow) -> Result<(), GraphError> {
    let Some(mut r) = db::request(c, &s.request_id)? else { return Ok(()) };
    let policy = policy_of(c, &r)?;
    let settings = stage_settings(&policy, s.idx).cloned().unwrap_or(Value::Null);
    let who = who_of(c, &r)?;
    let more = resolve_with_fallback(c, &settings, "escalationApprovers", "fallbackEscalationApprovers", &who)?;
    let added: Vec<String> = more.into_iter().filter(|a| !s.approvers.contains(a)).collect();
    s.approvers.extend(added.iter().cloned());
    s.escalated = true;
    db::update_stage(c, s)?;
    r.status = "PendingApprovalEscalated".into();
    db::update_request(c, &r)?;
    notify::approvers(c, ctx, &r, &added, s.deny_at)?;
    Ok(())
}

/// The schedule Graph shows for an assignment.
pub fn assignment_schedule(a: &AssignmentRow) -> Value {
    let expiration = match a.end_at {
        Some(end) => json!({"type": "afterDateTime", "endDateTime": iso(end), "duration": null}),
        None => json!({"type": "noExpiration", "endDateTime": null, "duration": null}),
    };
    json!({"startDateTime": iso(a.start_at), "expiration": expiration, "recurrence": null})
}
