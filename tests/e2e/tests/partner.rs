//! The partner's journey: find a package, request it with answers, follow the request through
//! both approval stages to delivery, hold the access; denials, cancelling, requesting again,
//! hidden and members-only packages, Swedish.

use anyhow::Result;
use fantoccini::{Client, Locator};
use harness::stack::StackOptions;
use portier_e2e::*;

const FABRIKAM: &str = "Fabrikam delivery project";

async fn state_of(c: &Client, package: &str) -> Result<String> {
    let e = wait_for(c, &format!("[data-testid=request][data-package='{package}']")).await?;
    Ok(e.attr("data-state").await?.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_signs_up_requests_with_answers_and_follows_two_stages_to_delivery() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    nils_opens(&w, FABRIKAM).await?;
    // A wrong project code is refused at the field, before anything is sent.
    type_into(c, "[data-question] input[type=text]", "PRJ-12").await?;
    click(c, "[data-question] input[type=radio]").await?;
    type_into(c, "#justification", "I deliver the Fabrikam integration.").await?;
    click(c, "[data-testid=review]").await?;
    wait_for(c, "[data-question] .field-error").await?;
    assert!(c.find(Locator::Css("[data-testid=submit]")).await.is_err(), "no review with a wrong answer");
    request_fabrikam(c, "PRJ-1234").await?;

    w.open("/requests").await?;
    assert_eq!(state_of(c, FABRIKAM).await?, "pendingApproval");
    click(c, "[data-testid=request] [data-testid=details]").await?;
    wait_for_text(c, "[data-testid=stage-1] .approvers", "Sara Lindqvist").await?;
    wait_for(c, "[data-testid=stage-1] .deadline time").await?;

    assert_eq!(w.stack.decide_for("sara@contoso.com", "nils@fabrikam.com", true, "Welcome aboard").await?, 1);
    assert_eq!(w.stack.decide_for("oskar@contoso.com", "nils@fabrikam.com", true, "Approved").await?, 1);
    c.refresh().await?;
    assert_eq!(state_of(c, FABRIKAM).await?, "delivered");

    w.open("/access").await?;
    let ends = wait_for(c, &format!("[data-testid=assignment][data-package='{FABRIKAM}'] [data-testid=ends]")).await?;
    let text = ends.text().await?;
    assert!(!text.contains("No end date"), "a 90-day package has an end: {text}");
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_reads_a_denial_reason_and_requests_again_prefilled() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    nils_opens(&w, FABRIKAM).await?;
    request_fabrikam(c, "PRJ-4321").await?;
    assert_eq!(w.stack.decide_for("sara@contoso.com", "nils@fabrikam.com", false, "Not on this project yet").await?, 1);
    w.open("/requests").await?;
    assert_eq!(state_of(c, FABRIKAM).await?, "denied");
    click(c, "[data-testid=request] [data-testid=details]").await?;
    wait_for_text(c, "[data-testid=stage-1] .reason", "Not on this project yet").await?;
    click(c, "[data-testid=resubmit]").await?;
    let justification = wait_for(c, "#justification").await?;
    assert_eq!(justification.prop("value").await?.unwrap_or_default(), "I deliver the Fabrikam integration.");
    let code = wait_for(c, "[data-question] input[type=text]").await?;
    assert_eq!(code.prop("value").await?.unwrap_or_default(), "PRJ-4321");
    // The choice came back too: the form goes straight to review and is sent again.
    click(c, "[data-testid=review]").await?;
    click(c, "[data-testid=submit]").await?;
    wait_for(c, "[data-testid=request-sent]").await?;
    w.open("/requests").await?;
    wait_for(c, &format!("[data-testid=request][data-package='{FABRIKAM}'][data-state=pendingApproval]")).await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_cancels_a_pending_request_after_confirming() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    nils_opens(&w, FABRIKAM).await?;
    type_into(c, "[data-question] input[type=text]", "PRJ-1111").await?;
    click(c, "[data-question] input[type=radio]").await?;
    type_into(c, "#justification", "I deliver the Fabrikam integration.").await?;
    click(c, "[data-testid=review]").await?;
    // A double click sends one request.
    wait_for(c, "[data-testid=submit]").await?;
    c.execute("const b = document.querySelector('[data-testid=submit]'); b.click(); b.click();", vec![]).await?;
    wait_for(c, "[data-testid=request-sent]").await?;
    w.open("/requests").await?;
    wait_for(c, "[data-testid=request]").await?;
    let count = c
        .execute(
            &format!("return document.querySelectorAll(\"[data-testid=request][data-package='{FABRIKAM}']\").length"),
            vec![],
        )
        .await?;
    assert_eq!(count, 1, "one request for one send");
    click(c, "[data-testid=cancel] button").await?;
    click(c, "[data-testid=cancel] [data-role=yes]").await?;
    let started = std::time::Instant::now();
    while state_of(c, FABRIKAM).await? != "canceled" {
        anyhow::ensure!(started.elapsed().as_secs() < 20, "the request was not cancelled");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_opens_the_hidden_package_by_link_and_never_sees_the_members_only_one() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    nils_opens(&w, "Fabrikam pilot program").await?;
    wait_for(c, "[data-testid=review]").await?;
    w.open("/packages").await?;
    wait_for(c, "[data-testid=package-card]").await?;
    let names = c.find(Locator::Css("[data-testid=catalog]")).await?.text().await?;
    assert!(names.contains("Partner portal"), "{names}");
    assert!(!names.contains("Fabrikam pilot program"), "hidden packages stay off the catalog: {names}");
    assert!(!names.contains("Engineering tools"), "members-only: {names}");
    type_into(c, "[data-testid=catalog-search]", "Engineering").await?;
    wait_for_text(c, "main", "No packages match.").await?;
    w.open(&package_path("Engineering tools")).await?;
    wait_for(c, ".error-view").await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_pages_speak_swedish() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    nils_opens(&w, FABRIKAM).await?;
    click(c, ".language-switch button[lang=sv]").await?;
    wait_for_text(c, "#request-title", "Din förfrågan").await?;
    // The policy's question in Swedish where it has a Swedish text.
    wait_for_text(c, "[data-testid=review]", "Granska förfrågan").await?;
    w.open("/packages").await?;
    wait_for_text(c, "h1", "Begär åtkomst").await?;
    w.open("/requests").await?;
    wait_for_text(c, "h1", "Mina förfrågningar").await?;
    w.open("/access").await?;
    wait_for_text(c, "h1", "Min åtkomst").await?;
    assert_eq!(c.execute("return document.documentElement.lang", vec![]).await?, "sv");
    w.end().await;
    Ok(())
}

/// Marks a package for the selection from its own page.
async fn select_from_page(w: &World, name: &str) -> Result<()> {
    let c = w.client();
    w.open(&package_path(name)).await?;
    wait_for_text(c, "[data-testid=package] h1", name).await?;
    click(c, "[data-testid=package] button[aria-pressed=false]").await?;
    wait_for(c, "[data-testid=package] button[aria-pressed=true]").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_requests_two_packages_at_once_and_sees_each_outcome() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    nils_opens(&w, FABRIKAM).await?;
    request_fabrikam(c, "PRJ-2222").await?;
    // A second request for Fabrikam will be refused (one is open); the portal will go through.
    select_from_page(&w, FABRIKAM).await?;
    select_from_page(&w, "Partner portal").await?;
    w.open("/request").await?;
    wait_for(c, "[data-testid=selected-package]").await?;
    type_into(c, "[data-question] input[type=text]", "PRJ-2222").await?;
    click(c, "[data-question] input[type=radio]").await?;
    type_into(c, "#justification", "Both for the integration.").await?;
    click(c, "[data-testid=submit]").await?;
    let fabrikam = wait_for(c, &format!("[data-testid=outcome][data-package='{FABRIKAM}']")).await?;
    assert_eq!(fabrikam.attr("data-sent").await?.as_deref(), Some("false"));
    assert!(fabrikam.text().await?.contains("already have an open request"), "{}", fabrikam.text().await?);
    let portal = wait_for(c, "[data-testid=outcome][data-package='Partner portal']").await?;
    assert_eq!(portal.attr("data-sent").await?.as_deref(), Some("true"));
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_gives_up_access_and_an_employee_extends_theirs() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    nils_opens(&w, "Partner portal").await?;
    click(c, "[data-testid=review]").await?;
    click(c, "[data-testid=submit]").await?;
    wait_for(c, "[data-testid=request-sent]").await?;
    w.open("/access").await?;
    click(c, "[data-testid=assignment][data-package='Partner portal'] [data-testid=remove] button").await?;
    click(c, "[data-testid=assignment][data-package='Partner portal'] [data-testid=remove] [data-role=yes]").await?;
    wait_for(c, "[data-testid=assignment][data-package='Partner portal'] [data-testid=access-done]").await?;
    c.refresh().await?;
    wait_for_text(c, "main", "You hold no access packages.").await?;
    w.end().await;

    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    w.open("/access").await?;
    click(c, "[data-testid=sign-in]").await?;
    sign_in_at_tenant(c, "maja@contoso.com").await?;
    click(c, "[data-testid=assignment][data-package='Engineering tools'] [data-testid=extend]").await?;
    wait_for_text(
        c,
        "[data-testid=assignment][data-package='Engineering tools'] [data-testid=access-done]",
        "Extension requested",
    )
    .await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_keeps_a_half_filled_form_through_an_expired_session_and_a_new_sign_in() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    nils_opens(&w, FABRIKAM).await?;
    type_into(c, "[data-question] input[type=text]", "PRJ-7777").await?;
    type_into(c, "#justification", "Half written").await?;
    w.stack.advance_clock(25 * 3600);
    c.refresh().await?;
    wait_for_text(c, ".error-view", "Sign in again").await?;
    click(c, ".error-view button.primary").await?;
    wait_for_text(c, "[data-testid=package] h1", FABRIKAM).await?;
    let code = wait_for(c, "[data-question] input[type=text]").await?;
    assert_eq!(code.prop("value").await?.unwrap_or_default(), "PRJ-7777");
    assert_eq!(wait_for(c, "#justification").await?.prop("value").await?.unwrap_or_default(), "Half written");
    w.end().await;
    Ok(())
}
