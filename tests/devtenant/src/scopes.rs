//! Scopes as Entra reads them: OpenID scopes, Graph's delegated permissions in their short and
//! `https://graph.microsoft.com/…` forms, and `.default`.

/// Graph's resource identifier, the `aud` of every Graph access token.
pub const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";

/// The OpenID Connect scopes: they shape the id token and refresh token, never the access token.
pub const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// Graph's delegated permissions that this tenant knows, as Graph spells them.
pub const GRAPH_PERMISSIONS: &[(&str, &str)] = &[
    ("User.Read", "Sign you in and read your profile"),
    ("User.ReadWrite", "Read and update your profile"),
    ("User.ReadBasic.All", "Read the basic profiles of all users"),
    ("User.Read.All", "Read all users' full profiles"),
    ("User.Invite.All", "Invite guest users to the organization"),
    ("Directory.Read.All", "Read directory data"),
    ("GroupMember.Read.All", "Read group memberships"),
    ("EntitlementManagement.Read.All", "Read all entitlement management resources"),
    ("EntitlementManagement.ReadWrite.All", "Read and write all entitlement management resources"),
    ("EntitlementMgmt-SubjectAccess.ReadWrite", "Read and request your access packages"),
    ("AccessReview.Read.All", "Read all access reviews that you can access"),
    ("AccessReview.ReadWrite.All", "Manage all access reviews that you can access"),
];

/// The canonical name of a Graph delegated permission written either way, or `None`.
pub fn graph_scope(scope: &str) -> Option<&'static str> {
    let short = strip_graph_prefix(scope).unwrap_or(scope);
    GRAPH_PERMISSIONS.iter().map(|(name, _)| *name).find(|name| name.eq_ignore_ascii_case(short))
}

/// What a user is shown on the consent page for a permission.
pub fn describe(permission: &str) -> &'static str {
    GRAPH_PERMISSIONS.iter().find(|(n, _)| *n == permission).map(|(_, d)| *d).unwrap_or("")
}

fn strip_graph_prefix(scope: &str) -> Option<&str> {
    let lower = scope.to_ascii_lowercase();
    ["https://graph.microsoft.com/", "00000003-0000-0000-c000-000000000000/"]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map(|p| &scope[p.len()..])
}

/// A `scope` parameter, read and checked against what an app may ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRequest {
    /// Each scope as the client wrote it, in order; the token response echoes these.
    pub as_written: Vec<String>,
    /// Canonical Graph permissions asked for (after expanding `.default`).
    pub graph: Vec<String>,
    pub openid: bool,
    pub offline_access: bool,
}

/// Why a `scope` parameter was refused (AADSTS70011 and friends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeError {
    Empty,
    /// A resource other than Graph, or a permission Graph does not have.
    Unknown(String),
    /// A permission the app registration does not list.
    NotAllowed(String),
}

impl ScopeRequest {
    /// Reads a space-separated `scope` value for an app allowed `allowed` (canonical names).
    pub fn parse(raw: &str, allowed: &[String]) -> Result<ScopeRequest, ScopeError> {
        let mut req = ScopeRequest { as_written: vec![], graph: vec![], openid: false, offline_access: false };
        for scope in raw.split_whitespace() {
            req.as_written.push(scope.to_string());
            let lower = scope.to_ascii_lowercase();
            if OIDC_SCOPES.contains(&lower.as_str()) {
                req.openid |= lower == "openid";
                req.offline_access |= lower == "offline_access";
                continue;
            }
            let names: Vec<String> = if strip_graph_prefix(scope).is_some_and(|s| s.eq_ignore_ascii_case(".default")) {
                allowed.iter().filter_map(|s| graph_scope(s)).map(String::from).collect()
            } else {
                let name = graph_scope(scope).ok_or_else(|| ScopeError::Unknown(scope.to_string()))?;
                if !allowed.iter().any(|a| graph_scope(a) == Some(name)) {
                    return Err(ScopeError::NotAllowed(scope.to_string()));
                }
                vec![name.to_string()]
            };
            for name in names {
                if !req.graph.contains(&name) {
                    req.graph.push(name);
                }
            }
        }
        if req.as_written.is_empty() {
            return Err(ScopeError::Empty);
        }
        Ok(req)
    }

    /// The `scope` of a token response: the client's own spelling, so that a cache keyed on it
    /// finds the token again (MSAL.js matches the string literally).
    pub fn response_scope(&self) -> String {
        self.as_written.join(" ")
    }

    /// The access token's `scp`: short names, space-separated, as Entra writes them.
    pub fn scp(&self) -> String {
        self.graph.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        vec!["User.Read".into(), "User.Invite.All".into()]
    }

    #[test]
    fn both_spellings_name_the_same_permission() {
        let r = ScopeRequest::parse(
            "openid https://graph.microsoft.com/User.Read user.invite.all offline_access",
            &allowed(),
        )
        .unwrap();
        assert_eq!(r.graph, ["User.Read", "User.Invite.All"]);
        assert!(r.openid && r.offline_access);
        assert_eq!(r.scp(), "User.Read User.Invite.All");
        assert_eq!(r.response_scope(), "openid https://graph.microsoft.com/User.Read user.invite.all offline_access");
    }

    #[test]
    fn default_expands_to_what_the_app_registered() {
        let r = ScopeRequest::parse("https://graph.microsoft.com/.default", &allowed()).unwrap();
        assert_eq!(r.graph, ["User.Read", "User.Invite.All"]);
    }

    #[test]
    fn unknown_and_unregistered_scopes_are_refused() {
        assert_eq!(
            ScopeRequest::parse("api://other/read", &allowed()),
            Err(ScopeError::Unknown("api://other/read".into()))
        );
        assert_eq!(
            ScopeRequest::parse("User.Read.All", &allowed()),
            Err(ScopeError::NotAllowed("User.Read.All".into()))
        );
        assert_eq!(ScopeRequest::parse("  ", &allowed()), Err(ScopeError::Empty));
    }
}
