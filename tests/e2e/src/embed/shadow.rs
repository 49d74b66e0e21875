//! Steps inside Portier's shadow root, which WebDriver's own lookups do not enter: find, wait,
//! click, type, read computed styles, and the partner's request form.

use anyhow::{Context, Result, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The first `portier-app` of the page, and its shadow root's element matching `css`.
async fn shadow_find(c: &Client, css: &str) -> Result<Element> {
    let app = c.find(Locator::Css("portier-app")).await?;
    Ok(app.shadow_root().await?.find(Locator::Css(css)).await?)
}

/// The page's address and Portier's rendered markup, for failure messages.
pub async fn shadow_html(c: &Client) -> String {
    let html = "const a = document.querySelector('portier-app'); \
                return location.href + '\\n' + (a && a.shadowRoot ? a.shadowRoot.innerHTML : '(no portier-app with a shadow root)');";
    c.execute(html, vec![]).await.ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

/// Waits (up to `secs`) until Portier shows an element matching `css` whose text has `text`.
pub async fn shadow_wait_text_for(c: &Client, css: &str, text: &str, secs: u64) -> Result<Element> {
    let started = Instant::now();
    loop {
        if let Ok(e) = shadow_find(c, css).await
            && (text.is_empty() || e.text().await.unwrap_or_default().contains(text))
        {
            return Ok(e);
        }
        if started.elapsed() > Duration::from_secs(secs) {
            bail!("Portier never showed {css} with '{text}' within {secs} s; it showed:\n{}", shadow_html(c).await);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits (up to 20 s) until Portier shows `css` containing `text`.
pub async fn shadow_wait_text(c: &Client, css: &str, text: &str) -> Result<Element> {
    shadow_wait_text_for(c, css, text, 20).await
}

/// Waits (up to 20 s) until Portier shows `css`.
pub async fn shadow_wait(c: &Client, css: &str) -> Result<Element> {
    shadow_wait_text(c, css, "").await
}

/// Clicks `css` inside Portier, finding it again if Portier replaced it in between.
pub async fn shadow_click(c: &Client, css: &str) -> Result<()> {
    let mut last = None;
    for _ in 0..5 {
        match shadow_wait(c, css).await?.click().await {
            Ok(()) => return Ok(()),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(last.expect("an attempt was made")).with_context(|| format!("clicking {css} in Portier"))
}

/// Clears a field inside Portier and types into it.
pub async fn shadow_type(c: &Client, css: &str, text: &str) -> Result<()> {
    let e = shadow_wait(c, css).await?;
    e.clear().await?;
    e.send_keys(text).await?;
    Ok(())
}

/// Fills the Fabrikam package's form inside Portier and sends it (as `request_fabrikam` does on
/// Portier's own site).
pub async fn shadow_request_fabrikam(c: &Client, code: &str) -> Result<()> {
    shadow_type(c, "[data-question] input[type=text]", code).await?;
    shadow_click(c, "[data-question] input[type=radio]").await?;
    shadow_type(c, "#justification", "I deliver the Fabrikam integration.").await?;
    shadow_click(c, "[data-testid=review]").await?;
    shadow_click(c, "[data-testid=submit]").await?;
    shadow_wait(c, "[data-testid=request-sent]").await?;
    Ok(())
}

/// Computed styles of `selectors` in the page (`scope` "page") or in Portier's shadow root;
/// fails when one matches nothing.
pub async fn styles(c: &Client, scope: &str, selectors: &[&str]) -> Result<Value> {
    let script = "const [scope, selectors] = arguments;
        const root = scope === 'shadow' ? document.querySelector('portier-app').shadowRoot : document;
        const props = ['color', 'background-color', 'font-family', 'font-size', 'font-style', 'font-weight',
          'line-height', 'letter-spacing', 'text-transform', 'text-align', 'border-top-width', 'border-top-style',
          'border-top-color', 'border-top-left-radius', 'padding-top', 'padding-left', 'margin-top'];
        return selectors.map((s) => {
          const e = root.querySelector(s);
          if (!e) return null;
          const cs = getComputedStyle(e);
          return Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
        });";
    let found = c.execute(script, vec![json!(scope), json!(selectors)]).await?;
    // Two missing elements would compare equal: each must be there.
    if let Some(i) = found.as_array().and_then(|a| a.iter().position(Value::is_null)) {
        bail!("nothing matched {} ({scope})", selectors[i]);
    }
    Ok(found)
}

/// Portier's root: its theme, background and text colour, and the primary button's background.
pub async fn look(c: &Client) -> Result<Value> {
    let script = "const r = document.querySelector('portier-app').shadowRoot;
        const root = r.querySelector('.portier'), button = r.querySelector('button.primary');
        const cs = getComputedStyle(root);
        return { theme: root.dataset.theme, bg: cs.backgroundColor, text: cs.color,
                 accent: button ? getComputedStyle(button).backgroundColor : null };";
    Ok(c.execute(script, vec![]).await?)
}
