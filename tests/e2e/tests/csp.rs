//! The page locked down: the policy the build emits is the one served, and it refuses inline
//! script and a planted `<base>` (`eval` is left out: WebDriver's scripts are exempt from the
//! policy, so only the header can show it is refused); sign-out leaves nothing of the person in any storage
//! area or cookie.

use anyhow::{Result, ensure};
use fantoccini::Client;
use harness::stack::StackOptions;
use portier_e2e::*;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn csp_refuses_an_inline_script_and_the_report_reaches_the_server() -> anyhow::Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    w.open("/").await?;
    wait_for(c, "[data-testid=sign-in]").await?;
    assert!(w.stack.app.csp_reports().is_empty(), "the app itself breaks nothing");
    c.execute("const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.body.appendChild(s); return true;", vec![]).await?;
    assert_eq!(c.execute("return window.__ran === true", vec![]).await?, false, "the inline script did not run");
    let started = std::time::Instant::now();
    while w.stack.app.csp_reports().is_empty() {
        anyhow::ensure!(started.elapsed().as_secs() < 10, "no violation report arrived");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(w.stack.app.csp_reports()[0].contains("script-src"), "{:?}", w.stack.app.csp_reports());
    w.browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn csp_served_is_the_emitted_policy_and_refuses_a_planted_base() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    let served = reqwest::get(&w.stack.app_url).await?;
    let header = served.headers()["content-security-policy"].to_str()?.to_string();
    let config: serde_json::Value = reqwest::get(format!("{}/config.json", w.stack.app_url)).await?.json().await?;
    let emitted = harness::policy::content_security_policy(&config);
    assert_eq!(header, format!("{emitted}; report-uri /csp-report"));
    for needed in
        ["script-src 'self' 'wasm-unsafe-eval';", "base-uri 'none'", "object-src 'none'", "frame-ancestors 'none'"]
    {
        assert!(emitted.contains(needed), "{needed} missing from {emitted}");
    }
    // The build wrote the same policy, for its own config, into the files static hosts read.
    let dist = harness::dist::dist()?;
    let built: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dist.join("config.json"))?)?;
    let headers_file = std::fs::read_to_string(dist.join("_headers"))?;
    let policy = harness::policy::content_security_policy(&built);
    assert!(headers_file.contains(&format!("Content-Security-Policy: {policy}")), "{headers_file}");

    sign_in_at(&w, "/", "maja@contoso.com").await?;
    wait_for_text(c, ".display-name", "Maja Holm").await?;
    let base = c
        .execute(
            "const b = document.createElement('base'); b.href = 'https://elsewhere.example/'; \
             document.head.prepend(b); return document.baseURI;",
            vec![],
        )
        .await?;
    assert!(base.as_str().unwrap_or_default().starts_with(&w.stack.app_url), "the base moved: {base}");
    let started = Instant::now();
    while w.stack.app.csp_reports().is_empty() {
        ensure!(started.elapsed() < Duration::from_secs(10), "reports: {:?}", w.stack.app.csp_reports());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let reports = w.stack.app.csp_reports().join("\n");
    assert!(reports.contains("base-uri"), "{reports}");
    w.browser.close().await;
    Ok(())
}

/// Everything the browser keeps for the app's origin: both storages (keys and values), cookies,
/// IndexedDB databases and Cache Storage.
async fn everything_kept(c: &Client) -> Result<String> {
    let kept = c
        .execute_async(
            "const done = arguments[0];
             const dump = (s) => Object.keys(s).map((k) => k + '=' + s.getItem(k)).join('\\n');
             Promise.all([
               indexedDB.databases ? indexedDB.databases() : Promise.resolve([]),
               window.caches ? caches.keys() : Promise.resolve([]),
             ]).then(([dbs, cacheNames]) => done([
               dump(sessionStorage), dump(localStorage), document.cookie,
               dbs.map((d) => d.name).join(','), cacheNames.join(','),
             ].join('\\n')));",
            vec![],
        )
        .await?;
    Ok(kept.as_str().unwrap_or_default().to_string())
}

async fn sign_out_leaves_nothing(cache_location: &str) -> Result<()> {
    let opts = StackOptions { config: json!({ "cacheLocation": cache_location }), ..Default::default() };
    let w = World::start(opts).await?;
    let c = w.client();
    let (_, me) = w.stack.graph_as("maja@contoso.com", "GET", "/me", None).await?;
    let oid = me["id"].as_str().unwrap_or_default().to_string();
    sign_in_at(&w, "/", "maja@contoso.com").await?;
    wait_for_text(c, ".display-name", "Maja Holm").await?;
    // Pages that keep things beside Graph (decisions, invitations) and read Graph.
    w.open("/approvals").await?;
    wait_for(c, "main h1").await?;
    let before = everything_kept(c).await?;
    assert!(before.contains(&oid), "the session was kept in {cache_location}: {before}");
    click(c, ".account button").await?;
    wait_for(c, "[data-testid=sign-in]").await?;
    let after = everything_kept(c).await?;
    for trace in [oid.as_str(), "maja", "Maja", "Holm", "eyJ"] {
        assert!(!after.contains(trace), "{trace} left behind ({cache_location}):\n{after}");
    }
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn csp_sign_out_leaves_nothing_of_the_person_in_session_storage_or_cookies() -> Result<()> {
    sign_out_leaves_nothing("sessionStorage").await
}

#[tokio::test(flavor = "multi_thread")]
async fn csp_sign_out_leaves_nothing_of_the_person_when_tokens_were_in_local_storage() -> Result<()> {
    sign_out_leaves_nothing("localStorage").await
}
