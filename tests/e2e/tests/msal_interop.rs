//! Interop: Microsoft's own MSAL.js (`@azure/msal-browser`, pinned) against the local tenant,
//! unchanged but for `authority`, `knownAuthorities` and `protocolMode`, from a small test page in
//! headless Chromium: popup and redirect sign-in, a cached token, a forced refresh, Graph `/me`,
//! `ssoSilent` (hidden iframe), logout by popup and by redirect, and `prompt=none` refused
//! afterwards. In AAD and OIDC protocol modes, with the tenant serving https itself (`--tls`) and
//! on plain http behind a TLS-terminating proxy (`--public-url`). Portier's app is not involved.

use anyhow::{Context, Result, bail};
use fantoccini::{Client, Locator};
use harness::browser::Browser;
use harness::devtenant::tls::{self, TlsSource};
use harness::devtenant::{self, Options, Running, Serving};
use portier_e2e::{DEMO_PASSWORD, sign_in_at_tenant, wait_for, wait_for_text};
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TENANT_ID: &str = "5d1c7e2a-4b3f-4a8e-9c6d-0e1f2a3b4c5d";
const DOMAIN: &str = "msal.example";
const CLIENT_ID: &str = "3e8a1f2b-6c4d-4e5f-8a9b-0c1d2e3f4a5b";
const USER: &str = "ada@msal.example";

/// A tenant with one app (this test's page) and one user who has not consented yet.
fn scenario(page: &str) -> String {
    format!(
        r#"
[tenant]
id = "{TENANT_ID}"
display_name = "MSAL interop"
domains = ["{DOMAIN}"]

[tokens]
access_token_lifetime_seconds = 3600

[[apps]]
client_id = "{CLIENT_ID}"
display_name = "MSAL.js test page"
spa_redirect_uris = ["{page}/", "{page}/redirect.html"]
scopes = ["User.Read"]

[[users]]
user_principal_name = "{USER}"
display_name = "Ada Lovelace"
password = "{DEMO_PASSWORD}"
"#
    )
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    Aad,
    Oidc,
}

#[derive(Clone, Copy, Debug)]
enum Exposure {
    /// The tenant serves https with its local CA's certificate.
    OwnTls,
    /// The tenant serves plain http; a proxy on this machine terminates TLS.
    BehindProxy,
}

/// A child process that ends with the test.
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The tenant as the browser reaches it.
struct TenantUnderTest {
    running: Running,
    signin: String,
    graph: String,
    /// The SPKI hash of the certificate the browser is shown.
    spki: String,
    _proxy: Option<Node>,
    /// The CA's and the proxy's files; last, so removed after the proxy has ended.
    _scratch: tempfile::TempDir,
}

impl Drop for TenantUnderTest {
    fn drop(&mut self) {
        self.running.shutdown();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// A folder of one journey, removed when it ends, failed or not.
fn temp_dir(name: &str) -> Result<tempfile::TempDir> {
    Ok(tempfile::Builder::new().prefix(&format!("portier-msal-{name}-")).tempdir()?)
}

async fn start_tenant(page: &str, exposure: Exposure, name: &str) -> Result<TenantUnderTest> {
    let scenario = devtenant::scenario::Scenario::parse(&scenario(page), "msal.toml").map_err(anyhow::Error::msg)?;
    let options = Options::local(scenario);
    let scratch = temp_dir(name)?;
    let dir = scratch.path().to_path_buf();
    if let Exposure::OwnTls = exposure {
        let serving = Serving { tls: Some(TlsSource::LocalCa { dir }), ..Serving::default() };
        let running = devtenant::start_with(options, serving).await?;
        let spki = running.tls.as_ref().context("https is on")?.spki_sha256.clone();
        let (signin, graph) = (running.tenant.signin_origin.clone(), running.tenant.graph_origin.clone());
        return Ok(TenantUnderTest { running, signin, graph, spki, _proxy: None, _scratch: scratch });
    }
    let (signin_port, graph_port) = (free_port(), free_port());
    let (signin, graph) = (format!("https://localhost:{signin_port}"), format!("https://localhost:{graph_port}"));
    let serving = Serving { tls: None, signin_public_url: Some(signin.clone()), graph_public_url: Some(graph.clone()) };
    let running = devtenant::start_with(options, serving).await?;
    let cert = tls::prepare(&TlsSource::LocalCa { dir: dir.clone() }, &["localhost".into(), "127.0.0.1".into()])?;
    std::fs::write(dir.join("proxy-cert.pem"), &cert.cert_pem)?;
    std::fs::write(dir.join("proxy-key.pem"), &cert.key_pem)?;
    let routes = json!([
        {"listen": signin_port, "upstream": running.signin_addr.port()},
        {"listen": graph_port, "upstream": running.graph_addr.port()},
    ]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("interop/tls-proxy.mjs");
    let child = Command::new("node")
        .arg(script)
        .env("ROUTES", routes.to_string())
        .env("CERT", dir.join("proxy-cert.pem"))
        .env("KEY", dir.join("proxy-key.pem"))
        .stdout(Stdio::null())
        .spawn()
        .context("cannot start node")?;
    let proxy = Node(child);
    for port in [signin_port, graph_port] {
        wait_for_port(port).await?;
    }
    Ok(TenantUnderTest { running, signin, graph, spki: cert.spki_sha256, _proxy: Some(proxy), _scratch: scratch })
}

async fn wait_for_port(port: u16) -> Result<()> {
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("nothing listens on port {port}")
}

/// The page's files: ours, and MSAL's browser bundle and redirect bridge from the pinned package.
fn page_files(name: &str) -> Result<tempfile::TempDir> {
    let msal = harness::tools::msal_browser_lib()?;
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("interop");
    let dir = temp_dir(&format!("{name}-page"))?;
    for (from, to) in [
        (ours.join("msal-index.html"), "index.html"),
        (ours.join("msal-redirect.html"), "redirect.html"),
        (ours.join("msal-page.js"), "msal-page.js"),
        (msal.join("msal-browser.min.js"), "msal-browser.min.js"),
        (msal.join("redirect-bridge/msal-redirect-bridge.min.js"), "msal-redirect-bridge.min.js"),
    ] {
        std::fs::copy(&from, dir.path().join(to)).with_context(|| format!("copying {}", from.display()))?;
    }
    Ok(dir)
}

/// Runs an expression of the page (a promise or a value) and returns what it settles to.
async fn call(c: &Client, expression: &str) -> Result<Value> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         Promise.resolve().then(() => {expression}).then(done, (e) => done({{ error: String(e) }}));"
    );
    Ok(c.execute_async(&script, vec![]).await?)
}

/// Waits for the page (after a load or a navigation back from the tenant) to be ready.
async fn page_ready(c: &Client) -> Result<()> {
    wait_for_text(c, "#status", "ready").await
}

/// Starts `expression` (which opens a sign-in popup), signs in in the popup, waits until the
/// popup has closed itself, and returns what the expression settled to.
async fn through_popup(c: &Client, expression: &str) -> Result<Value> {
    let main = c.window().await?;
    c.execute(&format!("window.pending = {expression}; return null;"), vec![]).await?;
    let started = Instant::now();
    let popup = loop {
        if let Some(w) = c.windows().await?.into_iter().find(|w| *w != main) {
            break w;
        }
        if started.elapsed() > Duration::from_secs(10) {
            bail!("no popup opened for {expression}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    c.switch_to_window(popup).await?;
    sign_in_in_popup(c).await?;
    while c.windows().await?.len() > 1 {
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the popup of {expression} never closed");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    c.switch_to_window(main).await?;
    call(c, "window.pending").await
}

/// The tenant's sign-in page in a popup that closes itself once done: credentials, then consent.
async fn sign_in_in_popup(c: &Client) -> Result<()> {
    let username = wait_for(c, "#username").await?;
    username.clear().await?;
    username.send_keys(USER).await?;
    wait_for(c, "#password").await?.send_keys(DEMO_PASSWORD).await?;
    wait_for(c, "button[type=submit]").await?.click().await?;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        match c.find(Locator::Css("button[value=accept]")).await {
            Ok(accept) => return Ok(accept.click().await?),
            // Gone back to the app, or closed: nothing more to do here.
            Err(_) if !c.current_url().await.is_ok_and(|u| u.path().contains("/login")) => return Ok(()),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    bail!("the sign-in in the popup did not finish")
}

fn expect_ok(what: &str, v: &Value) -> Result<()> {
    if v.get("error").is_some() {
        bail!("{what} failed: {v}");
    }
    Ok(())
}

async fn journey(mode: Mode, exposure: Exposure) -> Result<()> {
    let name = format!("{mode:?}-{exposure:?}").to_lowercase();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let page = format!("http://localhost:{}", listener.local_addr()?.port());
    let tenant = start_tenant(&page, exposure, &name).await?;
    // The GUID for the tenant that serves https itself, the verified domain behind the proxy.
    let segment = match exposure {
        Exposure::OwnTls => TENANT_ID,
        Exposure::BehindProxy => DOMAIN,
    };
    let (authority, protocol_mode) = match mode {
        Mode::Aad => (format!("{}/{segment}", tenant.signin), "AAD"),
        Mode::Oidc => (format!("{}/{segment}/v2.0", tenant.signin), "OIDC"),
    };
    let config = json!({
        "clientId": CLIENT_ID,
        "authority": authority,
        "knownAuthorities": [tenant.signin.trim_start_matches("https://")],
        "protocolMode": protocol_mode,
        "scopes": ["User.Read"],
        "graph": tenant.graph,
    });
    let files = page_files(&name)?;
    let _page = harness::app_server::serve(listener, files.path().to_path_buf(), config.to_string());
    let spki = format!("--ignore-certificate-errors-spki-list={}", tenant.spki);
    let browser = Browser::start_with_prefs(&[&spki], json!({"profile.cookie_controls_mode": 0})).await?;
    let result = steps(&browser.client, &page).await;
    if result.is_err() {
        let logs = call(&browser.client, "window.msalTest && window.msalTest.logs").await.unwrap_or_default();
        eprintln!("MSAL's log ({name}): {logs}");
    }
    browser.close().await;
    result
}

async fn steps(c: &Client, page: &str) -> Result<()> {
    c.goto(&format!("{page}/")).await?;
    page_ready(c).await?;

    let signed_in = through_popup(c, "window.msalTest.loginPopup()").await?;
    expect_ok("popup sign-in", &signed_in)?;
    assert_eq!(signed_in["username"], USER, "{signed_in}");
    let claims = &signed_in["idTokenClaims"];
    assert_eq!(claims["tid"], TENANT_ID, "{claims}");
    assert_eq!(claims["preferred_username"], USER);
    assert!(claims["oid"].is_string() && claims["nonce"].is_string(), "{claims}");
    assert_eq!(signed_in["tenantId"], TENANT_ID);

    let cached = call(c, "window.msalTest.silent(false)").await?;
    expect_ok("cached token", &cached)?;
    assert_eq!(cached["fromCache"], true, "{cached}");
    let refreshed = call(c, "window.msalTest.silent(true)").await?;
    expect_ok("forced refresh", &refreshed)?;
    assert_eq!(refreshed["fromCache"], false, "{refreshed}");

    let me = call(c, "window.msalTest.me()").await?;
    assert_eq!(me["status"], 200, "{me}");
    assert_eq!(me["body"]["userPrincipalName"], USER);

    let silent = call(c, &format!("window.msalTest.ssoSilent('{USER}')")).await?;
    expect_ok("ssoSilent after the popup sign-in", &silent)?;
    assert_eq!(silent["fromCache"], false, "{silent}");

    // Nothing to do in the logout popup: it goes to the tenant and back to the bridge, which closes it.
    let out = call(c, "window.msalTest.logoutPopup()").await?;
    expect_ok("popup logout", &out)?;
    assert_eq!(call(c, "window.msalTest.accounts()").await?, json!([]));
    let refused = call(c, &format!("window.msalTest.ssoSilent('{USER}')")).await?;
    assert_eq!(refused["error"], "login_required", "prompt=none after logout: {refused}");

    call(c, "(window.msalTest.loginRedirect(), null)").await?;
    sign_in_at_tenant(c, USER).await?;
    page_ready(c).await?;
    let back = call(c, "window.msalTest.redirectResult()").await?;
    expect_ok("redirect sign-in", &back)?;
    assert_eq!(back["username"], USER, "{back}");
    let silent = call(c, &format!("window.msalTest.ssoSilent('{USER}')")).await?;
    expect_ok("ssoSilent after the redirect sign-in", &silent)?;

    // The page says "ready" again only once it is loaded anew, back from the tenant.
    call(c, "(document.getElementById('status').textContent = 'leaving', window.msalTest.logoutRedirect(), null)")
        .await?;
    page_ready(c).await?;
    assert_eq!(call(c, "window.msalTest.accounts()").await?, json!([]));
    let refused = call(c, &format!("window.msalTest.ssoSilent('{USER}')")).await?;
    assert_eq!(refused["error"], "login_required", "prompt=none after logout: {refused}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn msal_in_aad_mode_works_against_the_tenant_on_its_own_https() -> Result<()> {
    journey(Mode::Aad, Exposure::OwnTls).await
}

#[tokio::test(flavor = "multi_thread")]
async fn msal_in_oidc_mode_works_against_the_tenant_on_its_own_https() -> Result<()> {
    journey(Mode::Oidc, Exposure::OwnTls).await
}

#[tokio::test(flavor = "multi_thread")]
async fn msal_in_aad_mode_works_against_the_tenant_behind_a_tls_proxy() -> Result<()> {
    journey(Mode::Aad, Exposure::BehindProxy).await
}

#[tokio::test(flavor = "multi_thread")]
async fn msal_in_oidc_mode_works_against_the_tenant_behind_a_tls_proxy() -> Result<()> {
    journey(Mode::Oidc, Exposure::BehindProxy).await
}
