//! One stylesheet for the built app: Trunk emits one file per `<link data-trunk rel="css">`
//! (the base style and each component's beside its code), and each is one more request before
//! the first page. Over HTTP/1.1 a browser opens six connections per site, so the module itself
//! would wait for a stylesheet to finish. The build joins them, in their order, into one
//! content-hashed file.

use anyhow::{Context, Result};
use std::path::Path;

/// The stylesheet links of `page`, in order: (the whole tag, its `href`).
fn stylesheet_links(page: &str) -> Vec<(String, String)> {
    let mut links = vec![];
    let mut rest = page;
    while let Some(at) = rest.find("<link rel=\"stylesheet\"") {
        let Some(len) = rest[at..].find('>') else { break };
        let tag = &rest[at..at + len + 1];
        if let Some(href) = crate::dist::attribute(tag, "href") {
            links.push((tag.to_string(), href));
        }
        rest = &rest[at + len + 1..];
    }
    links
}

/// `page` with its stylesheet links replaced by one link to `href` (with `integrity`), where the
/// first one was.
fn one_link(page: &str, links: &[(String, String)], href: &str, integrity: &str) -> String {
    let mut out = page.to_string();
    for (i, (tag, _)) in links.iter().enumerate() {
        let with = if i == 0 {
            format!("<link rel=\"stylesheet\" href=\"{href}\" integrity=\"{integrity}\"/>")
        } else {
            String::new()
        };
        out = out.replacen(tag.as_str(), &with, 1);
    }
    out
}

/// Joins the stylesheets `dist/index.html` links to into one file and links that instead.
pub fn bundle(dist: &Path) -> Result<()> {
    let index = dist.join("index.html");
    let page = std::fs::read_to_string(&index).context("reading the built index.html")?;
    let links = stylesheet_links(&page);
    if links.len() < 2 {
        return Ok(());
    }
    let mut css = String::new();
    for (_, href) in &links {
        let file = dist.join(href.trim_start_matches('/'));
        css.push_str(&std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?);
        css.push('\n');
    }
    let name = format!("style-{}.css", crate::split::short_hash(css.as_bytes()));
    std::fs::write(dist.join(&name), &css)?;
    for (_, href) in &links {
        std::fs::remove_file(dist.join(href.trim_start_matches('/')))?;
    }
    let integrity = crate::split::integrity(css.as_bytes());
    std::fs::write(&index, one_link(&page, &links, &format!("/{name}"), &integrity))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheets_become_one_link_in_the_place_of_the_first() {
        let page = r#"<head><meta charset="utf-8"><link rel="stylesheet" href="/main-1.css" integrity="a"/>
<link rel="stylesheet" href="/header-2.css" integrity="b"/><link rel="modulepreload" href="/p.js"></head>"#;
        let links = stylesheet_links(page);
        assert_eq!(links.iter().map(|l| l.1.as_str()).collect::<Vec<_>>(), ["/main-1.css", "/header-2.css"]);
        let joined = one_link(page, &links, "/style-9.css", "sha384-z");
        assert_eq!(
            joined,
            r#"<head><meta charset="utf-8"><link rel="stylesheet" href="/style-9.css" integrity="sha384-z"/>
<link rel="modulepreload" href="/p.js"></head>"#
        );
    }

    #[test]
    fn the_joined_file_keeps_every_rule_in_order_and_the_parts_are_gone() {
        let dir = std::env::temp_dir().join(format!("portier-styles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a-1.css"), "a { color: red }").unwrap();
        std::fs::write(dir.join("b-2.css"), "b { color: blue }").unwrap();
        let page = r#"<link rel="stylesheet" href="/a-1.css" integrity="x"/><link rel="stylesheet" href="/b-2.css" integrity="y"/>"#;
        std::fs::write(dir.join("index.html"), page).unwrap();
        bundle(&dir).unwrap();
        let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
        let href = crate::dist::attribute(&index, "href").unwrap();
        let css = std::fs::read_to_string(dir.join(href.trim_start_matches('/'))).unwrap();
        assert_eq!(css, "a { color: red }\nb { color: blue }\n");
        assert!(index.contains(&crate::split::integrity(css.as_bytes())), "{index}");
        assert!(!dir.join("a-1.css").exists() && !dir.join("b-2.css").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
