//! One cell of the fault matrix: a fault struck on a page's call, and what the person must see
//! afterwards — the end state a success reaches (or an error they can act on, with Graph's code
//! and request id one click away), what they typed still there, and no write carried out twice.

use crate::faults::Page;
use crate::*;
use anyhow::{Context, Result, ensure};
use fantoccini::{Client, Locator};
use harness::devtenant::faults::FaultSpec;
use harness::stack::StackOptions;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// 429 with a `Retry-After` the browser can read.
    Throttled,
    /// 429 without one: the app backs off on its own.
    ThrottledWithoutRetryAfter,
    /// 429 on one item of a `$batch` (its `Retry-After` in the item's headers).
    ThrottledInBatch,
    /// 503 three times, then the real answer.
    UnavailableThrice,
    GatewayTimeout,
    /// Ten seconds before the answer.
    Slow,
    /// Carried out, then the connection dropped after the first byte of the answer.
    ConnectionDropped,
    /// Carried out, then the connection dropped before any byte of it: the browser sends the
    /// request again by itself, and Graph refuses the copy.
    ConnectionDroppedBeforeAnswer,
    /// The access token expires on the tenant's clock while the page is open.
    AccessTokenExpired,
    /// The refresh token too (`AADSTS700084`): a new sign-in, then the page as it was.
    SessionExpired,
    ClaimsChallenge,
    /// Another approver decided the stage first (409).
    DecidedFirst,
    /// Two clicks on the send button in one go.
    DoubleClick,
    /// The browser's network cut, then back.
    Offline,
}

impl Fault {
    /// Half the matrix runs in Swedish.
    fn language(self) -> &'static str {
        match self {
            Fault::ThrottledWithoutRetryAfter
            | Fault::GatewayTimeout
            | Fault::ConnectionDropped
            | Fault::SessionExpired
            | Fault::DecidedFirst
            | Fault::Offline => "sv",
            _ => "en",
        }
    }

    /// The fault as the tenant takes it, for the page's call.
    fn spec(self, page: Page) -> Option<Value> {
        let (method, path) = page.call();
        let on = |extra: Value| {
            let mut spec = json!({ "path": path, "method": method, "times": 1 });
            spec.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
            Some(spec)
        };
        match self {
            Fault::Throttled => on(json!({ "status": 429, "retryAfter": 1 })),
            Fault::ThrottledWithoutRetryAfter => on(json!({ "status": 429 })),
            Fault::ThrottledInBatch => {
                let (m, p) = page.batch_item();
                Some(json!({ "path": p, "method": m, "status": 429, "retryAfter": 1, "times": 1 }))
            }
            Fault::UnavailableThrice => on(json!({ "status": 503, "retryAfter": 1, "times": 3 })),
            Fault::GatewayTimeout => on(json!({ "status": 504 })),
            // Every matching call: a search typed letter by letter may send (and cancel) several.
            Fault::Slow => {
                let mut spec = on(json!({ "delayMs": 10_000 }))?;
                spec.as_object_mut()?.remove("times");
                Some(spec)
            }
            Fault::ConnectionDropped => on(json!({ "dropConnection": true })),
            Fault::ConnectionDroppedBeforeAnswer => on(json!({ "dropBeforeAnswer": true })),
            Fault::ClaimsChallenge => on(json!({ "claimsChallenge": true })),
            _ => None,
        }
    }
}

/// Runs one cell: the page made ready, the fault struck, the outcome checked.
pub async fn run(fault: Fault, page: Page) -> Result<()> {
    let lang = fault.language();
    let opts = StackOptions {
        config: json!({ "defaultLanguage": lang }),
        scenario_extra: page.scenario_extra(),
        ..Default::default()
    };
    let w = World::start(opts).await?;
    let c = w.client();
    page.setup(&w).await?;
    sign_in_at(&w, &page.start(), page.user()).await?;
    page.ready(&w).await.context("making the page ready")?;
    let since = w.stack.tenant.tenant.log.since(0).last().map_or(0, |e| e.seq);
    if let Some(spec) = fault.spec(page) {
        let spec: FaultSpec = serde_json::from_value(spec)?;
        w.stack.tenant.tenant.faults.add(spec).map_err(anyhow::Error::msg)?;
    }
    match fault {
        Fault::AccessTokenExpired => {
            w.stack.advance_clock(3700);
            page.act(&w).await?;
        }
        Fault::SessionExpired => {
            w.stack.advance_clock(25 * 3600);
            page.act(&w).await?;
            error_is_explained(c).await?;
            click(c, ".error-view button.primary").await?;
            sign_in_again(&w, page.user()).await?;
            page.typed_is_kept(&w).await.context("after signing in again")?;
            page.choose(&w).await?;
            if page.is_write() {
                page.act(&w).await?;
            }
        }
        Fault::Slow => {
            page.act(&w).await?;
            progress_shows_at_once(c, page).await?;
            if !page.is_write() {
                return leave_without_a_stray_result(w, page).await;
            }
        }
        Fault::DecidedFirst => {
            let decided =
                w.stack.decide_for("sara@contoso.com", "lena@fabrikam.com", true, "Decided elsewhere").await?;
            ensure!(decided == 1, "decided elsewhere: {decided}");
            page.act(&w).await?;
            let taken = "[data-testid=decision-outcome][data-result=decided-first]";
            wait_for(c, taken).await?;
        }
        Fault::DoubleClick => {
            let css = page.send_button();
            wait_for(c, css).await?;
            let script = "const b = document.querySelector(arguments[0]); b.click(); b.click(); return true;";
            c.execute(script, vec![json!(css)]).await?;
        }
        Fault::Offline => {
            set_offline(c, true).await?;
            page.act(&w).await?;
            error_is_explained(c).await?;
            page.typed_is_kept(&w).await.context("offline")?;
            set_offline(c, false).await?;
            match c.find(Locator::Css(".error-view .actions button:not(.primary)")).await {
                Ok(retry) => retry.click().await?,
                Err(_) => {
                    page.choose(&w).await?;
                    page.act(&w).await?;
                }
            }
        }
        _ => page.act(&w).await?,
    }
    let copy_refused = fault == Fault::ConnectionDroppedBeforeAnswer && page.copy_refusal().is_some();
    if copy_refused {
        copy_refused_or_done(&w, page, since).await?;
    } else if fault != Fault::DecidedFirst {
        let done = page.done(&w).await;
        done.with_context(|| format!("{fault:?} on {page:?}: the end state; the tenant's log:\n{}", log(&w, since)))?;
    }
    // A fault that never struck proves nothing.
    if fault.spec(page).is_some() {
        let struck = w.stack.tenant.tenant.log.since(since).iter().any(|e| e.fault.is_some());
        ensure!(struck, "{fault:?} on {page:?}: the fault never struck; the log:\n{}", log(&w, since));
    }
    if page.is_write() {
        // Decided first: the other approver's write is counted in place of this one.
        let lost = matches!(fault, Fault::ConnectionDropped | Fault::ConnectionDroppedBeforeAnswer);
        let expected = if lost { page.writes_after_a_lost_answer() } else { page.writes_expected() };
        // Settle: a stray second write would land within a moment.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let writes = page.writes(&w, since);
        ensure!(
            writes == expected,
            "{fault:?} on {page:?}: {writes} writes, not {expected}; the log:\n{}",
            log(&w, since)
        );
    }
    let html_lang = c.execute("return document.documentElement.lang", vec![]).await?;
    ensure!(html_lang == json!(lang), "the page speaks {html_lang}, not {lang}");
    w.end().await;
    Ok(())
}

/// A request for access sent twice by the browser (its connection dropped before any answer):
/// Graph refuses the copy, and Portier shows that refusal (the request is open: it is no
/// mistake to say so) unless the browser reported the failure instead, when the write is found
/// and shown as done.
async fn copy_refused_or_done(w: &World, page: Page, since: u64) -> Result<()> {
    let c = w.client();
    let (refusal, done) = page.copy_refusal().expect("a page whose copies are refused");
    let started = Instant::now();
    loop {
        if c.find(Locator::Css(refusal)).await.is_ok() {
            let (method, _) = page.call();
            let copies = w.stack.tenant.tenant.log.since(since);
            let refused = copies.iter().any(|e| e.method == method && (400..500).contains(&e.status));
            ensure!(refused, "a refusal with no refused copy in the log:\n{}", log(w, since));
            return Ok(());
        }
        if c.find(Locator::Css(done)).await.is_ok() {
            return Ok(());
        }
        ensure!(started.elapsed() < Duration::from_secs(30), "neither done nor refused:\n{}", log(w, since));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The tenant's log since `since`, a line per request, for failure messages.
fn log(w: &World, since: u64) -> String {
    let entries = w.stack.tenant.tenant.log.since(since);
    let line = |e: &harness::devtenant::faults::log::Entry| {
        format!("{} {}?{} {}", e.method, e.path, e.query.clone().unwrap_or_default(), e.status)
    };
    entries.iter().map(line).collect::<Vec<_>>().join("\n")
}

/// An error a person understands, with Graph's code (and request id) one click away.
async fn error_is_explained(c: &Client) -> Result<()> {
    wait_for(c, ".error-view h2").await?;
    click(c, ".error-view details summary").await?;
    let details = wait_for(c, ".error-view details dd").await?.text().await?;
    ensure!(!details.trim().is_empty(), "the details say nothing");
    Ok(())
}

/// Within a second of the call, the page shows that it is waiting: its loading indicator, or
/// what it shows already (kept from an earlier read) marked busy while it reads again.
async fn progress_shows_at_once(c: &Client, page: Page) -> Result<()> {
    let started = Instant::now();
    let waiting = if page.is_write() { page.sending() } else { ".loading, [aria-busy=true]".into() };
    while c.find(Locator::Css(&waiting)).await.is_err() {
        if started.elapsed() > Duration::from_secs(1) {
            let main = c.find(Locator::Css("main")).await?.html(false).await?;
            anyhow::bail!("no progress shown ({waiting}) within a second:\n{main}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// The person leaves a page still waiting; its late answer must not land on the next page.
async fn leave_without_a_stray_result(w: World, page: Page) -> Result<()> {
    let c = w.client();
    // The page shows its wait before its call reaches Graph (a token first, and the browser may
    // be busy with what it reads ahead): the delay strikes within seconds, not at once.
    let started = Instant::now();
    while !w.stack.tenant.tenant.faults.list().iter().any(|f| f.hits > 0) {
        ensure!(started.elapsed() < Duration::from_secs(5), "the delay never struck {page:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    click(c, "header nav a[href='/']").await?;
    wait_for(c, "main h1").await?;
    tokio::time::sleep(Duration::from_secs(11)).await;
    let url = c.current_url().await?;
    ensure!(url.path() == "/", "moved to {url}");
    ensure!(c.find(Locator::Css(".error-view")).await.is_err(), "an error landed after leaving {page:?}");
    let stray = ["[data-testid=package-card]", "[data-testid=request]", "[data-testid=decision]"];
    for css in stray {
        ensure!(c.find(Locator::Css(css)).await.is_err(), "{css} from {page:?} landed on the start page");
    }
    w.end().await;
    Ok(())
}

/// Cuts or restores the browser's network (chromedriver's network conditions).
pub async fn set_offline(c: &Client, offline: bool) -> Result<()> {
    c.issue_cmd(NetworkConditions { offline }).await?;
    Ok(())
}

#[derive(Debug)]
struct NetworkConditions {
    offline: bool,
}

impl fantoccini::wd::WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/chromium/network_conditions", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let conditions = json!({ "network_conditions": {
            "offline": self.offline, "latency": 0, "download_throughput": 100_000_000, "upload_throughput": 100_000_000,
        }});
        (http::Method::POST, Some(conditions.to_string()))
    }
}
