//! What the journeys share: a running stack with a browser on it, and the steps a person takes
//! (wait for something to show, type, click, sign in at the tenant's page).

pub mod a11y;
pub mod embed;
pub mod faults;
pub mod hostile;
pub mod matrix;
pub mod reviews;

use anyhow::{Context, Result, bail, ensure};
use fantoccini::{Client, Locator};
use harness::browser::Browser;
use harness::stack::{Stack, StackOptions};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub use harness::stack::DEMO_PASSWORD;

/// A test's world: the product and a browser.
pub struct World {
    pub stack: Stack,
    pub browser: Browser,
}

impl World {
    pub async fn start(opts: StackOptions) -> Result<World> {
        let stack = Stack::start(opts).await?;
        let browser = Browser::start(&[]).await?;
        Ok(World { stack, browser })
    }

    pub fn client(&self) -> &Client {
        &self.browser.client
    }

    /// Opens a path of the app.
    pub async fn open(&self, path: &str) -> Result<()> {
        self.client().goto(&format!("{}{path}", self.stack.app_url)).await?;
        Ok(())
    }

    /// Closes the browser; fails the test if the page broke its Content-Security-Policy.
    pub async fn end(self) {
        self.browser.close().await;
        let reports = self.stack.app.csp_reports();
        assert!(reports.is_empty(), "Content-Security-Policy violations: {reports:#?}");
    }
}

/// Waits (up to 20 s) until an element matching `css` is there.
pub async fn wait_for(c: &Client, css: &str) -> Result<fantoccini::elements::Element> {
    let started = Instant::now();
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            return Ok(e);
        }
        if started.elapsed() > Duration::from_secs(20) {
            let url = c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            let html = c.source().await.unwrap_or_default();
            bail!("nothing matched {css} at {url} within 20 s; the page was:\n{html}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Presses Tab until the element with `data-testid=testid` has focus (at most 60 times).
pub async fn tab_to(c: &Client, testid: &str) -> Result<()> {
    for _ in 0..60 {
        let focused = c
            .execute("return document.activeElement && document.activeElement.getAttribute('data-testid')", vec![])
            .await?;
        if focused == testid {
            return Ok(());
        }
        c.active_element().await?.send_keys(&char::from(fantoccini::key::Key::Tab).to_string()).await?;
    }
    bail!("Tab never reached {testid}")
}

/// Waits until an element matching `css` contains `text`.
pub async fn wait_for_text(c: &Client, css: &str, text: &str) -> Result<()> {
    let started = Instant::now();
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && e.text().await.unwrap_or_default().contains(text)
        {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(20) {
            let html = c.source().await.unwrap_or_default();
            bail!("{css} never showed '{text}'; the page was:\n{html}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks an element, finding it again if the page replaced it in between.
pub async fn click(c: &Client, css: &str) -> Result<()> {
    let mut last = None;
    for _ in 0..5 {
        match wait_for(c, css).await?.click().await {
            Ok(()) => return Ok(()),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(last.expect("an attempt was made")).with_context(|| format!("clicking {css}"))
}

/// Types a demo user's credentials into the tenant's sign-in page and sends them.
pub async fn type_credentials(c: &Client, user: &str) -> Result<()> {
    let username = wait_for(c, "#username").await?;
    username.clear().await?;
    username.send_keys(user).await?;
    wait_for(c, "#password").await?.send_keys(DEMO_PASSWORD).await?;
    click(c, "button[type=submit]").await
}

/// Signs in on the tenant's pages (the browser is there): credentials, then consent if asked.
pub async fn sign_in_at_tenant(c: &Client, user: &str) -> Result<()> {
    type_credentials(c, user).await?;
    // Consent is asked once per user and app.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        let url = c.current_url().await?.to_string();
        if !url.contains("/login") && !url.contains("/oauth2/") {
            return Ok(());
        }
        if let Ok(accept) = c.find(Locator::Css("button[value=accept]")).await {
            accept.click().await?;
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// After the app sent the browser to sign in again: the tenant's pages if it asks (the picker,
/// or credentials), else straight back when its own session still holds.
pub async fn sign_in_again(w: &World, user: &str) -> Result<()> {
    let c = w.client();
    let started = Instant::now();
    loop {
        let url = c.current_url().await?.to_string();
        if url.starts_with(&w.stack.app_url) && !url.contains("code=") && started.elapsed() > Duration::from_millis(500)
        {
            return Ok(());
        }
        if let Ok(pick) = c.find(Locator::Css("button[name=account]:not([value=other])")).await {
            pick.click().await?;
        } else if c.find(Locator::Css("#username")).await.is_ok() {
            return sign_in_at_tenant(c, user).await;
        }
        if started.elapsed() > Duration::from_secs(20) {
            bail!("the sign-in never ended, at {url}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens a path of the app and signs in there as a demo user.
pub async fn sign_in_at(w: &World, path: &str, user: &str) -> Result<()> {
    w.open(path).await?;
    click(w.client(), "[data-testid=sign-in]").await?;
    sign_in_at_tenant(w.client(), user).await
}

/// The app's path of a demo package, by name (ids are derived from names).
pub fn package_path(name: &str) -> String {
    format!("/packages/{}", harness::devtenant::scenario::derived_id("accessPackage", name))
}

/// nils@fabrikam.com is not in the directory: he signs up from the tenant's sign-in page.
pub async fn sign_up_nils(c: &Client) -> Result<()> {
    wait_for(c, "#username").await?.send_keys("nils@fabrikam.com").await?;
    click(c, "button[type=submit]").await?;
    wait_for(c, "#display_name").await?.send_keys("Nils Ek").await?;
    wait_for(c, "#password").await?.send_keys("Nils-pass-1").await?;
    click(c, "button[type=submit]").await?;
    click(c, "button[value=accept]").await?;
    Ok(())
}

/// Opens a package by its link as nils, signing him up on the way.
pub async fn nils_opens(w: &World, name: &str) -> Result<()> {
    w.open(&package_path(name)).await?;
    click(w.client(), "[data-testid=sign-in]").await?;
    sign_up_nils(w.client()).await?;
    wait_for_text(w.client(), "[data-testid=package] h1", name).await
}

/// Clears a field and types into it.
pub async fn type_into(c: &Client, css: &str, text: &str) -> Result<()> {
    let e = wait_for(c, css).await?;
    e.clear().await?;
    e.send_keys(text).await?;
    Ok(())
}

/// Fills the Fabrikam package's form (project code, role, justification) and sends it.
pub async fn request_fabrikam(c: &Client, code: &str) -> Result<()> {
    type_into(c, "[data-question] input[type=text]", code).await?;
    click(c, "[data-question] input[type=radio]").await?;
    type_into(c, "#justification", "I deliver the Fabrikam integration.").await?;
    click(c, "[data-testid=review]").await?;
    click(c, "[data-testid=submit]").await?;
    wait_for(c, "[data-testid=request-sent]").await?;
    Ok(())
}

/// A second person's browser on the same tenant and app, signed in at `path`.
pub async fn second_person_at(w: &World, path: &str, user: &str) -> Result<Browser> {
    let b = Browser::start(&[]).await?;
    b.client.goto(&format!("{}{path}", w.stack.app_url)).await?;
    click(&b.client, "[data-testid=sign-in]").await?;
    sign_in_at_tenant(&b.client, user).await?;
    Ok(b)
}

/// The keys the app left in session and local storage.
pub async fn storage_keys(c: &Client) -> Result<Vec<String>> {
    let v = c.execute("return Object.keys(sessionStorage).concat(Object.keys(localStorage));", vec![]).await?;
    Ok(serde_json::from_value(v)?)
}

/// Asks, as `user` through Graph, for the package named `name` with `answer` to its text question
/// (the choice picked) and `justification`.
pub async fn request_through_graph(w: &World, user: &str, name: &str, answer: &str, justification: &str) -> Result<()> {
    let em = "/identityGovernance/entitlementManagement";
    let id = harness::devtenant::scenario::derived_id("accessPackage", name);
    let path = format!("{em}/accessPackages/{id}?$expand=assignmentPolicies($expand=questions)");
    let (_, package) = w.stack.graph_as(user, "GET", &path, None).await?;
    let policy = &package["assignmentPolicies"][0];
    let answers: Vec<Value> = policy["questions"]
        .as_array()
        .context("the policy's questions")?
        .iter()
        .map(|q| {
            let value = q["choices"][0]["actualValue"].as_str().unwrap_or(answer);
            json!({"@odata.type": "#microsoft.graph.accessPackageAnswerString", "value": value, "displayValue": value,
                "answeredQuestion": {"@odata.type": q["@odata.type"], "id": q["id"]}})
        })
        .collect();
    let body = json!({"requestType": "userAdd", "justification": justification, "answers": answers,
        "assignment": {"accessPackageId": id, "assignmentPolicyId": policy["id"]}});
    let (status, answer) = w.stack.graph_as(user, "POST", &format!("{em}/assignmentRequests"), Some(body)).await?;
    ensure!(status == 201, "the request answered {status}: {answer}");
    Ok(())
}

/// Runs `source` in every document the browser opens from now on, before the page's own scripts
/// (to watch a page from its first moment).
pub async fn on_every_new_document(c: &fantoccini::Client, source: &str) -> Result<()> {
    let command = serde_json::json!({ "cmd": "Page.addScriptToEvaluateOnNewDocument", "params": { "source": source } });
    c.issue_cmd(Cdp(command)).await?;
    Ok(())
}

/// A DevTools command through chromedriver: `{ "cmd": …, "params": … }`.
#[derive(Debug)]
pub struct Cdp(pub serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}
