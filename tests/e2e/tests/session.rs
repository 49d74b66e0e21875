//! Signing in and staying signed in, as a person does it: by redirect and by popup, across a
//! reload, through an expired access token and an expired refresh token, and out again.

use harness::stack::StackOptions;
use portier_e2e::*;

#[tokio::test(flavor = "multi_thread")]
async fn signs_in_by_redirect_and_sees_who_they_are() -> anyhow::Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, "/", "pat@fabrikam.com").await?;
    wait_for_text(c, "[data-testid=who-am-i] .display-name", "Pat Jansen").await?;
    wait_for_text(c, "[data-testid=who-am-i] .account-kind", "Guest").await?;
    wait_for_text(c, ".account-org", "Fabrikam").await?;
    let url = c.current_url().await?.to_string();
    assert!(!url.contains("code=") && !url.contains("state="), "the URL is cleaned: {url}");
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reload_keeps_the_session() -> anyhow::Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, "/", "maja@contoso.com").await?;
    wait_for_text(c, ".display-name", "Maja Holm").await?;
    c.refresh().await?;
    wait_for_text(c, ".display-name", "Maja Holm").await?;
    assert!(c.current_url().await?.to_string().starts_with(&w.stack.app_url), "no trip to the sign-in page");
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_access_token_is_renewed_silently() -> anyhow::Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, "/", "maja@contoso.com").await?;
    wait_for_text(c, ".display-name", "Maja Holm").await?;
    // On the tenant's clock the access token is now expired; the app still holds it.
    w.stack.advance_clock(3700);
    c.refresh().await?;
    wait_for_text(c, ".display-name", "Maja Holm").await?;
    assert!(c.find(fantoccini::Locator::Css(".error-view")).await.is_err(), "no error was shown");
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_refresh_token_leads_to_a_new_sign_in() -> anyhow::Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, "/", "maja@contoso.com").await?;
    wait_for_text(c, ".display-name", "Maja Holm").await?;
    w.stack.advance_clock(25 * 3600);
    c.refresh().await?;
    wait_for_text(c, ".error-view", "Sign in again").await?;
    click(c, ".error-view button.primary").await?;
    // The tenant still knows the browser: back without typing.
    wait_for_text(c, ".display-name", "Maja Holm").await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn signs_in_through_a_popup() -> anyhow::Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    w.open("/").await?;
    let main = c.window().await?;
    click(c, "[data-testid=sign-in-popup]").await?;
    let popup = loop {
        let handles = c.windows().await?;
        if let Some(h) = handles.into_iter().find(|h| *h != main) {
            break h;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    c.switch_to_window(popup).await?;
    sign_in_at_tenant(c, "oskar@contoso.com").await?;
    c.switch_to_window(main).await?;
    wait_for_text(c, ".display-name", "Oskar Berg").await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn signs_out_and_leaves_nothing_behind() -> anyhow::Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, "/", "maja@contoso.com").await?;
    wait_for_text(c, ".display-name", "Maja Holm").await?;
    click(c, ".account button").await?;
    wait_for(c, "[data-testid=sign-in]").await?;
    let keys = storage_keys(c).await?;
    assert!(keys.iter().all(|k| !k.starts_with("portier.") || k == "portier.language"), "left behind: {keys:?}");
    // The tenant's session ended too: signing in asks for the password again.
    click(c, "[data-testid=sign-in]").await?;
    wait_for(c, "#password").await?;
    w.end().await;
    Ok(())
}
