//! The entitlement-management part of a scenario: catalogs, resources, access packages with their
//! assignment policies, generated bulk packages and seeded requests, each checked like the rest.

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
    /// `pendingApproval`, `delivered`, `denied` or `canceled`.
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

/// Cross-references of the entitlement tables; the error carries a byte offset into the file.
pub fn check(s: &Scenario, known_user: &dyn Fn(&str) -> bool) -> Result<(), (usize, String)> {
    let has = |names: Vec<&String>, name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
    let groups: Vec<&String> = s.groups.iter().map(|g| &g.get_ref().display_name).collect();
    let orgs: Vec<&String> = s.connected_organizations.iter().map(|o| &o.get_ref().display_name).collect();
    let catalogs: Vec<&String> = s.catalogs.iter().map(|c| &c.get_ref().display_name).collect();
    if s.graph.page_size == 0 || s.graph.page_size > 999 {
        return Err((0, "graph.page_size must be from 1 to 999".into()));
    }
    let subject = |set: &Subject| -> Result<(), String> {
        match set {
            Subject::SingleUser { user } if !known_user(user) => Err(format!("user '{user}' is not in this scenario")),
            Subject::GroupMembers { group } if !has(groups.clone(), group) => {
                Err(format!("group '{group}' is not in this scenario"))
            }
            Subject::ConnectedOrganizationMembers { connected_organization: o } if !has(orgs.clone(), o) => {
                Err(format!("connected organization '{o}' is not in this scenario"))
            }
            Subject::RequestorManager { manager_level: Some(l) } if !(1..=2).contains(l) => {
                Err("manager_level must be 1 or 2".into())
            }
            _ => Ok(()),
        }
    };
    for r in &s.resources {
        let (at, res) = (r.span().start, r.get_ref());
        if !has(catalogs.clone(), &res.catalog) {
            return Err((
                at,
                format!("resource '{}': catalog '{}' is not in this scenario", res.display_name, res.catalog),
            ));
        }
        let group = res.group.as_ref().unwrap_or(&res.display_name);
        if res.kind == ResourceKind::Group && !has(groups.clone(), group) {
            return Err((at, format!("resource '{}': group '{group}' is not in this scenario", res.display_name)));
        }
        if res.roles.is_empty() {
            return Err((at, format!("resource '{}' needs at least one role", res.display_name)));
        }
    }
    let mut names = HashSet::new();
    for p in &s.access_packages {
        let (at, pkg) = (p.span().start, p.get_ref());
        let fail = |why: String| Err((at, format!("access package '{}': {why}", pkg.display_name)));
        if !names.insert(pkg.display_name.to_lowercase()) {
            return fail("appears twice".into());
        }
        if !has(catalogs.clone(), &pkg.catalog) {
            return fail(format!("catalog '{}' is not in this scenario", pkg.catalog));
        }
        for g in &pkg.grants {
            let res =
                s.resources.iter().map(Spanned::get_ref).find(|r| r.display_name.eq_ignore_ascii_case(&g.resource));
            match res {
                None => return fail(format!("resource '{}' is not in this scenario", g.resource)),
                Some(r) if !r.roles.iter().any(|x| x.eq_ignore_ascii_case(&g.role)) => {
                    return fail(format!("resource '{}' has no role '{}'", g.resource, g.role));
                }
                _ => {}
            }
        }
        if pkg.policies.is_empty() {
            return fail("needs at least one policy".into());
        }
        for pol in &pkg.policies {
            check_policy(pol, &subject).or_else(|why| fail(format!("policy '{}': {why}", pol.display_name)))?;
        }
    }
    for g in &s.generated_packages {
        let (at, generated) = (g.span().start, g.get_ref());
        if !generated.display_name.contains("{n}") || generated.count == 0 || generated.count > 100_000 {
            return Err((at, "generated_packages: display_name needs '{n}' and count must be 1 to 100000".into()));
        }
        if !has(catalogs.clone(), &generated.catalog)
            || !TARGET_SCOPES.contains(&generated.allowed_target_scope.as_str())
        {
            return Err((at, "generated_packages: unknown catalog or allowed_target_scope".into()));
        }
    }
    let packages = s.package_names();
    for r in &s.requests {
        let (at, req) = (r.span().start, r.get_ref());
        let fail = |why: String| Err((at, format!("request of '{}': {why}", req.requestor)));
        if !packages.contains(&req.access_package.to_lowercase()) {
            return fail(format!("access package '{}' is not in this scenario", req.access_package));
        }
        if !["pendingApproval", "delivered", "denied", "canceled"].contains(&req.state.as_str()) {
            return fail(format!("state '{}' is not pendingApproval, delivered, denied or canceled", req.state));
        }
        if req.state == "delivered" && req.count != 1 {
            return fail("a delivered request cannot repeat (count = 1)".into());
        }
        if !req.requestor.contains('@') || req.days_ago < 0 || req.count == 0 {
            return fail("requestor must be an address, days_ago ≥ 0 and count ≥ 1".into());
        }
    }
    Ok(())
}

fn check_policy(p: &Policy, subject: &dyn Fn(&Subject) -> Result<(), String>) -> Result<(), String> {
    if !TARGET_SCOPES.contains(&p.allowed_target_scope.as_str()) {
        return Err(format!(
            "allowed_target_scope '{}' is not one of {}",
            p.allowed_target_scope,
            TARGET_SCOPES.join(", ")
        ));
    }
    let specific = p.allowed_target_scope.starts_with("specific");
    if specific == p.specific_allowed_targets.is_empty() {
        return Err("specific_allowed_targets go with (and only with) a specific* allowed_target_scope".into());
    }
    p.specific_allowed_targets.iter().try_for_each(subject)?;
    if let Some(a) = &p.approval {
        if a.stages.is_empty() || a.stages.len() > 3 {
            return Err("approval needs one to three stages".into());
        }
        for st in &a.stages {
            for d in std::iter::once(&st.duration_before_automatic_denial).chain(&st.escalate_after) {
                crate::entitlement::duration_seconds(d)
                    .ok_or(format!("'{d}' is not an ISO 8601 duration in days/hours"))?;
            }
            if st.primary_approvers.is_empty() {
                return Err("every stage needs primary_approvers".into());
            }
            let all = [&st.primary_approvers, &st.fallback_primary_approvers, &st.escalation_approvers];
            all.into_iter().chain([&st.fallback_escalation_approvers]).flatten().try_for_each(subject)?;
        }
    }
    for q in &p.questions {
        if let Some(r) = &q.regex {
            regex::Regex::new(r).map_err(|e| format!("question '{}': bad regex: {e}", q.text))?;
        }
        if (q.kind == QuestionKind::Choice) == q.choices.is_empty() {
            return Err(format!("question '{}': choices go with (and only with) type = \"choice\"", q.text));
        }
    }
    match &p.expiration {
        Expiration::AfterDuration { duration } if crate::entitlement::duration_seconds(duration).is_none() => {
            Err(format!("expiration duration '{duration}' is not an ISO 8601 duration in days/hours"))
        }
        Expiration::AfterDateTime { end } if chrono::DateTime::parse_from_rfc3339(end).is_err() => {
            Err(format!("expiration end '{end}' is not an RFC 3339 date-time"))
        }
        _ => Ok(()),
    }
}
