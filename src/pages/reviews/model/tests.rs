//! The reviews page's model against Graph's shapes: targets, decisions as they stand, progress,
//! what accepting decides, reasons asked, words, outcomes, self-reviews and the history.

use super::*;
use crate::config::Language;
use crate::graph::ServiceError;
use crate::i18n::page_texts;
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
    assert_eq!((now.verdict, now.by.as_deref(), now.reason.as_deref()), (Verdict::Deny, Some("Sara"), Some("Left")));
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
    let accepted: Vec<(String, Verdict)> = to_accept(&r, "me", &m).into_iter().map(|(t, v)| (t.item_id, v)).collect();
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
    let t = page_texts(Language::En);
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
    let sv = page_texts(Language::Sv);
    assert_eq!(why(sv, &Reason::SignedIn { days: 30, last: None }), "har loggat in under de senaste 30 dagarna");
    assert_eq!(recommendation_text(sv, Recommendation::Deny), sv.deny);
}

#[test]
fn outcomes_say_what_happened_and_name_themselves_for_the_page() {
    let t = page_texts(Language::En);
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
    assert_eq!(failed.text(t), t.shell.error_forbidden);
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
    let t = page_texts(Language::Sv);
    let rows = history_rows(t, &history);
    assert_eq!(rows[0][0], t.review_history_review);
    assert_eq!(rows[1][3], format!("{} ({})", t.stage_approved, t.review_history_accepted));
    assert_eq!(rows[2], ["Q4 partners", "pat", "Partner portal", t.stage_denied, "", "2026-11-25T12:00:00Z"]);
}
