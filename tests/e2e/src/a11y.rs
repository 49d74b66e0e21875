//! The machine checks of accessibility every page gets: axe-core's WCAG 2.2 AA rules, and how far
//! the page scrolls sideways (on a 375-pixel phone: not at all).

use anyhow::Result;
use fantoccini::Client;

/// axe-core, installed from npm on first use (never a test tool's own download).
const AXE: &str = "axe-core@4.14.1";

/// Runs axe on the page; returns the violations as "rule: target" lines.
pub async fn axe(c: &Client) -> Result<Vec<String>> {
    let source = std::fs::read_to_string(harness::tools::ensure_npm_package(AXE)?.join("axe-core/axe.min.js"))?;
    c.execute(&format!("{source}; return true;"), vec![]).await?;
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
          .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
          .catch(e => done(['axe failed: ' + e]));
    "#;
    Ok(serde_json::from_value(c.execute_async(script, vec![]).await?)?)
}

/// How many pixels the page scrolls sideways (0 or less: none).
pub async fn sideways_scroll(c: &Client) -> Result<i64> {
    let over = c.execute("return document.documentElement.scrollWidth - window.innerWidth;", vec![]).await?;
    Ok(over.as_i64().unwrap_or(0))
}
