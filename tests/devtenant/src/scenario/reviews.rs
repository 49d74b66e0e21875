//! The access-review part of a scenario: a policy's `review` (Graph's `reviewSettings` of an
//! access package assignment policy) and `[[guest_reviews]]` of a group's guests, with their checks.

use super::Scenario;
use super::entitlement::Subject;
use serde::Deserialize;

fn yes() -> bool {
    true
}

fn two_weeks() -> String {
    "P14D".into()
}

fn keep_access() -> String {
    "keepAccess".into()
}

fn thirty_days() -> String {
    "P30D".into()
}

/// How often a review comes back: Graph's recurrence pattern (`weekly` or `absoluteMonthly`).
#[derive(Debug, Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Recurrence {
    #[serde(rename = "type")]
    pub kind: String,
    pub interval: u32,
}

/// `[access_packages.policies.review]`: reviews of the policy's assignments.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct AssignmentReview {
    /// Days before seeding that the first review started; negative: it starts that much later.
    #[serde(default)]
    pub started_days_ago: i64,
    /// How long each review is open (ISO 8601, days), Graph's `schedule.expiration.duration`.
    #[serde(default = "two_weeks")]
    pub duration: String,
    /// Leave out for a one-time review.
    pub recurrence: Option<Recurrence>,
    /// Each assignee reviews their own access (`isSelfReview`); else `reviewers` do.
    #[serde(default)]
    pub self_review: bool,
    #[serde(default)]
    pub reviewers: Vec<Subject>,
    #[serde(default)]
    pub fallback_reviewers: Vec<Subject>,
    /// When nobody answers: `keepAccess`, `removeAccess` or `acceptAccessRecommendation`.
    #[serde(default = "keep_access")]
    pub expiration_behavior: String,
    #[serde(default = "yes")]
    pub recommendations: bool,
    #[serde(default = "yes")]
    pub justification_required: bool,
}

/// `[[guest_reviews]]`: a review of the guests in a group.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct GuestReview {
    pub id: Option<String>,
    pub display_name: String,
    pub description: Option<String>,
    /// The group by display name.
    pub group: String,
    #[serde(default)]
    pub started_days_ago: i64,
    #[serde(default = "two_weeks")]
    pub duration: String,
    pub recurrence: Option<Recurrence>,
    /// Who reviews (`singleUser`, `groupMembers`); none: each guest reviews themself.
    #[serde(default)]
    pub reviewers: Vec<Subject>,
    #[serde(default)]
    pub fallback_reviewers: Vec<Subject>,
    /// `Approve`, `Deny` or `Recommendation` for what nobody decided; none: they stay undecided.
    pub default_decision: Option<String>,
    /// Apply the results when the review ends (a denied guest leaves the group).
    #[serde(default)]
    pub auto_apply: bool,
    #[serde(default = "yes")]
    pub recommendations: bool,
    /// The window of sign-in activity behind a recommendation (ISO 8601, days).
    #[serde(default = "thirty_days")]
    pub recommendation_look_back: String,
    #[serde(default)]
    pub justification_required: bool,
}

fn check_schedule(duration: &str, recurrence: Option<&Recurrence>) -> Result<(), String> {
    let secs = crate::entitlement::duration_seconds(duration)
        .ok_or(format!("duration '{duration}' is not an ISO 8601 duration in days/hours"))?;
    if secs <= 0 {
        return Err("duration must be longer than zero".into());
    }
    if let Some(r) = recurrence {
        if !matches!(r.kind.as_str(), "weekly" | "absoluteMonthly") || !(1..=12).contains(&r.interval) {
            return Err("recurrence type must be 'weekly' or 'absoluteMonthly', interval 1 to 12".into());
        }
        let period = if r.kind == "weekly" { 7 * 86_400 } else { 28 * 86_400 } * i64::from(r.interval);
        if secs > period {
            return Err("a review must end before the next one starts (duration ≤ the recurrence)".into());
        }
    }
    Ok(())
}

pub fn check_assignment_review(
    r: &AssignmentReview,
    subject: &dyn Fn(&Subject) -> Result<(), String>,
) -> Result<(), String> {
    check_schedule(&r.duration, r.recurrence.as_ref())?;
    if r.self_review != r.reviewers.is_empty() {
        return Err("review: give reviewers, or self_review = true (not both)".into());
    }
    r.reviewers.iter().chain(&r.fallback_reviewers).try_for_each(subject)?;
    if !matches!(r.expiration_behavior.as_str(), "keepAccess" | "removeAccess" | "acceptAccessRecommendation") {
        return Err("review: expiration_behavior must be keepAccess, removeAccess or acceptAccessRecommendation".into());
    }
    Ok(())
}

/// Checks `[[guest_reviews]]`; the error carries a byte offset into the file.
pub fn check(s: &Scenario, known_user: &dyn Fn(&str) -> bool) -> Result<(), (usize, String)> {
    for g in &s.guest_reviews {
        let (at, r) = (g.span().start, g.get_ref());
        let fail = |why: String| Err((at, format!("guest review '{}': {why}", r.display_name)));
        if !s.groups.iter().any(|x| x.get_ref().display_name.eq_ignore_ascii_case(&r.group)) {
            return fail(format!("group '{}' is not in this scenario", r.group));
        }
        if let Err(why) = check_schedule(&r.duration, r.recurrence.as_ref()) {
            return fail(why);
        }
        if crate::entitlement::duration_seconds(&r.recommendation_look_back).is_none_or(|s| s <= 0) {
            return fail("recommendation_look_back is not an ISO 8601 duration in days".into());
        }
        for set in r.reviewers.iter().chain(&r.fallback_reviewers) {
            match set {
                Subject::SingleUser { user } if !known_user(user) => {
                    return fail(format!("reviewer '{user}' is not in this scenario"));
                }
                Subject::GroupMembers { group }
                    if !s.groups.iter().any(|x| x.get_ref().display_name.eq_ignore_ascii_case(group)) =>
                {
                    return fail(format!("group '{group}' is not in this scenario"));
                }
                Subject::SingleUser { .. } | Subject::GroupMembers { .. } => {}
                _ => return fail("reviewers of a group are singleUser or groupMembers".into()),
            }
        }
        if r.default_decision.as_deref().is_some_and(|d| !matches!(d, "Approve" | "Deny" | "Recommendation")) {
            return fail("default_decision must be Approve, Deny or Recommendation".into());
        }
    }
    for u in &s.users {
        if u.get_ref().last_sign_in_days_ago.is_some_and(|d| d < 0) {
            return Err((u.span().start, "last_sign_in_days_ago must be ≥ 0".into()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;

    const DEMO: &str = include_str!("../../scenarios/demo.toml");

    #[test]
    fn the_demo_reviews_fabrikam_delivery_quarterly_and_partner_portal_by_self_review() {
        let s = Scenario::parse(DEMO, "demo.toml").unwrap();
        let review = |package: &str| {
            let p = s.access_packages.iter().map(|p| p.get_ref()).find(|p| p.display_name == package).unwrap();
            p.policies[0].review.clone().unwrap()
        };
        let fabrikam = review("Fabrikam delivery project");
        assert_eq!(fabrikam.recurrence.map(|r| (r.kind, r.interval)), Some(("absoluteMonthly".into(), 3)));
        assert_eq!(fabrikam.expiration_behavior, "removeAccess");
        assert!(!fabrikam.self_review);
        let portal = review("Partner portal");
        assert!(portal.self_review && portal.recurrence.is_none());
        // Both end weeks after seeding: a journey's clock never reaches them.
        for r in [&review("Fabrikam delivery project"), &portal] {
            let end = crate::entitlement::duration_seconds(&r.duration).unwrap() - r.started_days_ago * 86_400;
            assert!(end >= 14 * 86_400, "{r:?}");
        }
    }

    fn refusal(extra: &str) -> String {
        let text = format!("{DEMO}\n{extra}");
        Scenario::parse(&text, "s.toml").unwrap_err().reason
    }

    #[test]
    fn review_mistakes_are_refused_with_the_reason() {
        let guest = |rest: &str| format!("[[guest_reviews]]\ndisplay_name = \"G\"\ngroup = \"Pilot testers\"\n{rest}");
        for (extra, reason) in [
            (guest("group = \"Nope\"").replace("group = \"Pilot testers\"\n", ""), "group 'Nope'"),
            (guest("reviewers = [{ type = \"internalSponsors\" }]"), "singleUser or groupMembers"),
            (guest("reviewers = [{ type = \"singleUser\", user = \"ghost@contoso.com\" }]"), "ghost@contoso.com"),
            (guest("default_decision = \"Maybe\""), "default_decision"),
            (guest("duration = \"P40D\"\nrecurrence = { type = \"weekly\", interval = 1 }"), "before the next one"),
            (guest("recurrence = { type = \"daily\", interval = 1 }"), "recurrence type"),
            (guest("duration = \"P1M\""), "ISO 8601"),
            (guest("recommendation_look_back = \"soon\""), "recommendation_look_back"),
        ] {
            let got = refusal(&extra);
            assert!(got.contains(reason), "{extra}: {got}");
        }
    }

    #[test]
    fn a_policy_review_names_reviewers_or_is_a_self_review() {
        let with = |review: &str| DEMO.replace("started_days_ago = 5\n", &format!("started_days_ago = 5\n{review}\n"));
        for (review, reason) in [
            ("reviewers = [{ type = \"internalSponsors\" }]", "not both"),
            ("expiration_behavior = \"forget\"", "expiration_behavior"),
        ] {
            // Partner portal's own behaviour out, so that the one under test is the only one.
            let text = with(review).replace("expiration_behavior = \"acceptAccessRecommendation\"\n", "");
            let err = Scenario::parse(&text, "s.toml").unwrap_err();
            assert!(err.reason.contains(reason), "{review}: {err}");
        }
    }
}
