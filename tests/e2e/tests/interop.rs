//! Interop: the same built app signs in against oidc-provider, an independent OpenID-certified
//! provider (npm), in OpenID Connect protocol mode — no Entra shapes, no local tenant.

use anyhow::{Context, Result, bail};
use harness::app_server;
use harness::browser::Browser;
use portier_e2e::*;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const OIDC_PROVIDER: &str = "oidc-provider@9.13.3";

struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Starts oidc-provider for a client of `app_origin`; returns when its discovery answers.
async fn start_provider(app_origin: &str, client_id: &str) -> Result<(Node, String)> {
    let modules = harness::tools::ensure_npm_package(OIDC_PROVIDER)?;
    // An ES module resolves packages from its own folder: put the script beside them.
    let script = modules.parent().context("tools folder")?.join("portier-oidc-provider.mjs");
    std::fs::write(&script, include_str!("../interop/oidc-provider.mjs"))?;
    let port = free_port();
    let child = Command::new("node")
        .arg(&script)
        .env("PORT", port.to_string())
        .env("APP_ORIGIN", app_origin)
        .env("CLIENT_ID", client_id)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot start node")?;
    let node = Node(child);
    let issuer = format!("http://localhost:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((node, issuer));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("oidc-provider did not start")
}

#[tokio::test(flavor = "multi_thread")]
async fn signs_in_against_an_independent_certified_provider() -> Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let app_origin = format!("http://localhost:{}", listener.local_addr()?.port());
    let client_id = harness::stack::CLIENT_ID;
    let (_node, issuer) = start_provider(&app_origin, client_id).await?;
    let config = json!({
        "clientId": client_id,
        "authority": issuer,
        "protocolMode": "oidc",
        "graphBaseUrl": format!("{issuer}/graph-is-not-here/v1.0"),
        "scopes": ["profile"],
    });
    let _app = app_server::serve(listener, harness::dist::dist()?, config.to_string());
    let browser = Browser::start(&[]).await?;
    let c = &browser.client;
    c.goto(&format!("{app_origin}/")).await?;
    click(c, "[data-testid=sign-in]").await?;
    // oidc-provider's own development pages: any login, then consent.
    wait_for(c, "input[name=login]").await?.send_keys("interop").await?;
    wait_for(c, "input[name=password]").await?.send_keys("anything").await?;
    click(c, "button[type=submit]").await?;
    // The consent page's button says "Continue" (the login page's, "Sign-in").
    wait_for_text(c, "button[type=submit]", "Continue").await?;
    click(c, "button[type=submit]").await?;
    // Signed in from the verified id token (there is no Graph here, so /me fails, as it should).
    wait_for_text(c, ".account-name", "Interop Person").await?;
    let url = c.current_url().await?.to_string();
    assert!(url.starts_with(&app_origin) && !url.contains("code="), "{url}");
    browser.close().await;
    Ok(())
}
