//! Portier as an element of an intranet's page, on another site than Portier's own: a popup
//! sign-in and a request sent without the page's address changing, a redirect sign-in back to the
//! page, isolation from a hostile stylesheet, nothing left running once removed, theme and
//! language through attributes; signed in by the page itself (MSAL.js, and a page whose sign-in
//! refuses). The element starts with the configuration its script read (no loading view before
//! its first page) and explains one that cannot be downloaded. Portier in a frame:
//! `embed_frame.rs`. The demo's intranet pages are checked with the accessibility suite.

use anyhow::{Result, ensure};
use harness::stack::StackOptions;
use portier_e2e::embed::*;
use portier_e2e::*;
use serde_json::{Value, json};
use std::time::Duration;

const FABRIKAM: &str = "Fabrikam delivery project";

/// The host page's path and query, which Portier never changes.
const TEAM_PAGE: &str = "/team.html?team=7";

/// Watches every shadow root from the document's first moment: did the app in it ever show a
/// loading view before its first page?
const WATCH_SHADOW_ROOTS: &str = r#"
    window.__appLoadingSeen = false;
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
        const root = attach.call(this, init);
        new MutationObserver(() => {
            if (root.querySelector(".portier .loading")) window.__appLoadingSeen = true;
        }).observe(root, { childList: true, subtree: true });
        return root;
    };"#;

#[tokio::test(flavor = "multi_thread")]
async fn embed_element_shows_its_first_page_with_no_loading_view_in_between() -> Result<()> {
    let pages = [("team.html", element_page("Team 7", &popup_attributes("en", "/")))];
    let w = Intranet::start("element-first-page", StackOptions::default(), &pages).await?;
    let c = w.client();
    on_every_new_document(c, WATCH_SHADOW_ROOTS).await?;
    w.open(TEAM_PAGE).await?;
    shadow_wait_text(c, "h1", "Welcome").await?;
    assert_eq!(run(c, "return window.__appLoadingSeen;").await?, json!(false), "a loading view came first");
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_element_whose_configuration_cannot_be_downloaded_explains_it() -> Result<()> {
    let pages = [("team.html", element_page("Team 7", &popup_attributes("en", "/")))];
    let w = Intranet::start("element-no-config", StackOptions::default(), &pages).await?;
    let c = w.client();
    // Both the element script's read and the app's own fail: the app says which file.
    w.stack.app.cut_downloads(Some("config.json"));
    w.open(TEAM_PAGE).await?;
    shadow_wait_text(c, ".config-error", "cannot load").await?;
    shadow_wait_text(c, ".config-error", "/config.json").await?;
    w.end().await;
    Ok(())
}

async fn element_journey(lang: &str) -> Result<()> {
    let attributes = popup_attributes(lang, &package_path(FABRIKAM));
    let pages = [("team.html", element_page("Team 7", &attributes))];
    let w = Intranet::start(&format!("element-{lang}"), StackOptions::default(), &pages).await?;
    let c = w.client();
    w.open(TEAM_PAGE).await?;
    through_popup(c, || shadow_click(c, "[data-testid=sign-in]"), Person::Account("pat@fabrikam.com")).await?;
    shadow_wait_text(c, "[data-testid=package] h1", FABRIKAM).await?;
    assert_eq!(shadow_wait(c, ".portier").await?.attr("lang").await?.as_deref(), Some(lang));
    if lang == "sv" {
        shadow_wait_text(c, "#request-title", "Din förfrågan").await?;
    }
    shadow_request_fabrikam(c, "PRJ-7777").await?;
    assert_eq!(address(c).await?.0, TEAM_PAGE, "the host page's address is the host's");

    // The route lives in the fragment: Portier's own link, back, forward and a reload.
    shadow_click(c, "a[href='#/requests']").await?;
    let sent = format!("[data-testid=request][data-package='{FABRIKAM}'][data-state=pendingApproval]");
    shadow_wait(c, &sent).await?;
    assert_eq!(address(c).await?, (TEAM_PAGE.to_string(), "#/requests".to_string()));
    c.back().await?;
    shadow_wait_text(c, "[data-testid=package] h1", FABRIKAM).await?;
    c.forward().await?;
    shadow_wait(c, &sent).await?;
    assert_eq!(run(c, "return hostRecord.errors;").await?, json!([]));
    c.refresh().await?;
    shadow_wait(c, &sent).await?;
    assert_eq!(address(c).await?, (TEAM_PAGE.to_string(), "#/requests".to_string()));

    let log = w.stack.tenant.tenant.log.since(0);
    let posted = log.iter().filter(|e| e.method == "POST" && e.path.ends_with("/assignmentRequests")).count();
    assert_eq!(posted, 1, "one request sent");
    assert_eq!(run(c, "return hostRecord.errors;").await?, json!([]));
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_element_partner_signs_in_by_popup_and_submits_a_request() -> Result<()> {
    element_journey("en").await
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_element_partner_signs_in_by_popup_and_submits_a_request_in_swedish() -> Result<()> {
    element_journey("sv").await
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_element_signs_in_by_redirect_and_comes_back_to_the_page() -> Result<()> {
    // The intranet's `/` is a registered return address (this page stands in for the demo's).
    let attributes = "route=\"/requests\" sign-in=\"redirect\" redirect-uri=\"{{HOST}}/\"";
    let pages = [("index.html", element_page("Team 7", attributes))];
    let w = Intranet::start("redirect", StackOptions::default(), &pages).await?;
    let c = w.client();
    w.open("/?team=7").await?;
    shadow_click(c, "[data-testid=sign-in]").await?;
    sign_in_at_tenant(c, "pat@fabrikam.com").await?;
    shadow_wait(c, "[data-testid=request]").await?;
    let (page, hash) = address(c).await?;
    assert_eq!(page, "/?team=7", "back on the page with its own query, and nothing of the sign-in's");
    assert_eq!(hash, "#/requests", "at the route it started from");
    assert_eq!(c.windows().await?.len(), 1);
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_element_is_isolated_from_a_hostile_stylesheet() -> Result<()> {
    let head =
        "<link rel=\"stylesheet\" href=\"/hostile.css\"><script src=\"{{APP}}/portier-embed.js\" defer></script>";
    let body = "<div><p id=\"host-text\">The intranet's own text.</p><button id=\"host-button\" type=\"button\">The \
                intranet's button</button><div id=\"place\"></div></div>";
    let w =
        Intranet::start("hostile", StackOptions::default(), &[("hostile.html", page("Hostile", head, body))]).await?;
    let c = w.client();
    // Portier's welcome page on its own site, as the reference.
    c.goto(&format!("{}/packages", w.stack.app_url)).await?;
    let portier = ["h1", "[data-testid=sign-in]", "h1 + p"];
    wait_for(c, "[data-testid=sign-in]").await?;
    let standalone = styles(c, "page", &portier).await?;

    w.open("/hostile.html").await?;
    wait_for(c, "#host-button").await?;
    let host = ["#host-text", "#host-button", "body", "html"];
    let host_before = styles(c, "page", &host).await?;
    let sheets = "return [document.styleSheets.length, (document.adoptedStyleSheets || []).length];";
    let sheets_before = run(c, sheets).await?;
    run(
        c,
        "const app = document.createElement('portier-app'); app.setAttribute('route', '/packages');
         document.getElementById('place').appendChild(app); return null;",
    )
    .await?;
    shadow_wait(c, "[data-testid=sign-in]").await?;
    let embedded = styles(c, "shadow", &portier).await?;
    assert_eq!(embedded, standalone, "Portier looks as on its own site, whatever the page's stylesheet says");
    assert_eq!(styles(c, "page", &host).await?, host_before, "the page's elements look as without Portier");
    assert_eq!(run(c, sheets).await?, sheets_before, "Portier adds no stylesheet to the page");
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_element_removed_leaves_no_traffic() -> Result<()> {
    let pages = [("team.html", element_page("Team 7", &popup_attributes("en", "/requests")))];
    let w = Intranet::start("removed", StackOptions::default(), &pages).await?;
    let c = w.client();
    w.open(TEAM_PAGE).await?;
    through_popup(c, || shadow_click(c, "[data-testid=sign-in]"), Person::Account("pat@fabrikam.com")).await?;
    shadow_wait(c, "[data-testid=request]").await?;
    // While it lives, a new route in the fragment is a call to Graph: what the removed app must
    // no longer answer.
    let seq = w.stack.tenant.tenant.log.since(0).last().map_or(0, |e| e.seq);
    run(c, "location.hash = '#/access'; return null;").await?;
    shadow_wait_text(c, "h1", "My access").await?;
    ensure!(!w.stack.tenant.tenant.log.since(seq).is_empty(), "a live Portier called Graph for the new route");
    console(c).await?;

    run(c, "document.querySelector('portier-app').remove(); return null;").await?;
    // What was under way when it was removed has a moment to end.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = resources(c).await?;
    let seq = w.stack.tenant.tenant.log.since(0).last().map_or(0, |e| e.seq);
    // Everything a live app would answer: a new route, the network back, focus, a resize, a message.
    run(
        c,
        "location.hash = '#/requests';
         for (const type of ['online', 'focus', 'resize', 'popstate', 'storage']) window.dispatchEvent(new Event(type));
         document.dispatchEvent(new Event('visibilitychange'));
         window.postMessage({ type: 'portier-auth', url: location.href }, location.origin);
         return null;",
    )
    .await?;
    tokio::time::sleep(Duration::from_secs(12)).await;
    assert_eq!(resources(c).await?, before, "no request after removal");
    let graph: Vec<String> = w.stack.tenant.tenant.log.since(seq).iter().map(|e| e.path.clone()).collect();
    assert!(graph.is_empty(), "Graph was called after removal: {graph:?}");
    let errors: Vec<(String, String)> = console(c).await?.into_iter().filter(|(level, _)| level == "SEVERE").collect();
    assert!(errors.is_empty(), "console errors after removal: {errors:?}");
    assert_eq!(run(c, "return hostRecord.errors;").await?, json!([]));

    // Nothing left half torn down: a new element starts again, still signed in.
    run(
        c,
        "const app = document.createElement('portier-app'); app.setAttribute('route', '/requests');
         document.querySelector('main').appendChild(app); return null;",
    )
    .await?;
    shadow_wait(c, "[data-testid=request]").await?;
    w.end().await;
    Ok(())
}

async fn host_sign_in(lang: &str) -> Result<()> {
    let tls = std::env::temp_dir().join(format!("portier-embed-tls-{lang}-{}", std::process::id()));
    let opts = StackOptions { tls_dir: Some(tls.clone()), ..Default::default() };
    let w = Intranet::start(&format!("host-{lang}"), opts, &[]).await?;
    let c = w.client();
    w.open(&format!("/host-sign-in.html?lang={lang}")).await?;
    wait_for(c, "#sign-in:not([hidden])").await?;
    through_popup(c, || click(c, "#sign-in"), Person::Account("sara@contoso.com")).await?;
    wait_for_text(c, "#session", "Sara Lindqvist").await?;
    let title = if lang == "sv" { "Väntar på ditt beslut" } else { "Waiting for your decision" };
    shadow_wait_text(c, "h1", title).await?;
    shadow_wait_text(c, "[data-testid=decision]", "Lena Fisk").await?;
    shadow_wait_text(c, ".site-header .account-name", "Sara Lindqvist").await?;
    for css in ["[data-testid=sign-in]", "[data-testid=sign-in-popup]", "#username", "iframe"] {
        let shown =
            run(c, format!("return !!document.querySelector('portier-app').shadowRoot.querySelector('{css}');"))
                .await?;
        assert_eq!(shown, json!(false), "Portier shows no sign-in of its own: {css}");
    }
    assert_eq!(c.windows().await?.len(), 1, "no window of Portier's own");
    w.end().await;
    let _ = std::fs::remove_dir_all(tls);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_host_sign_in_shows_approvals_without_a_sign_in_page() -> Result<()> {
    host_sign_in("en").await
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_host_sign_in_shows_approvals_without_a_sign_in_page_in_swedish() -> Result<()> {
    host_sign_in("sv").await
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_host_provider_refusal_shows_the_documented_state() -> Result<()> {
    let head = "<script src=\"{{APP}}/portier-embed.js\" defer></script><script src=\"/provider.js\"></script>";
    let pages = [("signed-in.html", page("Signed in by the page", head, "<div id=\"place\"></div>"))];
    let w = Intranet::start("refusal", StackOptions::default(), &pages).await?;
    let c = w.client();
    let scopes = harness::stack::demo_scopes();
    let set = |what: &str, value: Value| run(c, format!("hostSignIn.{what} = {value}; return null;"));
    w.open("/signed-in.html").await?;
    set("token", json!(w.stack.token_for("sara@contoso.com", &scopes)?)).await?;
    run(c, "mountPortier({ route: '/approvals' }); return null;").await?;
    shadow_wait_text(c, "[data-testid=decision]", "Lena Fisk").await?;
    shadow_wait_text(c, ".site-header .account-name", "Sara Lindqvist").await?;

    // Graph says the token expired: Portier insists on a fresh one, and goes on.
    w.stack.advance_clock(3700);
    set("fresh", json!(w.stack.token_for("sara@contoso.com", &scopes)?)).await?;
    run(c, "location.hash = '#/requests'; return null;").await?;
    shadow_wait_text(c, "h1", "My requests").await?;
    let calls = run(c, "return hostSignIn.calls;").await?;
    let forced = calls.as_array().into_iter().flatten().any(|call| call["options"]["forceRefresh"] == true);
    assert!(forced, "asked again with forceRefresh once Graph refused the token: {calls}");
    ensure!(!shadow_html(c).await.contains("error-view"), "no error while a token came");

    // Then the page can no longer give one.
    let refusal = "Your intranet session has ended.";
    set("refusal", json!(refusal)).await?;
    w.stack.advance_clock(3700);
    run(c, "location.hash = '#/access'; return null;").await?;
    shadow_wait(c, ".error-view").await?;
    // The page's own words are shown at once: they speak of the page's sign-in, which the
    // person knows.
    shadow_wait_text(c, ".error-view .page-words", refusal).await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_theme_dark_and_custom_through_attributes() -> Result<()> {
    let pages = [("theme.html", element_page("Theme", "theme=\"light\" lang=\"en\" route=\"/packages\""))];
    let w = Intranet::start("theme", StackOptions::default(), &pages).await?;
    let c = w.client();
    w.open("/theme.html").await?;
    shadow_wait_text(c, "h1", "Welcome").await?;
    shadow_wait(c, ".portier[data-theme=light]").await?;
    let light = look(c).await?;
    let set = |js: &str| run(c, format!("const app = document.querySelector('portier-app'); {js}; return null;"));

    set("app.setAttribute('theme', 'dark')").await?;
    shadow_wait(c, ".portier[data-theme=dark]").await?;
    let dark = look(c).await?;
    assert_ne!(dark["bg"], light["bg"], "a dark background: {dark} / {light}");
    assert_ne!(dark["text"], light["text"], "light text: {dark} / {light}");

    set("app.setAttribute('theme', 'light'); app.style.setProperty('--portier-accent', 'rgb(10, 120, 60)')").await?;
    set("app.style.setProperty('--portier-bg', 'rgb(250, 240, 200)')").await?;
    shadow_wait(c, ".portier[data-theme=light]").await?;
    let custom = look(c).await?;
    assert_eq!(custom["accent"], "rgb(10, 120, 60)", "the host's accent: {custom}");
    assert_eq!(custom["bg"], "rgb(250, 240, 200)", "the host's background: {custom}");

    // Type, corners and logo too.
    let logo = "url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='8' height='8'/%3E\")";
    set(&format!(
        "app.style.setProperty('--portier-font', 'Georgia, serif'); app.style.setProperty('--portier-radius', '9px'); \
         app.style.setProperty('--portier-logo', {})",
        json!(logo)
    ))
    .await?;
    let shape = run(
        c,
        "const r = document.querySelector('portier-app').shadowRoot;
         return [getComputedStyle(r.querySelector('h1')).fontFamily,
                 getComputedStyle(r.querySelector('[data-testid=sign-in]')).borderTopLeftRadius,
                 getComputedStyle(r.querySelector('.brand'), '::before').content];",
    )
    .await?;
    assert_eq!(shape[0], "Georgia, serif", "the host's font: {shape}");
    assert_eq!(shape[1], "9px", "the host's corners: {shape}");
    assert!(shape[2].as_str().unwrap_or_default().starts_with("url("), "the host's logo: {shape}");

    set("app.setAttribute('lang', 'sv')").await?;
    shadow_wait_text(c, "h1", "Välkommen").await?;
    shadow_wait_text(c, "[data-testid=sign-in]", "Logga in").await?;
    assert_eq!(shadow_wait(c, ".portier").await?.attr("lang").await?.as_deref(), Some("sv"));
    set("app.setAttribute('lang', 'en')").await?;
    shadow_wait_text(c, "h1", "Welcome").await?;
    w.end().await;
    Ok(())
}
