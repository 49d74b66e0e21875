//! `cargo xtask screenshots`: the pictures the README shows, made from the demo so that they can
//! be made again whenever the pages change. Each is a person's real journey on the local tenant
//! (the demo scenario) in headless Chromium: the home page of a sponsor and of a partner, a
//! request form, the approvals inbox and Portier as an element on the demo's intranet page, on a
//! desktop and on a 375-pixel phone, some in Swedish. They are written to `docs/screenshots/`.

use anyhow::{Context, Result, ensure};
use fantoccini::Client;
use harness::stack::StackOptions;
use portier_e2e::embed::{Intranet, Person, shadow_click, shadow_wait, through_popup};
use portier_e2e::*;
use serde_json::json;
use std::path::PathBuf;

const EM: &str = "/identityGovernance/entitlementManagement";
const PAT: &str = "pat@fabrikam.com";
const SARA: &str = "sara@contoso.com";
const DESKTOP: (u32, u32) = (1280, 860);
const PHONE: (u32, u32) = (375, 812);

fn folder() -> PathBuf {
    harness::repo_root().join("docs/screenshots")
}

/// The window at `size`, what `ready` names shown, and the picture saved as `name`.
async fn shoot(c: &Client, size: (u32, u32), ready: &str, name: &str) -> Result<()> {
    c.set_window_size(size.0, size.1).await?;
    wait_for(c, ready).await?;
    // Nothing focused or hovered in the picture.
    c.execute("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);", vec![]).await?;
    let png = c.screenshot().await?;
    ensure!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
    let path = folder().join(format!("{name}.png"));
    std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
    println!("  {}", path.strip_prefix(harness::repo_root()).unwrap_or(&path).display());
    Ok(())
}

async fn language(c: &Client, lang: &str) -> Result<()> {
    click(c, &format!(".language-switch button[lang={lang}]")).await?;
    wait_for(c, &format!("html[lang={lang}]")).await?;
    Ok(())
}

/// Pat's data beyond the demo's: a request for the pilot waiting for its approvers, and his
/// workspace renewed with a schedule of his own that ends in ten days.
async fn pats_week(w: &World) -> Result<()> {
    request_through_graph(w, PAT, "Fabrikam pilot program", "PRJ-3333", "I test the pilot for Fabrikam.").await?;
    let path = format!("{EM}/assignments/filterByCurrentUser(on='target')?$expand=accessPackage");
    let (_, list) = w.stack.graph_as(PAT, "GET", &path, None).await?;
    let workspace = list["value"]
        .as_array()
        .and_then(|l| l.iter().find(|a| a["accessPackage"]["displayName"] == "Fabrikam workspace"))
        .and_then(|a| a["id"].as_str())
        .context("pat's workspace")?
        .to_string();
    let c = w.client();
    let at =
        |days: f64| c.execute("return new Date(Date.now() + arguments[0] * 864e5).toISOString();", vec![json!(days)]);
    let (start, end) = (at(0.0).await?, at(10.0).await?);
    let body = json!({"requestType": "userUpdate", "assignment": {"id": workspace},
        "schedule": {"startDateTime": start, "expiration": {"type": "afterDateTime", "endDateTime": end}}});
    let (status, answer) = w.stack.graph_as(PAT, "POST", &format!("{EM}/assignmentRequests"), Some(body)).await?;
    ensure!(status == 201, "the renewal answered {status}: {answer}");
    Ok(())
}

async fn product() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    w.open("/").await?;
    pats_week(&w).await?;
    let c = w.client();

    // Sara: invites a partner, then her home: a decision waiting and the invitation not accepted.
    c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
    sign_in_at(&w, "/invite", SARA).await?;
    type_into(c, "#invite-email", "quinn@fabrikam.com").await?;
    type_into(c, "#invite-name", "Quinn Berg").await?;
    click(c, "[data-testid=invite]").await?;
    wait_for(c, "[data-testid=invitation]").await?;
    click(c, "header nav a[href='/']").await?;
    shoot(c, DESKTOP, "[data-testid=home-invited-person]", "home-sponsor-desktop").await?;
    w.open("/approvals").await?;
    shoot(c, DESKTOP, "[data-testid=decision]", "approvals-desktop").await?;
    language(c, "sv").await?;
    shoot(c, PHONE, "[data-testid=decision]", "approvals-phone-sv").await?;
    language(c, "en").await?;

    // Pat, in a browser of his own: his home on a phone, and a request form.
    let pat = portier_e2e::second_person_at(&w, "/", PAT).await?;
    let p = &pat.client;
    shoot(p, PHONE, "[data-testid=home-ending-item]", "home-partner-phone").await?;
    p.goto(&format!("{}{}", w.stack.app_url, package_path("Fabrikam delivery project"))).await?;
    shoot(p, DESKTOP, "[data-testid=review]", "request-form-desktop").await?;
    shoot(p, PHONE, "[data-testid=review]", "request-form-phone").await?;
    pat.close().await;
    w.end().await;
    Ok(())
}

/// Portier as an element on the demo's intranet page, signed in by its popup.
async fn intranet() -> Result<()> {
    let w = Intranet::start("screenshots", StackOptions::default(), &[]).await?;
    let c = w.client();
    c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
    w.open("/").await?;
    through_popup(c, || shadow_click(c, "[data-testid=sign-in]"), Person::Account(PAT)).await?;
    // The demo page starts Portier at the catalog.
    shadow_wait(c, "[data-testid=package-card]").await?;
    shoot(c, DESKTOP, "portier-app", "intranet-element-desktop").await?;
    shoot(c, PHONE, "portier-app", "intranet-element-phone").await?;
    w.end().await;
    Ok(())
}

pub fn run() -> Result<()> {
    harness::tools::ensure_build_tools()?;
    harness::tools::ensure_browser()?;
    std::fs::create_dir_all(folder())?;
    println!("Screenshots from the demo:");
    tokio::runtime::Runtime::new()?.block_on(async {
        product().await?;
        intranet().await
    })
}

#[cfg(test)]
mod tests {
    /// The README shows every picture the command makes, and every picture it shows is in the
    /// repository.
    #[test]
    fn the_readme_shows_the_pictures_this_command_makes() {
        let root = harness::repo_root();
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let source = std::fs::read_to_string(root.join("xtask/src/screenshots.rs")).unwrap();
        let made: Vec<&str> = source
            .lines()
            .filter(|l| l.trim_start().starts_with("shoot("))
            .filter_map(|l| l.rsplit('"').nth(1))
            .collect();
        assert!(made.len() >= 8, "{made:?}");
        for name in &made {
            assert!(readme.contains(&format!("docs/screenshots/{name}.png")), "the README does not show {name}");
        }
        for shown in readme.split("docs/screenshots/").skip(1).filter_map(|s| s.split_once(".png")).map(|(n, _)| n) {
            assert!(made.contains(&shown), "{shown} is not made by the command");
            assert!(root.join(format!("docs/screenshots/{shown}.png")).is_file(), "{shown}.png is missing");
        }
    }
}
