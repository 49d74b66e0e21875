//! What the embedding journeys share: the product plus an intranet of its own (another site:
//! `127.0.0.1` where Portier is `localhost`) serving the demo's intranet pages and a test's own,
//! and what the page knows: its address, its resources, its console. The steps into Portier's
//! shadow root, its frame and its sign-in popup are in the modules below.

pub mod frame;
pub mod popup;
pub mod shadow;

pub use frame::*;
pub use popup::*;
pub use shadow::*;

use anyhow::{Context, Result};
use fantoccini::Client;
use harness::browser::Browser;
use harness::intranet::{self, IntranetServer, Site, Values};
use harness::stack::{Stack, StackOptions, TENANT_ID};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

use harness::stack::INTRANET_CLIENT_ID;

/// A test's world: the product, an intranet in front of it, a browser.
pub struct Intranet {
    pub stack: Stack,
    pub host: IntranetServer,
    /// `http://127.0.0.1:<port>`: another site than the app's `http://localhost:<port>`.
    pub host_url: String,
    pub browser: Browser,
    pub site: Site,
}

/// A host page: the recorder first, then `head` (scripts, styles), then `body` inside `<main>`.
pub fn page(title: &str, head: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"icon\" href=\"data:,\"><script src=\"/record.js\"></script>{head}</head>\
         <body><main><h1>{title}</h1>{body}</main></body></html>\n"
    )
}

/// A host page with Portier as an element, with these attributes.
pub fn element_page(title: &str, attributes: &str) -> String {
    page(
        title,
        "<script src=\"{{APP}}/portier-embed.js\" defer></script>",
        &format!("<portier-app {attributes}></portier-app>"),
    )
}

/// The attributes of an element that signs in by popup through this intranet's redirect page.
pub fn popup_attributes(lang: &str, route: &str) -> String {
    format!("lang=\"{lang}\" route=\"{route}\" sign-in=\"popup\" redirect-uri=\"{{{{HOST}}}}/portier-redirect.html\"")
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

/// A fresh folder with the demo's intranet pages, the test pages' scripts and `pages`.
fn site_dir(name: &str, pages: &[(&str, String)]) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("portier-embed-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&harness::repo_root().join("demo/intranet"), &dir)?;
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("embed"), &dir)?;
    for (file, text) in pages {
        std::fs::write(dir.join(file), text)?;
    }
    Ok(dir)
}

impl Intranet {
    /// Starts everything; `name` keeps this test's folders apart. The intranet's origin is the
    /// app's `hostOrigins` unless `opts.config` names its own, and the scenario's intranet
    /// return pages move to its port. With `opts.tls_dir` the tenant serves https and the page
    /// gets MSAL.js.
    pub async fn start(name: &str, mut opts: StackOptions, pages: &[(&str, String)]) -> Result<Intranet> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let host_url = format!("http://127.0.0.1:{port}");
        opts.host_port = Some(port);
        if opts.config.is_null() {
            opts.config = json!({});
        }
        if let Value::Object(config) = &mut opts.config {
            config.entry("hostOrigins").or_insert(json!([host_url]));
        }
        let msal = match opts.tls_dir {
            Some(_) => Some(harness::tools::msal_browser_lib()?),
            None => None,
        };
        let stack = Stack::start(opts).await?;
        let site = Site {
            dir: site_dir(name, pages)?,
            values: Values {
                app: stack.app_url.clone(),
                signin: stack.signin.clone(),
                graph: stack.graph.clone(),
                tenant_id: TENANT_ID.into(),
                client_id: INTRANET_CLIENT_ID.into(),
            },
            msal,
        };
        let host = intranet::serve(listener, site.clone());
        let spki = stack.spki.as_ref().map(|s| format!("--ignore-certificate-errors-spki-list={s}"));
        let args: Vec<&str> = spki.iter().map(String::as_str).collect();
        // MSAL.js's silent renewal may use the tenant's session cookie in a hidden frame.
        let browser = Browser::start_with_prefs(&args, json!({"profile.cookie_controls_mode": 0})).await?;
        Ok(Intranet { stack, host, host_url, browser, site })
    }

    pub fn client(&self) -> &Client {
        &self.browser.client
    }

    /// Opens a path of the intranet.
    pub async fn open(&self, path: &str) -> Result<()> {
        self.client().goto(&format!("{}{path}", self.host_url)).await?;
        Ok(())
    }

    /// The same pages on another port: an origin the app's `hostOrigins` does not name.
    pub async fn other_host(&self) -> Result<(IntranetServer, String)> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
        Ok((intranet::serve(listener, self.site.clone()), url))
    }

    /// Closes the browser; fails if the app's pages broke their policy (`allowed` says which
    /// reports a journey expects, e.g. a refused `frame-ancestors`).
    pub async fn end_allowing(self, allowed: impl Fn(&str) -> bool) {
        self.browser.close().await;
        let reports: Vec<String> = self.stack.app.csp_reports().into_iter().filter(|r| !allowed(r)).collect();
        assert!(reports.is_empty(), "Content-Security-Policy violations: {reports:#?}");
        let _ = std::fs::remove_dir_all(&self.site.dir);
    }

    pub async fn end(self) {
        self.end_allowing(|_| false).await
    }
}

/// Runs `script` in the current frame and returns what it returns.
pub async fn run(c: &Client, script: impl AsRef<str>) -> Result<Value> {
    Ok(c.execute(script.as_ref(), vec![]).await?)
}

/// Every resource the page has loaded so far.
pub async fn resources(c: &Client) -> Result<u64> {
    Ok(run(c, "return performance.getEntriesByType('resource').length;").await?.as_u64().unwrap_or_default())
}

/// The page's address, as `location.pathname + location.search` and `location.hash`.
pub async fn address(c: &Client) -> Result<(String, String)> {
    let v = run(c, "return [location.pathname + location.search, location.hash];").await?;
    Ok((v[0].as_str().unwrap_or_default().into(), v[1].as_str().unwrap_or_default().into()))
}

/// The browser's console since the last read (chromedriver's log), as `(level, message)`.
pub async fn console(c: &Client) -> Result<Vec<(String, String)>> {
    let v = c.issue_cmd(BrowserLog).await?;
    let entries = v.as_array().cloned().unwrap_or_default();
    Ok(entries
        .iter()
        .map(|e| (e["level"].as_str().unwrap_or_default().into(), e["message"].as_str().unwrap_or_default().into()))
        .collect())
}

#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({"type": "browser"}).to_string()))
    }
}
