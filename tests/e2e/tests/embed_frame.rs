//! Portier in a frame of an intranet's page, on another site than Portier's own: a popup
//! sign-in, the frame's height told only to the allowed page, an opener cut by COOP, in both
//! languages.

use anyhow::{Result, ensure};
use harness::stack::StackOptions;
use portier_e2e::embed::*;
use portier_e2e::*;
use serde_json::json;
use std::time::{Duration, Instant};

const FABRIKAM: &str = "Fabrikam delivery project";

/// Chooses the framed Portier's language with its own switch (before anything else).
async fn frame_speaks(c: &fantoccini::Client, lang: &str) -> Result<()> {
    click(c, &format!(".language-switch button[lang={lang}]")).await?;
    let spoken = run(c, "return document.documentElement.lang;").await?;
    ensure!(spoken == json!(lang), "the frame speaks {spoken}, not {lang}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_iframe_cross_site_signs_in_by_popup_and_reports_height() -> Result<()> {
    frame_journey("en").await
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_iframe_cross_site_signs_in_by_popup_and_reports_height_in_swedish() -> Result<()> {
    frame_journey("sv").await
}

async fn frame_journey(lang: &str) -> Result<()> {
    let pages = [("frame-page.html", frame_page("/requests"))];
    let w = Intranet::start(&format!("frame-{lang}"), StackOptions::default(), &pages).await?;
    let c = w.client();
    w.open("/frame-page.html").await?;
    into_frame(c).await?;
    frame_speaks(c, lang).await?;
    through_popup(c, || click(c, "[data-testid=sign-in]"), Person::NewGuest).await?;
    into_frame(c).await?;
    wait_for_text(c, "h1", if lang == "sv" { "Mina förfrågningar" } else { "My requests" }).await?;
    wait_for(c, ".site-header .account-name").await?;
    c.enter_parent_frame().await?;
    let empty = frame_sized(c).await?;

    into_frame(c).await?;
    let app = w.stack.app_url.clone();
    let go = |path: String| run(c, format!("location.assign({}); return null;", json!(format!("{app}{path}"))));
    go(package_path(FABRIKAM)).await?;
    request_fabrikam(c, "PRJ-8888").await?;
    go(package_path("Partner portal")).await?;
    click(c, "[data-testid=review]").await?;
    click(c, "[data-testid=submit]").await?;
    wait_for(c, "[data-testid=request-sent]").await?;
    go("/requests".into()).await?;
    wait_for(c, "[data-testid=request][data-package='Partner portal']").await?;
    wait_for(c, &format!("[data-testid=request][data-package='{FABRIKAM}']")).await?;
    c.enter_parent_frame().await?;
    let grown = frame_grows_past(c, empty).await?;
    // The frame shows all of Portier: nothing to scroll inside it.
    into_frame(c).await?;
    let started = Instant::now();
    loop {
        let over = run(c, "return document.documentElement.scrollHeight - window.innerHeight;").await?;
        if over.as_f64().unwrap_or(f64::MAX) <= 1.0 {
            break;
        }
        ensure!(started.elapsed() < Duration::from_secs(10), "the frame ({grown} px) still scrolls by {over} px");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    c.enter_parent_frame().await?;
    let messages =
        run(c, "return hostRecord.messages.filter((m) => m.data && m.data.type === 'portier-height');").await?;
    let messages = messages.as_array().cloned().unwrap_or_default();
    assert!(!messages.is_empty(), "the allowed page was told the height");
    assert!(messages.iter().all(|m| m["origin"] == json!(app)), "only from Portier: {messages:?}");
    // portier-frame.js believes only the frame's own window: the page posting to itself is ignored.
    let style = "return document.querySelector('iframe[data-portier]').style.height;";
    let sized = run(c, style).await?;
    run(c, "window.postMessage({ type: 'portier-height', height: 5 }, '*'); return null;").await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(run(c, style).await?, sized, "a message from elsewhere changes nothing");

    // A page whose origin is not in hostOrigins: the frame is refused, and nothing is told.
    let refused = |w: &Intranet| w.stack.app.csp_reports().iter().filter(|r| r.contains("frame-ancestors")).count();
    assert_eq!(refused(&w), 0, "the allowed page's frame was never refused");
    let (_other, other_url) = w.other_host().await?;
    c.goto(&format!("{other_url}/frame-page.html")).await?;
    wait_for(c, "iframe[data-portier]").await?;
    let started = Instant::now();
    while refused(&w) == 0 {
        ensure!(started.elapsed() < Duration::from_secs(10), "no frame-ancestors refusal was reported");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let told = run(c, "return hostRecord.messages.length;").await?;
    assert_eq!(told, json!(0), "a page not in hostOrigins hears nothing");
    assert_eq!(run(c, style).await?, json!(""), "its frame was never sized");
    // (A report does not name the page that framed: the refusals counted are the other page's.)
    w.end_allowing(|r| r.contains("\"violated-directive\":\"frame-ancestors\"")).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_iframe_with_opener_cut_ends_signed_in_or_offers_a_new_tab() -> Result<()> {
    opener_cut("en").await
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_iframe_with_opener_cut_ends_signed_in_or_offers_a_new_tab_in_swedish() -> Result<()> {
    opener_cut("sv").await
}

async fn opener_cut(lang: &str) -> Result<()> {
    let opts = StackOptions { switches: harness::devtenant::Switches { coop: true }, ..Default::default() };
    let w = Intranet::start(&format!("coop-{lang}"), opts, &[("frame-page.html", frame_page("/requests"))]).await?;
    let c = w.client();
    w.open("/frame-page.html").await?;
    into_frame(c).await?;
    frame_speaks(c, lang).await?;
    let main = c.window().await?;
    let started = Instant::now();
    click(c, "[data-testid=sign-in]").await?;
    // A person signs in in the popup the sign-in pages cut off from the frame.
    if let Ok(popup) = popup_beside(c, &main).await {
        c.switch_to_window(popup).await?;
        let _ = sign_in_in_popup(c, "pat@fabrikam.com").await;
        if c.windows().await?.len() > 1 {
            let _ = c.close_window().await;
        }
        c.switch_to_window(main).await?;
    }
    into_frame(c).await?;
    loop {
        if c.find(fantoccini::Locator::Css(".site-header .account-name")).await.is_ok() {
            eprintln!("the frame ended signed in");
            break;
        }
        if let Ok(link) = c.find(fantoccini::Locator::Css("a.new-tab")).await {
            let href = link.attr("href").await?.unwrap_or_default();
            assert!(href.starts_with(&w.stack.app_url), "the new tab opens Portier itself: {href}");
            let text = run(c, "return document.querySelector('a.new-tab').parentElement.textContent;").await?;
            assert!(text.as_str().unwrap_or_default().trim().len() > link.text().await?.len(), "a message: {text}");
            let words = if lang == "sv" { "ny flik" } else { "new tab" };
            assert!(text.as_str().unwrap_or_default().contains(words), "in the frame's language: {text}");
            eprintln!("the frame offered a new tab: {text}");
            break;
        }
        ensure!(started.elapsed() < Duration::from_secs(75), "neither signed in nor offered a new tab after 75 s");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    w.end().await;
    Ok(())
}
