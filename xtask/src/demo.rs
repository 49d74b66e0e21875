//! `cargo xtask demo`: builds the app, starts the local tenant (demo scenario, kept in
//! `target/demo/tenant.db`), serves the app on http://localhost:8080 and an intranet that
//! embeds it on http://localhost:8083 until Ctrl-C. The intranet's own sign-in (MSAL.js) needs
//! an authority on https, so a second tenant with the same scenario runs over https on 8443 and
//! 8444, with a local CA kept in `target/demo/tls`.

use anyhow::{Context, Result};
use devtenant::scenario::Scenario;
use devtenant::tls::TlsSource;
use devtenant::{Options, Running, Serving};
use harness::intranet::{self, Site, Values};
use serde_json::json;
use std::path::{Path, PathBuf};
use tokio::net::TcpListener;

const APP: &str = "http://localhost:8080";
const INTRANET: &str = "http://localhost:8083";

pub fn run() -> Result<()> {
    let root = harness::repo_root();
    let dist = root.join("dist");
    harness::dist::ensure_built(&dist)?;
    // Only the intranet's own sign-in needs MSAL.js: without npm, the rest of the demo still runs.
    let msal = harness::tools::msal_browser_lib()
        .inspect_err(|e| eprintln!("xtask: MSAL.js is missing, the intranet's own sign-in will not work: {e:#}"))
        .ok();
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(serve(dist, msal))
}

fn demo_scenario(root: &Path) -> Result<Scenario> {
    let path = root.join("tests/devtenant/scenarios/demo.toml");
    let text = std::fs::read_to_string(&path)?;
    Scenario::parse(&text, &path.display().to_string()).map_err(anyhow::Error::msg)
}

async fn listen(port: u16, what: &str) -> Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("port {port} ({what}) is in use: is a demo already running?"))
}

/// The tenant: plain http on 8081/8082, or https on 8443/8444 with the local CA in `tls`.
async fn start_tenant(root: &Path, db: &str, ports: (u16, u16), tls: Option<PathBuf>) -> Result<Running> {
    let options = Options {
        db: root.join("target/demo").join(db).display().to_string(),
        signin_port: ports.0,
        graph_port: ports.1,
        ..Options::local(demo_scenario(root)?)
    };
    let serving = Serving { tls: tls.map(|dir| TlsSource::LocalCa { dir }), ..Serving::default() };
    devtenant::start_with(options, serving).await
}

async fn serve(dist: PathBuf, msal: Option<PathBuf>) -> Result<()> {
    let root = harness::repo_root();
    let scenario = demo_scenario(&root)?;
    let accounts: Vec<(String, String)> = scenario
        .users
        .iter()
        .map(|u| u.get_ref())
        .map(|u| {
            (
                u.mail
                    .clone()
                    .filter(|_| u.user_type == devtenant::scenario::UserType::Guest)
                    .unwrap_or(u.user_principal_name.clone()),
                u.display_name.clone(),
            )
        })
        .collect();
    std::fs::create_dir_all(root.join("target/demo"))?;
    let app_listener = listen(8080, "the app").await?;
    let intranet_listener = listen(8083, "the intranet").await?;
    let tenant = start_tenant(&root, "tenant.db", (8081, 8082), None).await?;
    let secure = start_tenant(&root, "intranet-tenant.db", (8443, 8444), Some(root.join("target/demo/tls"))).await?;
    let (signin, graph) = (&tenant.tenant.signin_origin, &tenant.tenant.graph_origin);
    // The intranet may frame Portier (frame-ancestors, and where its height is told) and load
    // it as an element (CORS): the app is served with the headers a deployment sends.
    let config = harness::stack::app_config(signin, graph, &json!({ "hostOrigins": [INTRANET] }));
    let _app = harness::app_server::serve_with_csp(app_listener, dist, config.to_string());
    let site = Site {
        dir: root.join("demo/intranet"),
        values: Values {
            app: APP.into(),
            signin: secure.tenant.signin_origin.clone(),
            graph: secure.tenant.graph_origin.clone(),
            tenant_id: harness::stack::TENANT_ID.into(),
            client_id: harness::stack::INTRANET_CLIENT_ID.into(),
        },
        msal,
    };
    let _intranet = intranet::serve(intranet_listener, site);
    println!();
    println!("Portier is running: open {APP}");
    println!("  local tenant sign-in: {signin}   Graph: {graph}/v1.0");
    println!("  mails the tenant sent: {signin}/_dev/outbox.html");
    println!("An intranet that embeds it: open {INTRANET}");
    println!("  {INTRANET}/                  Portier as an element of the page (popup sign-in)");
    println!("  {INTRANET}/frame.html        Portier in an iframe");
    println!("  {INTRANET}/host-sign-in.html the intranet signs in itself (MSAL.js) and hands Portier tokens");
    println!(
        "    against a second tenant over https: sign-in {}   Graph: {}/v1.0",
        secure.tenant.signin_origin, secure.tenant.graph_origin
    );
    for line in secure.tls.iter().flat_map(|tls| tls.how_to_trust()) {
        println!("  {line}");
    }
    println!("Accounts (password {}):", harness::stack::DEMO_PASSWORD);
    for (name, display) in &accounts {
        println!("  {name:<24} {display}");
    }
    println!("  nils@fabrikam.com        not in the directory yet: may sign up as a guest");
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    tenant.shutdown();
    secure.shutdown();
    println!("Stopped.");
    Ok(())
}
