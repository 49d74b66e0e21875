//! A review as the reviews page shows it: the review, its open instance and the people I review,
//! with what the page derives from them (progress, who is a guest, why Graph recommends what it
//! does). No view code: unit-tested natively.

use super::models::{Recommendation, ReviewAt, ReviewDecision, ReviewDefinition, ReviewInstance, Verdict};
use crate::graph::models::User;

/// Graph's default look-back for sign-in recommendations.
const DEFAULT_LOOK_BACK_DAYS: u32 = 30;

/// An open review with my decision items.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub definition: ReviewDefinition,
    pub instance: ReviewInstance,
    pub items: Vec<ReviewItem>,
}

/// One person's access to decide on, and what the directory says of them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    pub decision: ReviewDecision,
    /// The person's directory entry (`None` when Graph would not say).
    pub person: Option<User>,
}

/// Why Graph recommends what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Signed in within the look-back window (last sign-in, when known).
    SignedIn { days: u32, last: Option<String> },
    /// No sign-in within the window: last sign-in before it, or never.
    NotSignedIn { days: u32, last: Option<String> },
    /// Graph has no recommendation.
    NoInfo,
}

impl Review {
    /// Where its writes go.
    pub fn at(&self) -> ReviewAt {
        ReviewAt { definition_id: self.definition.id.clone(), instance_id: self.instance.id.clone() }
    }

    /// (decided, all) of my items.
    pub fn progress(&self) -> (usize, usize) {
        let decided = self.items.iter().filter(|i| i.decision.verdict() != Verdict::NotReviewed).count();
        (decided, self.items.len())
    }

    /// What it covers: the names of the packages or groups its items are about, each once.
    pub fn covers(&self) -> Vec<String> {
        let mut names: Vec<String> = vec![];
        for i in &self.items {
            if let Some(n) = i.holds()
                && !names.iter().any(|x| x == n)
            {
                names.push(n.to_string());
            }
        }
        names
    }

    /// My own item: the review asks me whether I still need the access.
    pub fn my_own<'a>(&'a self, me: &str) -> Option<&'a ReviewItem> {
        self.items.iter().find(|i| i.is_self(me))
    }

    /// The items about other people.
    pub fn others<'a>(&'a self, me: &'a str) -> impl Iterator<Item = &'a ReviewItem> + 'a {
        self.items.iter().filter(move |i| !i.is_self(me))
    }

    /// Items nobody decided yet that have a recommendation to accept.
    pub fn acceptable(&self, me: &str) -> usize {
        self.others(me)
            .filter(|i| i.decision.verdict() == Verdict::NotReviewed && i.decision.recommendation().verdict().is_some())
            .count()
    }

    /// Sign-ins within this many days count towards Approve.
    pub fn look_back_days(&self) -> u32 {
        self.definition
            .settings
            .as_ref()
            .and_then(|s| s.recommendation_look_back_duration.as_deref())
            .and_then(duration_days)
            .unwrap_or(DEFAULT_LOOK_BACK_DAYS)
    }

    /// Why an item's recommendation is what it is.
    pub fn reason(&self, item: &ReviewItem) -> Reason {
        let days = self.look_back_days();
        let last = item.decision.last_sign_in().map(str::to_string);
        match item.decision.recommendation() {
            Recommendation::Approve => Reason::SignedIn { days, last },
            Recommendation::Deny => Reason::NotSignedIn { days, last },
            Recommendation::NoInfo => Reason::NoInfo,
        }
    }
}

impl ReviewItem {
    pub fn is_self(&self, me: &str) -> bool {
        self.decision.principal.id.as_deref().is_some_and(|id| id.eq_ignore_ascii_case(me))
    }

    pub fn name(&self) -> String {
        let p = &self.decision.principal;
        [p.display_name.as_deref(), p.user_principal_name.as_deref()]
            .into_iter()
            .flatten()
            .find(|n| !n.is_empty())
            .unwrap_or_default()
            .to_string()
    }

    /// What the access is to.
    pub fn holds(&self) -> Option<&str> {
        self.decision.resource.as_ref().and_then(|r| r.name())
    }

    /// Guest or member: the directory's `userType`, else the guest's `#EXT#` sign-in name.
    pub fn is_guest(&self) -> bool {
        match self.person.as_ref().and_then(|p| p.user_type.as_deref()) {
            Some(_) => self.person.as_ref().is_some_and(User::is_guest),
            None => self.decision.principal.user_principal_name.as_deref().is_some_and(|u| u.contains("#EXT#")),
        }
    }

    /// The organisation: the directory's company name, else a guest's home domain.
    pub fn organisation(&self) -> Option<String> {
        if let Some(c) = self.person.as_ref().and_then(|p| p.company_name.as_deref()).filter(|c| !c.trim().is_empty()) {
            return Some(c.to_string());
        }
        let upn = self.decision.principal.user_principal_name.as_deref()?;
        let (local, _) = upn.split_once("#EXT#")?;
        // `pat_fabrikam.com#EXT#@…`: the home address's `@` became the last `_`.
        local.rsplit_once('_').map(|(_, domain)| domain.to_string()).filter(|d| !d.is_empty())
    }

    /// Whether someone (me, another reviewer, or Graph's default) decided already.
    pub fn decided(&self) -> bool {
        self.decision.verdict() != Verdict::NotReviewed
    }
}

/// Whole days of an ISO 8601 duration of days (and weeks), e.g. `P30D`, `P4W`.
fn duration_days(text: &str) -> Option<u32> {
    let rest = text.strip_prefix('P')?;
    if let Some(d) = rest.strip_suffix('D') {
        return d.parse().ok();
    }
    rest.strip_suffix('W')?.parse::<u32>().ok().map(|w| w * 7)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(v: serde_json::Value) -> ReviewItem {
        ReviewItem { decision: serde_json::from_value(v).unwrap(), person: None }
    }

    fn review(items: Vec<ReviewItem>, settings: serde_json::Value) -> Review {
        Review {
            definition: serde_json::from_value(json!({"id": "d", "settings": settings})).unwrap(),
            instance: serde_json::from_value(json!({"id": "i", "status": "InProgress"})).unwrap(),
            items,
        }
    }

    #[test]
    fn progress_counts_what_anyone_decided_among_my_items() {
        let r = review(
            vec![
                item(json!({"id": "1", "decision": "Approve"})),
                item(json!({"id": "2", "decision": "NotReviewed"})),
                item(json!({"id": "3", "decision": "DontKnow"})),
            ],
            json!({}),
        );
        assert_eq!(r.progress(), (2, 3));
    }

    #[test]
    fn my_own_item_is_a_self_review_and_not_among_the_others() {
        let r = review(
            vec![
                item(json!({"id": "1", "principal": {"id": "ME"}, "recommendation": "Deny"})),
                item(json!({"id": "2", "principal": {"id": "you"}, "recommendation": "Approve"})),
            ],
            json!({}),
        );
        assert_eq!(r.my_own("me").unwrap().decision.id, "1");
        assert_eq!(r.others("me").map(|i| i.decision.id.as_str()).collect::<Vec<_>>(), ["2"]);
        assert_eq!(r.acceptable("me"), 1, "my own recommendation is not accepted for me");
    }

    #[test]
    fn only_undecided_items_with_a_recommendation_can_be_accepted() {
        let r = review(
            vec![
                item(json!({"id": "1", "recommendation": "Approve", "decision": "Deny"})),
                item(json!({"id": "2", "recommendation": "NoInfoAvailable"})),
                item(json!({"id": "3", "recommendation": "Deny", "decision": "NotReviewed"})),
            ],
            json!({}),
        );
        assert_eq!(r.acceptable("me"), 1);
    }

    #[test]
    fn a_guest_and_their_organisation_come_from_the_directory_else_from_the_sign_in_name() {
        let mut i = item(
            json!({"id": "1", "principal": {"userPrincipalName": "pat_fabrikam.com#EXT#@contoso.onmicrosoft.com"}}),
        );
        assert!(i.is_guest());
        assert_eq!(i.organisation().as_deref(), Some("fabrikam.com"));
        i.person = Some(User {
            user_type: Some("Member".into()),
            company_name: Some("Fabrikam AB".into()),
            ..Default::default()
        });
        assert!(!i.is_guest());
        assert_eq!(i.organisation().as_deref(), Some("Fabrikam AB"));
        let member = item(json!({"id": "2", "principal": {"userPrincipalName": "sara@contoso.com"}}));
        assert!(!member.is_guest());
        assert_eq!(member.organisation(), None);
    }

    #[test]
    fn the_reason_names_the_look_back_window_and_the_last_sign_in() {
        let denied = item(json!({"id": "1", "recommendation": "Deny", "insights": [
            {"@odata.type": "#microsoft.graph.userSignInInsight", "lastSignInDateTime": "2026-10-01T00:00:00Z"}]}));
        let r = review(vec![denied.clone()], json!({"recommendationLookBackDuration": "P14D"}));
        assert_eq!(r.reason(&denied), Reason::NotSignedIn { days: 14, last: Some("2026-10-01T00:00:00Z".into()) });
        let never = item(json!({"id": "2", "recommendation": "Deny"}));
        assert_eq!(review(vec![], json!({})).reason(&never), Reason::NotSignedIn { days: 30, last: None });
        assert_eq!(review(vec![], json!(null)).reason(&item(json!({"id": "3"}))), Reason::NoInfo);
    }

    #[test]
    fn what_a_review_covers_names_each_package_once() {
        let on = |n: &str| json!({"type": "AccessPackageAssignmentPolicy", "displayName": "policy", "accessPackageDisplayName": n});
        let r = review(
            vec![
                item(json!({"id": "1", "resource": on("Portal")})),
                item(json!({"id": "2", "resource": on("Portal")})),
                item(json!({"id": "3", "resource": {"type": "Group", "displayName": "Guests"}})),
            ],
            json!({}),
        );
        assert_eq!(r.covers(), ["Portal", "Guests"]);
    }

    #[test]
    fn durations_in_days_and_weeks_are_read() {
        assert_eq!(duration_days("P30D"), Some(30));
        assert_eq!(duration_days("P2W"), Some(14));
        assert_eq!(duration_days("PT5H"), None);
    }
}
