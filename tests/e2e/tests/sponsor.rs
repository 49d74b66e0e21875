//! The sponsor's journey, the approvals half: deciding in the inbox with everything the
//! requester gave, by keyboard too, many at once, and never what is not theirs to decide.

use anyhow::Result;
use fantoccini::Locator;
use fantoccini::key::Key;
use harness::stack::StackOptions;
use portier_e2e::*;

const FABRIKAM: &str = "Fabrikam delivery project";

/// Nils signs up from the Fabrikam package's link and requests it.
async fn nils_requests_fabrikam(w: &World, code: &str) -> Result<()> {
    nils_opens(w, FABRIKAM).await?;
    request_fabrikam(w.client(), code).await
}

/// A second partner's request, made through Graph with their own token: Sara invites Kim, and
/// Kim asks for the Fabrikam package with her answers.
async fn kim_requests_fabrikam(w: &World) -> Result<()> {
    let invite = serde_json::json!({"invitedUserEmailAddress": "kim@fabrikam.com", "inviteRedirectUrl": format!("{}/", w.stack.app_url)});
    let (status, _) = w.stack.graph_as("sara@contoso.com", "POST", "/invitations", Some(invite)).await?;
    anyhow::ensure!(status == 201, "invitation answered {status}");
    request_through_graph(w, "kim@fabrikam.com", FABRIKAM, "PRJ-3333", "Kim joins the integration.").await
}

fn nils_item() -> &'static str {
    "[data-testid=decision][data-requestor='nils@fabrikam.com']"
}

#[tokio::test(flavor = "multi_thread")]
async fn sponsor_and_owner_approve_both_stages_in_the_inbox_and_the_partner_sees_it_delivered() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    nils_requests_fabrikam(&w, "PRJ-5555").await?;
    let sara = second_person_at(&w, "/approvals", "sara@contoso.com").await?;
    let s = &sara.client;
    wait_for(s, "a[href='/approvals']").await?;
    let item = wait_for(s, nils_item()).await?;
    let shown = item.text().await?;
    for given in ["PRJ-5555", "I deliver the Fabrikam integration.", "Nils Ek", "Fabrikam"] {
        assert!(shown.contains(given), "the approver sees '{given}': {shown}");
    }
    // Stage 1 asks the approver for a reason: without one, nothing is sent.
    click(s, &format!("{} [data-testid=approve]", nils_item())).await?;
    wait_for(s, &format!("{} .field-error", nils_item())).await?;
    wait_for(s, &format!("{} textarea", nils_item())).await?.send_keys("Welcome aboard").await?;
    click(s, &format!("{} [data-testid=approve]", nils_item())).await?;
    wait_for_text(s, "[data-testid=decision-outcome]", "Approved").await?;
    // What she decided stays in her history, filterable and exportable.
    wait_for(s, "[data-testid=history-item][data-approved=true]").await?;
    sara.close().await;
    let oskar = second_person_at(&w, "/approvals", "oskar@contoso.com").await?;
    click(&oskar.client, &format!("{} [data-testid=approve]", nils_item())).await?;
    wait_for_text(&oskar.client, "[data-testid=decision-outcome]", "Approved").await?;
    oskar.close().await;
    let c = w.client();
    w.open("/requests").await?;
    wait_for(c, &format!("[data-testid=request][data-package='{FABRIKAM}'][data-state=delivered]")).await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn sponsor_approves_by_keyboard_alone() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    nils_requests_fabrikam(&w, "PRJ-6666").await?;
    let sara = second_person_at(&w, "/approvals", "sara@contoso.com").await?;
    let s = &sara.client;
    wait_for(s, nils_item()).await?;
    s.execute("document.activeElement && document.activeElement.blur(); document.body.focus();", vec![]).await?;
    // Tab to the first item's reason, type it, then on to its approve button.
    tab_to(s, "reason").await?;
    s.active_element().await?.send_keys("Fine by me").await?;
    // The inbox speaks Swedish too.
    click(s, ".language-switch button[lang=sv]").await?;
    wait_for_text(s, "h1", "Väntar på ditt beslut").await?;
    wait_for_text(s, "[data-testid=approve]", "Godkänn").await?;
    s.execute("document.activeElement && document.activeElement.blur(); document.body.focus();", vec![]).await?;
    tab_to(s, "reason").await?;
    s.active_element().await?.send_keys("Fine by me").await?;
    tab_to(s, "approve").await?;
    s.active_element().await?.send_keys(&char::from(Key::Enter).to_string()).await?;
    wait_for_text(s, "[data-testid=decision-outcome]", "Godkänd").await?;
    sara.close().await;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn sponsor_denies_with_a_reason_the_requester_reads() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    nils_requests_fabrikam(&w, "PRJ-9999").await?;
    let sara = second_person_at(&w, "/approvals", "sara@contoso.com").await?;
    let s = &sara.client;
    wait_for(s, &format!("{} textarea", nils_item())).await?.send_keys("Ask your project lead first").await?;
    click(s, &format!("{} [data-testid=deny]", nils_item())).await?;
    wait_for_text(s, "[data-testid=decision-outcome]", "Denied").await?;
    sara.close().await;
    let c = w.client();
    w.open("/requests").await?;
    wait_for(c, &format!("[data-testid=request][data-package='{FABRIKAM}'][data-state=denied]")).await?;
    click(c, "[data-testid=request] [data-testid=details]").await?;
    wait_for_text(c, "[data-testid=stage-1] .reason", "Ask your project lead first").await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn sponsor_bulk_decides_and_hears_which_one_someone_else_decided_first() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    nils_requests_fabrikam(&w, "PRJ-7777").await?;
    kim_requests_fabrikam(&w).await?;
    let sara = second_person_at(&w, "/approvals", "sara@contoso.com").await?;
    let s = &sara.client;
    wait_for(s, nils_item()).await?;
    let boxes = s.find_all(Locator::Css("[data-testid=decision] input[type=checkbox]")).await?;
    assert!(boxes.len() >= 3, "the demo's pending requests and nils's: {}", boxes.len());
    for b in &boxes {
        b.click().await?;
    }
    // Meanwhile, nils's request is decided elsewhere (another session of hers).
    assert_eq!(w.stack.decide_for("sara@contoso.com", "nils@fabrikam.com", true, "done elsewhere").await?, 1);
    wait_for(s, "#bulk-reason").await?.send_keys("Approved in one go").await?;
    click(s, "[data-testid=approve-selected]").await?;
    wait_for_text(s, "[data-testid=decision-outcomes]", "Someone else decided this first").await?;
    let outcomes = s.find_all(Locator::Css("[data-testid=decision-outcome]")).await?;
    assert_eq!(outcomes.len(), boxes.len(), "one outcome per item");
    let approved = s.find_all(Locator::Css("[data-testid=decision-outcome][data-result=approved]")).await?;
    assert_eq!(approved.len(), boxes.len() - 1);
    sara.close().await;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn sponsor_never_sees_actions_that_are_not_theirs() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    // Maja decides nothing: no inbox in her navigation, nothing to act on.
    sign_in_at(&w, "/approvals", "maja@contoso.com").await?;
    wait_for_text(c, "main", "Nothing waits for your decision.").await?;
    assert!(c.find(Locator::Css("a[href='/approvals']")).await.is_err());
    click(c, ".language-switch button[lang=sv]").await?;
    wait_for_text(c, "main", "Inget väntar på ditt beslut.").await?;
    w.end().await;
    // Sara requests access herself: her own request never reaches her inbox.
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, &package_path("Engineering tools"), "sara@contoso.com").await?;
    click(c, "[data-testid=review]").await?;
    click(c, "[data-testid=submit]").await?;
    wait_for(c, "[data-testid=request-sent]").await?;
    w.open("/approvals").await?;
    wait_for(c, "main h1").await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(c.find(Locator::Css("[data-testid=decision][data-requestor='sara@contoso.com']")).await.is_err());
    w.end().await;
    Ok(())
}
