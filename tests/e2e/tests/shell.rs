//! The app's frame: a wrong configuration explained, the language switch and `<html lang>`,
//! an unknown address.

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
