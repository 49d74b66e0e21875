//! The scenario file: a whole tenant described in TOML, read once and checked before anything starts.
//!
//! Every table is strict (unknown keys are refused) and every cross-reference is checked, so a
//! typo ends in "line N: …" instead of a tenant that behaves oddly later.

pub mod entitlement;
pub mod reviews;

use entitlement::{AccessPackage, Catalog, GeneratedPackages, GraphSettings, Resource, SeededRequest};
use serde::Deserialize;
use std::collections::HashSet;
use toml::Spanned;
use uuid::Uuid;

/// Namespace for ids derived from names, so that a scenario without explicit ids still gives
/// the same object ids on every machine and every run.
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x5f0e_7a3c_4a1d_4c7e_9f3b_2d6a_8e1c_0b55);

/// A stable id for an object that the scenario names but does not number.
pub fn derived_id(kind: &str, name: &str) -> String {
    Uuid::new_v5(&ID_NAMESPACE, format!("{kind}:{}", name.to_lowercase()).as_bytes()).to_string()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub tenant: Tenant,
    #[serde(default)]
    pub tokens: TokenSettings,
    #[serde(default)]
    pub external_collaboration: ExternalCollaboration,
    #[serde(default)]
    pub apps: Vec<Spanned<App>>,
    #[serde(default)]
    pub users: Vec<Spanned<User>>,
    #[serde(default)]
    pub groups: Vec<Spanned<Group>>,
    #[serde(default)]
    pub connected_organizations: Vec<Spanned<ConnectedOrganization>>,
    #[serde(default)]
    pub graph: GraphSettings,
    #[serde(default)]
    pub catalogs: Vec<Spanned<Catalog>>,
    #[serde(default)]
    pub resources: Vec<Spanned<Resource>>,
    #[serde(default)]
    pub access_packages: Vec<Spanned<AccessPackage>>,
    #[serde(default)]
    pub generated_packages: Vec<Spanned<GeneratedPackages>>,
    #[serde(default)]
    pub requests: Vec<Spanned<SeededRequest>>,
    #[serde(default)]
    pub guest_reviews: Vec<Spanned<reviews::GuestReview>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    pub id: String,
    pub display_name: String,
    /// Verified domains; the first is the initial `*.onmicrosoft.com` domain used in guests' UPNs.
    pub domains: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSettings {
    /// Lifetime of access and id tokens. Entra picks 60–90 minutes; tests shorten it.
    #[serde(default = "default_access_lifetime")]
    pub access_token_lifetime_seconds: i64,
}

fn default_access_lifetime() -> i64 {
    3600
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self { access_token_lifetime_seconds: default_access_lifetime() }
    }
}

/// Entra's "External collaboration settings".
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExternalCollaboration {
    /// Who may invite guests: `everyone` (Entra's default), `members`, `admins`, `nobody`.
    #[serde(default)]
    pub guest_invite_restrictions: InviteRestriction,
    /// When not empty, only these domains may be invited or sign up.
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    /// These domains may never be invited or sign up.
    #[serde(default)]
    pub blocked_domains: Vec<String>,
}

#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum InviteRestriction {
    #[default]
    Everyone,
    Members,
    Admins,
    Nobody,
}

impl ExternalCollaboration {
    /// Whether an address's domain may be invited or sign up, by the allow and block lists.
    pub fn domain_allowed(&self, email: &str) -> bool {
        let Some((_, domain)) = email.rsplit_once('@') else {
            return false;
        };
        let same = |d: &String| d.eq_ignore_ascii_case(domain);
        if self.blocked_domains.iter().any(same) {
            return false;
        }
        self.allowed_domains.is_empty() || self.allowed_domains.iter().any(same)
    }
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct App {
    pub client_id: String,
    pub display_name: String,
    /// Redirect URIs registered under the "Single-page application" platform, matched exactly.
    pub spa_redirect_uris: Vec<String>,
    /// Delegated permissions the app may ask for (Graph's, short or `https://graph.microsoft.com/…`).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Whether self-service sign-up is enabled for this app (a user flow in Entra).
    #[serde(default)]
    pub self_service_sign_up: bool,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub id: Option<String>,
    pub user_principal_name: String,
    pub display_name: String,
    pub mail: Option<String>,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub company_name: Option<String>,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub preferred_language: Option<String>,
    /// The manager's user principal name.
    pub manager: Option<String>,
    pub password: Option<String>,
    #[serde(default)]
    pub user_type: UserType,
    /// Guests only; `Accepted` when left out.
    pub external_user_state: Option<String>,
    /// A directory administrator (may invite when invitations are limited to admins).
    #[serde(default)]
    pub admin: bool,
    /// When the user last signed in, before seeding (recorded as a sign-in: access reviews
    /// recommend from it).
    pub last_sign_in_days_ago: Option<i64>,
}

#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq)]
pub enum UserType {
    #[default]
    Member,
    Guest,
}

impl UserType {
    pub fn as_str(self) -> &'static str {
        match self {
            UserType::Member => "Member",
            UserType::Guest => "Guest",
        }
    }
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: Option<String>,
    pub display_name: String,
    pub description: Option<String>,
    /// Members by user principal name.
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ConnectedOrganization {
    pub id: Option<String>,
    pub display_name: String,
    pub description: Option<String>,
    pub domains: Vec<String>,
    /// `configured` or `proposed`.
    #[serde(default = "default_org_state")]
    pub state: String,
    /// Sponsors by user principal name.
    #[serde(default)]
    pub internal_sponsors: Vec<String>,
    #[serde(default)]
    pub external_sponsors: Vec<String>,
}

fn default_org_state() -> String {
    "configured".into()
}

/// Why a scenario was refused: the line it concerns (1-based) and the reason.
#[derive(Debug, thiserror::Error)]
#[error("{file}: line {line}: {reason}")]
pub struct ScenarioError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

impl Scenario {
    /// Reads and checks a scenario; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let scenario: Scenario = toml::from_str(text).map_err(|e| ScenarioError {
            file: file.into(),
            line: e.span().map(|s| line_of(s.start)).unwrap_or(1),
            reason: e.message().trim().to_string(),
        })?;
        scenario.check().map_err(|(offset, reason)| ScenarioError {
            file: file.into(),
            line: line_of(offset),
            reason,
        })?;
        Ok(scenario)
    }

    /// Cross-reference checks; the error carries a byte offset into the file.
    fn check(&self) -> Result<(), (usize, String)> {
        if Uuid::parse_str(&self.tenant.id).is_err() {
            return Err((0, format!("tenant.id '{}' is not a GUID", self.tenant.id)));
        }
        if self.tenant.domains.is_empty() {
            return Err((0, "tenant.domains needs at least one verified domain".into()));
        }
        let mut upns = HashSet::new();
        for u in &self.users {
            let upn = u.get_ref().user_principal_name.to_lowercase();
            if !upn.contains('@') {
                return Err((u.span().start, format!("user '{upn}': user_principal_name needs an '@'")));
            }
            if !upns.insert(upn.clone()) {
                return Err((u.span().start, format!("user '{upn}' appears twice")));
            }
            if let Some(id) = &u.get_ref().id
                && Uuid::parse_str(id).is_err()
            {
                return Err((u.span().start, format!("user '{upn}': id '{id}' is not a GUID")));
            }
        }
        let known = |upn: &str| upns.contains(&upn.to_lowercase());
        for u in &self.users {
            if let Some(m) = &u.get_ref().manager
                && !known(m)
            {
                let upn = &u.get_ref().user_principal_name;
                return Err((u.span().start, format!("user '{upn}': manager '{m}' is not a user of this scenario")));
            }
        }
        for g in &self.groups {
            if let Some(m) = g.get_ref().members.iter().find(|m| !known(m)) {
                let name = &g.get_ref().display_name;
                return Err((g.span().start, format!("group '{name}': member '{m}' is not a user of this scenario")));
            }
        }
        for o in &self.connected_organizations {
            let org = o.get_ref();
            let sponsors = org.internal_sponsors.iter().chain(&org.external_sponsors);
            if let Some(s) = sponsors.clone().find(|s| !known(s)) {
                return Err((
                    o.span().start,
                    format!(
                        "connected organization '{}': sponsor '{s}' is not a user of this scenario",
                        org.display_name
                    ),
                ));
            }
            if !matches!(org.state.as_str(), "configured" | "proposed") {
                return Err((
                    o.span().start,
                    format!("connected organization '{}': state must be 'configured' or 'proposed'", org.display_name),
                ));
            }
        }
        let mut client_ids = HashSet::new();
        for a in &self.apps {
            let app = a.get_ref();
            if Uuid::parse_str(&app.client_id).is_err() {
                return Err((a.span().start, format!("app '{}': client_id is not a GUID", app.display_name)));
            }
            if !client_ids.insert(app.client_id.to_lowercase()) {
                return Err((a.span().start, format!("app '{}': client_id appears twice", app.display_name)));
            }
            for uri in &app.spa_redirect_uris {
                let ok = url::Url::parse(uri).map(|u| matches!(u.scheme(), "http" | "https")).unwrap_or(false);
                if !ok {
                    return Err((
                        a.span().start,
                        format!("app '{}': redirect URI '{uri}' is not an http(s) URL", app.display_name),
                    ));
                }
            }
            if let Some(s) = app.scopes.iter().find(|s| crate::scopes::graph_scope(s).is_none()) {
                return Err((
                    a.span().start,
                    format!("app '{}': '{s}' is not a Graph delegated permission this tenant knows", app.display_name),
                ));
            }
        }
        entitlement::check(self, &known)?;
        reviews::check(self, &known)?;
        if self.tokens.access_token_lifetime_seconds < 60 {
            return Err((0, "tokens.access_token_lifetime_seconds must be at least 60".into()));
        }
        Ok(())
    }

    pub fn app(&self, client_id: &str) -> Option<&App> {
        self.apps.iter().map(Spanned::get_ref).find(|a| a.client_id.eq_ignore_ascii_case(client_id))
    }

    /// Whether `tenant` (a path segment) names this tenant: its id or one of its verified domains.
    pub fn is_tenant(&self, tenant: &str) -> bool {
        self.tenant.id.eq_ignore_ascii_case(tenant)
            || self.tenant.domains.iter().any(|d| d.eq_ignore_ascii_case(tenant))
    }

    /// Whether a URI is registered as a redirect URI of any app (logout may go there).
    pub fn any_app_has_redirect(&self, uri: &str) -> bool {
        self.apps.iter().any(|a| a.get_ref().spa_redirect_uris.iter().any(|u| u == uri))
    }

    /// Origins of every SPA redirect URI: the only origins the token endpoint answers with CORS.
    pub fn spa_origins(&self) -> HashSet<String> {
        let apps = self.apps.iter().map(Spanned::get_ref);
        apps.flat_map(|a| a.spa_redirect_uris.iter())
            .filter_map(|u| url::Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization())
            .collect()
    }

    pub fn initial_domain(&self) -> &str {
        &self.tenant.domains[0]
    }
}

#[cfg(test)]
mod tests;
