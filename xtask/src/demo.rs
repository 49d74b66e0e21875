//! `cargo xtask demo`: builds the app, starts the local tenant (demo scenario, kept in
//! `target/demo/tenant.db`) and serves the app on http://localhost:8080 until Ctrl-C.

use anyhow::{Context, Result};
use devtenant::Options;
use devtenant::scenario::Scenario;

pub fn run() -> Result<()> {
    let root = harness::repo_root();
    let dist = root.join("dist");
    harness::dist::ensure_built(&dist)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(serve(dist))
}

async fn serve(dist: std::path::PathBuf) -> Result<()> {
    let root = harness::repo_root();
    let scenario_path = root.join("tests/devtenant/scenarios/demo.toml");
    let text = std::fs::read_to_string(&scenario_path)?;
    let scenario = Scenario::parse(&text, &scenario_path.display().to_string()).map_err(anyhow::Error::msg)?;
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
    let db = root.join("target/demo/tenant.db");
    let app_listener = tokio::net::TcpListener::bind("127.0.0.1:8080")
        .await
        .context("port 8080 is in use: is a demo already running?")?;
    let tenant = devtenant::start(Options {
        db: db.display().to_string(),
        signin_port: 8081,
        graph_port: 8082,
        ..Options::local(scenario)
    })
    .await?;
    let config =
        harness::stack::app_config(&tenant.tenant.signin_origin, &tenant.tenant.graph_origin, &serde_json::Value::Null);
    let _app = harness::app_server::serve(app_listener, dist, config.to_string());
    println!();
    println!("Portier is running: open http://localhost:8080");
    println!("  local tenant sign-in: {}   Graph: {}/v1.0", tenant.tenant.signin_origin, tenant.tenant.graph_origin);
    println!("  mails the tenant sent: {}/_dev/outbox.html", tenant.tenant.signin_origin);
    println!("Accounts (password {}):", harness::stack::DEMO_PASSWORD);
    for (name, display) in &accounts {
        println!("  {name:<24} {display}");
    }
    println!("  nils@fabrikam.com        not in the directory yet: may sign up as a guest");
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    tenant.shutdown();
    println!("Stopped.");
    Ok(())
}
