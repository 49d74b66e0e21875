//! WCAG 2.2 AA, machine-checked: axe-core on every partner page, on a 375-pixel phone and in
//! both languages, plus no horizontal scrolling; and the same for the demo's intranet pages that
//! embed Portier.

use anyhow::{Result, bail};
use fantoccini::Client;
use harness::stack::StackOptions;
use portier_e2e::a11y::{axe, sideways_scroll};
use portier_e2e::embed::{Intranet, shadow_wait};
use portier_e2e::*;

async fn no_horizontal_scroll(c: &Client) -> Result<()> {
    let over = sideways_scroll(c).await?;
    if over > 0 {
        bail!("the page scrolls sideways by {over} px at 375 px");
    }
    Ok(())
}

async fn check(c: &Client, page: &str) -> Result<()> {
    let violations = axe(c).await?;
    no_horizontal_scroll(c).await?;
    if !violations.is_empty() {
        bail!("{page}: {violations:#?}");
    }
    Ok(())
}

/// Every partner page in both languages, in the theme the config forces.
async fn partner_pages(theme: &str) -> Result<()> {
    let w = World::start(StackOptions { config: serde_json::json!({ "theme": theme }), ..Default::default() }).await?;
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
            ("/access", "#main h1"),
            ("/approvals", "#main h1"),
            ("/invite", "#invite-email"),
        ] {
            w.open(path).await?;
            wait_for(c, ready).await?;
            let shown = c.execute("return document.querySelector('.portier').dataset.theme", vec![]).await?;
            anyhow::ensure!(shown == theme, "{path}: the {theme} theme is in force, not {shown}");
            check(c, &format!("{path} ({lang}, {theme})")).await?;
        }
    }
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_pages_meet_wcag_aa_on_a_phone_in_both_languages() -> Result<()> {
    partner_pages("light").await
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_pages_meet_wcag_aa_in_the_dark_theme() -> Result<()> {
    partner_pages("dark").await
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_demo_intranet_pages_meet_wcag_aa_on_a_phone() -> Result<()> {
    let tls = std::env::temp_dir().join(format!("portier-embed-tls-demo-{}", std::process::id()));
    let opts = StackOptions { tls_dir: Some(tls.clone()), ..Default::default() };
    let w = Intranet::start("demo-pages", opts, &[]).await?;
    let c = w.client();
    c.set_window_size(375, 812).await?;
    for (path, ready) in [
        ("/", "portier-app"),
        ("/frame.html", "iframe[data-portier]"),
        ("/host-sign-in.html", "#sign-in:not([hidden])"),
    ] {
        w.open(path).await?;
        wait_for(c, ready).await?;
        if path == "/" {
            shadow_wait(c, "[data-testid=sign-in]").await?;
        }
        check(c, path).await?;
    }
    w.end().await;
    let _ = std::fs::remove_dir_all(tls);
    Ok(())
}

/// The reviews page as a sponsor sees it (people to judge, a required reason left out so its
/// error shows) and as a partner sees it (the self-review), in both languages on a phone.
#[tokio::test(flavor = "multi_thread")]
async fn review_page_meets_wcag_aa_on_a_phone_in_both_languages() -> Result<()> {
    use portier_e2e::reviews::{PAT, SARA, item_of, scenario};
    let w = World::start(StackOptions { scenario_extra: scenario(), ..Default::default() }).await?;
    let c = w.client();
    c.set_window_size(375, 812).await?;
    sign_in_at(&w, "/reviews", SARA).await?;
    for lang in ["en", "sv"] {
        click(c, &format!(".language-switch button[lang={lang}]")).await?;
        let ivo = item_of(c, "Ivo Sand").await?;
        check(c, &format!("/reviews, sponsor ({lang})")).await?;
        click(c, &format!("{ivo} [data-testid=review-approve]")).await?;
        wait_for(c, &format!("{ivo} .field-error")).await?;
        check(c, &format!("/reviews, a reason missing ({lang})")).await?;
    }
    let pat = second_person_at(&w, "/reviews", PAT).await?;
    pat.client.set_window_size(375, 812).await?;
    for lang in ["en", "sv"] {
        click(&pat.client, &format!(".language-switch button[lang={lang}]")).await?;
        wait_for(&pat.client, "[data-testid=self-review]").await?;
        check(&pat.client, &format!("/reviews, self-review ({lang})")).await?;
    }
    pat.close().await;
    w.end().await;
    Ok(())
}
