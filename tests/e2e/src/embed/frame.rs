//! Portier in a frame of the host page: the page around it, going into the frame, and the
//! frame's height as `portier-frame.js` sets it.

use super::{page, run};
use anyhow::{Result, ensure};
use fantoccini::Client;
use serde_json::json;
use std::time::{Duration, Instant};

/// A host page with Portier in a frame at `path` of the app, sized by `portier-frame.js`.
pub fn frame_page(path: &str) -> String {
    page(
        "Partner access in a frame",
        "<script src=\"{{APP}}/portier-frame.js\" defer></script>",
        &format!("<iframe data-portier src=\"{{{{APP}}}}{path}\" title=\"Portier\" style=\"width: 100%\"></iframe>"),
    )
}

/// The frame's height on the host page, in CSS pixels.
pub async fn frame_height(c: &Client) -> Result<f64> {
    let h = run(c, "return document.querySelector('iframe[data-portier]').getBoundingClientRect().height;").await?;
    Ok(h.as_f64().unwrap_or_default())
}

/// Waits (up to 20 s) until `portier-frame.js` has sized the host page's frame; its height.
pub async fn frame_sized(c: &Client) -> Result<f64> {
    let started = Instant::now();
    while run(c, "return document.querySelector('iframe[data-portier]').style.height;").await? == json!("") {
        ensure!(started.elapsed() < Duration::from_secs(20), "the frame was never sized");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    frame_height(c).await
}

/// Waits (up to 20 s) until the host page's frame is taller than `than`.
pub async fn frame_grows_past(c: &Client, than: f64) -> Result<f64> {
    let started = Instant::now();
    loop {
        let h = frame_height(c).await?;
        if h > than {
            return Ok(h);
        }
        ensure!(started.elapsed() < Duration::from_secs(20), "the frame stayed {h} px high (not past {than})");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Goes into the page's Portier frame (from the top).
pub async fn into_frame(c: &Client) -> Result<()> {
    c.enter_parent_frame().await?;
    crate::wait_for(c, "iframe[data-portier]").await?.enter_frame().await?;
    Ok(())
}
