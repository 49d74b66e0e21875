//! The whole product for one test: the local tenant (in memory, on free ports, seeded with the
//! demo scenario pointed at this test's app) and the built app served beside it.

use crate::app_server::{self, AppServer};
use anyhow::{Context, Result};
use devtenant::keys::SigningKey;
use devtenant::scenario::Scenario;
use devtenant::{Options, Running, Switches};
use serde_json::{Value, json};
use std::sync::OnceLock;
use tokio::net::TcpListener;

pub const TENANT_ID: &str = "8b1f4d5e-2c3a-4e6f-9a7b-1c2d3e4f5a6b";
pub const CLIENT_ID: &str = "7c9f3f10-5b7e-4e4e-9d6a-2f1c0b8e4a21";
pub const DEMO_PASSWORD: &str = "Portier-demo-1";

/// The app's delegated permissions in the demo.
pub fn demo_scopes() -> Vec<&'static str> {
    vec!["User.Read", "User.ReadBasic.All"]
}

/// What a test changes about the stack.
#[derive(Default, Clone)]
pub struct StackOptions {
    /// TOML appended to the demo scenario.
    pub scenario_extra: String,
    /// Replaces the demo's access-token lifetime.
    pub access_token_lifetime: Option<i64>,
    /// Merged into the app's `config.json`.
    pub config: Value,
}

pub struct Stack {
    pub tenant: Running,
    pub app: AppServer,
    /// `http://localhost:<port>`
    pub app_url: String,
    pub signin: String,
    pub graph: String,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.tenant.shutdown();
    }
}

fn test_key() -> SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(SigningKey::generate).clone()
}

/// The demo scenario with its app origins replaced by `app_url`.
pub fn demo_scenario(app_url: &str, opts: &StackOptions) -> Result<Scenario> {
    let path = crate::repo_root().join("tests/devtenant/scenarios/demo.toml");
    let mut text = std::fs::read_to_string(&path).context("reading the demo scenario")?;
    text = text
        .replace("http://localhost:8080", app_url)
        .replace("http://127.0.0.1:8080", &app_url.replace("localhost", "127.0.0.1"));
    if let Some(lifetime) = opts.access_token_lifetime {
        text = text
            .replace("access_token_lifetime_seconds = 3600", &format!("access_token_lifetime_seconds = {lifetime}"));
    }
    text.push_str(&opts.scenario_extra);
    Scenario::parse(&text, "demo.toml").map_err(anyhow::Error::msg)
}

/// The app's configuration for a tenant.
pub fn app_config(signin: &str, graph: &str, overrides: &Value) -> Value {
    let mut config = json!({
        "clientId": CLIENT_ID,
        "authority": format!("{signin}/{TENANT_ID}"),
        "graphBaseUrl": format!("{graph}/v1.0"),
        "scopes": demo_scopes(),
    });
    if let (Value::Object(c), Value::Object(o)) = (&mut config, overrides) {
        for (k, v) in o {
            c.insert(k.clone(), v.clone());
        }
    }
    config
}

impl Stack {
    pub async fn start(opts: StackOptions) -> Result<Stack> {
        let dist = crate::dist::dist()?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let app_url = format!("http://localhost:{}", listener.local_addr()?.port());
        let tenant = devtenant::start(Options {
            scenario: demo_scenario(&app_url, &opts)?,
            db: ":memory:".into(),
            host: "127.0.0.1".parse()?,
            signin_port: 0,
            graph_port: 0,
            public_host: "localhost".into(),
            switches: Switches::default(),
            key: Some(test_key()),
        })
        .await?;
        let signin = tenant.tenant.signin_origin.clone();
        let graph = tenant.tenant.graph_origin.clone();
        let config = app_config(&signin, &graph, &opts.config);
        let app = app_server::serve(listener, dist, config.to_string());
        Ok(Stack { tenant, app, app_url, signin, graph })
    }

    /// Moves the tenant's clock forward, as `POST /_dev/clock` does.
    pub fn advance_clock(&self, seconds: i64) {
        let tenant = &self.tenant.tenant;
        let offset = tenant.clock.advance(seconds);
        tenant.store.set_meta("clock_offset", &offset.to_string());
    }
}
