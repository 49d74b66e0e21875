//! A new access request checked as Entra checks it — policy scope, the policy's requestor
//! settings, open requests and assignments, justification, answers, schedule — then filed.
//! Graph's `POST assignmentRequests` and the scenario's seeded requests both come through here.

use super::approvers::{Who, allows};
use super::{Ctx, Person, codes, duration_seconds, lifecycle, parse_instant};
use crate::clock::iso;
use crate::graph::error::GraphError;
use crate::store::entitlement::{self as db, PolicyRow, RequestRow};
use rusqlite::Connection;
use serde_json::{Value, json};

/// What a requestor may ask for. `userExtend` (named by the docs, absent from the v1.0 schema)
/// is read as [`Kind::Update`]: both renew the assignment under the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Add,
    Update,
    Remove,
}

impl Kind {
    /// The `requestType` Graph shows: always a member of the v1.0 enum, so `userUpdate` for an
    /// extension.
    pub fn request_type(self) -> &'static str {
        match self {
            Kind::Add => "userAdd",
            Kind::Update => "userUpdate",
            Kind::Remove => "userRemove",
        }
    }
}

/// A request as asked for, before checks.
#[derive(Debug, Clone)]
pub struct Ask {
    pub kind: Kind,
    pub package_id: Option<String>,
    pub policy_id: Option<String>,
    pub assignment_id: Option<String>,
    pub justification: Option<String>,
    pub answers: Vec<Value>,
    pub schedule: Option<Value>,
}

/// Checks and files a request for `person`; returns it as submitted.
pub fn file(
    c: &Connection,
    ctx: &Ctx,
    person: Person,
    created_by: Option<&str>,
    ask: Ask,
    id: String,
) -> Result<RequestRow, GraphError> {
    let who = Who::load(c, person)?;
    let existing = match &ask.assignment_id {
        Some(aid) => {
            let a = db::assignment(c, aid)?.filter(|a| a.target_email.eq_ignore_ascii_case(&who.person.email));
            Some(a.ok_or_else(codes::no_assignment)?)
        }
        None => None,
    };
    let package_id = existing.as_ref().map(|a| a.package_id.clone()).or(ask.package_id.clone());
    let package_id = package_id.ok_or_else(|| GraphError::bad_request("The assignment needs an 'accessPackageId'."))?;
    let package = db::package(c, &package_id)?.ok_or_else(|| codes::not_found("access package", &package_id))?;
    let policies = db::policies_of(c, &package.id)?;
    let policy = choose_policy(&policies, &ask, existing.as_ref().map(|a| a.policy_id.as_str()), &who)?;
    let settings = &policy.data["requestorSettings"];
    let flag = match ask.kind {
        Kind::Add => "enableTargetsToSelfAddAccess",
        Kind::Update => "enableTargetsToSelfUpdateAccess",
        Kind::Remove => "enableTargetsToSelfRemoveAccess",
    };
    if settings[flag] != true {
        return Err(codes::not_allowed_by_policy(ask.kind.request_type()));
    }
    if !db::open_requests(c, &package.id, &who.person.email)?.is_empty() {
        return Err(codes::existing_open_request());
    }
    let live = db::live_assignment(c, &package.id, &who.person.email)?;
    match (ask.kind, &live) {
        (Kind::Add, Some(_)) => return Err(codes::already_assigned()),
        (Kind::Update | Kind::Remove, None) => return Err(codes::no_assignment()),
        _ => {}
    }
    let justification = ask.justification.as_deref().map(str::trim).filter(|j| !j.is_empty());
    let approval = &policy.data["requestApprovalSettings"];
    if ask.kind != Kind::Remove && approval["isRequestorJustificationRequired"] == true && justification.is_none() {
        return Err(codes::justification_required());
    }
    // An extension keeps the answers given when access was granted: it may answer again, or not.
    let answers = match ask.kind {
        Kind::Remove => vec![],
        Kind::Add => check_answers(&policy, &ask.answers, true)?,
        Kind::Update => check_answers(&policy, &ask.answers, false)?,
    };
    let schedule = check_schedule(&policy, ask.schedule.as_ref(), ask.kind, ctx.now)?;
    let r = RequestRow {
        id,
        package_id: package.id.clone(),
        policy_id: policy.id.clone(),
        target_id: who.person.id.clone(),
        target_email: who.person.email.clone(),
        target_name: who.person.display_name.clone(),
        created_by: created_by.map(String::from),
        request_type: ask.kind.request_type().into(),
        state: "submitted".into(),
        status: "Accepted".into(),
        created: ctx.now,
        completed: None,
        assignment_id: live.map(|a| a.id),
        due: None,
        data: json!({"justification": justification, "answers": answers, "schedule": schedule}),
    };
    lifecycle::submit(c, ctx, r, &policy)
}

fn choose_policy(policies: &[PolicyRow], ask: &Ask, current: Option<&str>, who: &Who) -> Result<PolicyRow, GraphError> {
    let allowed = |p: &&PolicyRow| allows(&p.data, who);
    if let Some(id) = &ask.policy_id {
        let p = policies
            .iter()
            .find(|p| p.id.eq_ignore_ascii_case(id))
            .ok_or_else(|| codes::not_found("assignment policy", id))?;
        // Giving up access needs no policy scope: the assignment's own policy governs it.
        return if ask.kind == Kind::Remove || allowed(&p) { Ok(p.clone()) } else { Err(codes::not_in_policy_scope()) };
    }
    let own = current.and_then(|id| policies.iter().find(|p| p.id == id));
    match (ask.kind, own) {
        (Kind::Remove, Some(p)) => Ok(p.clone()),
        (Kind::Update, Some(p)) if allowed(&p) => Ok(p.clone()),
        _ => policies.iter().find(allowed).cloned().ok_or_else(codes::not_in_policy_scope),
    }
}

/// Checks answers against the policy's questions (and, with `complete`, that every required one
/// is answered); returns them as Graph shows them.
pub fn check_answers(policy: &PolicyRow, given: &[Value], complete: bool) -> Result<Vec<Value>, GraphError> {
    let questions = policy.data["questions"].as_array().cloned().unwrap_or_default();
    let mut out: Vec<Value> = vec![];
    for a in given {
        let qid = a["answeredQuestion"]["id"]
            .as_str()
            .ok_or_else(|| GraphError::bad_request("Each answer needs 'answeredQuestion' with an 'id'."))?;
        let q = questions
            .iter()
            .find(|q| q["id"].as_str().is_some_and(|id| id.eq_ignore_ascii_case(qid)))
            .ok_or_else(|| GraphError::bad_request(format!("The policy has no question '{qid}'.")))?;
        let text = q["text"].as_str().unwrap_or_default();
        let value = a["value"].as_str().ok_or_else(|| codes::invalid_answer(text, "has no string 'value'"))?;
        let mut display = a["displayValue"].as_str().unwrap_or(value).to_string();
        if q["@odata.type"] == "#microsoft.graph.accessPackageMultipleChoiceQuestion" {
            let choices = q["choices"].as_array().cloned().unwrap_or_default();
            let choice = choices
                .iter()
                .find(|ch| ch["actualValue"] == value)
                .ok_or_else(|| codes::invalid_answer(text, "is not one of its choices"))?;
            display = a["displayValue"].as_str().or(choice["text"].as_str()).unwrap_or(value).into();
            let repeated = out.iter().any(|o| o["answeredQuestion"]["id"] == q["id"]);
            if repeated && q["isMultipleSelectionAllowed"] != true {
                return Err(codes::invalid_answer(text, "allows one choice only"));
            }
        } else if out.iter().any(|o| o["answeredQuestion"]["id"] == q["id"]) {
            return Err(codes::invalid_answer(text, "was given twice"));
        } else if let Some(pattern) = q["regexPattern"].as_str().filter(|p| !p.is_empty()) {
            let re = regex::Regex::new(pattern).map_err(|_| codes::invalid_answer(text, "cannot be checked"))?;
            if !re.is_match(value) {
                return Err(codes::invalid_answer(text, &format!("does not match the pattern {pattern}")));
            }
        }
        out.push(json!({
            "@odata.type": "#microsoft.graph.accessPackageAnswerString",
            "value": value, "displayValue": display, "answeredQuestion": q,
        }));
    }
    for q in questions.iter().filter(|q| complete && q["isRequired"] == true) {
        let answered = out.iter().any(|o| {
            o["answeredQuestion"]["id"] == q["id"] && o["value"].as_str().is_some_and(|v| !v.trim().is_empty())
        });
        if !answered {
            return Err(codes::missing_answer(q["text"].as_str().unwrap_or_default()));
        }
    }
    Ok(out)
}

/// The schedule a request may carry: its own only where the policy allows custom schedules, and
/// never longer than the policy's expiration. Returns the schedule Graph shows on the request.
fn check_schedule(policy: &PolicyRow, given: Option<&Value>, kind: Kind, now: i64) -> Result<Value, GraphError> {
    let given = given.filter(|g| !g.is_null()).cloned().unwrap_or(json!({}));
    let custom = policy.data["requestorSettings"]["allowCustomAssignmentSchedule"] == true;
    let start = match given["startDateTime"].as_str() {
        Some(s) => parse_instant(s).ok_or_else(|| codes::schedule_not_allowed("startDateTime is not a date-time"))?,
        None => now,
    };
    let expiration = given.get("expiration").filter(|e| !e.is_null()).cloned();
    if !given["recurrence"].is_null() {
        return Err(codes::schedule_not_allowed("a recurrence is for access reviews, not requests"));
    }
    // Without custom schedules a request may only start now (clocks differ by a few minutes).
    if !custom && (expiration.is_some() || start > now + 300 || (kind != Kind::Add && start > now)) {
        return Err(codes::schedule_not_allowed("the policy does not allow a custom schedule"));
    }
    let policy_exp = policy.data["expiration"].clone();
    let limit = match policy_exp["type"].as_str() {
        Some("afterDuration") => {
            policy_exp["duration"].as_str().and_then(duration_seconds).map(|d| start.max(now).saturating_add(d))
        }
        Some("afterDateTime") => policy_exp["endDateTime"].as_str().and_then(parse_instant),
        _ => None,
    };
    let expiration = match expiration {
        None => policy_exp,
        Some(e) => {
            let end = match e["type"].as_str() {
                // Checked: a duration may be written up to i64::MAX seconds.
                Some("afterDuration") => {
                    let end = e["duration"].as_str().and_then(duration_seconds).and_then(|d| start.checked_add(d));
                    Some(
                        end.ok_or_else(|| codes::schedule_not_allowed("expiration.duration is not a usable duration"))?,
                    )
                }
                Some("afterDateTime") => e["endDateTime"].as_str().and_then(parse_instant),
                Some("noExpiration") => None,
                _ => {
                    return Err(codes::schedule_not_allowed(
                        "expiration.type is not afterDuration, afterDateTime or noExpiration",
                    ));
                }
            };
            let too_long = match (end, limit) {
                (None, Some(_)) => true,
                (Some(e), Some(l)) => e > l,
                _ => false,
            };
            if too_long || end.is_some_and(|e| e <= start) {
                return Err(codes::schedule_not_allowed("it ends after the policy's expiration or before it starts"));
            }
            json!({"type": e["type"], "duration": e["duration"], "endDateTime": e["endDateTime"]})
        }
    };
    Ok(json!({"startDateTime": iso(start.max(now)), "expiration": expiration, "recurrence": null}))
}
