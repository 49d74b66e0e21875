//! The module split by route, as a person meets it: a chunk whose download is cut shows the one
//! error view and "Try again" brings the page; a chunk gone from the server (a newer version
//! deployed meanwhile) says so and offers a reload; the frame index.html paints before the module
//! is replaced by the app without anything moving; Portier as an element on an intranet page
//! loads its chunks from Portier's site and sends a request; the sign-in's own chunk cut at the
//! click is said, and the next click signs in; a signed-in visit loads its pages' chunks before
//! the sign-in's; the signed-in chunk (the code that sends, and the tokens) cut is said like any
//! other, and "Try again" brings the page.

use anyhow::{Context, Result, ensure};
use harness::stack::StackOptions;
use portier_e2e::embed::*;
use portier_e2e::*;
use serde_json::Value;

/// The chunk of the start page and the partner's pages, by its name's prefix.
const PARTNER_CHUNK: &str = "split_partner-";
/// The sign-in's chunk (the authorize request, the exchanges), by its name's prefix.
const SIGN_IN_CHUNK: &str = "split_auth-";
/// The signed-in chunk (the code that sends, the tokens, the account's reads), by its prefix.
const SIGNED_IN_CHUNK: &str = "split_signed_in-";

#[tokio::test(flavor = "multi_thread")]
async fn chunks_the_signed_in_part_cut_is_said_and_try_again_brings_the_page() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, "/packages", "pat@fabrikam.com").await?;
    wait_for(c, "[data-testid=package-card]").await?;
    // Signed in, the chunk came from the HTTP cache on a reload: empty the cache, then cut it.
    c.issue_cmd(Cdp(serde_json::json!({ "cmd": "Network.clearBrowserCache", "params": {} }))).await?;
    w.stack.app.cut_downloads(Some(SIGNED_IN_CHUNK));
    c.refresh().await?;
    cut_is_said_and_try_again_brings(&w, "[data-testid=package-card]").await?;
    w.end().await;
    Ok(())
}

/// With a chunk cut, the error view says so and nothing of the page shows (`page`: one of its
/// elements); with the download back, "Try again" brings the page and the error leaves.
async fn cut_is_said_and_try_again_brings(w: &World, page: &str) -> Result<()> {
    let c = w.client();
    wait_for_text(c, ".error-view", "could not be loaded").await?;
    ensure!(c.find(fantoccini::Locator::Css(page)).await.is_err(), "the page showed while cut");
    w.stack.app.cut_downloads(None);
    click(c, ".error-view .actions button").await?;
    wait_for(c, page).await?;
    ensure!(c.find(fantoccini::Locator::Css(".error-view")).await.is_err(), "the error stayed after the page came");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn chunks_a_cut_download_shows_the_error_view_and_try_again_brings_the_page() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    // Cut from the start: the idle preload after sign-in fails too, and is not remembered.
    w.stack.app.cut_downloads(Some(PARTNER_CHUNK));
    // Back from signing in, the start page's chunk cannot be had.
    sign_in_at(&w, "/", "pat@fabrikam.com").await?;
    cut_is_said_and_try_again_brings(&w, "[data-testid=who-am-i]").await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn chunks_the_sign_in_part_cut_at_the_click_is_said_and_the_next_click_signs_in() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    // Cut from the start: the welcome page's idle preload fails too, and is not remembered.
    w.stack.app.cut_downloads(Some(SIGN_IN_CHUNK));
    w.open("/").await?;
    click(c, "[data-testid=sign-in]").await?;
    wait_for_text(c, ".error-view", "could not be loaded").await?;
    let here = c.current_url().await?;
    ensure!(here.as_str().starts_with(&w.stack.app_url), "the page was left for {here}");
    w.stack.app.cut_downloads(None);
    click(c, "[data-testid=sign-in]").await?;
    sign_in_at_tenant(c, "pat@fabrikam.com").await?;
    wait_for(c, "[data-testid=who-am-i]").await?;
    ensure!(c.find(fantoccini::Locator::Css(".error-view")).await.is_err(), "the error stayed after signing in");
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn chunks_a_signed_in_visit_loads_its_pages_before_the_sign_in_part() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, "/", "pat@fabrikam.com").await?;
    wait_for(c, "[data-testid=who-am-i]").await?;
    // A new visit, signed in (the session is kept for the tab).
    c.refresh().await?;
    wait_for(c, "[data-testid=who-am-i]").await?;
    // Each chunk's file: when it was asked for, and when it had come.
    let script = "return performance.getEntriesByType('resource').filter(e => e.name.includes('/split_'))
        .map(e => [e.name.split('/').pop().split('-')[0], e.startTime, e.responseEnd]);";
    let mut fetched = Value::Null;
    for _ in 0..100 {
        fetched = run(c, script).await?;
        if fetched.as_array().is_some_and(|a| a.iter().any(|f| f[0] == "split_auth")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let files = fetched.as_array().context("no resource timing")?;
    let at = |name: &str, i: usize| files.iter().find(|f| f[0] == name).and_then(|f| f[i].as_f64());
    let auth_asked = at("split_auth", 1).context("the sign-in's chunk was never preloaded")?;
    for page in ["split_partner", "split_sponsor"] {
        let came = at(page, 2).with_context(|| format!("{page} was not loaded: {fetched}"))?;
        ensure!(
            auth_asked >= came,
            "the sign-in's chunk was asked for at {auth_asked} ms, before {page} came ({came} ms)"
        );
    }
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn chunks_a_chunk_gone_after_a_deployment_says_so_and_offers_a_reload() -> Result<()> {
    let w = World::start(StackOptions { own_dist: true, ..Default::default() }).await?;
    let c = w.client();
    // The welcome page preloads the start page's chunk: held back until it is gone.
    w.stack.app.cut_downloads(Some(PARTNER_CHUNK));
    w.open("/").await?;
    wait_for(c, "[data-testid=sign-in-popup]").await?;
    // A new version replaced this one on the server: its partner chunk is no more.
    let mut removed = 0;
    for entry in std::fs::read_dir(&w.stack.dist)?.flatten() {
        if entry.file_name().to_string_lossy().starts_with(PARTNER_CHUNK) {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    ensure!(removed == 1, "the build has {removed} partner chunks");
    w.stack.app.cut_downloads(None);
    // Signed in by popup: the page the person opened is still the one running.
    let main = c.window().await?;
    click(c, "[data-testid=sign-in-popup]").await?;
    let popup = popup_beside(c, &main).await?;
    c.switch_to_window(popup).await?;
    sign_in_in_popup(c, "pat@fabrikam.com").await?;
    back_to(c, main).await?;
    wait_for_text(c, ".error-view", "has been updated").await?;
    let buttons = c.find_all(fantoccini::Locator::Css(".error-view .actions button")).await?;
    let mut labels = vec![];
    for b in buttons {
        labels.push(b.text().await?);
    }
    ensure!(labels == ["Reload"], "the error offers {labels:?}, not just a reload");
    w.end().await;
    Ok(())
}

/// The header's and the main area's boxes (x, y, width, height), of the frame or of the app.
async fn layout(c: &fantoccini::Client, root: &str) -> Result<Value> {
    let script = format!(
        "const box = s => {{ const r = document.querySelector(s).getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }};
         return {{ header: box('{root} > .site-header'), main: box('{root} > main'), brand: box('{root} .brand') }};"
    );
    Ok(c.execute(&script, vec![]).await?)
}

async fn frame_then_app(width: u32) -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    c.set_window_rect(0, 0, width, 900).await?;
    // The module never arrives: what shows is the page alone.
    w.stack.app.cut_downloads(Some("portier-"));
    w.open("/").await?;
    let frame = wait_for(c, ".static-frame [role=status]").await?;
    ensure!(frame.text().await?.contains("Loading"), "the frame's indicator has no text");
    let before = layout(c, "body > .static-frame").await.context("the frame's layout")?;
    w.stack.app.cut_downloads(None);
    w.open("/").await?;
    wait_for(c, "[data-testid=sign-in]").await?;
    ensure!(c.find(fantoccini::Locator::Css(".static-frame")).await.is_err(), "the frame stayed beside the app");
    let after = layout(c, "body > .portier").await.context("the app's layout")?;
    assert_eq!(before["header"], after["header"], "the header moved or changed size at {width} px");
    assert_eq!(before["brand"], after["brand"], "the product name moved at {width} px");
    assert_eq!(before["main"][1], after["main"][1], "the main area moved at {width} px");
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn chunks_the_static_frame_is_replaced_by_the_app_without_a_jump() -> Result<()> {
    frame_then_app(1280).await
}

#[tokio::test(flavor = "multi_thread")]
async fn chunks_the_static_frame_is_replaced_by_the_app_without_a_jump_on_a_phone() -> Result<()> {
    frame_then_app(375).await
}

#[tokio::test(flavor = "multi_thread")]
async fn chunks_the_element_loads_its_chunks_across_origins_and_sends_a_request() -> Result<()> {
    const FABRIKAM: &str = "Fabrikam delivery project";
    let attributes = popup_attributes("en", &package_path(FABRIKAM));
    let pages = [("team.html", element_page("Team 7", &attributes))];
    let w = Intranet::start("chunks-element", StackOptions::default(), &pages).await?;
    let c = w.client();
    w.open("/team.html").await?;
    through_popup(c, || shadow_click(c, "[data-testid=sign-in]"), Person::Account("pat@fabrikam.com")).await?;
    shadow_wait_text(c, "[data-testid=package] h1", FABRIKAM).await?;
    // The package page came from the partner chunk, fetched from Portier's site, not the page's.
    let script = format!(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/{PARTNER_CHUNK}'));"
    );
    let fetched = run(c, script).await?;
    let urls: Vec<&str> = fetched.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    ensure!(!urls.is_empty(), "no partner chunk was fetched");
    ensure!(urls.iter().all(|u| u.starts_with(&w.stack.app_url)), "chunks from elsewhere than Portier: {urls:?}");
    ensure!(!w.stack.app_url.starts_with(&w.host_url), "the page and Portier share an origin");
    shadow_request_fabrikam(c, "PRJ-7778").await?;
    let log = w.stack.tenant.tenant.log.since(0);
    let posted = log.iter().filter(|e| e.method == "POST" && e.path.ends_with("/assignmentRequests")).count();
    assert_eq!(posted, 1, "one request sent");
    w.end().await;
    Ok(())
}

/// The build's first module and its chunks, as bytes.
fn built_modules() -> Result<(Vec<u8>, Vec<Vec<u8>>)> {
    let (mut first, mut chunks) = (None, vec![]);
    for entry in std::fs::read_dir(harness::dist::dist()?)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.ends_with(".wasm") {
            let bytes = std::fs::read(&path)?;
            if name.starts_with("portier-") { first = Some(bytes) } else { chunks.push(bytes) }
        }
    }
    Ok((first.context("no first module in the build")?, chunks))
}

/// Whether `module` holds `text` (strings stand as written in a module's data).
fn holds(module: &[u8], text: &str) -> bool {
    module.windows(text.len()).any(|w| w == text.as_bytes())
}

/// What the signed-out first page does not run is in chunks, each marked by text only it holds:
/// the code exchange (`code_verifier`), the id token's checks ("unreadable claims"), the QR code
/// (its SVG's `crispEdges`) and the access token on each request (`Bearer `).
#[test]
fn chunks_the_exchange_the_id_token_checks_the_qr_code_and_the_tokens_are_not_in_the_first_module() -> Result<()> {
    let (first, chunks) = built_modules()?;
    for marker in ["code_verifier", "unreadable claims", "crispEdges", "Bearer "] {
        ensure!(!holds(&first, marker), "the first module holds {marker:?}");
        ensure!(chunks.iter().any(|c| holds(c, marker)), "no chunk holds {marker:?}");
    }
    Ok(())
}

/// The first module holds the welcome page's words in both languages and none of the words of the
/// pages in chunks (those load with their pages), and imports its glue's functions by short names.
#[test]
fn chunks_the_first_module_holds_only_the_first_pages_words_and_short_import_names() -> Result<()> {
    let (first, chunks) = built_modules()?;
    let welcome = [
        "Sign in with your work account to request access and follow your requests.",
        "Logga in med ditt jobbkonto för att begära åtkomst och följa dina förfrågningar.",
    ];
    for text in welcome {
        ensure!(holds(&first, text), "the first module lacks the welcome page's words: {text}");
    }
    let pages = [
        "Someone else decided this first",
        "Någon annan beslutade först",
        "Do you still need access to",
        "Behöver du fortfarande åtkomst till",
        "No packages match.",
        "Inga paket matchar.",
    ];
    for text in pages {
        ensure!(!holds(&first, text), "the first module holds a page's words: {text}");
        ensure!(chunks.iter().filter(|c| holds(c, text)).count() == 1, "no one chunk holds: {text}");
    }
    let imports = harness::imports::names(&first)?;
    let glue: Vec<_> = imports.iter().filter(|(from, _)| from == harness::imports::GLUE).map(|(_, n)| n).collect();
    ensure!(glue.len() > 100, "the first module imports {} functions from its glue", glue.len());
    ensure!(glue.iter().all(|n| n.len() <= 2), "long import names are left: {glue:?}");
    Ok(())
}
