//! `cargo xtask bench`: what a first visit downloads (raw, gzip, brotli per file and in total),
//! the first module's code by crate, Portier beside the React + MSAL.js peer (first page,
//! unthrottled and on a phone's profile, a partner's journey, the navigation), and the catalog's
//! search. Figures are printed, never asserted: these machines are noisy.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

fn gzip(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip").len()
}

fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("brotli");
    out.len()
}

/// Scripts only a page that embeds Portier loads.
const EMBEDDING: [&str; 2] = ["portier-embed.js", "portier-frame.js"];

/// A chunk of the module: loaded when a page of its route is first visited (or preloaded).
fn chunk(name: &str) -> bool {
    name.ends_with(".wasm") && !name.starts_with("portier-")
}

/// Files a signed-out first visit loads: the page, its scripts, the first module, the styles,
/// the configuration.
fn first_visit(name: &str) -> bool {
    name == "index.html"
        || name == "config.json"
        || (name.ends_with(".js") && name != "redirect.js" && !EMBEDDING.contains(&name))
        || (name.ends_with(".wasm") && !chunk(name))
        || name.ends_with(".css")
}

/// Files a host page with a `<portier-app>` loads from Portier: the element's script instead of
/// Portier's page and loader, then the same module and styles.
fn element_visit(name: &str) -> bool {
    name == "portier-embed.js" || (first_visit(name) && name != "index.html" && name != "loader.js")
}

fn sizes(dist: &Path) -> Result<()> {
    let mut files: Vec<_> = std::fs::read_dir(dist)?.flatten().filter(|e| e.path().is_file()).collect();
    files.sort_by_key(|e| e.file_name());
    println!("{:<44} {:>10} {:>10} {:>10}", "file (KB = 1000 bytes)", "raw", "gzip -9", "brotli 11");
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    let (mut element_br, mut chunks_br) = (0, 0);
    for f in files {
        let name = f.file_name().to_string_lossy().into_owned();
        let bytes = std::fs::read(f.path())?;
        let (g, b) = (gzip(&bytes), brotli(&bytes));
        let mark = match (first_visit(&name), element_visit(&name)) {
            (true, _) => "",
            (false, true) => " (embedding only)",
            (false, false) if chunk(&name) => " (chunk: on a route's first visit)",
            (false, false) if EMBEDDING.contains(&name.as_str()) => " (host page's own, embedding only)",
            (false, false) => " (not on first visit)",
        };
        if element_visit(&name) {
            element_br += b;
        }
        if chunk(&name) {
            chunks_br += b;
        }
        println!(
            "{:<44} {:>10.1} {:>10.1} {:>10.1}{mark}",
            name,
            bytes.len() as f64 / 1000.0,
            g as f64 / 1000.0,
            b as f64 / 1000.0
        );
        if first_visit(&name) {
            (raw, gz, br) = (raw + bytes.len(), gz + g, br + b);
        }
    }
    println!(
        "{:<44} {:>10.1} {:>10.1} {:>10.1}",
        "first visit, total",
        raw as f64 / 1000.0,
        gz as f64 / 1000.0,
        br as f64 / 1000.0
    );
    println!("target: first visit <= 200 KB brotli ({})", if br <= 200_000 { "met" } else { "not met" });
    let every = br + chunks_br;
    println!("{:<44} {:>32.1}", "every route visited once, brotli", every as f64 / 1000.0);
    let budget = 397_000.0 * 1.1;
    println!(
        "target: every route <= 436.7 KB (397 KB + 10 %) ({})",
        if every as f64 <= budget { "met" } else { "not met" }
    );
    println!("{:<44} {:>32.1}", "as an element in a host page, brotli", element_br as f64 / 1000.0);
    Ok(())
}

/// Types a search into the 10,000-package catalog and times it: from the last keystroke to the
/// results on screen (the search waits for a pause in typing first), and the longest task that
/// blocked the page meanwhile.
async fn catalog_search(stack: &harness::stack::Stack) -> Result<(f64, f64)> {
    let browser = harness::browser::Browser::start(&[]).await?;
    let c = &browser.client;
    c.goto(&format!("{}/packages", stack.app_url)).await?;
    let field = |css: &'static str| async move { c.find(fantoccini::Locator::Css(css)).await };
    let wait = |css: &'static str| async move {
        for _ in 0..200 {
            if let Ok(e) = c.find(fantoccini::Locator::Css(css)).await {
                return Ok(e);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{css} never appeared")
    };
    wait("[data-testid=sign-in]").await?.click().await?;
    wait("#username").await?;
    field("#username").await?.send_keys("maja@contoso.com").await?;
    field("#password").await?.send_keys(harness::stack::DEMO_PASSWORD).await?;
    field("button[type=submit]").await?.click().await?;
    for _ in 0..100 {
        if let Ok(b) = field("button[value=accept]").await {
            b.click().await?;
        }
        if field("[data-testid=package-card]").await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    c.execute(
        "window.__longest = 0; new PerformanceObserver(l => l.getEntries().forEach(e => { window.__longest = Math.max(window.__longest, e.duration); })).observe({type: 'longtask', buffered: false}); performance.clearMarks('portier-catalog-results'); return true;",
        vec![],
    )
    .await?;
    let search = field("[data-testid=catalog-search]").await?;
    search.send_keys("Package 9999").await?;
    let typed = c.execute("return performance.now();", vec![]).await?.as_f64().unwrap_or(0.0);
    for _ in 0..200 {
        let shown = c.find(fantoccini::Locator::Css("[data-testid=catalog]")).await?.text().await?;
        if shown.contains("Package 9999") && !shown.contains("Package 1\n") {
            let marks = c.execute("const m = performance.getEntriesByName('portier-catalog-results'); return m.length ? m[m.length - 1].startTime : null;", vec![]).await?;
            let longest = c.execute("return window.__longest;", vec![]).await?.as_f64().unwrap_or(0.0);
            browser.close().await;
            return Ok((marks.as_f64().unwrap_or(typed) - typed, longest));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("the search never showed its result")
}

/// Where the peer's build is (beside this repository's checkout).
fn peer_dist(root: &Path) -> Result<std::path::PathBuf> {
    let dist = root.join("../shared/reference/peer-react/dist");
    dist.canonicalize().with_context(|| format!("the peer's build is not at {}", dist.display()))
}

/// `first` alone: only the first page side by side and its timeline (a quicker loop).
pub fn run(first: bool) -> Result<()> {
    let root = harness::repo_root();
    let dist = root.join("dist");
    harness::dist::ensure_built(&dist)?;
    // The stacks below serve this very build, not one of their own.
    // SAFETY: no other thread runs yet (the runtime starts below).
    unsafe { std::env::set_var("PORTIER_DIST", &dist) };
    println!("\nBundle ({})", dist.display());
    sizes(&dist)?;
    crate::weigh::print(&root)?;
    harness::tools::ensure_browser()?;
    let peer = peer_dist(&root)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        // Both served brotli, by the same server code, each on its own port.
        let opts = harness::stack::StackOptions { own_dist: true, brotli: true, ..Default::default() };
        let stack = harness::stack::Stack::start(opts).await.context("starting the stack")?;
        let peer_copy = std::env::temp_dir().join(format!("portier-peer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&peer_copy);
        copy_tree(&peer, &peer_copy)?;
        harness::app_server::precompress(&peer_copy)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let peer_server = harness::app_server::serve_static(listener, peer_copy.clone());
        let peer_url = format!("http://localhost:{}", peer_server.port());
        println!("\nSide by side: Portier {} and the peer {peer_url}, brotli", stack.app_url);
        for profile in [crate::side::Profile::Unthrottled, crate::side::Profile::Mobile] {
            crate::side::first_page(&stack.app_url, &peer_url, profile).await?;
        }
        crate::side::timeline(&stack.app_url, crate::side::Profile::Mobile).await?;
        if first {
            drop(peer_server);
            let _ = std::fs::remove_dir_all(&peer_copy);
            return Ok(());
        }
        let (bytes, files) = crate::journeys::partner_journey(&stack.app_url).await?;
        println!("\nA partner's first journey (welcome, sign in, catalog, a package's request form), from Portier's site");
        println!("  {:.1} KB in {files} files (both documents: the sign-in leaves the page and comes back)", bytes / 1000.0);
        crate::journeys::print_navigation(&stack.app_url, "sara@contoso.com").await?;
        drop(peer_server);
        drop(stack);
        let _ = std::fs::remove_dir_all(&peer_copy);
        let opts = harness::stack::StackOptions { scenario_file: Some("catalog-10k.toml"), ..Default::default() };
        let big = harness::stack::Stack::start(opts).await.context("starting the 10,000-package tenant")?;
        let mut searches = vec![];
        for _ in 0..3 {
            searches.push(catalog_search(&big).await?);
        }
        searches.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (median, longest) = searches[1];
        println!("\nCatalog of 10,000 packages: search 'Package 9999' (Graph filters; the app waits 250 ms for typing to pause)");
        println!("  last keystroke to results: median {median:.0} ms of 3   longest blocking task meanwhile: {longest:.0} ms");
        Ok(())
    })
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)?.flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
