//! Hostile data is text: every field a person writes and Graph hands back, planted through the
//! local tenant with each kind of payload (`portier_e2e::hostile`), is shown literally wherever a
//! person reads it — nothing runs or becomes markup, nothing escapes its box on a 375-pixel phone,
//! links stay safe, right-to-left overrides stay isolated — and exports and redirects stay inert.

use anyhow::{Result, ensure};
use fantoccini::Client;
use harness::stack::StackOptions;
use portier_e2e::hostile::*;
use portier_e2e::*;
use serde_json::json;

async fn hostile_world() -> Result<World> {
    let w = World::start(StackOptions { scenario_extra: scenario(), ..Default::default() }).await?;
    w.client().set_window_size(375, 812).await?;
    Ok(w)
}

/// The payload of `field` of kind number `k`.
fn one(field: &str, k: usize) -> String {
    payloads(field).swap_remove(k)
}

/// Shows every page of the catalog.
async fn whole_catalog(c: &Client) -> Result<()> {
    loop {
        wait_for(c, "[data-testid=catalog][aria-busy=false]").await?;
        let before =
            c.execute("return document.querySelectorAll('[data-testid=package-card]').length;", vec![]).await?;
        if click_all(c, "[data-testid=load-more]").await? == 0 {
            return Ok(());
        }
        let more = format!("document.querySelectorAll('[data-testid=package-card]').length > {before}");
        wait_until(c, &more).await?;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_package_texts_stay_text_in_the_catalog_selection_package_pages_and_forms() -> Result<()> {
    let w = hostile_world().await?;
    let c = w.client();
    sign_in_at(&w, "/packages", PARTNER).await?;
    whole_catalog(c).await?;
    assert_inert(&w, c, "catalog", &fields(&["Package", "Description"])).await?;
    // Every hostile package into the selection, whose bar lists them by name (they are requested
    // together at the end).
    let picked = c
        .execute(
            "let n = 0; document.querySelectorAll('[data-testid=package-card]').forEach(card => {
                if (card.querySelector('h2').textContent.includes('Package')) { card.querySelector('button').click(); n++; } });
             return n;",
            vec![],
        )
        .await?;
    ensure!(picked == json!(KINDS.len()), "picked {picked}");
    wait_for_count(c, "[data-testid=selection] li", KINDS.len()).await?;
    assert_inert(&w, c, "catalog with a selection", &fields(&["Package", "Description"])).await?;
    // Each package's own page, its form with hostile answers, the review, the sending.
    for (k, kind) in KINDS.iter().enumerate() {
        w.open(&package_path(&one("Package", k))).await?;
        wait_for(c, "[data-testid=review]").await?;
        let page: Vec<String> =
            ["Package", "Description", "Policy", "PolicyText", "Question", "Choice", "Resource", "Role"]
                .iter()
                .map(|f| one(f, k))
                .collect();
        assert_inert(&w, c, &format!("package page ({kind})"), &page).await?;
        set_value(c, "[data-question] input[type=text]", &one("Answer", k)).await?;
        click(c, "[data-question] input[type=radio]").await?;
        set_value(c, "#justification", &one("Justification", k)).await?;
        click(c, "[data-testid=review]").await?;
        wait_for(c, "[data-testid=submit]").await?;
        let review: Vec<String> =
            ["Package", "Policy", "Question", "Choice", "Answer", "Justification"].iter().map(|f| one(f, k)).collect();
        assert_inert(&w, c, &format!("review ({kind})"), &review).await?;
        click(c, "[data-testid=submit]").await?;
        wait_for(c, "[data-testid=request-sent]").await?;
    }
    // The selection, requested at once: each package's questions, then each one's outcome by
    // name (refused, as each is open already).
    w.open("/request").await?;
    wait_for_count(c, "[data-testid=selected-package]", KINDS.len()).await?;
    assert_inert(&w, c, "request for the selection", &fields(&["Package", "Question", "Choice"])).await?;
    c.execute(
        "document.querySelectorAll('[data-question] input[type=text]').forEach(e => {
            e.value = 'an answer'; e.dispatchEvent(new Event('input', { bubbles: true })); });",
        vec![],
    )
    .await?;
    click_all(c, "[data-question] input[type=radio]").await?;
    set_value(c, "#justification", &one("Justification", 0)).await?;
    click(c, "[data-testid=submit]").await?;
    wait_for_count(c, "[data-testid=outcome][data-sent=false]", KINDS.len()).await?;
    assert_inert(&w, c, "outcomes of the selection", &fields(&["Package"])).await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_answers_justifications_reasons_and_names_stay_text_for_approver_and_partner() -> Result<()> {
    let w = hostile_world().await?;
    for k in 0..KINDS.len() {
        request_through_graph(&w, PARTNER, &one("Package", k), &one("Answer", k), &one("Justification", k)).await?;
    }
    // The approver reads everything the partner gave, and approves each with a hostile reason.
    let approver = second_person_at(&w, "/approvals", APPROVER).await?;
    let a = &approver.client;
    a.set_window_size(375, 812).await?;
    wait_for_count(a, "[data-testid=decision]", KINDS.len()).await?;
    let mut inbox = fields(&["Package", "Policy", "Question", "Answer", "Justification", "Resource", "Role"]);
    inbox.extend(payloads("Partner"));
    inbox.extend(payloads("Organisation"));
    assert_inert(&w, a, "approvals inbox", &inbox).await?;
    for left in (0..KINDS.len()).rev() {
        let name =
            a.execute("return document.querySelector('[data-testid=decision]').dataset.package;", vec![]).await?;
        let k = payloads("Package").iter().position(|p| name == json!(p)).expect("a hostile package");
        set_value(a, "[data-testid=decision] textarea", &one("Reason", k)).await?;
        click(a, "[data-testid=decision] [data-testid=approve]").await?;
        wait_for_count(a, "[data-testid=decision-outcome][data-result=approved]", KINDS.len() - left).await?;
        wait_for_count(a, "[data-testid=decision]", left).await?;
    }
    click(a, "[data-testid=history] summary").await?;
    assert_inert(&w, a, "decision history", &fields(&["Package", "Reason"])).await?;
    let decisions = downloaded_text(a, "[data-testid=history-csv]").await?;
    approver.close().await;

    // The partner follows the requests: the approver's reasons and name in every timeline.
    let c = w.client();
    sign_in_at(&w, "/requests", PARTNER).await?;
    wait_for_count(c, "[data-testid=request]", KINDS.len()).await?;
    click_all(c, "[data-testid=request] [data-testid=details]").await?;
    wait_for_count(c, "[data-testid=stage-1] .reason", KINDS.len()).await?;
    let mut requests = fields(&["Package", "Reason"]);
    requests.extend(payloads("Approver"));
    requests.extend(payloads("Partner"));
    assert_inert(&w, c, "my requests", &requests).await?;
    let exported = downloaded_text(c, "[data-testid=export-csv]").await?;
    for (file, csv, columns) in [
        ("my-requests.csv", &exported, ["Package", "Justification"]),
        ("my-decisions.csv", &decisions, ["Package", "Reason"]),
    ] {
        let cells = csv_cells(csv);
        let live: Vec<&String> = cells.iter().filter(|c| c.starts_with(['=', '+', '-', '@', '\t', '\r'])).collect();
        ensure!(live.is_empty(), "{file}: cells a spreadsheet would run: {live:?}");
        for field in columns {
            for p in payloads(field) {
                let inert = if p.starts_with('=') { format!("'{p}") } else { p.clone() };
                ensure!(cells.contains(&inert), "{file}: no cell {}", &inert[..inert.len().min(60)]);
            }
        }
    }
    w.open("/access").await?;
    wait_for_count(c, "[data-testid=assignment]", KINDS.len()).await?;
    assert_inert(&w, c, "my access", &fields(&["Package", "Resource", "Role"])).await?;
    w.open("/").await?;
    wait_for(c, "[data-testid=who-am-i]").await?;
    assert_inert(&w, c, "home and header", &fields(&["Partner", "Company"])).await?;
    w.end().await;
    Ok(())
}

/// Picks, on the invitation form, the package to attach whose name is `name`.
async fn attach(c: &Client, name: &str) -> Result<()> {
    let found = c
        .execute(
            "const box = [...document.querySelectorAll('input[data-package]')].find(i => i.dataset.package === arguments[0]);
             if (box) box.click(); return !!box;",
            vec![json!(name)],
        )
        .await?;
    ensure!(found == json!(true), "no package to attach named {name}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_invitee_names_and_own_messages_stay_text_and_redirects_stay_on_allowed_sites() -> Result<()> {
    let w = hostile_world().await?;
    let c = w.client();
    sign_in_at(&w, "/invite", APPROVER).await?;
    wait_for(c, "input[data-package]").await?;
    assert_inert(&w, c, "invitation form", &fields(&["Package"])).await?;
    // Where a partner goes after accepting: never another site, whatever is typed.
    for hostile in ["https://evil.example/", "//evil.example/", "javascript:window.__pwned=1", "data:text/html,hi"] {
        type_into(c, "#invite-email", "someone@fabrikam.com").await?;
        set_value(c, "#invite-redirect", hostile).await?;
        click(c, "[data-testid=invite]").await?;
        wait_for_text(c, "[data-testid=redirect-refused]", "only be sent to this portal").await?;
        ensure!(c.find(fantoccini::Locator::Css("[data-testid=invitation]")).await.is_err(), "{hostile} was sent");
    }
    for (k, kind) in KINDS.iter().enumerate() {
        w.open("/invite").await?;
        type_into(c, "#invite-email", &format!("guest{k}@fabrikam.com")).await?;
        set_value(c, "#invite-name", &one("Invitee", k)).await?;
        attach(c, &one("Package", k)).await?;
        click(c, "[data-testid=invite]").await?;
        wait_for(c, "[data-testid=redeem-url]").await?;
        set_value(
            c,
            "[data-testid=invitation] textarea",
            &format!("{} {{name}} {{packages}} {{sponsor}}", one("Message", k)),
        )
        .await?;
        let mut shown = vec![one("Message", k), one("Invitee", k), one("Package", k)];
        shown.extend(payloads("Approver"));
        assert_inert(&w, c, &format!("invitation ({kind})"), &shown).await?;
    }
    // The people invited, by the names Graph keeps for them.
    w.open("/invite").await?;
    wait_for_count(c, "[data-testid=invited-person]", KINDS.len()).await?;
    assert_inert(&w, c, "people invited", &fields(&["Invitee"])).await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_custom_data_in_a_redeem_url_and_return_urls_never_run_or_leave_the_site() -> Result<()> {
    let w = hostile_world().await?;
    let c = w.client();
    // A path that reads as another host once it is a URL: after sign-in, the app stays home.
    w.open("//evil.example/x").await?;
    click(c, ".site-header button.primary").await?;
    sign_in_at_tenant(c, PARTNER).await?;
    wait_for(c, "[data-testid=who-am-i]").await?;
    let here = c.current_url().await?;
    ensure!(here.as_str() == format!("{}/", w.stack.app_url), "signed in and sent to {here}");
    // The packages an invitation's link names are data from a URL anyone can write.
    let listed: Vec<String> = payloads("Custom").iter().map(|p| urlencode(p)).collect();
    w.open(&format!("/request?packages={}", listed.join(","))).await?;
    wait_for(c, "main h1").await?;
    wait_until(c, "!document.querySelector('main .loading')").await?;
    assert_inert(&w, c, "request for packages from a URL", &[]).await?;
    for p in payloads("Custom") {
        w.open(&format!("/packages/{}", urlencode(&p))).await?;
        wait_for(c, "main .error-view, main h1").await?;
        assert_inert(&w, c, "package from a URL", &[]).await?;
    }
    w.end().await;
    Ok(())
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_review_names_organisations_and_reasons_stay_text_for_the_reviewer() -> Result<()> {
    let opts = StackOptions { scenario_extra: scenario() + &review_scenario(), ..Default::default() };
    let w = World::start(opts).await?;
    let c = w.client();
    c.set_window_size(375, 812).await?;
    sign_in_at(&w, "/reviews", APPROVER).await?;
    wait_for_count(c, "[data-testid=review-item]", KINDS.len()).await?;
    // Each review is named for its package and policy, and covers the partner (name, company).
    let mut shown = fields(&["Reviewed", "ReviewPolicy"]);
    shown.extend(payloads("Partner"));
    shown.extend(payloads("Company"));
    assert_inert(&w, c, "reviews", &shown).await?;
    let items = c
        .execute(
            "return [...document.querySelectorAll('[data-testid=review-item]')].map(e => e.dataset.decision);",
            vec![],
        )
        .await?;
    let items: Vec<String> = serde_json::from_value(items)?;
    for (k, item) in items.iter().enumerate() {
        let item = format!("[data-testid=review-item][data-decision='{item}']");
        set_value(c, &format!("{item} [data-testid=review-reason]"), &one("ReviewReason", k)).await?;
        click(c, &format!("{item} [data-testid=review-deny]")).await?;
        wait_for_count(c, "[data-testid=review-outcome][data-result=denied]", k + 1).await?;
    }
    click(c, "[data-testid=review-history] summary").await?;
    assert_inert(&w, c, "what I decided", &fields(&["Reviewed", "ReviewReason"])).await?;
    let cells = csv_cells(&downloaded_text(c, "[data-testid=review-history-csv]").await?);
    let live: Vec<&String> = cells.iter().filter(|c| c.starts_with(['=', '+', '-', '@', '\t', '\r'])).collect();
    ensure!(live.is_empty(), "my-reviews CSV: cells a spreadsheet would run: {live:?}");
    for p in fields(&["Reviewed", "ReviewReason"]) {
        let inert = if p.starts_with('=') { format!("'{p}") } else { p.clone() };
        ensure!(cells.contains(&inert), "my-reviews CSV: no cell {}", &inert[..inert.len().min(60)]);
    }
    w.end().await;
    Ok(())
}
