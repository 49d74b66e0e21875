//! The whole product for one test: the local tenant (in memory, on free ports, seeded with the
//! demo scenario pointed at this test's app) and the built app served beside it.

use crate::app_server::{self, AppServer};
use anyhow::{Context, Result};
use devtenant::keys::SigningKey;
use devtenant::scenario::Scenario;
use devtenant::{Options, Running};
use serde_json::{Value, json};
use std::sync::OnceLock;
use tokio::net::TcpListener;

pub const TENANT_ID: &str = "8b1f4d5e-2c3a-4e6f-9a7b-1c2d3e4f5a6b";
pub const CLIENT_ID: &str = "7c9f3f10-5b7e-4e4e-9d6a-2f1c0b8e4a21";
/// The intranet's own app registration in the demo scenario (it signs in with MSAL.js).
pub const INTRANET_CLIENT_ID: &str = "e6c59b6c-5b85-4ed4-839f-f3d41552cb9d";
pub const DEMO_PASSWORD: &str = "Portier-demo-1";

/// The app's delegated permissions in the demo.
pub fn demo_scopes() -> Vec<&'static str> {
    vec![
        "User.Read",
        "User.ReadBasic.All",
        "User.Read.All",
        "User.Invite.All",
        "EntitlementMgmt-SubjectAccess.ReadWrite",
        "EntitlementManagement.Read.All",
        "EntitlementManagement.ReadWrite.All",
        "AccessReview.ReadWrite.All",
    ]
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
    /// A scenario file (under `tests/devtenant/scenarios/`) to use instead of the demo's.
    pub scenario_file: Option<&'static str>,
    /// The port of an intranet page that embeds Portier: the scenario's intranet addresses
    /// (`http://localhost:8083`, `http://127.0.0.1:8083`) move there.
    pub host_port: Option<u16>,
    /// Serve the tenant over https, with a local CA kept in this folder (the browser is then
    /// told the certificate's key: [`Stack::spki`]).
    pub tls_dir: Option<std::path::PathBuf>,
    /// Behaviour switched on from the start (e.g. the sign-in pages' COOP).
    pub switches: devtenant::Switches,
    /// Serve a copy of the built app of this test's own ([`Stack::dist`]), which it may change
    /// (delete a chunk, as a new deployment would).
    pub own_dist: bool,
    /// With `own_dist`: every file also brotli-compressed beside it, served to browsers that take
    /// it (what a production host sends; the benchmark's figures).
    pub brotli: bool,
}

pub struct Stack {
    pub tenant: Running,
    pub app: AppServer,
    /// `http://localhost:<port>`
    pub app_url: String,
    pub signin: String,
    pub graph: String,
    /// With https: the certificate key's hash, for `--ignore-certificate-errors-spki-list`.
    pub spki: Option<String>,
    /// The folder served as the app.
    pub dist: std::path::PathBuf,
    own_dist: bool,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.tenant.shutdown();
        if self.own_dist {
            let _ = std::fs::remove_dir_all(&self.dist);
        }
    }
}

/// A copy of the files of `dist` (one level: the build writes no folders) in a folder of its own.
fn copy_of(dist: &std::path::Path) -> Result<std::path::PathBuf> {
    static COPIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let copy = std::env::temp_dir().join(format!("portier-dist-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy)?;
    for entry in std::fs::read_dir(dist)?.flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), copy.join(entry.file_name()))?;
        }
    }
    Ok(copy)
}

fn test_key() -> SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(SigningKey::generate).clone()
}

/// The demo scenario with its app origins replaced by `app_url` (and its intranet's moved to
/// `opts.host_port`).
pub fn demo_scenario(app_url: &str, opts: &StackOptions) -> Result<Scenario> {
    let path = crate::repo_root().join("tests/devtenant/scenarios").join(opts.scenario_file.unwrap_or("demo.toml"));
    let mut text = std::fs::read_to_string(&path).context("reading the demo scenario")?;
    text = text
        .replace("http://localhost:8080", app_url)
        .replace("http://127.0.0.1:8080", &app_url.replace("localhost", "127.0.0.1"));
    if let Some(port) = opts.host_port {
        text = text
            .replace("http://localhost:8083", &format!("http://localhost:{port}"))
            .replace("http://127.0.0.1:8083", &format!("http://127.0.0.1:{port}"));
    }
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
        let dist = if opts.own_dist { copy_of(&crate::dist::dist()?)? } else { crate::dist::dist()? };
        if opts.own_dist && opts.brotli {
            app_server::precompress(&dist)?;
        }
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let app_url = format!("http://localhost:{}", listener.local_addr()?.port());
        let options = Options {
            key: Some(test_key()),
            switches: opts.switches.clone(),
            ..Options::local(demo_scenario(&app_url, &opts)?)
        };
        let tls = opts.tls_dir.clone().map(|dir| devtenant::tls::TlsSource::LocalCa { dir });
        let tenant = devtenant::start_with(options, devtenant::Serving { tls, ..Default::default() }).await?;
        let signin = tenant.tenant.signin_origin.clone();
        let graph = tenant.tenant.graph_origin.clone();
        let spki = tenant.tls.as_ref().map(|t| t.spki_sha256.clone());
        let config = app_config(&signin, &graph, &opts.config);
        let app = app_server::serve_with_csp(listener, dist.clone(), config.to_string());
        Ok(Stack { tenant, app, app_url, signin, graph, spki, dist, own_dist: opts.own_dist })
    }

    /// A Graph access token for a user of the tenant, signed with its key: what the user's own
    /// sign-in would give an app, for tests that act as a second person (an approver).
    pub fn token_for(&self, user: &str, scopes: &[&str]) -> Result<String> {
        let t = &self.tenant.tenant;
        let u = t.store.user_by_sign_in_name(user).with_context(|| format!("no user {user}"))?;
        let now = t.now();
        let claims = json!({
            "aud": "https://graph.microsoft.com", "iss": t.issuer(), "iat": now, "nbf": now, "exp": now + 3600,
            "oid": u.id, "tid": t.scenario.tenant.id, "scp": scopes.join(" "), "appid": CLIENT_ID, "ver": "1.0",
        });
        Ok(t.key.sign(&claims))
    }

    /// Calls Graph as `user` (JSON in, JSON out; the status with it).
    pub async fn graph_as(&self, user: &str, method: &str, path: &str, body: Option<Value>) -> Result<(u16, Value)> {
        let scopes = [
            "EntitlementManagement.ReadWrite.All",
            "EntitlementMgmt-SubjectAccess.ReadWrite",
            "User.ReadBasic.All",
            "User.Invite.All",
        ];
        self.graph_with(user, &scopes, method, path, body).await
    }

    /// [`graph_as`](Self::graph_as) with a token for exactly these scopes.
    pub async fn graph_with(
        &self,
        user: &str,
        scopes: &[&str],
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value)> {
        let token = self.token_for(user, scopes)?;
        let client = reqwest::Client::new();
        let mut req = client.request(method.parse()?, format!("{}/v1.0{path}", self.graph)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await?;
        let status = res.status().as_u16();
        let text = res.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// Decides, as `approver`, the stage waiting for them on every request `requestor` (a mail
    /// address) made.
    pub async fn decide_for(&self, approver: &str, requestor: &str, approve: bool, reason: &str) -> Result<usize> {
        let em = "/identityGovernance/entitlementManagement";
        let mut path = format!("{em}/assignmentRequests/filterByCurrentUser(on='approver')?$expand=requestor");
        let mut all = vec![];
        loop {
            let (_, page) = self.graph_as(approver, "GET", &path, None).await?;
            all.extend(page["value"].as_array().cloned().unwrap_or_default());
            match page["@odata.nextLink"].as_str() {
                Some(next) => path = next.trim_start_matches(&format!("{}/v1.0", self.graph)).to_string(),
                None => break,
            }
        }
        let mut decided = 0;
        let theirs = all
            .into_iter()
            .filter(|r| r["requestor"]["email"].as_str().is_some_and(|e| e.eq_ignore_ascii_case(requestor)));
        for request in theirs {
            let id = request["id"].as_str().unwrap_or_default();
            let (_, stages) = self
                .graph_as(approver, "GET", &format!("{em}/accessPackageAssignmentApprovals/{id}/stages"), None)
                .await?;
            for s in stages["value"].as_array().cloned().unwrap_or_default() {
                if s["status"] == "InProgress" && s["assignedToMe"] == true {
                    let body =
                        json!({"reviewResult": if approve { "Approve" } else { "Deny" }, "justification": reason});
                    let (status, _) = self
                        .graph_as(
                            approver,
                            "PATCH",
                            &format!(
                                "{em}/accessPackageAssignmentApprovals/{id}/stages/{}",
                                s["id"].as_str().unwrap_or_default()
                            ),
                            Some(body),
                        )
                        .await?;
                    anyhow::ensure!(status == 204, "deciding a stage answered {status}");
                    decided += 1;
                }
            }
        }
        Ok(decided)
    }

    /// Moves the tenant's clock forward, as `POST /_dev/clock` does.
    pub fn advance_clock(&self, seconds: i64) {
        let tenant = &self.tenant.tenant;
        let offset = tenant.clock.advance(seconds);
        tenant.store.set_meta("clock_offset", &offset.to_string());
    }
}
