//! The reviews page as data, with no view code: where a decision goes and what the history keeps
//! of it, each person's decision as it stands (mine recorded since the list was read included),
//! progress, what accepting the recommendations decides, when a reason is asked, the words for
//! verdicts, recommendations and last sign-ins, what became of a decision, my own self-reviews
//! beside my access, and the history as CSV. Unit-tested natively.

use crate::error::AppError;
use crate::graph::GraphError;
use crate::graph::reviews::review::Reason;
use crate::graph::reviews::{Recommendation, Review, ReviewAt, ReviewItem, Verdict};
use crate::i18n::{PageTexts, fill};
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
pub fn verdict_text(t: &PageTexts, v: Verdict) -> &'static str {
    match v {
        Verdict::Approve => t.stage_approved,
        Verdict::Deny => t.stage_denied,
        Verdict::DontKnow => t.dont_know,
        Verdict::NotReviewed => t.review_not_decided,
    }
}

pub fn recommendation_text(t: &PageTexts, r: Recommendation) -> &'static str {
    match r {
        Recommendation::Approve => t.approve,
        Recommendation::Deny => t.deny,
        Recommendation::NoInfo => t.review_no_recommendation,
    }
}

/// Why Graph recommends what it does, in words.
pub fn why(t: &PageTexts, reason: &Reason) -> String {
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

    pub fn text(&self, t: &PageTexts) -> String {
        match self {
            Outcome::Recorded(Verdict::Approve) => t.decision_approved.into(),
            Outcome::Recorded(Verdict::Deny) => t.decision_denied.into(),
            Outcome::Recorded(Verdict::DontKnow) => t.review_dont_know_done.into(),
            Outcome::Recorded(Verdict::NotReviewed) => t.review_not_decided.into(),
            Outcome::Accepted(v) => fill(t.review_accepted, &[("decision", verdict_text(t, *v))]),
            Outcome::Failed(e) => e.sentence(t.shell).into(),
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
pub fn history_text(t: &PageTexts, r: &Reviewed) -> String {
    let verdict = verdict_text(t, r.verdict);
    if r.accepted { format!("{verdict} ({})", t.review_history_accepted) } else { verdict.to_string() }
}

/// The history as CSV rows, a header first, newest first, in the person's language.
pub fn history_rows(t: &PageTexts, history: &[Reviewed]) -> Vec<Vec<String>> {
    let header = [t.review_history_review, t.review_history_person, t.review_holds, t.review_decision, t.reason];
    let mut rows = vec![header.into_iter().chain([t.shell.error_date]).map(String::from).collect::<Vec<_>>()];
    rows.extend(newest_first(history).into_iter().map(|r| {
        let decision = history_text(t, &r);
        vec![r.review, r.person, r.holds, decision, r.reason, r.at]
    }));
    rows
}

#[cfg(test)]
mod tests;
