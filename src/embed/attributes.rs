//! The `<portier-app>` element's attributes: each overrides a field of `config.json`, and a few
//! say what only an embedded Portier needs (where its route lives, how it signs in, where it
//! starts). Read here into plain values, so the rules are testable without a browser.

use crate::config::{ConfigProblem, RawConfig};
use crate::routing::Mode;
use std::collections::BTreeMap;

/// The attributes the element watches; any other is the page's own business.
pub const OBSERVED: [&str; 13] = [
    "client-id",
    "tenant",
    "authority",
    "graph-base-url",
    "scopes",
    "redirect-uri",
    "post-logout-redirect-uri",
    "lang",
    "theme",
    "route",
    "routing",
    "sign-in",
    "config",
];

/// How an embedded Portier signs in by itself (when the page gives it no token provider).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignIn {
    /// A popup that returns to a one-file page the host serves; the page is never left.
    Popup,
    /// The whole page goes to the sign-in page and comes back to it.
    Redirect,
}

/// What an embedding decides beyond the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub routing: Mode,
    pub sign_in: SignIn,
    /// The route to start at (`/approvals`, `/packages/<id>`).
    pub start: Option<String>,
}

/// The host page as Portier sees it.
pub struct Page<'a> {
    /// `https://intranet.example.com`
    pub origin: &'a str,
    /// `/partners/index.html`: the path a redirect sign-in comes back to.
    pub path: &'a str,
}

/// Applies the attributes to `raw` (read from `config.json`) and reads the settings. Problems
/// name the attribute, as the config page names a field.
pub fn apply(
    raw: &mut RawConfig,
    attributes: &BTreeMap<String, String>,
    page: &Page<'_>,
) -> Result<Settings, Vec<ConfigProblem>> {
    let mut problems = vec![];
    let get = |name: &str| attributes.get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let mut problem = |field: &str, reason: String| problems.push(ConfigProblem { field: field.into(), reason });

    let routing = match get("routing").as_deref() {
        None | Some("hash") => Mode::Hash,
        Some("memory") => Mode::Memory,
        Some(other) => {
            problem("routing", format!("'{other}' is not 'hash' or 'memory'"));
            Mode::Hash
        }
    };
    let sign_in = match get("sign-in").as_deref() {
        None | Some("popup") => SignIn::Popup,
        Some("redirect") => SignIn::Redirect,
        Some(other) => {
            problem("sign-in", format!("'{other}' is not 'popup' or 'redirect'"));
            SignIn::Popup
        }
    };
    let start = get("route");
    if let Some(route) = &start
        && !route.starts_with('/')
    {
        problem("route", format!("'{route}' must be a path of Portier's, like /approvals"));
    }

    if let Some(v) = get("client-id") {
        raw.client_id = Some(v);
    }
    if let Some(v) = get("authority") {
        raw.authority = Some(v);
    }
    if let Some(tenant) = get("tenant") {
        match raw.authority.as_deref().and_then(|a| a.trim_end_matches('/').rsplit_once('/')) {
            Some((instance, _)) if tenant.chars().all(|c| c.is_ascii_alphanumeric() || "-.".contains(c)) => {
                raw.authority = Some(format!("{instance}/{tenant}"));
            }
            Some(_) => problem("tenant", format!("'{tenant}' is not a tenant id or domain")),
            None => problem("tenant", "needs an authority to put the tenant in".into()),
        }
    }
    if let Some(v) = get("graph-base-url") {
        raw.graph_base_url = Some(v);
    }
    if let Some(v) = get("scopes") {
        raw.scopes = Some(v.split_whitespace().map(String::from).collect());
    }
    if let Some(v) = get("lang") {
        raw.default_language = Some(v);
    }
    if let Some(v) = get("theme") {
        raw.theme = Some(v);
    }
    // The redirect pages of `config.json` are on Portier's own site; an element lives on the
    // host's, where the answer must come back to.
    let here = format!("{}{}", page.origin, page.path);
    let redirect = get("redirect-uri");
    raw.popup_redirect_uri = Some(match (sign_in, &redirect) {
        (SignIn::Popup, Some(r)) => r.clone(),
        _ => format!("{}/portier-redirect.html", page.origin),
    });
    raw.redirect_uri = Some(match (sign_in, redirect) {
        (SignIn::Redirect, Some(r)) => r,
        _ => here.clone(),
    });
    raw.post_logout_redirect_uri = Some(get("post-logout-redirect-uri").unwrap_or(here));

    if problems.is_empty() { Ok(Settings { routing, sign_in, start }) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    const PAGE: Page<'static> = Page { origin: "https://intranet.example.com", path: "/partners/" };

    fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn raw() -> RawConfig {
        serde_json::from_str(
            r#"{"clientId": "7c9f3f10-5b7e-4e4e-9d6a-2f1c0b8e4a21",
                "authority": "https://login.microsoftonline.com/common",
                "redirectUri": "https://portier.example.com/",
                "popupRedirectUri": "https://portier.example.com/redirect.html"}"#,
        )
        .unwrap()
    }

    #[test]
    fn attributes_override_the_config_and_redirects_come_back_to_the_host() {
        let mut raw = raw();
        let a = attrs(&[("tenant", "contoso.com"), ("lang", "sv"), ("theme", "dark"), ("route", "/approvals")]);
        let settings = apply(&mut raw, &a, &PAGE).unwrap();
        assert_eq!(
            settings,
            Settings { routing: Mode::Hash, sign_in: SignIn::Popup, start: Some("/approvals".into()) }
        );
        let config = Config::check(raw, PAGE.origin).unwrap();
        assert_eq!(config.authority, "https://login.microsoftonline.com/contoso.com");
        assert_eq!(config.popup_redirect_uri, "https://intranet.example.com/portier-redirect.html");
        assert_eq!(config.redirect_uri, "https://intranet.example.com/partners/");
        assert_eq!(config.default_language, Some(crate::config::Language::Sv));
        assert_eq!(config.theme, crate::config::Theme::Dark);
        assert_eq!(config.redirect_origins, ["https://intranet.example.com"]);
    }

    #[test]
    fn a_redirect_sign_in_returns_to_the_uri_given() {
        let mut raw = raw();
        let a = attrs(&[
            ("sign-in", "redirect"),
            ("redirect-uri", "https://intranet.example.com/p"),
            ("routing", "memory"),
        ]);
        let settings = apply(&mut raw, &a, &PAGE).unwrap();
        assert_eq!((settings.routing, settings.sign_in), (Mode::Memory, SignIn::Redirect));
        assert_eq!(raw.redirect_uri.as_deref(), Some("https://intranet.example.com/p"));
    }

    #[test]
    fn wrong_attributes_are_named() {
        let mut r = raw();
        let a = attrs(&[("routing", "path"), ("sign-in", "iframe"), ("route", "approvals"), ("tenant", "a/b")]);
        let problems = apply(&mut r, &a, &PAGE).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["routing", "sign-in", "route", "tenant"]);
        let mut checked = raw();
        apply(&mut checked, &attrs(&[("theme", "neon"), ("graph-base-url", "ftp://x")]), &PAGE).unwrap();
        let problems = Config::check(checked, PAGE.origin).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["graphBaseUrl", "theme"]);
    }
}
