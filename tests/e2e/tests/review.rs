//! The access review journeys: a sponsor reviews their partners (deny, and the access is gone
//! once the review ends; recommendations accepted for several at once; a required reason asked
//! at the field), a partner says whether they still need access, and nobody decides what is not
//! theirs to review.

use anyhow::{Result, ensure};
use fantoccini::Locator;
use harness::stack::StackOptions;
use portier_e2e::reviews::*;
use portier_e2e::*;
use serde_json::json;

/// A world with Noor and Ivo to review, in `lang`.
async fn world(lang: &str) -> Result<World> {
    World::start(StackOptions {
        scenario_extra: scenario(),
        config: json!({ "defaultLanguage": lang }),
        ..Default::default()
    })
    .await
}

/// The page speaks `lang`, and its heading is the reviews page's in that language.
async fn speaks(w: &World, lang: &str) -> Result<()> {
    let title = if lang == "sv" { "Åtkomstgranskningar" } else { "Access reviews" };
    wait_for_text(w.client(), "#main h1", title).await?;
    let html_lang = w.client().execute("return document.documentElement.lang", vec![]).await?;
    ensure!(html_lang == json!(lang), "the page speaks {html_lang}, not {lang}");
    Ok(())
}

/// Sara signs in, finds the reviews in the navigation (they wait for her), and opens them.
async fn sara_opens_reviews(w: &World, lang: &str) -> Result<()> {
    sign_in_at(w, "/", SARA).await?;
    click(w.client(), "header nav a[href$='/reviews']").await?;
    speaks(w, lang).await
}

async fn sponsor_denies_and_the_access_is_gone_after_the_end(lang: &str) -> Result<()> {
    let w = world(lang).await?;
    let c = w.client();
    sara_opens_reviews(&w, lang).await?;
    wait_for(c, "[data-testid=review] [data-testid=review-due]").await?;
    let noor = item_of(c, "Noor Lind").await?;
    let shown = wait_for(c, &noor).await?.text().await?;
    ensure!(shown.contains("Fabrikam") && shown.contains(FABRIKAM), "who Noor is and what she holds: {shown}");
    let recommendation = wait_for(c, &format!("{noor} [data-testid=review-recommendation]")).await?.text().await?;
    ensure!(!recommendation.trim().is_empty(), "the recommendation and why are shown");
    type_into(c, &format!("{noor} [data-testid=review-reason]"), "Left the project in October.").await?;
    click(c, &format!("{noor} [data-testid=review-deny]")).await?;
    wait_for(c, "[data-testid=review-outcome][data-result=denied]").await?;
    ensure!(decision_on(&w, SARA, "noor_").await? == "Deny", "Graph holds the denial");
    // What she decided is kept in her history.
    let kept = wait_for(c, "[data-testid=review-history-item][data-verdict=Deny]").await?;
    let kept = kept.prop("textContent").await?.unwrap_or_default();
    ensure!(kept.contains("Noor Lind") && kept.contains(FABRIKAM), "the history names whom and what: {kept}");
    // The review ends 20 days after seeding: the denial is applied.
    w.stack.advance_clock(21 * 86_400);
    let noor_browser = second_person_at(&w, "/access", NOOR).await?;
    let n = &noor_browser.client;
    wait_for(n, "#main h1").await?;
    let started = std::time::Instant::now();
    while n.find(Locator::Css("#main .loading")).await.is_ok() {
        ensure!(started.elapsed().as_secs() < 20, "my access never loaded");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let fabrikam = format!("[data-testid=assignment][data-package='{FABRIKAM}']");
    ensure!(n.find(Locator::Css(&fabrikam)).await.is_err(), "Noor still sees {FABRIKAM}: {}", n.source().await?);
    noor_browser.close().await;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn review_sponsor_denies_a_partner_and_after_the_end_the_partner_no_longer_has_it() -> Result<()> {
    sponsor_denies_and_the_access_is_gone_after_the_end("en").await
}

#[tokio::test(flavor = "multi_thread")]
async fn review_sponsor_denies_a_partner_and_after_the_end_the_partner_no_longer_has_it_in_swedish() -> Result<()> {
    sponsor_denies_and_the_access_is_gone_after_the_end("sv").await
}

async fn partner_confirms_they_still_need_access(lang: &str) -> Result<()> {
    let w = world(lang).await?;
    let c = w.client();
    sign_in_at(&w, "/", PAT).await?;
    click(c, "header nav a[href$='/reviews']").await?;
    speaks(&w, lang).await?;
    let portal = harness::devtenant::scenario::derived_id("accessPackage", PORTAL);
    let section = format!("[data-testid=self-review][data-package='{portal}']");
    let question = wait_for(c, &section).await?.text().await?;
    ensure!(question.contains(PORTAL), "the question names the package: {question}");
    type_into(c, &format!("{section} [data-testid=self-review-reason]"), "I read the portal every week.").await?;
    click(c, &format!("{section} [data-testid=self-review-yes]")).await?;
    wait_for(c, &format!("{section} [data-testid=self-review-answer][data-answer=yes]")).await?;
    ensure!(decision_on(&w, PAT, "pat_").await? == "Approve", "Yes is recorded as Approve");
    // The same answer beside the package on the my-access page, where it may be changed.
    click(c, "header nav a[href$='/access']").await?;
    wait_for(
        c,
        &format!("[data-testid=assignment][data-package='{PORTAL}'] [data-testid=self-review-answer][data-answer=yes]"),
    )
    .await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn review_partner_confirms_they_still_need_access() -> Result<()> {
    partner_confirms_they_still_need_access("en").await
}

#[tokio::test(flavor = "multi_thread")]
async fn review_partner_confirms_they_still_need_access_in_swedish() -> Result<()> {
    partner_confirms_they_still_need_access("sv").await
}

#[tokio::test(flavor = "multi_thread")]
async fn review_recommendations_accepted_for_several_people_at_once() -> Result<()> {
    let w = world("en").await?;
    let c = w.client();
    sara_opens_reviews(&w, "en").await?;
    let (noor, ivo) = (item_of(c, "Noor Lind").await?, item_of(c, "Ivo Sand").await?);
    click(c, "[data-testid=review] [data-testid=accept-recommendations]").await?;
    wait_for(c, "[data-testid=review-outcome][data-result=accepted]").await?;
    // Noor has not signed in for 50 days, Ivo signed in 12 days ago.
    ensure!(decision_on(&w, SARA, "noor_").await? == "Deny", "Noor's recommendation was Deny");
    ensure!(decision_on(&w, SARA, "ivo_").await? == "Approve", "Ivo's recommendation was Approve");
    for item in [&noor, &ivo] {
        let current = wait_for(c, &format!("{item} [data-testid=review-current]")).await?.text().await?;
        ensure!(!current.trim().is_empty(), "the page shows the decision now on {item}");
    }
    // Every one of her items is decided now (the demo's Robin too): "n of n".
    let n = items_of(&w, SARA).await?.len();
    let progress = wait_for(c, "[data-testid=review-progress]").await?.text().await?;
    ensure!(progress.matches(&n.to_string()).count() >= 2, "{progress}: not all {n} decided");
    w.end().await;
    Ok(())
}

async fn a_required_reason_is_asked_at_the_field(lang: &str) -> Result<()> {
    let w = world(lang).await?;
    let c = w.client();
    sara_opens_reviews(&w, lang).await?;
    let ivo = item_of(c, "Ivo Sand").await?;
    let since = w.stack.tenant.tenant.log.since(0).last().map_or(0, |e| e.seq);
    click(c, &format!("{ivo} [data-testid=review-approve]")).await?;
    wait_for(c, &format!("{ivo} .field-error")).await?;
    let focused = c.execute("return document.activeElement.getAttribute('data-testid')", vec![]).await?;
    ensure!(focused == json!("review-reason"), "focus is on the reason, not {focused}");
    let invalid = wait_for(c, &format!("{ivo} [data-testid=review-reason]")).await?.attr("aria-invalid").await?;
    ensure!(invalid.as_deref() == Some("true"), "the reason is marked invalid");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let writes = w.stack.tenant.tenant.log.since(since).iter().filter(|e| e.method == "PATCH").count();
    ensure!(writes == 0, "{writes} decisions were sent without the reason");
    ensure!(decision_on(&w, SARA, "ivo_").await? == "NotReviewed", "nothing was recorded");
    // With a reason, the approval goes through.
    type_into(c, &format!("{ivo} [data-testid=review-reason]"), "Still on the project.").await?;
    click(c, &format!("{ivo} [data-testid=review-approve]")).await?;
    wait_for(c, "[data-testid=review-outcome][data-result=approved]").await?;
    ensure!(decision_on(&w, SARA, "ivo_").await? == "Approve", "the approval is recorded");
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn review_a_required_reason_is_asked_at_the_field_and_nothing_is_sent_without_it() -> Result<()> {
    a_required_reason_is_asked_at_the_field("en").await
}

#[tokio::test(flavor = "multi_thread")]
async fn review_a_required_reason_is_asked_at_the_field_and_nothing_is_sent_without_it_in_swedish() -> Result<()> {
    a_required_reason_is_asked_at_the_field("sv").await
}

#[tokio::test(flavor = "multi_thread")]
async fn review_someone_who_is_not_a_reviewer_sees_no_review_and_cannot_decide_through_graph() -> Result<()> {
    let w = world("en").await?;
    let c = w.client();
    // Oskar approves Fabrikam requests but reviews nobody.
    sign_in_at(&w, "/", "oskar@contoso.com").await?;
    wait_for(c, "header nav a[href$='/access']").await?;
    // The navigation's checks have answered once the approvals link (Oskar has none waiting
    // either) could show: wait for the start page, then look.
    wait_for(c, "#main h1").await?;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    ensure!(c.find(Locator::Css("header nav a[href$='/reviews']")).await.is_err(), "Oskar is offered reviews");
    w.open("/reviews").await?;
    wait_for(c, "[data-testid=reviews-empty]").await?;
    ensure!(c.find(Locator::Css("[data-testid=review-item]")).await.is_err(), "Oskar sees someone to review");
    // Through Graph: Sara's item about Noor is not Oskar's to read or decide.
    let (d, i, x) = items_of(&w, SARA)
        .await?
        .into_iter()
        .find(|(_, _, x)| x["principal"]["displayName"] == "Noor Lind")
        .expect("Noor's item");
    let path = format!("/definitions/{d}/instances/{i}/decisions/{}", x["id"].as_str().unwrap_or_default());
    let (status, body) =
        reviews_as(&w, "oskar@contoso.com", "PATCH", &path, Some(json!({"decision": "Deny", "justification": "x"})))
            .await?;
    ensure!(status == 403, "Oskar's decision answered {status}: {body}");
    ensure!(items_of(&w, "oskar@contoso.com").await?.is_empty(), "Graph lists reviews for Oskar");
    ensure!(decision_on(&w, SARA, "noor_").await? == "NotReviewed", "Oskar's decision changed nothing");
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn review_sponsor_decides_by_keyboard_alone() -> Result<()> {
    let w = world("en").await?;
    let c = w.client();
    sara_opens_reviews(&w, "en").await?;
    let first = wait_for(c, "[data-testid=review-item]").await?;
    let name = first.find(Locator::Css("[data-testid=review-person]")).await?.text().await?;
    c.execute("document.activeElement && document.activeElement.blur(); document.body.focus();", vec![]).await?;
    // Tab to the first person's reason, type it, then on to Deny, and press Enter.
    tab_to(c, "review-reason").await?;
    c.active_element().await?.send_keys("Moved to another project.").await?;
    tab_to(c, "review-deny").await?;
    c.active_element().await?.send_keys(&char::from(fantoccini::key::Key::Enter).to_string()).await?;
    wait_for_text(c, "[data-testid=review-outcome][data-result=denied]", &name).await?;
    let pressed =
        wait_for(c, "[data-testid=review-item] [data-testid=review-deny]").await?.attr("aria-pressed").await?;
    ensure!(pressed.as_deref() == Some("true"), "the first person's Deny is the decision in force");
    w.end().await;
    Ok(())
}
