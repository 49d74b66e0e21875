//! A request's story, from what Graph gives in pieces: the request (when, state), its policy
//! (stages, approvers, how long each may take), its approval (decisions, reasons) and the
//! sponsors' names. Pure: tested natively.

use super::models::{Approval, AssignmentRequest, SubjectSet};
use chrono::{DateTime, Duration, Utc};

/// Where a stage stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageState {
    Waiting,
    InProgress,
    Approved,
    Denied,
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Submitted {
        at: Option<String>,
    },
    Stage {
        number: usize,
        of: usize,
        state: StageState,
        /// Names where Graph gives them; kinds of approver (e.g. "the requestor's manager") otherwise.
        approvers: Vec<Approver>,
        /// When an undecided stage is denied automatically.
        deadline: Option<String>,
        decided_by: Option<String>,
        decided_at: Option<String>,
        reason: Option<String>,
    },
    /// The request's end: `delivered`, `denied`, `canceled`, …, with its time.
    Outcome {
        state: String,
        at: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Approver {
    Named(String),
    Manager,
    InternalSponsors,
    ExternalSponsors,
}

/// Reads an ISO 8601 duration (`P14D`, `PT2H30M`, `P1DT12H`); years and months are refused.
pub fn parse_duration(iso: &str) -> Option<Duration> {
    let rest = iso.strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut total = Duration::zero();
    let mut number = String::new();
    for (part, is_time) in [(date, false), (time, true)] {
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let n: i64 = number.parse().ok()?;
            number.clear();
            total += match (c, is_time) {
                ('W', false) => Duration::weeks(n),
                ('D', false) => Duration::days(n),
                ('H', true) => Duration::hours(n),
                ('M', true) => Duration::minutes(n),
                ('S', true) => Duration::seconds(n),
                _ => return None,
            };
        }
    }
    number.is_empty().then_some(total)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc))
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Who a stage's subject sets name, with user and sponsor names looked up in `names`.
fn approvers(sets: &[SubjectSet], sponsors: &Sponsors) -> Vec<Approver> {
    let mut out = vec![];
    for set in sets {
        let kind = set.odata_type.trim_start_matches("#microsoft.graph.");
        match kind {
            "requestorManager" => out.push(Approver::Manager),
            "internalSponsors" if sponsors.internal.is_empty() => out.push(Approver::InternalSponsors),
            "internalSponsors" => out.extend(sponsors.internal.iter().cloned().map(Approver::Named)),
            "externalSponsors" if sponsors.external.is_empty() => out.push(Approver::ExternalSponsors),
            "externalSponsors" => out.extend(sponsors.external.iter().cloned().map(Approver::Named)),
            _ => {
                if let Some(name) = set.description.clone().filter(|d| !d.is_empty()) {
                    out.push(Approver::Named(name));
                }
            }
        }
    }
    out.dedup();
    out
}

/// The requestor's connected organization's sponsors, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sponsors {
    pub internal: Vec<String>,
    pub external: Vec<String>,
}

/// The policy a request follows: its assignment's once that exists; before that, the package's
/// only policy, or the first whose number of stages fits the approval's (Graph does not say).
pub fn policy_of<'a>(request: &'a AssignmentRequest, approval: Option<&Approval>) -> Option<&'a super::models::Policy> {
    if let Some(p) = request.assignment.as_ref().and_then(|a| a.assignment_policy.as_ref()) {
        return Some(p);
    }
    let policies = request.access_package.as_ref()?.assignment_policies.as_ref()?;
    let stages = |p: &super::models::Policy| p.request_approval_settings.as_ref().map(|s| s.stages.len()).unwrap_or(0);
    match policies.as_slice() {
        [only] => Some(only),
        many => {
            let seen = approval.map(|a| a.stages.len()).unwrap_or(0);
            many.iter().find(|p| stages(p) >= seen && stages(p) > 0).or(many.first())
        }
    }
}

/// Builds the timeline. `approval` is `None` when Graph has none (no approval needed).
pub fn build(request: &AssignmentRequest, approval: Option<&Approval>, sponsors: &Sponsors) -> Vec<Entry> {
    let mut entries = vec![Entry::Submitted { at: request.created_date_time.clone() }];
    let policy = policy_of(request, approval);
    let settings =
        policy.and_then(|p| p.request_approval_settings.as_ref()).map(|s| s.stages.clone()).unwrap_or_default();
    let stages = approval.map(|a| a.stages.clone()).unwrap_or_default();
    let count = settings.len().max(stages.len());
    // Each stage starts when the one before it was decided (the first, when the request came in).
    let mut started = request.created_date_time.as_deref().and_then(parse_time);
    for i in 0..count {
        let stage = stages.get(i);
        let setting = settings.get(i);
        let result = stage.and_then(|s| s.review_result.as_deref()).unwrap_or("NotReviewed");
        let status = stage.and_then(|s| s.status.as_deref()).unwrap_or("");
        let state = match (result, status) {
            ("Approved", _) => StageState::Approved,
            ("Denied", _) => StageState::Denied,
            (_, "Expired") => StageState::Expired,
            (_, "InProgress") => StageState::InProgress,
            _ => StageState::Waiting,
        };
        let deadline = match (
            &state,
            started,
            setting.and_then(|s| s.duration_before_automatic_denial.as_deref()).and_then(parse_duration),
        ) {
            (StageState::InProgress | StageState::Expired, Some(start), Some(d)) => Some(iso(start + d)),
            _ => None,
        };
        let sets: Vec<SubjectSet> = setting
            .map(|s| [s.primary_approvers.clone(), s.fallback_primary_approvers.clone()].concat())
            .unwrap_or_default();
        entries.push(Entry::Stage {
            number: i + 1,
            of: count,
            state,
            approvers: approvers(&sets, sponsors),
            deadline,
            decided_by: stage.and_then(|s| s.reviewed_by.as_ref()).and_then(|r| r.display_name.clone()),
            decided_at: stage.and_then(|s| s.reviewed_date_time.clone()),
            reason: stage.and_then(|s| s.justification.clone()).filter(|j| !j.is_empty()),
        });
        started = stage.and_then(|s| s.reviewed_date_time.as_deref()).and_then(parse_time);
    }
    let state = request.state();
    if !matches!(state, "submitted" | "pendingApproval" | "") {
        entries.push(Entry::Outcome { state: state.to_string(), at: request.completed_date_time.clone() });
    }
    entries
}

/// When access given under a schedule ends, if it does.
pub fn ends_at(schedule: Option<&super::models::Schedule>) -> Option<String> {
    let s = schedule?;
    let e = s.expiration.as_ref()?;
    match e.kind.as_deref() {
        Some("afterDateTime") => e.end_date_time.clone(),
        Some("afterDuration") => {
            let start = parse_time(s.start_date_time.as_deref()?)?;
            Some(iso(start + parse_duration(e.duration.as_deref()?)?))
        }
        _ => e.end_date_time.clone(),
    }
}

/// Whether an end is within `days` of `now` (and not past).
pub fn ends_soon(end: &str, now: DateTime<Utc>, days: i64) -> bool {
    parse_time(end).is_some_and(|e| e > now && e - now <= Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::entitlement::models::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("P14D"), Some(Duration::days(14)));
        assert_eq!(parse_duration("PT2H30M"), Some(Duration::minutes(150)));
        assert_eq!(parse_duration("P1DT12H"), Some(Duration::hours(36)));
        assert_eq!(parse_duration("P1W"), Some(Duration::weeks(1)));
        for bad in ["", "14D", "P1Y", "P1M", "PT", "P1X", "P1D2"] {
            assert!(parse_duration(bad).is_none() || bad == "PT", "{bad}");
        }
    }

    fn request(json: serde_json::Value) -> AssignmentRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_two_stage_request_shows_who_decides_each_stage_and_by_when() {
        let r = request(serde_json::json!({
            "id": "r1", "state": "pendingApproval", "createdDateTime": "2026-11-25T10:00:00Z",
            "assignment": {"assignmentPolicy": {"id": "p", "requestApprovalSettings": {"stages": [
                {"durationBeforeAutomaticDenial": "P14D", "primaryApprovers": [{"@odata.type": "#microsoft.graph.internalSponsors"}]},
                {"durationBeforeAutomaticDenial": "P7D", "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": "o", "description": "Oskar Berg"}]},
            ]}}},
        }));
        let approval: Approval = serde_json::from_value(serde_json::json!({"id": "r1", "stages": [
            {"id": "s1", "reviewResult": "NotReviewed", "status": "InProgress"},
            {"id": "s2", "reviewResult": "NotReviewed", "status": "Initializing"},
        ]}))
        .unwrap();
        let sponsors = Sponsors { internal: vec!["Sara Lindqvist".into()], external: vec![] };
        let t = build(&r, Some(&approval), &sponsors);
        assert_eq!(t.len(), 3);
        let Entry::Stage { number, of, state, approvers, deadline, .. } = &t[1] else { panic!() };
        assert_eq!((*number, *of, state), (1, 2, &StageState::InProgress));
        assert_eq!(approvers, &[Approver::Named("Sara Lindqvist".into())]);
        assert_eq!(deadline.as_deref(), Some("2026-12-09T10:00:00Z"));
        let Entry::Stage { state, approvers, deadline, .. } = &t[2] else { panic!() };
        assert_eq!((state, deadline), (&StageState::Waiting, &None));
        assert_eq!(approvers, &[Approver::Named("Oskar Berg".into())]);
    }

    #[test]
    fn a_denial_carries_its_reason_and_the_outcome_closes_the_story() {
        let r = request(
            serde_json::json!({"id": "r", "state": "denied", "createdDateTime": "2026-11-25T10:00:00Z", "completedDateTime": "2026-11-26T09:00:00Z"}),
        );
        let approval: Approval = serde_json::from_value(serde_json::json!({"id": "r", "stages": [
            {"id": "s1", "reviewResult": "Denied", "status": "Completed", "justification": "Not on this project",
             "reviewedBy": {"id": "u", "displayName": "Sara Lindqvist"}, "reviewedDateTime": "2026-11-26T09:00:00Z"}]}))
        .unwrap();
        let t = build(&r, Some(&approval), &Sponsors::default());
        let Entry::Stage { state, reason, decided_by, .. } = &t[1] else { panic!() };
        assert_eq!(
            (state, reason.as_deref(), decided_by.as_deref()),
            (&StageState::Denied, Some("Not on this project"), Some("Sara Lindqvist"))
        );
        assert_eq!(t[2], Entry::Outcome { state: "denied".into(), at: Some("2026-11-26T09:00:00Z".into()) });
    }

    #[test]
    fn access_ends_by_date_or_by_duration() {
        let s = Schedule {
            start_date_time: Some("2026-11-25T00:00:00Z".into()),
            expiration: Some(Expiration {
                kind: Some("afterDuration".into()),
                duration: Some("P90D".into()),
                end_date_time: None,
            }),
        };
        assert_eq!(ends_at(Some(&s)).as_deref(), Some("2027-02-23T00:00:00Z"));
        let now = parse_time("2027-02-10T00:00:00Z").unwrap();
        assert!(ends_soon("2027-02-23T00:00:00Z", now, 14));
        assert!(!ends_soon("2027-02-23T00:00:00Z", now, 7));
        assert!(!ends_soon("2027-02-01T00:00:00Z", now, 14), "already over");
    }
}
