//! An intranet's web server, for pages that embed Portier: serves a folder of host pages on an
//! origin of its own (as an intranet is never Portier's site), with the addresses of this run
//! written into them, so the same pages serve the demo and the browser tests on any ports.
//!
//! In `.html` and `.js` files, `{{APP}}` (where Portier is served), `{{SIGNIN}}` and `{{GRAPH}}`
//! (the tenant's two origins), `{{TENANT_ID}}`, `{{CLIENT_ID}}` and `{{HOST}}` (this server's own
//! origin, as the browser named it: `localhost` and `127.0.0.1` are different sites) are replaced
//! at serve time.
//! Given the installed `@azure/msal-browser` package, its bundle and its redirect bridge are
//! served at `/msal-browser.min.js` and `/msal-redirect-bridge.min.js` for pages that sign their
//! user in themselves.

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::net::TcpListener;

/// The addresses written into the pages.
#[derive(Debug, Clone, Default)]
pub struct Values {
    /// Where Portier is served, e.g. `http://localhost:8080` (no trailing slash).
    pub app: String,
    /// The tenant's sign-in origin, e.g. `https://localhost:8443`.
    pub signin: String,
    /// The tenant's Graph origin, e.g. `https://localhost:8444`.
    pub graph: String,
    pub tenant_id: String,
    pub client_id: String,
}

impl Values {
    fn pairs(&self) -> [(&'static str, &str); 5] {
        [
            ("{{APP}}", &self.app),
            ("{{SIGNIN}}", &self.signin),
            ("{{GRAPH}}", &self.graph),
            ("{{TENANT_ID}}", &self.tenant_id),
            ("{{CLIENT_ID}}", &self.client_id),
        ]
    }

    /// `text` with every placeholder replaced; `host` is this server's origin.
    pub fn fill(&self, text: &str, host: &str) -> String {
        let text = self.pairs().iter().fold(text.to_string(), |t, (from, to)| t.replace(from, to));
        text.replace("{{HOST}}", host)
    }
}

/// What the server serves.
#[derive(Debug, Clone)]
pub struct Site {
    /// The folder of host pages.
    pub dir: PathBuf,
    pub values: Values,
    /// The `lib` folder of the installed `@azure/msal-browser` package, if pages need it.
    pub msal: Option<PathBuf>,
}

/// The files served from the MSAL package, by path.
const MSAL_FILES: [(&str, &str); 2] = [
    ("/msal-browser.min.js", "msal-browser.min.js"),
    ("/msal-redirect-bridge.min.js", "redirect-bridge/msal-redirect-bridge.min.js"),
];

/// A running intranet server; dropping it stops it.
pub type IntranetServer = crate::serving::Serving;

/// The router: every path a file of the site (a folder's `index.html` for a path ending in
/// `/`), placeholders filled, nothing cached.
pub fn router(site: Site) -> Router {
    let site = Arc::new(site);
    Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let site = site.clone();
        async move { answer(&site, uri.path(), &headers).await }
    })
}

/// Serves `site` on an already bound listener until the returned server is dropped.
pub fn serve(listener: TcpListener, site: Site) -> IntranetServer {
    crate::serving::Serving::start(listener, router(site))
}

/// The file a URL path names inside `dir`, or `None` when the path tries to leave it.
fn file_for(dir: &Path, path: &str) -> Option<PathBuf> {
    let mut file = dir.to_path_buf();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if segment.is_empty() && last {
            file.push("index.html");
            continue;
        }
        // Percent-escapes are not decoded, so `%2e%2e` is a (missing) file name, never a parent.
        if segment.is_empty() || *segment == "." || *segment == ".." || segment.contains('\\') {
            return None;
        }
        file.push(segment);
    }
    if segments.is_empty() {
        file.push("index.html");
    }
    Some(file)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether placeholders are filled in a file: pages and their scripts, never MSAL's bundle.
fn templated(file: &Path) -> bool {
    matches!(file.extension().and_then(|e| e.to_str()), Some("html" | "js"))
}

/// `http://` and the `Host` the browser sent, if it is a plain host and port (it is written into
/// pages, so nothing else is believed).
fn own_origin(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    plain.then(|| format!("http://{host}"))
}

async fn answer(site: &Site, path: &str, headers: &HeaderMap) -> Response {
    let msal = MSAL_FILES.iter().find(|(p, _)| *p == path);
    let (file, fill) = match (msal, &site.msal) {
        (Some((_, name)), Some(lib)) => (lib.join(name), false),
        _ => match file_for(&site.dir, path) {
            Some(f) => {
                let fill = templated(&f);
                (f, fill)
            }
            None => return (StatusCode::BAD_REQUEST, "Bad path").into_response(),
        },
    };
    let bytes = match tokio::fs::read(&file).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::NOT_FOUND, "Not found").into_response(),
    };
    let body = if fill {
        let Some(host) = own_origin(headers) else {
            return (StatusCode::BAD_REQUEST, "No usable Host header").into_response();
        };
        match String::from_utf8(bytes) {
            Ok(text) => site.values.fill(&text, &host).into_bytes(),
            Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "A page is not UTF-8").into_response(),
        }
    } else {
        bytes
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type(&file))),
            // Pages change with every run's ports; the redirect page must never be cached.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests;
