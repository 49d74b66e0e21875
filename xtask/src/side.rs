//! Portier and the React + MSAL.js peer measured side by side in one run: both served brotli by
//! the same static server code, interleaved, a new browser profile per run, unthrottled and on
//! Lighthouse's mobile profile (Chromium's own network and CPU throttling through chromedriver).
//! Absolute times on these machines move by tens of percent between runs: the ratios matter.

use anyhow::{Context, Result, bail};
use fantoccini::Client;
use harness::browser::Browser;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Runs per figure (the median is printed).
pub const RUNS: usize = 5;

/// Lighthouse's mobile profile: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU x4.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Profile {
    Unthrottled,
    Mobile,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Unthrottled => "unthrottled (loopback)",
            Profile::Mobile => "mobile (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU x4)",
        }
    }
}

/// A chromedriver command by path and JSON body.
#[derive(Debug)]
struct Command(&'static str, Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Command {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/{}", session.unwrap_or_default(), self.0))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.1.to_string()))
    }
}

/// Throttles the browser's network and CPU as `profile` says (before the page is opened).
pub async fn throttle(c: &Client, profile: Profile) -> Result<()> {
    let (latency, down, up, cpu) = match profile {
        Profile::Unthrottled => (0, 1_000_000_000, 1_000_000_000, 1),
        Profile::Mobile => (150, 1_600_000 / 8, 750_000 / 8, 4),
    };
    let conditions = json!({ "network_conditions": {
        "offline": false, "latency": latency, "download_throughput": down, "upload_throughput": up,
    }});
    c.issue_cmd(Command("chromium/network_conditions", conditions)).await?;
    let cpu = json!({ "cmd": "Emulation.setCPUThrottlingRate", "params": { "rate": cpu } });
    c.issue_cmd(Command("goog/cdp/execute", cpu)).await?;
    Ok(())
}

async fn number(c: &Client, script: &str) -> Result<Option<f64>> {
    Ok(c.execute(script, vec![]).await?.as_f64())
}

/// Polls `script` (returning a number or null) for up to `secs` seconds.
pub async fn wait_number(c: &Client, script: &str, secs: u64) -> Result<f64> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(secs) {
        if let Some(v) = number(c, script).await? {
            return Ok(v);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("waited {secs} s for: {script}")
}

/// One cold visit's figures: first usable page, first contentful paint (ms from navigation
/// start), bytes fetched (bodies as sent, brotli where the server compressed) and files.
#[derive(Debug, Clone, Copy)]
pub struct Visit {
    pub usable: f64,
    pub fcp: f64,
    pub bytes: f64,
    pub files: f64,
}

/// Bodies and count of everything this document fetched from `origin`, itself included.
pub const FETCHED: &str = "const o = arguments[0];
  const all = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
    .filter(e => e.name.startsWith(o) && e.transferSize > 0);
  return [all.reduce((s, e) => s + e.encodedBodySize, 0), all.length];";

/// Opens `url` in a new browser profile on `profile` and waits until `ready` (a script returning
/// the usable moment or null) answers; the browser, and that moment.
async fn open_cold(url: &str, ready: &str, profile: Profile) -> Result<(Browser, f64)> {
    let browser = Browser::start(&[]).await?;
    throttle(&browser.client, profile).await?;
    browser.client.goto(url).await?;
    let usable = wait_number(&browser.client, ready, 120).await?;
    Ok((browser, usable))
}

/// Opens `url` in a new profile on `profile`; `ready` returns the usable moment or null.
pub async fn cold_visit(url: &str, origin: &str, ready: &str, profile: Profile) -> Result<Visit> {
    let (browser, usable) = open_cold(url, ready, profile).await?;
    let c = &browser.client;
    let fcp =
        "const p = performance.getEntriesByName('first-contentful-paint'); return p.length ? p[0].startTime : null;";
    let fcp = wait_number(c, fcp, 30).await?;
    // The page settled (a late chunk or font would count): one quiet second.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let fetched = c.execute(FETCHED, vec![json!(origin)]).await?;
    browser.close().await;
    Ok(Visit { usable, fcp, bytes: fetched[0].as_f64().unwrap_or(0.0), files: fetched[1].as_f64().unwrap_or(0.0) })
}

pub const PORTIER_READY: &str =
    "const m = performance.getEntriesByName('portier-ready'); return m.length ? m[0].startTime : null;";
pub const PEER_READY: &str = "return typeof window.__ready === 'number' ? window.__ready : null;";

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Both apps' cold visits on `profile`, interleaved; prints the medians and the ratios.
pub async fn first_page(portier: &str, peer: &str, profile: Profile) -> Result<(Visit, Visit)> {
    let (mut ours, mut theirs) = (vec![], vec![]);
    for _ in 0..RUNS {
        ours.push(cold_visit(&format!("{portier}/"), portier, PORTIER_READY, profile).await.context("Portier")?);
        theirs.push(cold_visit(&format!("{peer}/"), peer, PEER_READY, profile).await.context("the peer")?);
    }
    let pick = |v: &[Visit], f: fn(&Visit) -> f64| median(v.iter().map(f).collect());
    let summary = |v: &[Visit]| Visit {
        usable: pick(v, |x| x.usable),
        fcp: pick(v, |x| x.fcp),
        bytes: pick(v, |x| x.bytes),
        files: pick(v, |x| x.files),
    };
    let (a, b) = (summary(&ours), summary(&theirs));
    println!("\n{} — signed-out first page, median of {RUNS}, new profile each run", profile.name());
    println!("  {:<28} {:>10} {:>10} {:>8}", "", "Portier", "peer", "ratio");
    let row = |name: &str, x: f64, y: f64, unit: &str| {
        println!("  {name:<28} {:>8.0}{unit} {:>8.0}{unit} {:>7.2}x", x, y, x / y);
    };
    row("first usable page", a.usable, b.usable, "ms");
    row("first contentful paint", a.fcp, b.fcp, "ms");
    println!(
        "  {:<28} {:>8.1}KB {:>8.1}KB {:>7.2}x",
        "bytes fetched",
        a.bytes / 1000.0,
        b.bytes / 1000.0,
        a.bytes / b.bytes
    );
    println!("  {:<28} {:>10} {:>10}", "files fetched", a.files, b.files);
    if profile == Profile::Mobile {
        let met = |r: f64| if r <= 1.0 { "met" } else { "not met" };
        println!(
            "  target <= 1.0x: first usable page {} , first contentful paint {}",
            met(a.usable / b.usable),
            met(a.fcp / b.fcp)
        );
    }
    Ok((a, b))
}

/// Every file and mark of one cold visit, in order: (name, asked, sent, end, bytes as sent). A
/// file asked for but sent later waited for a connection (HTTP/1.1 opens six per site).
const TIMELINE: &str = "const o = arguments[0];
  const files = performance.getEntriesByType('resource').filter(e => e.name.startsWith(o))
    .map(e => [e.name.slice(o.length), e.startTime, e.requestStart, e.responseEnd, e.encodedBodySize]);
  const nav = performance.getEntriesByType('navigation')[0];
  const marks = performance.getEntriesByType('mark').concat(performance.getEntriesByType('paint'))
    .map(e => [e.name, e.startTime, e.startTime, e.startTime, 0]);
  return [['(document)', 0, nav.requestStart, nav.responseEnd, nav.encodedBodySize]].concat(files, marks)
    .sort((a, b) => a[3] - b[3]);";

/// One cold visit of Portier's first page on `profile`, as a timeline: what holds the first
/// usable page (files as they arrive; `portier-module` is the module compiled and started).
pub async fn timeline(portier: &str, profile: Profile) -> Result<()> {
    let (browser, _) = open_cold(&format!("{portier}/"), PORTIER_READY, profile).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rows = browser.client.execute(TIMELINE, vec![json!(portier)]).await?;
    browser.close().await;
    println!("\nOne cold visit of Portier's first page, {}: when each file or moment ends", profile.name());
    println!("  {:<44} {:>8} {:>8} {:>8} {:>9}", "", "asked", "sent", "end", "bytes");
    for row in rows.as_array().into_iter().flatten() {
        let name = row[0].as_str().unwrap_or_default();
        let name = if name.len() > 44 { &name[..44] } else { name };
        let ms = |i: usize| row[i].as_f64().unwrap_or(0.0);
        let bytes = ms(4);
        let kb = if bytes > 0.0 { format!("{:.1}KB", bytes / 1000.0) } else { String::new() };
        println!("  {name:<44} {:>6.0}ms {:>6.0}ms {:>6.0}ms {kb:>9}", ms(1), ms(2), ms(3));
    }
    Ok(())
}
