//! The app's frame: a wrong configuration explained, the language switch and `<html lang>`, the
//! theme that follows the browser's colour preference, an unknown address, a sign-in service
//! that does not answer.

use harness::stack::StackOptions;
use portier_e2e::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_configuration_says_which_field_and_why() -> anyhow::Result<()> {
    let opts = StackOptions { config: json!({"clientId": "portier", "cacheLocation": "cookie"}), ..Default::default() };
    let w = World::start(opts).await?;
    let c = w.client();
    w.open("/").await?;
    wait_for_text(c, ".config-error", "clientId").await?;
    wait_for_text(c, ".config-error", "cacheLocation").await?;
    wait_for_text(c, ".config-error", "'cookie' is not 'sessionStorage' or 'localStorage'").await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_page_follows_the_frame_with_no_loading_view_in_between() -> anyhow::Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    // Watches the app's own root from the document's first moment: did it ever show a loading
    // view before its first page? (The frame's own indicator, in `.static-frame`, is not the app's.)
    let watch = r#"
        window.__appLoadingSeen = false;
        new MutationObserver(() => {
            if (document.querySelector("body > .portier:not(.static-frame) .loading")) window.__appLoadingSeen = true;
        }).observe(document, { childList: true, subtree: true });"#;
    on_every_new_document(c, watch).await?;
    w.open("/").await?;
    wait_for_text(c, "h1", "Welcome").await?;
    let seen = c.execute("return window.__appLoadingSeen", vec![]).await?;
    assert_eq!(seen, json!(false), "the app showed a loading view before its first page");
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_configuration_that_cannot_be_downloaded_is_explained_with_its_address() -> anyhow::Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    // Both the loader's read and the app's own fail: the app says which file it could not load.
    w.stack.app.cut_downloads(Some("config.json"));
    w.open("/").await?;
    wait_for_text(c, ".config-error", "cannot load").await?;
    wait_for_text(c, ".config-error", "/config.json").await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_page_does_not_wait_for_the_sign_in_service_and_a_sign_in_it_cannot_reach_says_so()
-> anyhow::Result<()> {
    // The kernel accepts connections to it; nobody ever answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0")?;
    let authority = format!("http://127.0.0.1:{}/{}", silent.local_addr()?.port(), harness::stack::TENANT_ID);
    let w = World::start(StackOptions { config: json!({ "authority": authority }), ..Default::default() }).await?;
    let c = w.client();
    w.open("/").await?;
    wait_for_text(c, "h1", "Welcome").await?;
    // Now nothing listens there at all: a sign-in cannot start, and the page says so.
    drop(silent);
    click(c, "[data-testid=sign-in]").await?;
    wait_for_text(c, ".error-view", "could not be reached").await?;
    wait_for(c, "[data-testid=sign-in]").await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_language_switch_changes_every_word_and_html_lang() -> anyhow::Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    w.open("/").await?;
    wait_for_text(c, "h1", "Welcome").await?;
    click(c, ".language-switch button[lang=sv]").await?;
    wait_for_text(c, "h1", "Välkommen").await?;
    wait_for_text(c, "[data-testid=sign-in]", "Logga in").await?;
    let lang = c.execute("return document.documentElement.lang", vec![]).await?;
    assert_eq!(lang, "sv");
    // The choice is remembered by this browser.
    c.refresh().await?;
    wait_for_text(c, "h1", "Välkommen").await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_address_shows_not_found_with_a_way_home() -> anyhow::Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    w.open("/no/such/page").await?;
    wait_for_text(c, "h1", "Page not found").await?;
    click(c, "main a").await?;
    wait_for_text(c, "h1", "Welcome").await?;
    w.end().await;
    Ok(())
}

/// The theme of a browser that prefers dark colours, unless the config forces one.
async fn theme_in_a_dark_browser(config: serde_json::Value) -> anyhow::Result<String> {
    let stack = harness::stack::Stack::start(StackOptions { config, ..Default::default() }).await?;
    let browser = harness::browser::Browser::start(&["--force-dark-mode"]).await?;
    let c = &browser.client;
    c.goto(&format!("{}/", stack.app_url)).await?;
    wait_for(c, "[data-testid=sign-in]").await?;
    let prefers = c.execute("return matchMedia('(prefers-color-scheme: dark)').matches", vec![]).await?;
    anyhow::ensure!(prefers == true, "the browser prefers dark colours");
    let theme = c.execute("return document.querySelector('.portier').dataset.theme", vec![]).await?;
    let background =
        c.execute("return getComputedStyle(document.querySelector('.portier')).backgroundColor", vec![]).await?;
    browser.close().await;
    Ok(format!("{} {}", theme.as_str().unwrap_or_default(), background.as_str().unwrap_or_default()))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_theme_follows_the_browsers_colour_preference_unless_the_config_forces_one() -> anyhow::Result<()> {
    assert_eq!(theme_in_a_dark_browser(json!({})).await?, "dark rgb(22, 22, 22)");
    assert_eq!(theme_in_a_dark_browser(json!({ "theme": "light" })).await?, "light rgb(245, 245, 245)");
    Ok(())
}
