//! What a signed-in visit costs: a partner's first journey (every file it fetches from Portier's
//! site) and, on the mobile profile, each page of the navigation reached by a click once the
//! first page is usable and idle. Portier only: the peer's screens need Entra ID to sign in.

use crate::side::{FETCHED, PORTIER_READY, Profile, RUNS, median, throttle, wait_number};
use anyhow::{Result, bail};
use fantoccini::{Client, Locator};
use harness::browser::Browser;
use serde_json::json;
use std::time::Duration;

async fn wait(c: &Client, css: &str) -> Result<fantoccini::elements::Element> {
    for _ in 0..600 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            return Ok(e);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{css} never appeared")
}

/// Signs in from the welcome page on the tenant's page, with consent when asked.
async fn sign_in(c: &Client, user: &str) -> Result<()> {
    wait(c, "[data-testid=sign-in]").await?.click().await?;
    wait(c, "#username").await?.send_keys(user).await?;
    c.find(Locator::Css("#password")).await?.send_keys(harness::stack::DEMO_PASSWORD).await?;
    c.find(Locator::Css("button[type=submit]")).await?.click().await?;
    for _ in 0..100 {
        if let Ok(b) = c.find(Locator::Css("button[value=accept]")).await {
            let _ = b.click().await;
        }
        if c.find(Locator::Css("[data-testid=who-am-i]")).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{user} never came back signed in")
}

async fn fetched(c: &Client, origin: &str) -> Result<(f64, f64)> {
    let v = c.execute(FETCHED, vec![json!(origin)]).await?;
    Ok((v[0].as_f64().unwrap_or(0.0), v[1].as_f64().unwrap_or(0.0)))
}

/// Welcome, sign in, the catalog, a package's request form: bytes and files from Portier's site
/// (both documents: the sign-in leaves the page and comes back).
pub async fn partner_journey(app: &str) -> Result<(f64, f64)> {
    let browser = Browser::start(&[]).await?;
    let c = &browser.client;
    c.goto(&format!("{app}/")).await?;
    wait_number(c, PORTIER_READY, 60).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (b1, f1) = fetched(c, app).await?;
    sign_in(c, "pat@fabrikam.com").await?;
    wait(c, ".site-header nav a[href='/packages']").await?.click().await?;
    wait(c, "[data-testid=package-card] a").await?.click().await?;
    wait(c, "#justification").await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (b2, f2) = fetched(c, app).await?;
    browser.close().await;
    Ok((b1 + b2, f1 + f2))
}

/// Clicks the header's link to `href` and reports, from inside the page: when the new page's
/// heading showed, when nothing in it was loading any more, and the files fetched from
/// Portier's site and elsewhere (Graph) meanwhile.
const CLICK: &str = "const [href, done] = arguments;
  const before = (document.querySelector('#main h1') || {}).textContent;
  const n0 = performance.getEntriesByType('resource').length;
  const t0 = performance.now();
  let shown = null;
  const check = () => {
    const h = document.querySelector('#main h1');
    if (shown === null && h && h.textContent !== before) shown = performance.now() - t0;
    if (shown !== null && !document.querySelector('#main .loading')) {
      watch.disconnect();
      const fresh = performance.getEntriesByType('resource').slice(n0);
      const ours = fresh.filter(e => e.name.startsWith(location.origin)).length;
      done([shown, performance.now() - t0, ours, fresh.length - ours]);
    }
  };
  const watch = new MutationObserver(check);
  watch.observe(document.body, { childList: true, subtree: true, characterData: true });
  document.querySelector('.site-header nav a[href=\"' + href + '\"]').click();";

/// Per page of the navigation: (href, shown ms, usable ms, files from Portier, other requests).
pub async fn navigation(app: &str, user: &str) -> Result<Vec<(String, f64, f64, f64, f64)>> {
    let browser = Browser::start(&[]).await?;
    let c = &browser.client;
    c.goto(&format!("{app}/")).await?;
    sign_in(c, user).await?;
    // The session is kept for the tab: a throttled reload starts signed in.
    throttle(c, Profile::Mobile).await?;
    c.refresh().await?;
    wait_number(c, PORTIER_READY, 120).await?;
    wait(c, "[data-testid=who-am-i]").await?;
    // The navigation is whole once the account's check has answered: the person measured has
    // decisions and a review waiting, whose links come last.
    wait(c, ".site-header nav a[href='/approvals']").await?;
    wait(c, ".site-header nav a[href='/reviews']").await?;
    let links = c.execute("return [...document.querySelectorAll('.site-header nav a')].map(a => a.getAttribute('href')).filter(h => h !== '/');", vec![]).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut out = vec![];
    for href in links.as_array().into_iter().flatten().filter_map(|h| h.as_str()) {
        let v = c.execute_async(CLICK, vec![json!(href)]).await?;
        let n = |i: usize| v[i].as_f64().unwrap_or(f64::NAN);
        out.push((href.to_string(), n(0), n(1), n(2), n(3)));
    }
    browser.close().await;
    Ok(out)
}

/// Prints the navigation's medians over [`RUNS`] runs as `user`.
pub async fn print_navigation(app: &str, user: &str) -> Result<()> {
    let mut runs = vec![];
    for _ in 0..RUNS {
        runs.push(navigation(app, user).await?);
    }
    println!(
        "\nNavigation after the first page ({}, as {user}; first page usable, then idle 2 s)",
        Profile::Mobile.name()
    );
    println!(
        "  median of {RUNS}: a click on the header's link until the page's heading shows / nothing loads any more"
    );
    println!("  {:<12} {:>10} {:>10} {:>16} {:>14}", "page", "heading", "usable", "Portier files", "Graph calls");
    for (i, (href, ..)) in runs[0].iter().enumerate() {
        let col =
            |f: fn(&(String, f64, f64, f64, f64)) -> f64| median(runs.iter().filter_map(|r| r.get(i)).map(f).collect());
        println!(
            "  {href:<12} {:>8.0}ms {:>8.0}ms {:>16} {:>14}",
            col(|r| r.1),
            col(|r| r.2),
            col(|r| r.3),
            col(|r| r.4)
        );
    }
    println!("  target: <= 300 ms to usable (Graph's own round trips are inside the usable time)");
    Ok(())
}
