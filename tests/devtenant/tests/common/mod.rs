//! Test helpers: a tenant on free ports with an in-memory database, a cookie-keeping "browser"
//! that follows the sign-in pages like a person would, and PKCE.
#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use devtenant::keys::SigningKey;
use devtenant::scenario::Scenario;
use devtenant::{Options, Running};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::OnceLock;

pub const TID: &str = "8b1f4d5e-2c3a-4e6f-9a7b-1c2d3e4f5a6b";
pub const APP: &str = "7c9f3f10-5b7e-4e4e-9d6a-2f1c0b8e4a21";
/// A second app, without self-service sign-up.
pub const CLOSED_APP: &str = "0d4c2b1a-9e8f-4a7b-8c6d-5e4f3a2b1c0d";
pub const APP_ORIGIN: &str = "http://localhost:8080";
pub const REDIRECT: &str = "http://localhost:8080/redirect.html";
pub const PASSWORD: &str = "Portier-demo-1";
pub const SCOPE: &str = "openid profile offline_access User.Read";

const EXTRA_APP: &str = r#"
[[apps]]
client_id = "0d4c2b1a-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
display_name = "Closed app"
spa_redirect_uris = ["http://localhost:9090/"]
scopes = ["User.Read"]
"#;

fn key() -> SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(SigningKey::generate).clone()
}

pub struct TestTenant {
    pub running: Running,
    pub signin: String,
    pub graph: String,
}

impl Drop for TestTenant {
    fn drop(&mut self) {
        self.running.shutdown();
    }
}

pub fn demo_scenario_text() -> String {
    format!("{}{EXTRA_APP}", include_str!("../../scenarios/demo.toml"))
}

pub async fn start() -> TestTenant {
    start_with(&demo_scenario_text(), ":memory:").await
}

pub async fn start_with(scenario: &str, db: &str) -> TestTenant {
    start_keyed(scenario, db, Some(key())).await
}

/// A tenant that keeps (or makes) its own signing key in the database, as the binary does.
pub async fn start_keyed(scenario: &str, db: &str, key: Option<SigningKey>) -> TestTenant {
    let scenario = Scenario::parse(scenario, "test.toml").expect("test scenario");
    let running =
        devtenant::start(Options { db: db.into(), public_host: "127.0.0.1".into(), key, ..Options::local(scenario) })
            .await
            .expect("tenant starts");
    let signin = running.tenant.signin_origin.clone();
    let graph = running.tenant.graph_origin.clone();
    TestTenant { running, signin, graph }
}

impl TestTenant {
    pub fn url(&self, path: &str) -> String {
        format!("{}/{TID}{path}", self.signin)
    }

    pub async fn advance_clock(&self, seconds: i64) {
        let r = http()
            .post(format!("{}/_dev/clock", self.signin))
            .json(&serde_json::json!({"advanceSeconds": seconds}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
}

/// A plain client that does not follow redirects.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A browser: keeps cookies, never follows redirects on its own.
pub struct Browser {
    pub client: reqwest::Client,
}

impl Browser {
    pub fn new() -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .cookie_store(true)
                .build()
                .unwrap(),
        }
    }

    pub async fn get(&self, url: &str) -> reqwest::Response {
        self.client.get(url).send().await.unwrap()
    }

    pub async fn post_form(&self, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(url).form(form).send().await.unwrap()
    }
}

pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

pub fn pkce() -> Pkce {
    let verifier = B64.encode(uuid::Uuid::new_v4().as_bytes().repeat(2));
    let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
    Pkce { verifier, challenge }
}

/// An authorize URL with sensible defaults; `overrides` replace or add parameters
/// (an empty value removes one).
pub fn authorize_url(t: &TestTenant, pkce: &Pkce, overrides: &[(&str, &str)]) -> String {
    let mut params: Vec<(String, String)> = [
        ("client_id", APP),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", SCOPE),
        ("state", "state-123|user data"),
        ("nonce", "nonce-456"),
        ("code_challenge", pkce.challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("client_info", "1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in overrides {
        params.retain(|(pk, _)| pk != k);
        if !v.is_empty() {
            params.push((k.to_string(), v.to_string()));
        }
    }
    let q = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
    t.url(&format!("/oauth2/v2.0/authorize?{q}"))
}

/// The value of a hidden form field in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no field {name} in page:\n{html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").unwrap_or_else(|| panic!("no Location on {}", r.status())).to_str().unwrap().to_string()
}

/// The parameters of a redirect back to the app, from its fragment or query.
pub fn response_params(url: &str) -> HashMap<String, String> {
    let part = url.split_once('#').map(|(_, f)| f).or_else(|| url.split_once('?').map(|(_, q)| q)).unwrap_or_default();
    url::form_urlencoded::parse(part.as_bytes()).into_owned().collect()
}

/// Walks the sign-in pages from an authorize URL: signs in with the password when asked,
/// accepts consent, and returns the final redirect to the app.
pub async fn walk(b: &Browser, t: &TestTenant, url: &str, username: &str) -> String {
    let mut r = b.get(url).await;
    for _ in 0..5 {
        if r.status() == 302 {
            return location(&r);
        }
        let html = r.text().await.unwrap();
        let flow = hidden(&html, "flow");
        r = if html.contains("name=\"password\"") && html.contains("current-password") {
            b.post_form(&t.url("/login"), &[("flow", &flow), ("username", username), ("password", PASSWORD)]).await
        } else if html.contains("name=\"decision\"") {
            b.post_form(&t.url("/consent"), &[("flow", &flow), ("decision", "accept")]).await
        } else {
            panic!("unexpected page:\n{html}");
        };
    }
    panic!("sign-in did not end in a redirect");
}

/// Signs a user in from scratch and returns the code and the PKCE verifier.
pub async fn sign_in(b: &Browser, t: &TestTenant, username: &str, scope: &str) -> (String, Pkce) {
    let p = pkce();
    let url = authorize_url(t, &p, &[("scope", scope), ("login_hint", username)]);
    let back = walk(b, t, &url, username).await;
    let params = response_params(&back);
    let code = params.get("code").unwrap_or_else(|| panic!("no code in {back}")).clone();
    (code, p)
}

/// POSTs to the token endpoint as a SPA would (with an `Origin`).
pub async fn token_request(t: &TestTenant, form: &[(&str, &str)], origin: Option<&str>) -> reqwest::Response {
    let mut req = http().post(t.url("/oauth2/v2.0/token")).form(form);
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    req.send().await.unwrap()
}

pub async fn redeem(t: &TestTenant, code: &str, verifier: &str, scope: &str) -> reqwest::Response {
    let form = [
        ("client_id", APP),
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier),
        ("scope", scope),
        ("client_info", "1"),
    ];
    token_request(t, &form, Some(APP_ORIGIN)).await
}

/// Signs in and redeems: the token response of a fresh session.
pub async fn tokens(t: &TestTenant, username: &str, scope: &str) -> Value {
    let b = Browser::new();
    let (code, p) = sign_in(&b, t, username, scope).await;
    let r = redeem(t, &code, &p.verifier, scope).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

pub async fn access_token(t: &TestTenant, username: &str, scope: &str) -> String {
    tokens(t, username, scope).await["access_token"].as_str().unwrap().to_string()
}

/// A JWT's claims, read without checking anything.
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap()
}

pub async fn graph_get(t: &TestTenant, token: &str, path: &str) -> reqwest::Response {
    http().get(format!("{}{path}", t.graph)).bearer_auth(token).send().await.unwrap()
}

pub async fn graph_post(t: &TestTenant, token: &str, path: &str, body: &Value) -> reqwest::Response {
    http().post(format!("{}{path}", t.graph)).bearer_auth(token).json(body).send().await.unwrap()
}

/// Asserts a Graph error: status, `error.code`, and the request id in body and header alike.
pub async fn assert_graph_error(r: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(r.status(), status, "status");
    let header_id = r.headers().get("request-id").expect("request-id header").to_str().unwrap().to_string();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert_eq!(body["error"]["innerError"]["request-id"], header_id.as_str());
    assert!(body["error"]["innerError"]["date"].is_string());
    body
}

pub async fn graph_patch(t: &TestTenant, token: &str, path: &str, body: &Value) -> reqwest::Response {
    http().patch(format!("{}{path}", t.graph)).bearer_auth(token).json(body).send().await.unwrap()
}

/// Signs someone up through self-service sign-up (a new guest) and returns an access token.
pub async fn sign_up(t: &TestTenant, email: &str, display_name: &str, scope: &str) -> String {
    let b = Browser::new();
    let p = pkce();
    let html = b.get(&authorize_url(t, &p, &[("scope", scope)])).await.text().await.unwrap();
    let r =
        b.post_form(&t.url("/login"), &[("flow", &hidden(&html, "flow")), ("username", email), ("password", "")]).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Create your account"), "{html}");
    let form = [
        ("flow", hidden(&html, "flow")),
        ("email", email.into()),
        ("display_name", display_name.into()),
        ("password", "Signed-up-1".into()),
    ];
    let html = b.client.post(t.url("/signup")).form(&form).send().await.unwrap().text().await.unwrap();
    let r = b.post_form(&t.url("/consent"), &[("flow", &hidden(&html, "flow")), ("decision", "accept")]).await;
    let code = response_params(&location(&r))["code"].clone();
    let tokens: Value = redeem(t, &code, &p.verifier, scope).await.json().await.unwrap();
    tokens["access_token"].as_str().expect("an access token").to_string()
}

/// The mails in the outbox.
pub async fn outbox(t: &TestTenant) -> Vec<Value> {
    let r: Value = http().get(format!("{}/_dev/outbox", t.signin)).send().await.unwrap().json().await.unwrap();
    r["value"].as_array().cloned().unwrap_or_default()
}

/// A tenant started with `serving` (https, public URLs) on free ports, in memory unless `db` says.
pub async fn start_served(db: &str, serving: devtenant::Serving) -> TestTenant {
    let scenario = Scenario::parse(&demo_scenario_text(), "test.toml").expect("test scenario");
    let running =
        devtenant::start_with(Options { db: db.into(), key: Some(key()), ..Options::local(scenario) }, serving)
            .await
            .expect("tenant starts");
    let signin = running.tenant.signin_origin.clone();
    let graph = running.tenant.graph_origin.clone();
    TestTenant { running, signin, graph }
}

/// The bound (plain, reachable) address of the sign-in origin, whatever its public URL.
pub fn bound_signin(t: &TestTenant) -> String {
    format!("http://{}", t.running.signin_addr)
}

/// The bound address of the Graph origin.
pub fn bound_graph(t: &TestTenant) -> String {
    format!("http://{}", t.running.graph_addr)
}

/// A Graph access token for a directory user (by sign-in name) holding exactly the delegated
/// permissions in `scp`, signed with the tenant's key as its token endpoint signs them. Tables
/// of permission sets use it rather than a sign-in and a consent for every set.
pub fn minted_token(t: &TestTenant, sign_in_name: &str, scp: &str) -> String {
    let tenant = &t.running.tenant;
    let user = tenant.store.user_by_sign_in_name(sign_in_name).unwrap_or_else(|| panic!("no user {sign_in_name}"));
    let now = tenant.now();
    tenant.key.sign(&serde_json::json!({
        "aud": devtenant::scopes::GRAPH_RESOURCE, "iss": format!("{}/{TID}/v2.0", t.signin), "tid": TID,
        "iat": now, "nbf": now, "exp": now + 3600, "oid": user.id, "scp": scp, "appid": APP, "azp": APP,
        "upn": user.upn, "idtyp": "user", "ver": "1.0",
    }))
}

/// The demo scenario's path.
pub fn demo() -> String {
    format!("{}/scenarios/demo.toml", env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary until it says it is running; returns what it printed.
pub fn run_until_ready(args: &[&str]) -> String {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_devtenant"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut seen = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("Press Ctrl-C") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    seen
}

/// A folder of one test, removed when it ends, failed or not.
pub fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("devtenant-{name}-")).tempdir().unwrap()
}
