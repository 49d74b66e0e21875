//! Access review resources as Portier reads them (`accessReviewScheduleDefinition`,
//! `accessReviewInstance`, `accessReviewInstanceDecisionItem`), named as in Graph's v1.0 schema;
//! only what Portier shows, every property optional where Graph may leave it out.

use serde::{Deserialize, Serialize};

/// Where a decision is written: a review's instance (its paths are `api`'s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewAt {
    pub definition_id: String,
    pub instance_id: String,
}

/// A review: what it is called and what it asks of reviewers.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ReviewDefinition {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description_for_reviewers: Option<String>,
    #[serde(default)]
    pub settings: Option<ReviewSettings>,
}

impl ReviewDefinition {
    /// Whether an approval must carry a reason (`justificationRequiredOnApproval`).
    pub fn reason_required_on_approval(&self) -> bool {
        self.settings.as_ref().and_then(|s| s.justification_required_on_approval).unwrap_or(false)
    }
}

/// `accessReviewScheduleSettings`: the parts a reviewer is told about.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ReviewSettings {
    #[serde(default)]
    pub justification_required_on_approval: Option<bool>,
    #[serde(default)]
    pub recommendations_enabled: Option<bool>,
    /// How far back sign-ins count (ISO 8601, e.g. `P30D`; Graph's default is 30 days).
    #[serde(default)]
    pub recommendation_look_back_duration: Option<String>,
    #[serde(default)]
    pub default_decision_enabled: Option<bool>,
    /// `Approve`, `Deny`, `Recommendation` (or `None` when off).
    #[serde(default)]
    pub default_decision: Option<String>,
}

/// One occurrence of a review: when it runs and whether it is open.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ReviewInstance {
    pub id: String,
    #[serde(default)]
    pub start_date_time: Option<String>,
    /// The due date: input closes then.
    #[serde(default)]
    pub end_date_time: Option<String>,
    /// `NotStarted`, `InProgress`, `Completed`, `Applied`, …
    #[serde(default)]
    pub status: Option<String>,
}

/// `userIdentity`: who is reviewed, or who reviewed (the zero GUID and empty names until then).
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
}

/// What the person's access is to: a group, or an access package's policy.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ReviewedResource {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// `Group`, `AccessPackageAssignmentPolicy`, …
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub access_package_id: Option<String>,
    #[serde(default)]
    pub access_package_display_name: Option<String>,
}

impl ReviewedResource {
    /// The name a person knows it by: the package for a package's policy.
    pub fn name(&self) -> Option<&str> {
        self.access_package_display_name.as_deref().or(self.display_name.as_deref()).filter(|n| !n.is_empty())
    }
}

/// `governanceInsight`: only the sign-in insight is read.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Insight {
    #[serde(rename = "@odata.type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub last_sign_in_date_time: Option<String>,
}

/// One person's access in a review, and the decision on it.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ReviewDecision {
    pub id: String,
    #[serde(default)]
    pub principal: Identity,
    #[serde(default)]
    pub resource: Option<ReviewedResource>,
    #[serde(default)]
    pub decision: Option<String>,
    #[serde(default)]
    pub recommendation: Option<String>,
    #[serde(default)]
    pub justification: Option<String>,
    #[serde(default)]
    pub reviewed_by: Option<Identity>,
    #[serde(default)]
    pub reviewed_date_time: Option<String>,
    #[serde(default)]
    pub insights: Vec<Insight>,
}

impl ReviewDecision {
    pub fn verdict(&self) -> Verdict {
        Verdict::parse(self.decision.as_deref())
    }

    pub fn recommendation(&self) -> Recommendation {
        match self.recommendation.as_deref() {
            Some(r) if r.eq_ignore_ascii_case("Approve") => Recommendation::Approve,
            Some(r) if r.eq_ignore_ascii_case("Deny") => Recommendation::Deny,
            _ => Recommendation::NoInfo,
        }
    }

    /// The last sign-in Graph's insight gives (`None`: none recorded, or no insight).
    pub fn last_sign_in(&self) -> Option<&str> {
        self.insights
            .iter()
            .find(|i| i.kind.as_deref().is_some_and(|k| k.ends_with("userSignInInsight")))
            .and_then(|i| i.last_sign_in_date_time.as_deref())
    }
}

/// A decision on a person's access, as Graph's `decision` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    Approve,
    Deny,
    DontKnow,
    NotReviewed,
}

impl Verdict {
    pub fn parse(text: Option<&str>) -> Verdict {
        match text {
            Some(d) if d.eq_ignore_ascii_case("Approve") => Verdict::Approve,
            Some(d) if d.eq_ignore_ascii_case("Deny") => Verdict::Deny,
            Some(d) if d.eq_ignore_ascii_case("DontKnow") => Verdict::DontKnow,
            _ => Verdict::NotReviewed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approve => "Approve",
            Verdict::Deny => "Deny",
            Verdict::DontKnow => "DontKnow",
            Verdict::NotReviewed => "NotReviewed",
        }
    }
}

/// What Graph recommends, from the person's sign-in activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recommendation {
    Approve,
    Deny,
    NoInfo,
}

impl Recommendation {
    /// The decision accepting it records (`None`: nothing to accept).
    pub fn verdict(self) -> Option<Verdict> {
        match self {
            Recommendation::Approve => Some(Verdict::Approve),
            Recommendation::Deny => Some(Verdict::Deny),
            Recommendation::NoInfo => None,
        }
    }
}
