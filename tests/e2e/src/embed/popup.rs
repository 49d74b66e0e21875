//! A sign-in popup, from the page that opens it: find it, sign in there (or sign up), and come
//! back once it has closed itself.

use crate::sign_up_nils;
use anyhow::{Result, bail};
use fantoccini::wd::WindowHandle;
use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};

/// The window that opened beside `main` (a sign-in popup), within 10 s.
pub async fn popup_beside(c: &Client, main: &WindowHandle) -> Result<WindowHandle> {
    let started = Instant::now();
    loop {
        if let Some(w) = c.windows().await?.into_iter().find(|w| w != main) {
            return Ok(w);
        }
        if started.elapsed() > Duration::from_secs(10) {
            bail!("no popup opened");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// In the popup (the current window): the tenant's sign-in page for `user`, then consent if it
/// asks; done once the popup has closed itself or left the tenant's pages.
pub async fn sign_in_in_popup(c: &Client, user: &str) -> Result<()> {
    crate::type_credentials(c, user).await?;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(15) {
        let Ok(url) = c.current_url().await else { return Ok(()) };
        if let Ok(accept) = c.find(Locator::Css("button[value=accept]")).await {
            accept.click().await?;
            return Ok(());
        }
        if !url.path().contains("/login") && !url.path().contains("/oauth2/") {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the sign-in in the popup did not finish")
}

/// Waits (up to 30 s) until only `main` is left, then goes back to it.
pub async fn back_to(c: &Client, main: WindowHandle) -> Result<()> {
    let started = Instant::now();
    while c.windows().await?.len() > 1 {
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the sign-in popup never closed");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    c.switch_to_window(main).await?;
    Ok(())
}

/// Who signs in in the popup.
pub enum Person<'a> {
    /// A demo account.
    Account(&'a str),
    /// nils@fabrikam.com, signing up as he signs in.
    NewGuest,
}

/// Clicks `trigger` (a closure that opens the popup), signs `who` in there, and comes back to
/// the page once the popup has closed.
pub async fn through_popup<F, Fut>(c: &Client, trigger: F, who: Person<'_>) -> Result<()>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let main = c.window().await?;
    trigger().await?;
    let popup = popup_beside(c, &main).await?;
    c.switch_to_window(popup).await?;
    match who {
        Person::Account(user) => sign_in_in_popup(c, user).await?,
        Person::NewGuest => sign_up_nils(c).await?,
    }
    back_to(c, main).await
}
