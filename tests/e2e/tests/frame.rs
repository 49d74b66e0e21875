//! The frame `index.html` paints before the module has loaded, held on screen (the module's
//! download cut) and checked as every page is: axe-core finds no WCAG 2.2 AA violation, on a
//! 375-pixel phone nothing scrolls sideways, in the light and the dark scheme.

use anyhow::{Result, bail};
use harness::stack::StackOptions;
use portier_e2e::a11y::{axe, sideways_scroll};
use portier_e2e::*;

async fn frame_checked(scheme: &str) -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    c.set_window_rect(0, 0, 375, 800).await?;
    let emulate = serde_json::json!({ "cmd": "Emulation.setEmulatedMedia", "params": { "features": [{ "name": "prefers-color-scheme", "value": scheme }] } });
    c.issue_cmd(Cdp(emulate)).await?;
    w.stack.app.cut_downloads(Some("portier-"));
    w.open("/").await?;
    let indicator = wait_for(c, ".static-frame [role=status]").await?;
    if !indicator.text().await?.contains("Loading") {
        bail!("the frame's loading indicator is not shown with its text");
    }
    let violations = axe(c).await?;
    if !violations.is_empty() {
        bail!("the static frame ({scheme}): {violations:#?}");
    }
    let over = sideways_scroll(c).await?;
    if over > 0 {
        bail!("the static frame scrolls sideways by {over} px at 375 px");
    }
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn frame_before_the_module_meets_wcag_aa_on_a_phone() -> Result<()> {
    frame_checked("light").await
}

#[tokio::test(flavor = "multi_thread")]
async fn frame_before_the_module_meets_wcag_aa_on_a_phone_in_the_dark() -> Result<()> {
    frame_checked("dark").await
}
