//! The response headers a deployment of `dist/` needs, derived from its `config.json`: a strict
//! Content-Security-Policy whose network and framing origins come from the config, written by
//! every build as files static hosts read (`_headers`, `staticwebapp.config.json`) and served by
//! the test server, so the browser suite runs under exactly the policy a deployment ships.

use anyhow::{Context, Result};
use serde_json::{Value, json};
use std::path::Path;

/// The origin of a URL field of the config (`authority`, `graphBaseUrl`), if it has one.
fn origin_of(url: Option<&str>) -> Option<String> {
    let url = url::Url::parse(url?).ok()?;
    url.has_host().then(|| url.origin().ascii_serialization())
}

/// No inline script, no eval but WebAssembly's, network only to this site, the authority and
/// Graph, no `<base>`, framed only by the configured host origins.
pub fn content_security_policy(config: &Value) -> String {
    let connect: Vec<String> =
        ["authority", "graphBaseUrl"].iter().filter_map(|f| origin_of(config[f].as_str())).collect();
    // Graph's default when the config leaves it out.
    let graph_default = config["graphBaseUrl"].is_null().then(|| "https://graph.microsoft.com".to_string());
    let connect = connect.into_iter().chain(graph_default).collect::<Vec<_>>().join(" ");
    let logo = origin_of(config["branding"]["logoUrl"].as_str()).map(|o| format!(" {o}")).unwrap_or_default();
    let hosts: Vec<&str> = config["hostOrigins"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let frame_ancestors = if hosts.is_empty() { "'none'".to_string() } else { hosts.join(" ") };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:{logo}; \
         connect-src 'self' {connect}; frame-ancestors {frame_ancestors}; object-src 'none'; base-uri 'none'; \
         form-action 'self'"
    )
}

/// Every header the site sends on every answer. With host origins configured, Portier may be
/// embedded as an element: the pages load its module, WebAssembly and `config.json` across
/// origins, which needs CORS (the files are public; no credentials are involved).
pub fn security_headers(config: &Value) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("Content-Security-Policy", content_security_policy(config)),
        ("X-Content-Type-Options", "nosniff".into()),
        ("Referrer-Policy", "no-referrer".into()),
        ("Strict-Transport-Security", "max-age=31536000".into()),
    ];
    if config["hostOrigins"].as_array().is_some_and(|h| !h.is_empty()) {
        headers.push(("Access-Control-Allow-Origin", "*".into()));
    }
    headers
}

/// Files read at every start, never to be cached (their names carry no hash, and they name the
/// hashed files of the version deployed).
pub const NO_STORE: [&str; 6] =
    ["/", "/index.html", "/config.json", "/redirect.html", "/portier-embed.js", "/portier-frame.js"];

/// How long a file whose name carries its content's hash is kept: a new version has new names.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Whether a file's name carries its content's hash: `name-<hash>.ext` or `name-<hash>_bg.wasm`,
/// the hash 12 to 16 hex digits (the split build writes 16, Trunk a 64-bit hash in hex).
pub fn hashed(file: &str) -> bool {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let hash = stem.rsplit_once('-').map_or("", |(_, h)| h);
    (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `_headers`, as Netlify and Cloudflare Pages read it.
fn headers_file(config: &Value, hashed_files: &[String]) -> String {
    let mut out = String::from("/*\n");
    for (name, value) in security_headers(config) {
        out.push_str(&format!("  {name}: {value}\n"));
    }
    for path in NO_STORE {
        out.push_str(&format!("{path}\n  Cache-Control: no-store\n"));
    }
    for file in hashed_files {
        out.push_str(&format!("/{file}\n  Cache-Control: {IMMUTABLE}\n"));
    }
    out
}

/// `staticwebapp.config.json`, as Azure Static Web Apps reads it (with the fallback to
/// `index.html` the app's routes need).
fn static_web_app_file(config: &Value, hashed_files: &[String]) -> Value {
    let headers: serde_json::Map<String, Value> =
        security_headers(config).into_iter().map(|(k, v)| (k.to_string(), Value::String(v))).collect();
    let mut routes: Vec<Value> =
        NO_STORE.iter().map(|p| json!({ "route": p, "headers": { "Cache-Control": "no-store" } })).collect();
    let long =
        hashed_files.iter().map(|f| json!({ "route": format!("/{f}"), "headers": { "Cache-Control": IMMUTABLE } }));
    routes.extend(long);
    json!({
        "navigationFallback": { "rewrite": "/index.html", "exclude": ["*.{js,wasm,css,json,html,svg,png}"] },
        "globalHeaders": headers,
        "routes": routes,
    })
}

/// Writes the header files for the `config.json` in `dist`.
pub fn write_deploy_files(dist: &Path) -> Result<()> {
    let path = dist.join("config.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let config: Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let mut files: Vec<String> = std::fs::read_dir(dist)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| hashed(f))
        .collect();
    files.sort();
    std::fs::write(dist.join("_headers"), headers_file(&config, &files))?;
    let swa = serde_json::to_string_pretty(&static_web_app_file(&config, &files))?;
    std::fs::write(dist.join("staticwebapp.config.json"), swa + "\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Value {
        json!({
            "authority": "https://login.microsoftonline.com/contoso.onmicrosoft.com",
            "graphBaseUrl": "https://graph.microsoft.com/v1.0",
            "branding": { "logoUrl": "https://cdn.contoso.com/logo.svg" },
            "hostOrigins": ["https://intranet.contoso.com"]
        })
    }

    #[test]
    fn the_policy_takes_its_origins_from_the_config() {
        let policy = content_security_policy(&config());
        assert!(
            policy.contains("connect-src 'self' https://login.microsoftonline.com https://graph.microsoft.com;"),
            "{policy}"
        );
        assert!(policy.contains("frame-ancestors https://intranet.contoso.com;"), "{policy}");
        assert!(policy.contains("img-src 'self' data: https://cdn.contoso.com;"), "{policy}");
        assert!(policy.contains("base-uri 'none'") && policy.contains("object-src 'none'"), "{policy}");
        assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"), "{policy}");
        let cors = security_headers(&config()).into_iter().find(|(n, _)| *n == "Access-Control-Allow-Origin");
        assert_eq!(cors.map(|(_, v)| v).as_deref(), Some("*"), "embedding needs CORS on the files");
    }

    #[test]
    fn no_host_origins_means_no_framing_and_graph_has_a_default() {
        let policy = content_security_policy(&json!({ "authority": "https://login.microsoftonline.com/x" }));
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(policy.contains("https://graph.microsoft.com;"), "{policy}");
        let headers = security_headers(&json!({ "authority": "https://login.microsoftonline.com/x" }));
        assert!(headers.iter().all(|(n, _)| *n != "Access-Control-Allow-Origin"), "no embedding, no CORS");
    }

    #[test]
    fn both_files_carry_the_same_policy() {
        let dir = std::env::temp_dir().join(format!("portier-policy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.json"), config().to_string()).unwrap();
        std::fs::write(dir.join("portier-0123456789abcdef_bg.wasm"), "").unwrap();
        write_deploy_files(&dir).unwrap();
        let headers = std::fs::read_to_string(dir.join("_headers")).unwrap();
        let swa: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("staticwebapp.config.json")).unwrap()).unwrap();
        let policy = content_security_policy(&config());
        assert!(headers.contains(&format!("  Content-Security-Policy: {policy}\n")), "{headers}");
        assert_eq!(swa["globalHeaders"]["Content-Security-Policy"], policy);
        assert!(headers.contains("/config.json\n  Cache-Control: no-store"), "{headers}");
        assert!(headers.contains("/index.html\n  Cache-Control: no-store"), "{headers}");
        let long = format!("/portier-0123456789abcdef_bg.wasm\n  Cache-Control: {IMMUTABLE}");
        assert!(headers.contains(&long), "{headers}");
        let routes = swa["routes"].as_array().unwrap();
        assert!(
            routes.iter().any(
                |r| r["route"] == "/portier-0123456789abcdef_bg.wasm" && r["headers"]["Cache-Control"] == IMMUTABLE
            )
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_names_with_a_content_hash_are_kept_long() {
        for name in ["portier-0123456789abcdef.js", "portier-split-0123456789abcdef.js", "main-4f1c9a0b2e3d5f67.css"] {
            assert!(hashed(name), "{name}");
        }
        assert!(hashed("portier-0123456789abcdef_bg.wasm") && hashed("split_partner-00ff00ff00ff00ff.wasm"));
        for name in ["portier-embed.js", "portier-frame.js", "loader.js", "config.json", "index.html", "x-abc.js"] {
            assert!(!hashed(name), "{name}");
        }
    }

    #[test]
    fn a_broken_config_is_named() {
        let dir = std::env::temp_dir().join(format!("portier-policy-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.json"), "{").unwrap();
        let err = format!("{:#}", write_deploy_files(&dir).unwrap_err());
        assert!(err.contains("config.json is not JSON"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
