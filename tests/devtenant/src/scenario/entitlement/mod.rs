//! The entitlement-management part of a scenario: catalogs, resources, access packages with their
//! assignment policies, generated bulk packages and seeded requests, each checked like the rest.

mod check;

pub use check::check;

use super::{Scenario, derived_id};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use toml::Spanned;

/// `[graph]`: how the Graph origin pages its lists.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphSettings {
    /// Items per page when the caller sends no `$top` (Graph's default is 100).
    #[serde(default = "default_page_size")]
    pub page_size: usize,
}

fn default_page_size() -> usize {
    100
}

impl Default for GraphSettings {
    fn default() -> Self {
        Self { page_size: default_page_size() }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub id: Option<String>,
    pub display_name: String,
    pub description: Option<String>,
    #[serde(default = "yes")]
    pub is_externally_visible: bool,
    /// Catalog-scoped roles of entitlement management, by user principal name: they read the
    /// catalog's packages, policies, requests and assignments (owners and managers may also
    /// reprocess them), and nothing outside it.
    #[serde(default)]
    pub owners: Vec<String>,
    #[serde(default)]
    pub readers: Vec<String>,
    #[serde(default)]
    pub package_managers: Vec<String>,
    #[serde(default)]
    pub assignment_managers: Vec<String>,
}

impl Catalog {
    /// Each role holder as (user principal name, role name as stored).
    pub fn role_holders(&self) -> impl Iterator<Item = (&String, &'static str)> {
        self.owners
            .iter()
            .map(|u| (u, "owner"))
            .chain(self.readers.iter().map(|u| (u, "reader")))
            .chain(self.package_managers.iter().map(|u| (u, "packageManager")))
            .chain(self.assignment_managers.iter().map(|u| (u, "assignmentManager")))
    }
}

/// Something a package grants: a group (membership is delivered), an application or a
/// SharePoint site (recorded in the assignment only: this tenant has no apps or sites).
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub id: Option<String>,
    pub catalog: String,
    pub display_name: String,
    pub description: Option<String>,
    pub kind: ResourceKind,
    /// For `group`: the scenario group, by display name (defaults to the resource's name).
    pub group: Option<String>,
    /// For `site`: its URL; for `application`: its app id.
    pub origin_id: Option<String>,
    pub roles: Vec<String>,
    /// The first this many delivery attempts of each assignment to this resource fail, as when
    /// Entra cannot provision it (a deleted group, an app without the role): requests end
    /// `partiallyDelivered` or `deliveryFailed` until reprocessed often enough.
    #[serde(default)]
    pub fail_attempts: u32,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    Group,
    Application,
    Site,
}

impl ResourceKind {
    /// Graph's `originSystem`.
    pub fn origin_system(self) -> &'static str {
        match self {
            ResourceKind::Group => "AadGroup",
            ResourceKind::Application => "AadApplication",
            ResourceKind::Site => "SharePointOnline",
        }
    }
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct AccessPackage {
    pub id: Option<String>,
    pub display_name: String,
    pub description: Option<String>,
    pub catalog: String,
    #[serde(default)]
    pub is_hidden: bool,
    /// What it grants: `{ resource = "<resource name>", role = "Member" }`.
    #[serde(default)]
    pub grants: Vec<Grant>,
    #[serde(default)]
    pub policies: Vec<Policy>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub resource: String,
    pub role: String,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub id: Option<String>,
    pub display_name: String,
    pub description: Option<String>,
    /// Graph's `allowedTargetScope`, e.g. `allMemberUsers`, `specificConnectedOrganizationUsers`.
    pub allowed_target_scope: String,
    #[serde(default)]
    pub specific_allowed_targets: Vec<Subject>,
    #[serde(default = "yes")]
    pub self_add: bool,
    #[serde(default)]
    pub self_update: bool,
    #[serde(default)]
    pub self_remove: bool,
    /// `allowCustomAssignmentSchedule`: whether a request may carry its own schedule.
    #[serde(default)]
    pub custom_schedule: bool,
    pub approval: Option<Approval>,
    #[serde(default)]
    pub questions: Vec<Question>,
    #[serde(default)]
    pub expiration: Expiration,
    /// Graph's `reviewSettings`: recurring reviews of this policy's assignments.
    pub review: Option<crate::scenario::reviews::AssignmentReview>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    #[serde(default = "yes")]
    pub required_for_add: bool,
    #[serde(default)]
    pub required_for_update: bool,
    #[serde(default)]
    pub requestor_justification_required: bool,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// ISO 8601, e.g. `P14D`.
    pub duration_before_automatic_denial: String,
    #[serde(default)]
    pub approver_justification_required: bool,
    /// Escalation is enabled when this (ISO 8601) is given.
    pub escalate_after: Option<String>,
    pub primary_approvers: Vec<Subject>,
    #[serde(default)]
    pub fallback_primary_approvers: Vec<Subject>,
    #[serde(default)]
    pub escalation_approvers: Vec<Subject>,
    #[serde(default)]
    pub fallback_escalation_approvers: Vec<Subject>,
}

/// A subject set, written `{ type = "singleUser", user = "oskar@contoso.com" }` and so on.
#[derive(Debug, Deserialize, Clone, PartialEq)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Subject {
    SingleUser { user: String },
    GroupMembers { group: String },
    RequestorManager { manager_level: Option<i32> },
    InternalSponsors,
    ExternalSponsors,
    ConnectedOrganizationMembers { connected_organization: String },
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// `text` or `choice`.
    #[serde(rename = "type")]
    pub kind: QuestionKind,
    pub text: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub answer_editable: bool,
    /// Text questions: the pattern an answer must match.
    pub regex: Option<String>,
    #[serde(default)]
    pub multiline: bool,
    /// Language code → text, e.g. `{ "sv-SE" = "Projektkod" }`.
    #[serde(default)]
    pub localizations: BTreeMap<String, String>,
    #[serde(default)]
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub multiple: bool,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Text,
    Choice,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub text: String,
    #[serde(default)]
    pub localizations: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize, Clone, Default, PartialEq)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Expiration {
    #[default]
    NoExpiration,
    AfterDuration {
        duration: String,
    },
    AfterDateTime {
        end: String,
    },
}

/// Many similar packages at once (`{n}` in the name counts from 1), for paging and load.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct GeneratedPackages {
    pub count: usize,
    pub display_name: String,
    pub description: Option<String>,
    pub catalog: String,
    /// Who may request them; each gets one policy without approval.
    #[serde(default = "default_generated_scope")]
    pub allowed_target_scope: String,
}

fn default_generated_scope() -> String {
    "allDirectoryUsers".into()
}

/// Requests that happened before the tenant starts, replayed through the same lifecycle.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct SeededRequest {
    /// A user's principal name or a guest's mail; or the mail of someone of a connected
    /// organization who is not in the directory yet.
    pub requestor: String,
    /// For someone not in the directory.
    pub display_name: Option<String>,
    /// A package by display name (generated ones too).
    pub access_package: String,
    /// `pendingApproval`, `delivered`, `denied` or `canceled`; or `partiallyDelivered` /
    /// `deliveryFailed` when the package grants a resource whose delivery fails.
    #[serde(default = "default_seeded_state")]
    pub state: String,
    pub justification: Option<String>,
    /// Question text → answer value.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    #[serde(default)]
    pub days_ago: i64,
    #[serde(default = "one")]
    pub count: usize,
}

fn default_seeded_state() -> String {
    "pendingApproval".into()
}

fn one() -> usize {
    1
}

/// `allowedTargetScope` values a user request can match (service principals never request here).
pub const TARGET_SCOPES: [&str; 7] = [
    "notSpecified",
    "specificDirectoryUsers",
    "specificConnectedOrganizationUsers",
    "allMemberUsers",
    "allDirectoryUsers",
    "allConfiguredConnectedOrganizationUsers",
    "allExternalUsers",
];

impl Scenario {
    /// Package display names, generated ones included, lower-cased.
    pub fn package_names(&self) -> HashSet<String> {
        let mut names: HashSet<String> =
            self.access_packages.iter().map(|p| p.get_ref().display_name.to_lowercase()).collect();
        for g in &self.generated_packages {
            names.extend((1..=g.get_ref().count).map(|n| generated_name(&g.get_ref().display_name, n).to_lowercase()));
        }
        names
    }

    pub fn catalog_id(&self, name: &str) -> String {
        let c = self.catalogs.iter().map(Spanned::get_ref).find(|c| c.display_name.eq_ignore_ascii_case(name));
        c.and_then(|c| c.id.clone()).unwrap_or_else(|| derived_id("accessPackageCatalog", name))
    }

    pub fn package_id(&self, name: &str) -> String {
        let p = self.access_packages.iter().map(Spanned::get_ref).find(|p| p.display_name.eq_ignore_ascii_case(name));
        p.and_then(|p| p.id.clone()).unwrap_or_else(|| derived_id("accessPackage", name))
    }

    pub fn org_id(&self, name: &str) -> String {
        let o = self
            .connected_organizations
            .iter()
            .map(Spanned::get_ref)
            .find(|o| o.display_name.eq_ignore_ascii_case(name));
        o.and_then(|o| o.id.clone()).unwrap_or_else(|| derived_id("connectedOrganization", name))
    }

    pub fn group_id(&self, name: &str) -> String {
        let g = self.groups.iter().map(Spanned::get_ref).find(|g| g.display_name.eq_ignore_ascii_case(name));
        g.and_then(|g| g.id.clone()).unwrap_or_else(|| derived_id("group", name))
    }

    pub fn user_id(&self, upn: &str) -> String {
        let u = self.users.iter().map(Spanned::get_ref).find(|u| u.user_principal_name.eq_ignore_ascii_case(upn));
        u.and_then(|u| u.id.clone()).unwrap_or_else(|| derived_id("user", upn))
    }
}

pub fn generated_name(pattern: &str, n: usize) -> String {
    pattern.replace("{n}", &n.to_string())
}
