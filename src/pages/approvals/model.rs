//! The approvals inbox as data, with no view code: what one decision is sent as, whether its
//! stage asks for a reason, the requester's answers as the approver reads them, what became of a
//! decision, and the history's filter and export. Unit-tested natively.

use crate::error::AppError;
use crate::graph::GraphError;
use crate::graph::entitlement::approver::Decision;
use crate::graph::entitlement::timeline;
use crate::i18n::PageTexts;
use crate::state::kept::Decided;

/// What one decision is sent for: the request, my stage of it, and what the outcome and the
/// history show of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionTarget {
    pub request_id: String,
    pub stage_id: String,
    pub package: String,
    pub requester: String,
}

impl DecisionTarget {
    /// The target of a decision waiting for me; `None` when no stage of it is mine now.
    pub fn of(d: &Decision) -> Option<DecisionTarget> {
        Some(DecisionTarget {
            request_id: d.request.id.clone(),
            stage_id: d.my_stage()?.id.clone(),
            package: package_of(d),
            requester: requester_of(d),
        })
    }
}

pub fn package_of(d: &Decision) -> String {
    d.request.access_package.as_ref().map(|p| p.display_name.clone()).unwrap_or_default()
}

/// The requester's mail, else their name.
pub fn requester_of(d: &Decision) -> String {
    d.request.requestor.as_ref().and_then(|r| r.email.clone().or(r.display_name.clone())).unwrap_or_default()
}

/// Whether the stage I decide asks for a reason (the policy's stage at the position of mine).
pub fn reason_required(d: &Decision) -> bool {
    let policy = timeline::policy_of(&d.request, Some(&d.approval));
    let index = d
        .approval
        .stages
        .iter()
        .position(|s| s.assigned_to_me == Some(true) && s.status.as_deref() == Some("InProgress"))
        .unwrap_or(0);
    policy
        .and_then(|p| p.request_approval_settings.as_ref())
        .and_then(|s| s.stages.get(index))
        .and_then(|s| s.is_approver_justification_required)
        .unwrap_or(false)
}

/// The requester's answers as (question, answer): the question in the approver's language where
/// the package's policies still hold it (else its id), the answer as the requester saw it.
pub fn answers(d: &Decision, lang: &str) -> Vec<(String, String)> {
    let questions: Vec<_> = d
        .request
        .access_package
        .as_ref()
        .and_then(|p| p.assignment_policies.as_ref())
        .into_iter()
        .flatten()
        .flat_map(|p| p.questions.iter())
        .collect();
    d.request
        .answers
        .iter()
        .map(|a| {
            let id = a.answered_question.as_ref().map(|q| q.id.clone()).unwrap_or_default();
            let text = questions.iter().find(|q| q.id == id).map(|q| q.text_in(lang)).unwrap_or(id);
            (text, a.display_value.clone().or(a.value.clone()).unwrap_or_default())
        })
        .collect()
}

/// What happened to one decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Done {
        approved: bool,
    },
    /// Someone else decided first (Graph's 409).
    DecidedFirst,
    Failed(AppError),
}

impl Outcome {
    pub fn of(result: Result<(), GraphError>, approve: bool) -> Outcome {
        match result {
            Ok(()) => Outcome::Done { approved: approve },
            Err(e) if e.status() == Some(409) => Outcome::DecidedFirst,
            Err(e) => Outcome::Failed(e.into()),
        }
    }

    pub fn text(&self, t: &PageTexts) -> &'static str {
        match self {
            Outcome::Done { approved: true } => t.decision_approved,
            Outcome::Done { approved: false } => t.decision_denied,
            Outcome::DecidedFirst => t.decision_taken,
            Outcome::Failed(e) => e.sentence(t.shell),
        }
    }

    /// The outcome's name on the page (`data-result`), for styling and tests.
    pub fn test_id(&self) -> &'static str {
        match self {
            Outcome::Done { approved: true } => "approved",
            Outcome::Done { approved: false } => "denied",
            Outcome::DecidedFirst => "decided-first",
            Outcome::Failed(_) => "failed",
        }
    }

    /// Whether the inbox changed (a decision was taken, by me or someone else).
    pub fn changes_the_inbox(&self) -> bool {
        !matches!(self, Outcome::Failed(_))
    }
}

/// Which of my past decisions the history shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HistoryFilter {
    #[default]
    All,
    Approved,
    Denied,
}

impl HistoryFilter {
    pub const ALL: [HistoryFilter; 3] = [HistoryFilter::All, HistoryFilter::Approved, HistoryFilter::Denied];

    /// The `<option>`'s value.
    pub fn value(self) -> &'static str {
        match self {
            HistoryFilter::All => "all",
            HistoryFilter::Approved => "approved",
            HistoryFilter::Denied => "denied",
        }
    }

    pub fn from_value(value: &str) -> HistoryFilter {
        HistoryFilter::ALL.into_iter().find(|f| f.value() == value).unwrap_or_default()
    }

    pub fn label(self, t: &PageTexts) -> &'static str {
        match self {
            HistoryFilter::All => t.history_all,
            HistoryFilter::Approved => t.stage_approved,
            HistoryFilter::Denied => t.stage_denied,
        }
    }

    /// What it shows of `history`, newest first.
    pub fn shown(self, history: &[Decided]) -> Vec<Decided> {
        let keeps = |d: &&Decided| match self {
            HistoryFilter::All => true,
            HistoryFilter::Approved => d.approved,
            HistoryFilter::Denied => !d.approved,
        };
        history.iter().rev().filter(keeps).cloned().collect()
    }
}

/// The history as CSV rows, a header first, in the person's language.
pub fn history_rows(t: &PageTexts, shown: Vec<Decided>) -> Vec<Vec<String>> {
    let mut rows =
        vec![[t.csv_package, t.requester, t.csv_state, t.reason, t.shell.error_date].map(String::from).to_vec()];
    rows.extend(shown.into_iter().map(|d| {
        let state = if d.approved { t.stage_approved } else { t.stage_denied };
        vec![d.package, d.requester, state.to_string(), d.reason, d.at]
    }));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use crate::graph::ServiceError;
    use crate::i18n::page_texts;

    fn decision(json: serde_json::Value, stages: serde_json::Value) -> Decision {
        Decision {
            request: serde_json::from_value(json).unwrap(),
            approval: serde_json::from_value(serde_json::json!({"id": "r1", "stages": stages})).unwrap(),
        }
    }

    fn two_stages(second_needs_reason: bool) -> Decision {
        decision(
            serde_json::json!({
                "id": "r1",
                "requestor": {"displayName": "Pat", "email": "pat@fabrikam.com"},
                "accessPackage": {"id": "p", "displayName": "Fabrikam delivery project", "assignmentPolicies": [
                    {"id": "pol", "requestApprovalSettings": {"stages": [
                        {"isApproverJustificationRequired": false},
                        {"isApproverJustificationRequired": second_needs_reason},
                    ]}, "questions": [
                        {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "id": "code", "text": "Project code",
                         "localizations": [{"languageCode": "sv", "text": "Projektkod"}]},
                    ]},
                ]},
                "answers": [
                    {"@odata.type": "#microsoft.graph.accessPackageAnswerString", "value": "PRJ-1234", "displayValue": "PRJ-1234",
                     "answeredQuestion": {"id": "code"}},
                    {"@odata.type": "#microsoft.graph.accessPackageAnswerString", "value": "dev",
                     "answeredQuestion": {"id": "gone"}},
                ],
            }),
            serde_json::json!([
                {"id": "s1", "status": "Completed", "reviewResult": "Approve"},
                {"id": "s2", "status": "InProgress", "assignedToMe": true, "reviewResult": "NotReviewed"},
            ]),
        )
    }

    #[test]
    fn the_reason_is_required_by_the_policys_stage_at_the_position_of_mine() {
        assert!(reason_required(&two_stages(true)));
        assert!(!reason_required(&two_stages(false)));
    }

    #[test]
    fn a_decision_is_sent_for_my_stage_with_what_the_history_shows() {
        let target = DecisionTarget::of(&two_stages(false)).unwrap();
        assert_eq!(
            target,
            DecisionTarget {
                request_id: "r1".into(),
                stage_id: "s2".into(),
                package: "Fabrikam delivery project".into(),
                requester: "pat@fabrikam.com".into(),
            }
        );
        let not_mine =
            decision(serde_json::json!({"id": "r2"}), serde_json::json!([{"id": "s1", "status": "InProgress"}]));
        assert_eq!(DecisionTarget::of(&not_mine), None);
    }

    #[test]
    fn answers_are_shown_with_the_question_in_the_approvers_language() {
        let d = two_stages(false);
        assert_eq!(
            answers(&d, "sv"),
            [("Projektkod".to_string(), "PRJ-1234".to_string()), ("gone".to_string(), "dev".to_string())]
        );
        assert_eq!(answers(&d, "en")[0].0, "Project code");
    }

    #[test]
    fn outcomes_say_what_happened_and_name_themselves_for_the_page() {
        let t = page_texts(Language::En);
        let conflict = GraphError::Service(Box::new(ServiceError {
            status: 409,
            code: "Conflict".into(),
            message: String::new(),
            request_id: None,
            client_request_id: None,
            date: None,
        }));
        let taken = Outcome::of(Err(conflict), true);
        assert_eq!((taken.test_id(), taken.text(t)), ("decided-first", t.decision_taken));
        assert!(taken.changes_the_inbox());
        let denied = Outcome::of(Ok(()), false);
        assert_eq!((denied.test_id(), denied.text(t)), ("denied", t.decision_denied));
        let failed = Outcome::of(Err(GraphError::Network { detail: "offline".into(), maybe_applied: false }), true);
        assert_eq!(failed.test_id(), "failed");
        assert!(!failed.changes_the_inbox());
    }

    #[test]
    fn the_history_filters_newest_first_and_exports_in_the_persons_language() {
        let d = |package: &str, approved| Decided {
            package: package.into(),
            requester: "pat@fabrikam.com".into(),
            approved,
            reason: String::new(),
            at: "2026-12-01T10:00:00Z".into(),
        };
        let history = vec![d("a", true), d("b", false), d("c", true)];
        let names = |f: HistoryFilter| f.shown(&history).into_iter().map(|d| d.package).collect::<Vec<_>>();
        assert_eq!(names(HistoryFilter::All), ["c", "b", "a"]);
        assert_eq!(names(HistoryFilter::Approved), ["c", "a"]);
        assert_eq!(names(HistoryFilter::Denied), ["b"]);
        for f in HistoryFilter::ALL {
            assert_eq!(HistoryFilter::from_value(f.value()), f);
        }
        assert_eq!(HistoryFilter::from_value("nonsense"), HistoryFilter::All);
        let t = page_texts(Language::Sv);
        let rows = history_rows(t, HistoryFilter::Denied.shown(&history));
        assert_eq!(rows[0][2], t.csv_state);
        assert_eq!(rows[1], ["b", "pat@fabrikam.com", t.stage_denied, "", "2026-12-01T10:00:00Z"]);
    }
}
