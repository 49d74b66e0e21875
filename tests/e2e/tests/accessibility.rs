//! WCAG 2.2 AA, machine-checked: axe-core on every partner page, on a 375-pixel phone and in
//! both languages, plus no horizontal scrolling.

use anyhow::{Result, bail};
use fantoccini::Client;
use harness::stack::StackOptions;
use portier_e2e::*;

async fn check(c: &Client, page: &str) -> Result<()> {
    let violations = axe(c).await?;
    no_horizontal_scroll(c).await?;
    if !violations.is_empty() {
        bail!("{page}: {violations:#?}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_pages_meet_wcag_aa_on_a_phone_in_both_languages() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    c.set_window_size(375, 812).await?;
    w.open("/").await?;
    wait_for(c, "[data-testid=sign-in]").await?;
    check(c, "welcome").await?;
    click(c, "[data-testid=sign-in]").await?;
    sign_in_at_tenant(c, "pat@fabrikam.com").await?;
    for lang in ["en", "sv"] {
        click(c, &format!(".language-switch button[lang={lang}]")).await?;
        for (path, ready) in [
            ("/", "[data-testid=who-am-i]"),
            ("/packages", "[data-testid=package-card]"),
            (&package_path("Fabrikam delivery project"), "[data-testid=review]"),
            ("/requests", "[data-testid=request]"),
            ("/access", "main h1"),
            ("/approvals", "main h1"),
            ("/invite", "#invite-email"),
        ] {
            w.open(path).await?;
            wait_for(c, ready).await?;
            check(c, &format!("{path} ({lang})")).await?;
        }
    }
    w.end().await;
    Ok(())
}
