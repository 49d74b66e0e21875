//! The sponsor's journey, the invitation half: invite a partner, hand the link over one's own way,
//! the partner redeems it and lands on the request for exactly the attached package.

use anyhow::Result;
use fantoccini::Locator;
use harness::browser::Browser;
use harness::stack::StackOptions;
use portier_e2e::*;

const FABRIKAM: &str = "Fabrikam delivery project";

#[tokio::test(flavor = "multi_thread")]
async fn sponsor_invites_a_partner_who_redeems_lands_on_the_prefilled_request_and_gets_access() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, "/invite", "sara@contoso.com").await?;
    type_into(c, "#invite-email", "kim@fabrikam.com").await?;
    type_into(c, "#invite-name", "Kim Berg").await?;
    click(c, &format!("input[data-package='{FABRIKAM}']")).await?;
    click(c, "[data-testid=invite]").await?;
    let link = wait_for(c, "[data-testid=redeem-url]").await?.prop("value").await?.unwrap_or_default();
    assert!(link.starts_with(&w.stack.signin), "{link}");
    assert!(c.find(Locator::Css("[data-testid=qr] svg")).await.is_ok(), "a QR code of the link");
    let own = wait_for(c, "[data-testid=own-message]").await?.text().await?;
    assert!(
        own.contains(&link) && own.contains("Kim Berg") && own.contains("Sara Lindqvist") && own.contains(FABRIKAM),
        "{own}"
    );
    let mailto = wait_for(c, "[data-testid=mailto]").await?.attr("href").await?.unwrap_or_default();
    assert!(mailto.starts_with("mailto:kim%40fabrikam.com?subject="), "{mailto}");
    assert!(w.stack.tenant.tenant.store.outbox().is_empty(), "no mail from Microsoft was asked for");
    wait_for(c, "[data-testid=invited-person][data-mail='kim@fabrikam.com'][data-accepted=false]").await?;

    // The partner, in their own browser, follows the link.
    let kim = Browser::start(&[]).await?;
    let k = &kim.client;
    k.goto(&link).await?;
    wait_for(k, "#password").await?.send_keys("Kim-pass-12").await?;
    click(k, "button[value=accept]").await?;
    click(k, "[data-testid=sign-in]").await?;
    // Redemption signed her in at the tenant: consent, and back to the request.
    click(k, "button[value=accept]").await?;
    wait_for_text(k, "[data-testid=selected-package] h2", FABRIKAM).await?;
    // Sara's list of people she invited, fetched fresh, now says Kim accepted.
    c.refresh().await?;
    wait_for(c, "[data-testid=invited-person][data-mail='kim@fabrikam.com'][data-accepted=true]").await?;
    type_into(k, "[data-question] input[type=text]", "PRJ-8888").await?;
    click(k, "[data-question] input[type=radio]").await?;
    type_into(k, "#justification", "Invited by Sara.").await?;
    click(k, "[data-testid=submit]").await?;
    let outcome = wait_for(k, &format!("[data-testid=outcome][data-package='{FABRIKAM}']")).await?;
    assert_eq!(outcome.attr("data-sent").await?.as_deref(), Some("true"));
    // Sara approves stage 1 in her inbox (with the reason it asks for), Oskar stage 2 in his.
    let item = "[data-testid=decision][data-requestor='kim@fabrikam.com']";
    let sara = second_person_at(&w, "/approvals", "sara@contoso.com").await?;
    wait_for_text(&sara.client, item, FABRIKAM).await?;
    wait_for(&sara.client, &format!("{item} textarea")).await?.send_keys("Welcome, Kim").await?;
    click(&sara.client, &format!("{item} [data-testid=approve]")).await?;
    wait_for_text(&sara.client, "[data-testid=decision-outcome]", "Approved").await?;
    sara.close().await;
    let oskar = second_person_at(&w, "/approvals", "oskar@contoso.com").await?;
    click(&oskar.client, &format!("{item} [data-testid=approve]")).await?;
    wait_for_text(&oskar.client, "[data-testid=decision-outcome]", "Approved").await?;
    oskar.close().await;
    k.goto(&format!("{}/requests", w.stack.app_url)).await?;
    wait_for(k, &format!("[data-testid=request][data-package='{FABRIKAM}'][data-state=delivered]")).await?;
    kim.close().await;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn sponsor_invitation_mail_carries_the_message_cc_and_language() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, "/invite", "sara@contoso.com").await?;
    type_into(c, "#invite-email", "kim@fabrikam.com").await?;
    click(c, "#invite-send-mail").await?;
    type_into(c, "#invite-message", "Välkommen till projektet!").await?;
    type_into(c, "#invite-cc", "sara@contoso.com").await?;
    wait_for(c, "#invite-language").await?.select_by_value("sv-SE").await?;
    click(c, "[data-testid=invite]").await?;
    let first = wait_for(c, "[data-testid=redeem-url]").await?.prop("value").await?.unwrap_or_default();
    let outbox = w.stack.tenant.tenant.store.outbox();
    let mail = outbox.first().expect("a mail was sent");
    assert_eq!(mail.to, ["kim@fabrikam.com"]);
    assert_eq!(mail.cc, ["sara@contoso.com"]);
    assert_eq!(mail.language, "sv-SE");
    assert!(mail.body.contains("Välkommen till projektet!"));
    // A lost link: invite again, and a new one replaces it.
    click(c, "[data-testid=invite-again]").await?;
    let started = std::time::Instant::now();
    loop {
        let now = wait_for(c, "[data-testid=redeem-url]").await?.prop("value").await?.unwrap_or_default();
        if now != first && !now.is_empty() {
            break;
        }
        anyhow::ensure!(started.elapsed().as_secs() < 20, "no new link");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn sponsor_hears_why_an_address_cannot_be_invited_in_both_languages() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, "/invite", "sara@contoso.com").await?;
    type_into(c, "#invite-email", "not an address").await?;
    click(c, "[data-testid=invite]").await?;
    wait_for_text(c, ".field-error", "valid email address").await?;
    type_into(c, "#invite-email", "eve@blocked.example").await?;
    click(c, "[data-testid=invite]").await?;
    wait_for_text(c, "[data-testid=invite-refused]", "cannot be invited").await?;
    click(c, ".language-switch button[lang=sv]").await?;
    wait_for_text(c, "h1", "Bjud in en partner").await?;
    click(c, "[data-testid=invite]").await?;
    wait_for_text(c, "[data-testid=invite-refused]", "kan inte bjudas in").await?;
    w.end().await;
    Ok(())
}
