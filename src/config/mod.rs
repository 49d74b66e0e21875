//! The runtime configuration: `config.json`, fetched at start, checked field by field into one
//! typed struct, so that a wrong deployment shows which field is wrong instead of a blank page.

use crate::web_url::WebUrl;
use serde::Deserialize;

/// How the authority speaks OpenID Connect: Entra's shape (`aad`, the default) or plain
/// OpenID Connect discovery (`oidc`), as MSAL.js's `protocolMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolMode {
    Aad,
    Oidc,
}

/// Where tokens are kept between page loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheLocation {
    SessionStorage,
    LocalStorage,
}

/// The two languages Portier speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    En,
    Sv,
}

impl Language {
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Sv => "sv",
        }
    }

    /// Reads a BCP 47 tag (`sv-SE`, `en`, `EN-gb`) by its language part.
    pub fn from_tag(tag: &str) -> Option<Language> {
        match tag.split(['-', '_']).next()?.to_ascii_lowercase().as_str() {
            "en" => Some(Language::En),
            "sv" => Some(Language::Sv),
            _ => None,
        }
    }
}

/// Light or dark colours; `Auto` follows the browser's `prefers-color-scheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn parse(value: &str) -> Option<Theme> {
        match value {
            "auto" => Some(Theme::Auto),
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

/// The look an organisation gives Portier.
#[derive(Debug, Clone, PartialEq)]
pub struct Branding {
    pub name: String,
    pub logo_url: Option<String>,
}

/// Everything Portier needs to know about its deployment, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub client_id: String,
    /// `https://login.microsoftonline.com/<tenant>`, without a trailing slash.
    pub authority: String,
    pub protocol_mode: ProtocolMode,
    /// `https://graph.microsoft.com/v1.0`, without a trailing slash.
    pub graph_base_url: String,
    /// Where a full-page sign-in returns.
    pub redirect_uri: String,
    /// The small page that hands a popup's answer back.
    pub popup_redirect_uri: String,
    pub post_logout_redirect_uri: String,
    /// Graph's delegated permissions Portier asks for.
    pub scopes: Vec<String>,
    pub default_language: Option<Language>,
    pub cache_location: CacheLocation,
    pub branding: Branding,
    pub theme: Theme,
    /// Origins of the pages allowed to show Portier in a frame (the policy's `frame-ancestors`,
    /// and the only ones told the frame's height). Empty: no page may frame it.
    pub host_origins: Vec<String>,
    /// Origins a person may be sent to after a sign-in or an invitation: this site's own first,
    /// then `redirectOrigins` (e.g. the intranet that embeds Portier). Nothing else.
    pub redirect_origins: Vec<String>,
}

/// One thing wrong with the configuration: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub field: String,
    pub reason: String,
}

/// `config.json` as written, before checking.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawConfig {
    pub client_id: Option<String>,
    pub authority: Option<String>,
    pub protocol_mode: Option<String>,
    pub graph_base_url: Option<String>,
    pub redirect_uri: Option<String>,
    pub popup_redirect_uri: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub default_language: Option<String>,
    pub cache_location: Option<String>,
    pub branding: Option<RawBranding>,
    pub theme: Option<String>,
    pub host_origins: Option<Vec<String>>,
    pub redirect_origins: Option<Vec<String>>,
}

impl RawConfig {
    /// Reads `config.json` as written; a field of the wrong kind, or one Portier does not know,
    /// is named.
    pub fn parse(text: &str) -> Result<RawConfig, Vec<ConfigProblem>> {
        serde_json::from_str(text).map_err(|e| {
            let field = e.to_string().split('`').nth(1).unwrap_or("config.json").to_string();
            vec![ConfigProblem { field, reason: format!("config.json cannot be read: {e}") }]
        })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawBranding {
    pub name: Option<String>,
    pub logo_url: Option<String>,
}

/// A URL an app may talk to: https, or http on this machine (the local tenant).
fn web_url(value: &str) -> Result<WebUrl, String> {
    let url = WebUrl::parse(value).map_err(|e| format!("'{value}' is not a URL ({e})"))?;
    let local = matches!(url.host().as_str(), "localhost" | "127.0.0.1" | "[::1]");
    match url.scheme().as_str() {
        "https" => Ok(url),
        "http" if local => Ok(url),
        _ => Err(format!("'{value}' must use https (http is accepted only for localhost)")),
    }
}

/// A list of bare origins (`https://intranet.example.com`), each checked like any URL the app
/// talks to; anything with a path, query or fragment is refused.
fn origins(field: &str, listed: Option<Vec<String>>, problem: &mut impl FnMut(&str, String)) -> Vec<String> {
    let mut out = vec![];
    for value in listed.unwrap_or_default() {
        match web_url(&value) {
            Ok(u) if u.path_onwards() == "/" => out.push(u.origin()),
            Ok(_) => problem(field, format!("'{value}' must be an origin only, like https://intranet.example.com")),
            Err(reason) => problem(field, reason),
        }
    }
    out
}

fn trimmed(url: &str) -> String {
    url.trim_end_matches('/').to_string()
}

impl Config {
    /// Parses and checks `config.json`; `origin` (the page's) fills the redirect URIs left out.
    pub fn from_json(text: &str, origin: &str) -> Result<Config, Vec<ConfigProblem>> {
        Config::check(RawConfig::parse(text)?, origin)
    }

    /// Checks every field and reports every problem at once.
    pub fn check(raw: RawConfig, origin: &str) -> Result<Config, Vec<ConfigProblem>> {
        let mut problems = vec![];
        let mut problem = |field: &str, reason: String| problems.push(ConfigProblem { field: field.into(), reason });

        let client_id = raw.client_id.unwrap_or_default();
        if client_id.len() != 36 || client_id.split('-').map(str::len).collect::<Vec<_>>() != [8, 4, 4, 4, 12] {
            problem("clientId", format!("'{client_id}' is not an application (client) id: expected a GUID"));
        }
        let mut url_field = |field: &str, value: Option<String>, default: Option<String>| -> String {
            match value.or(default) {
                None => {
                    problem(field, "is required".into());
                    String::new()
                }
                Some(v) => match web_url(&v) {
                    Ok(u) => u.to_string(),
                    Err(reason) => {
                        problem(field, reason);
                        String::new()
                    }
                },
            }
        };
        let authority = trimmed(&url_field("authority", raw.authority, None));
        let graph_base_url =
            trimmed(&url_field("graphBaseUrl", raw.graph_base_url, Some("https://graph.microsoft.com/v1.0".into())));
        let redirect_uri = url_field("redirectUri", raw.redirect_uri, Some(format!("{origin}/")));
        let popup_redirect_uri =
            url_field("popupRedirectUri", raw.popup_redirect_uri, Some(format!("{origin}/redirect.html")));
        let post_logout_redirect_uri =
            url_field("postLogoutRedirectUri", raw.post_logout_redirect_uri, Some(format!("{origin}/")));

        let protocol_mode = match raw.protocol_mode.as_deref() {
            None | Some("aad") => ProtocolMode::Aad,
            Some("oidc") => ProtocolMode::Oidc,
            Some(other) => {
                problem("protocolMode", format!("'{other}' is not 'aad' or 'oidc'"));
                ProtocolMode::Aad
            }
        };
        let scopes = raw.scopes.unwrap_or_else(|| vec!["User.Read".into()]);
        if scopes.is_empty() || scopes.iter().any(|s| s.trim().is_empty() || s.contains(' ')) {
            problem("scopes", "must list Graph permissions, one per entry, none empty".into());
        }
        let default_language = match raw.default_language.as_deref() {
            None => None,
            Some(tag) => {
                let lang = Language::from_tag(tag);
                if lang.is_none() {
                    problem("defaultLanguage", format!("'{tag}' is not a language Portier speaks ('en' or 'sv')"));
                }
                lang
            }
        };
        let cache_location = match raw.cache_location.as_deref() {
            None | Some("sessionStorage") => CacheLocation::SessionStorage,
            Some("localStorage") => CacheLocation::LocalStorage,
            Some(other) => {
                problem("cacheLocation", format!("'{other}' is not 'sessionStorage' or 'localStorage'"));
                CacheLocation::SessionStorage
            }
        };
        let raw_branding = raw.branding.unwrap_or_default();
        let logo_url = raw_branding.logo_url.filter(|l| !l.is_empty());
        if let Some(logo) = &logo_url
            && web_url(logo).is_err()
            && !logo.starts_with('/')
        {
            problem("branding.logoUrl", format!("'{logo}' must be an https URL or a path on this site"));
        }
        let branding = Branding { name: raw_branding.name.unwrap_or_else(|| "Portier".into()), logo_url };
        let theme = match raw.theme.as_deref() {
            None => Theme::Auto,
            Some(value) => Theme::parse(value).unwrap_or_else(|| {
                problem("theme", format!("'{value}' is not 'auto', 'light' or 'dark'"));
                Theme::Auto
            }),
        };
        let mut redirect_origins = vec![trimmed(origin)];
        redirect_origins.extend(origins("redirectOrigins", raw.redirect_origins, &mut problem));
        let host_origins = origins("hostOrigins", raw.host_origins, &mut problem);

        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Config {
            client_id: client_id.to_ascii_lowercase(),
            authority,
            protocol_mode,
            graph_base_url,
            redirect_uri,
            popup_redirect_uri,
            post_logout_redirect_uri,
            scopes,
            default_language,
            cache_location,
            branding,
            theme,
            host_origins,
            redirect_origins,
        })
    }

    /// `target` (absolute, or relative to this site) as a URL Portier may send a person to: on
    /// this site or on an origin of `redirectOrigins`, and without credentials in it. `None` for
    /// anything else (another site, `javascript:`, `data:`), so Portier is no open redirect.
    pub fn allowed_redirect(&self, target: &str) -> Option<WebUrl> {
        let own = self.redirect_origins.first()?;
        let url = WebUrl::parse(&format!("{own}/")).ok()?.join(target.trim()).ok()?;
        let allowed = !url.has_credentials() && self.redirect_origins.contains(&url.origin());
        allowed.then_some(url)
    }

    /// `target` as a path (with query and fragment) on this site, when it is one.
    pub fn own_path(&self, target: &str) -> Option<String> {
        let url = self.allowed_redirect(target)?;
        (Some(&url.origin()) == self.redirect_origins.first()).then(|| url.path_onwards())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "http://localhost:8080";

    fn good() -> String {
        r#"{"clientId": "7c9f3f10-5b7e-4e4e-9d6a-2f1c0b8e4a21",
            "authority": "http://localhost:8081/8b1f4d5e-2c3a-4e6f-9a7b-1c2d3e4f5a6b",
            "graphBaseUrl": "http://localhost:8082/v1.0/",
            "scopes": ["User.Read", "User.ReadBasic.All"], "defaultLanguage": "sv-SE"}"#
            .into()
    }

    #[test]
    fn a_good_config_is_read_and_fills_its_defaults() {
        let c = Config::from_json(&good(), ORIGIN).unwrap();
        assert_eq!(c.graph_base_url, "http://localhost:8082/v1.0");
        assert_eq!(c.redirect_uri, "http://localhost:8080/");
        assert_eq!(c.popup_redirect_uri, "http://localhost:8080/redirect.html");
        assert_eq!(c.protocol_mode, ProtocolMode::Aad);
        assert_eq!(c.default_language, Some(Language::Sv));
        assert_eq!(c.cache_location, CacheLocation::SessionStorage);
        assert_eq!(c.branding.name, "Portier");
        assert_eq!(c.theme, Theme::Auto);
    }

    #[test]
    fn every_problem_names_its_field() {
        let text = r#"{"clientId": "portier", "authority": "http://login.example.com/x", "scopes": [],
                       "defaultLanguage": "de", "cacheLocation": "cookie", "protocolMode": "saml",
                       "theme": "purple"}"#;
        let problems = Config::from_json(text, ORIGIN).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["clientId", "authority", "protocolMode", "scopes", "defaultLanguage", "cacheLocation", "theme"]
        );
        assert!(problems[1].reason.contains("https"));
    }

    #[test]
    fn unknown_fields_and_broken_json_are_named() {
        let problems = Config::from_json(r#"{"clientID": "x"}"#, ORIGIN).unwrap_err();
        assert_eq!(problems[0].field, "clientID");
        let problems = Config::from_json("{", ORIGIN).unwrap_err();
        assert!(problems[0].reason.contains("cannot be read"));
    }

    #[test]
    fn host_origins_must_be_bare_origins() {
        let with = |hosts: &str| good().replace("\"scopes\"", &format!("\"hostOrigins\": {hosts}, \"scopes\""));
        let c = Config::from_json(&with(r#"["https://intranet.contoso.com/", "http://localhost:8083"]"#), ORIGIN);
        assert_eq!(c.unwrap().host_origins, ["https://intranet.contoso.com", "http://localhost:8083"]);
        for bad in [r#"["https://intranet.contoso.com/news"]"#, r#"["http://intranet.contoso.com"]"#, r#"["*"]"#] {
            let problems = Config::from_json(&with(bad), ORIGIN).unwrap_err();
            assert_eq!(problems[0].field, "hostOrigins", "{bad}");
        }
    }

    #[test]
    fn redirects_stay_on_this_site_or_the_listed_origins() {
        let text = good().replacen('{', r#"{"redirectOrigins": ["https://intranet.contoso.com"], "#, 1);
        let c = Config::from_json(&text, ORIGIN).unwrap();
        assert_eq!(c.redirect_origins, [ORIGIN, "https://intranet.contoso.com"]);
        for fine in ["/requests", "http://localhost:8080/request?packages=a", "https://intranet.contoso.com/portal#/x"]
        {
            assert!(c.allowed_redirect(fine).is_some(), "{fine}");
        }
        for hostile in [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "https://intranet.contoso.com.evil.example/",
            "https://intranet.contoso.com@evil.example/",
            "http://user:pw@localhost:8080/",
            "http://localhost:8081/",
            "http://intranet.contoso.com/",
        ] {
            assert_eq!(c.allowed_redirect(hostile), None, "{hostile}");
        }
        assert_eq!(c.own_path("/requests?tab=2#x").as_deref(), Some("/requests?tab=2#x"));
        assert_eq!(c.own_path("http://localhost:8080/access").as_deref(), Some("/access"));
        assert_eq!(
            c.own_path("https://intranet.contoso.com/portal"),
            None,
            "another site, if allowed, is no path here"
        );
    }

    #[test]
    fn redirect_origins_must_be_origins() {
        let text = good().replacen(
            '{',
            r#"{"redirectOrigins": ["https://intranet.contoso.com/page", "http://intranet.contoso.com"], "#,
            1,
        );
        let problems = Config::from_json(&text, ORIGIN).unwrap_err();
        assert_eq!(problems.iter().filter(|p| p.field == "redirectOrigins").count(), 2, "{problems:?}");
    }

    #[test]
    fn languages_are_read_from_tags() {
        assert_eq!(Language::from_tag("sv-SE"), Some(Language::Sv));
        assert_eq!(Language::from_tag("EN_gb"), Some(Language::En));
        assert_eq!(Language::from_tag("de"), None);
    }
}
