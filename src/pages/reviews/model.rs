//! The reviews page as data, with no view code: where a decision goes and what the history keeps
//! of it, each person's decision as it stands (mine recorded since the list was read included),
//! progress, what accepting the recommendations decides, when a reason is asked, the words for
//! verdicts, recommendations and last sign-ins, what became of a decision, my own self-reviews
//! beside my access, and the history as CSV. Unit-tested natively.

use crate::error::AppError;
use crate::graph::GraphError;
use crate::graph::reviews::review::Reason;
use crate::graph::reviews::{Recommendation, Review, ReviewAt, ReviewItem, Verdict};
use crate::i18n::{Texts, fill};
use crate::state::kept::Reviewed;
use std::collections::BTreeMap;

/// Where one decision goes, and what the outcome and the history say of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub at: ReviewAt,
    pub item_id: String,
    pub review: String,
    pub person: String,
    pub holds: String,
}

impl Target {
    pub fn of(review: &Review, item: &ReviewItem) -> Target {
        Target {
            at: review.at(),
            item_id: item.decision.id.clone(),
            review: review_name(review),
            person: item.name(),
            holds: item.holds().unwrap_or_default().to_string(),
        }
    }
}

/// The review's name as Graph gives it (empty when it has none).
pub fn review_name(review: &Review) -> String {
    review.definition.display_name.clone().unwrap_or_default()
}

/// The draft a person's reason is kept in until it is sent.
pub fn reason_draft(item_id: &str) -> String {
    format!("review.reason.{item_id}")
}

/// A decision I recorded since the list was read (the next read brings Graph's own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub verdict: Verdict,
    pub reason: String,
    /// My name, as the decision's "by".
    pub by: String,
    pub at: String,
}

/// My decisions since the list was read, by decision item id.
pub type Mine = BTreeMap<String, Recorded>;

/// A person's decision as it stands: mine recorded since the list was read, else Graph's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub verdict: Verdict,
    /// Who decided (`None`: nobody yet, or Graph's default decision with no name).
    pub by: Option<String>,
    pub at: Option<String>,
    pub reason: Option<String>,
}

fn given(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

pub fn current(item: &ReviewItem, mine: &Mine) -> Current {
    if let Some(r) = mine.get(&item.decision.id) {
        return Current {
            verdict: r.verdict,
            by: given(Some(&r.by)),
            at: Some(r.at.clone()),
            reason: given(Some(&r.reason)),
        };
    }
    let d = &item.decision;
    let verdict = d.verdict();
    if verdict == Verdict::NotReviewed {
        return Current { verdict, by: None, at: None, reason: None };
    }
    // Graph writes the zero GUID with empty names until someone reviews.
    let by = d
        .reviewed_by
        .as_ref()
        .and_then(|b| given(b.display_name.as_deref()).or(given(b.user_principal_name.as_deref())));
    Current { verdict, by, at: d.reviewed_date_time.clone(), reason: given(d.justification.as_deref()) }
}

/// (decided, all) of my items, my decisions since the list was read counted.
pub fn progress(review: &Review, mine: &Mine) -> (usize, usize) {
    let decided = review.items.iter().filter(|i| current(i, mine).verdict != Verdict::NotReviewed).count();
    (decided, review.items.len())
}

/// What accepting the review's recommendations decides: each other person nobody has decided on
/// whose access Graph recommends something for, and that verdict.
pub fn to_accept(review: &Review, me: &str, mine: &Mine) -> Vec<(Target, Verdict)> {
    review
        .others(me)
        .filter(|i| current(i, mine).verdict == Verdict::NotReviewed)
        .filter_map(|i| Some((Target::of(review, i), i.decision.recommendation().verdict()?)))
        .collect()
}

/// Whether a decision lacks the reason its review asks for: only an approval is asked, and only
/// where the review says so (Graph's `justificationRequiredOnApproval`).
pub fn reason_missing(required_on_approval: bool, verdict: Verdict, reason: &str) -> bool {
    required_on_approval && verdict == Verdict::Approve && reason.trim().is_empty()
}

/// A decision as it reads in a sentence's place ("Approved", "Don't know", …).
pub fn verdict_text(t: &Texts, v: Verdict) -> &'static str {
    match v {
        Verdict::Approve => t.stage_approved,
        Verdict::Deny => t.stage_denied,
        Verdict::DontKnow => t.dont_know,
        Verdict::NotReviewed => t.review_not_decided,
    }
}

pub fn recommendation_text(t: &Texts, r: Recommendation) -> &'static str {
    match r {
        Recommendation::Approve => t.approve,
        Recommendation::Deny => t.deny,
        Recommendation::NoInfo => t.review_no_recommendation,
    }
}

/// Why Graph recommends what it does, in words.
pub fn why(t: &Texts, reason: &Reason) -> String {
    match reason {
        Reason::SignedIn { days, .. } => fill(t.review_why_signed_in, &[("days", &days.to_string())]),
        Reason::NotSignedIn { days, .. } => fill(t.review_why_not_signed_in, &[("days", &days.to_string())]),
        Reason::NoInfo => t.review_why_no_info.to_string(),
    }
}

/// A person's last sign-in as the page can tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastSignIn {
    At(String),
    /// Graph's insight knows of none.
    Never,
    /// Graph gave no sign-in activity to go by.
    Unknown,
}

pub fn last_sign_in(item: &ReviewItem, reason: &Reason) -> LastSignIn {
    match item.decision.last_sign_in() {
        Some(at) => LastSignIn::At(at.to_string()),
        None if matches!(reason, Reason::NotSignedIn { .. }) => LastSignIn::Never,
        None => LastSignIn::Unknown,
    }
}

/// My answer to my own review: yes (I still need it, `Approve`), no (`Deny`), or none yet.
pub fn answer(v: Verdict) -> Option<bool> {
    match v {
        Verdict::Approve => Some(true),
        Verdict::Deny => Some(false),
        Verdict::DontKnow | Verdict::NotReviewed => None,
    }
}

/// The verdict an answer records.
pub fn verdict_of(still_needed: bool) -> Verdict {
    if still_needed { Verdict::Approve } else { Verdict::Deny }
}

/// What became of one decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// My decision is recorded.
    Recorded(Verdict),
    /// Graph's recommendation was accepted for the person.
    Accepted(Verdict),
    Failed(AppError),
}

impl Outcome {
    pub fn of(result: Result<(), GraphError>, verdict: Verdict) -> Outcome {
        match result {
            Ok(()) => Outcome::Recorded(verdict),
            Err(e) => Outcome::Failed(e.into()),
        }
    }

    pub fn text(&self, t: &Texts) -> String {
        match self {
            Outcome::Recorded(Verdict::Approve) => t.decision_approved.into(),
            Outcome::Recorded(Verdict::Deny) => t.decision_denied.into(),
            Outcome::Recorded(Verdict::DontKnow) => t.review_dont_know_done.into(),
            Outcome::Recorded(Verdict::NotReviewed) => t.review_not_decided.into(),
            Outcome::Accepted(v) => fill(t.review_accepted, &[("decision", verdict_text(t, *v))]),
            Outcome::Failed(e) => e.sentence(t).into(),
        }
    }

    /// The outcome's name on the page (`data-result`), for styling and tests.
    pub fn test_id(&self) -> &'static str {
        match self {
            Outcome::Recorded(Verdict::Approve) => "approved",
            Outcome::Recorded(Verdict::Deny) => "denied",
            Outcome::Recorded(Verdict::DontKnow) => "dontknow",
            Outcome::Recorded(Verdict::NotReviewed) => "notreviewed",
            Outcome::Accepted(_) => "accepted",
            Outcome::Failed(_) => "failed",
        }
    }

    pub fn failed(&self) -> bool {
        matches!(self, Outcome::Failed(_))
    }
}

/// The id Graph gives the package an item is about (else the resource's own id).
pub fn package_id(item: &ReviewItem) -> String {
    let r = item.decision.resource.as_ref();
    r.and_then(|r| r.access_package_id.clone().or(r.id.clone())).unwrap_or_default()
}

/// My own items in open reviews (the access I am asked to confirm), each with its review.
pub fn own_items(reviews: Vec<Review>, me: &str) -> Vec<(Review, ReviewItem)> {
    reviews
        .into_iter()
        .filter_map(|r| {
            let item = r.my_own(me)?.clone();
            Some((r, item))
        })
        .collect()
}

/// The self-review about one access package, if I am asked about it.
pub fn about_package<'a>(own: &'a [(Review, ReviewItem)], package: &str) -> Option<&'a (Review, ReviewItem)> {
    own.iter().find(|(_, i)| !package.is_empty() && package_id(i).eq_ignore_ascii_case(package))
}

/// What I decided, newest first.
pub fn newest_first(history: &[Reviewed]) -> Vec<Reviewed> {
    history.iter().rev().cloned().collect()
}

/// A kept decision in words: the verdict, and whether it was Graph's recommendation accepted.
pub fn history_text(t: &Texts, r: &Reviewed) -> String {
    let verdict = verdict_text(t, r.verdict);
    if r.accepted { format!("{verdict} ({})", t.review_history_accepted) } else { verdict.to_string() }
}

/// The history as CSV rows, a header first, newest first, in the person's language.
pub fn history_rows(t: &Texts, history: &[Reviewed]) -> Vec<Vec<String>> {
    let header = [t.review_history_review, t.review_history_person, t.review_holds, t.review_decision, t.reason];
    let mut rows = vec![header.into_iter().chain([t.error_date]).map(String::from).collect::<Vec<_>>()];
    rows.extend(newest_first(history).into_iter().map(|r| {
        let decision = history_text(t, &r);
        vec![r.review, r.person, r.holds, decision, r.reason, r.at]
    }));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use crate::graph::ServiceError;
    use crate::i18n::texts;
    use serde_json::json;

    fn item(v: serde_json::Value) -> ReviewItem {
        ReviewItem { decision: serde_json::from_value(v).unwrap(), person: None }
    }

    fn review(items: Vec<ReviewItem>, settings: serde_json::Value) -> Review {
        Review {
            definition: serde_json::from_value(json!({"id": "d", "displayName": "Q4 partners", "settings": settings}))
                .unwrap(),
            instance: serde_json::from_value(json!({"id": "i", "status": "InProgress"})).unwrap(),
            items,
        }
    }

    fn portal(id: &str, principal: &str, decision: &str, recommendation: &str) -> ReviewItem {
        item(json!({"id": id, "principal": {"id": principal, "displayName": principal},
            "resource": {"type": "AccessPackageAssignmentPolicy", "accessPackageId": "pkg-portal",
                         "accessPackageDisplayName": "Partner portal"},
            "decision": decision, "recommendation": recommendation, "justification": "",
            "reviewedBy": {"id": "00000000-0000-0000-0000-000000000000", "displayName": "", "userPrincipalName": ""}}))
    }

    fn mine(id: &str, verdict: Verdict) -> Mine {
        let mut m = Mine::new();
        m.insert(
            id.into(),
            Recorded { verdict, reason: "Left".into(), by: "Sara".into(), at: "2026-11-25T12:00:00Z".into() },
        );
        m
    }

    #[test]
    fn a_decision_goes_to_the_item_of_the_reviews_instance_with_what_the_history_shows() {
        let r = review(vec![portal("x1", "pat", "NotReviewed", "Deny")], json!({}));
        let target = Target::of(&r, &r.items[0]);
        assert_eq!(target.at, ReviewAt { definition_id: "d".into(), instance_id: "i".into() });
        assert_eq!(
            (target.item_id.as_str(), target.review.as_str(), target.person.as_str(), target.holds.as_str()),
            ("x1", "Q4 partners", "pat", "Partner portal")
        );
    }

    #[test]
    fn the_decision_as_it_stands_is_mine_since_the_read_else_graphs_with_its_reviewer() {
        let undecided = portal("x1", "pat", "NotReviewed", "Deny");
        let none = current(&undecided, &Mine::new());
        assert_eq!((none.verdict, none.by, none.reason), (Verdict::NotReviewed, None, None));
        let now = current(&undecided, &mine("x1", Verdict::Deny));
        assert_eq!(
            (now.verdict, now.by.as_deref(), now.reason.as_deref()),
            (Verdict::Deny, Some("Sara"), Some("Left"))
        );
        let decided = item(json!({"id": "x2", "decision": "Approve", "justification": "Still on the project",
            "reviewedBy": {"displayName": "Oskar Berg"}, "reviewedDateTime": "2026-11-20T09:00:00Z"}));
        let c = current(&decided, &Mine::new());
        assert_eq!(c.by.as_deref(), Some("Oskar Berg"));
        assert_eq!(c.at.as_deref(), Some("2026-11-20T09:00:00Z"));
        assert_eq!(c.reason.as_deref(), Some("Still on the project"));
        // Graph's default decision: no one's name.
        let by_default = item(json!({"id": "x3", "decision": "Deny",
            "reviewedBy": {"id": "00000000-0000-0000-0000-000000000000", "displayName": ""}}));
        assert_eq!(current(&by_default, &Mine::new()).by, None);
    }

    #[test]
    fn progress_and_what_accepting_decides_count_my_decisions_since_the_read() {
        let r = review(
            vec![
                portal("x1", "pat", "NotReviewed", "Deny"),
                portal("x2", "lena", "NotReviewed", "Approve"),
                portal("x3", "kim", "NotReviewed", "NoInfoAvailable"),
                portal("x4", "me", "NotReviewed", "Approve"),
            ],
            json!({}),
        );
        assert_eq!(progress(&r, &Mine::new()), (0, 4));
        let m = mine("x1", Verdict::DontKnow);
        assert_eq!(progress(&r, &m), (1, 4));
        let accepted: Vec<(String, Verdict)> =
            to_accept(&r, "me", &m).into_iter().map(|(t, v)| (t.item_id, v)).collect();
        assert_eq!(accepted, [("x2".to_string(), Verdict::Approve)], "mine, my own and no recommendation are left");
    }

    #[test]
    fn a_reason_is_asked_only_to_approve_and_only_where_the_review_says_so() {
        assert!(reason_missing(true, Verdict::Approve, "  "));
        assert!(!reason_missing(true, Verdict::Approve, "Still needed"));
        assert!(!reason_missing(true, Verdict::Deny, ""));
        assert!(!reason_missing(true, Verdict::DontKnow, ""));
        assert!(!reason_missing(false, Verdict::Approve, ""));
    }

    #[test]
    fn recommendations_say_why_and_the_last_sign_in_is_a_date_never_or_not_known() {
        let t = texts(Language::En);
        let r = review(vec![], json!({"recommendationLookBackDuration": "P14D"}));
        let inactive = portal("x1", "pat", "NotReviewed", "Deny");
        let reason = r.reason(&inactive);
        assert_eq!(why(t, &reason), "no sign-in within the last 14 days");
        assert_eq!(last_sign_in(&inactive, &reason), LastSignIn::Never);
        let active = item(json!({"id": "x2", "recommendation": "Approve", "insights": [
            {"@odata.type": "#microsoft.graph.userSignInInsight", "lastSignInDateTime": "2026-11-20T08:00:00Z"}]}));
        assert_eq!(last_sign_in(&active, &r.reason(&active)), LastSignIn::At("2026-11-20T08:00:00Z".into()));
        let unknown = item(json!({"id": "x3"}));
        assert_eq!(last_sign_in(&unknown, &r.reason(&unknown)), LastSignIn::Unknown);
        let sv = texts(Language::Sv);
        assert_eq!(why(sv, &Reason::SignedIn { days: 30, last: None }), "har loggat in under de senaste 30 dagarna");
        assert_eq!(recommendation_text(sv, Recommendation::Deny), sv.deny);
    }

    #[test]
    fn outcomes_say_what_happened_and_name_themselves_for_the_page() {
        let t = texts(Language::En);
        let names = [Verdict::Approve, Verdict::Deny, Verdict::DontKnow].map(|v| Outcome::of(Ok(()), v).test_id());
        assert_eq!(names, ["approved", "denied", "dontknow"]);
        assert_eq!(Outcome::Recorded(Verdict::DontKnow).text(t), "Marked as don't know.");
        let accepted = Outcome::Accepted(Verdict::Deny);
        assert_eq!((accepted.test_id(), accepted.text(t).as_str()), ("accepted", "Recommendation accepted: Denied."));
        let refused = GraphError::Service(Box::new(ServiceError {
            status: 403,
            code: "Forbidden".into(),
            message: String::new(),
            request_id: Some("rid".into()),
            client_request_id: None,
            date: None,
        }));
        let failed = Outcome::of(Err(refused), Verdict::Approve);
        assert_eq!((failed.test_id(), failed.failed()), ("failed", true));
        assert_eq!(failed.text(t), t.error_forbidden);
    }

    #[test]
    fn yes_records_approve_and_no_records_deny() {
        assert_eq!(verdict_of(true), Verdict::Approve);
        assert_eq!(verdict_of(false), Verdict::Deny);
        assert_eq!(answer(verdict_of(true)), Some(true));
        assert_eq!(answer(verdict_of(false)), Some(false));
        assert_eq!(answer(Verdict::NotReviewed), None);
    }

    #[test]
    fn my_own_items_are_found_beside_their_package() {
        let r = review(
            vec![portal("x1", "pat", "NotReviewed", "Deny"), portal("x2", "ME", "NotReviewed", "Approve")],
            json!({}),
        );
        let other = review(vec![portal("y1", "kim", "NotReviewed", "Deny")], json!({}));
        let own = own_items(vec![r, other], "me");
        assert_eq!(own.len(), 1);
        assert_eq!(about_package(&own, "PKG-portal").map(|(_, i)| i.decision.id.as_str()), Some("x2"));
        assert!(about_package(&own, "pkg-other").is_none());
        assert!(about_package(&own, "").is_none());
    }

    #[test]
    fn the_history_is_newest_first_and_exports_in_the_persons_language() {
        let kept = |person: &str, verdict, accepted| Reviewed {
            review: "Q4 partners".into(),
            person: person.into(),
            holds: "Partner portal".into(),
            verdict,
            reason: String::new(),
            accepted,
            at: "2026-11-25T12:00:00Z".into(),
        };
        let history = vec![kept("pat", Verdict::Deny, false), kept("lena", Verdict::Approve, true)];
        assert_eq!(newest_first(&history)[0].person, "lena");
        let t = texts(Language::Sv);
        let rows = history_rows(t, &history);
        assert_eq!(rows[0][0], t.review_history_review);
        assert_eq!(rows[1][3], format!("{} ({})", t.stage_approved, t.review_history_accepted));
        assert_eq!(rows[2], ["Q4 partners", "pat", "Partner portal", t.stage_denied, "", "2026-11-25T12:00:00Z"]);
    }
}
