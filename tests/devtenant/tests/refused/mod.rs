//! Helpers for the bad-input tests: send the tenant something it must refuse, check that the
//! answer is Graph's error (status, shape, ids) and never a 5xx, and that nothing was written.
#![allow(dead_code)]

use crate::common::*;
use serde_json::Value;

/// Every permission a Graph token of the demo app can hold: bad input meets no scope refusal.
pub const ALL_SCOPES: &str = "User.Read User.ReadBasic.All User.Read.All User.Invite.All \
    EntitlementMgmt-SubjectAccess.ReadWrite EntitlementManagement.Read.All EntitlementManagement.ReadWrite.All \
    AccessReview.Read.All AccessReview.ReadWrite.All";

/// One hostile request: method, path with its query, content type and body.
pub struct Bad {
    pub method: reqwest::Method,
    pub path: String,
    pub content_type: Option<&'static str>,
    pub body: Vec<u8>,
}

impl Bad {
    pub fn get(path: impl Into<String>) -> Bad {
        Bad { method: reqwest::Method::GET, path: path.into(), content_type: None, body: vec![] }
    }

    pub fn json(method: reqwest::Method, path: impl Into<String>, body: impl Into<Vec<u8>>) -> Bad {
        Bad { method, path: path.into(), content_type: Some("application/json"), body: body.into() }
    }
}

/// Sends bad requests as one caller and checks each answer; remembers the database as it was
/// before the first, so [`Prober::assert_nothing_written`] can compare.
pub struct Prober<'a> {
    t: &'a TestTenant,
    token: String,
    before: String,
    pub sent: usize,
}

impl<'a> Prober<'a> {
    pub fn new(t: &'a TestTenant, token: String) -> Prober<'a> {
        let before = t.running.tenant.store.dump().expect("database dump");
        Prober { t, token, before, sent: 0 }
    }

    /// Sends `bad` and asserts a Graph error whose status is one of `statuses`; returns its body.
    pub async fn refused(&mut self, bad: Bad, statuses: &[u16]) -> Value {
        let label = format!("{} {} ({} bytes)", bad.method, shorten(&bad.path), bad.body.len());
        let (status, body) = self.send(bad).await;
        assert!(statuses.contains(&status), "{label}: status {status}, expected one of {statuses:?}: {body}");
        assert_graph_error_shape(&body, &label);
        body
    }

    /// Sends `bad`, which is well-formed however odd, and asserts a 200 whose `value` is empty:
    /// the odd text was read as data and matched nothing.
    pub async fn matches_nothing(&mut self, bad: Bad) {
        let label = format!("{} {}", bad.method, shorten(&bad.path));
        let (status, body) = self.send(bad).await;
        assert_eq!(status, 200, "{label}: {body}");
        assert_eq!(body["value"], serde_json::json!([]), "{label}");
    }

    async fn send(&mut self, bad: Bad) -> (u16, Value) {
        self.sent += 1;
        let mut req = http().request(bad.method, format!("{}{}", self.t.graph, bad.path)).bearer_auth(&self.token);
        if let Some(ct) = bad.content_type {
            req = req.header("content-type", ct);
        }
        let r = req.body(bad.body).send().await.expect("an answer, not a dropped connection");
        let status = r.status().as_u16();
        let header_id = r.headers().get("request-id").map(|v| v.to_str().unwrap().to_string());
        let text = r.text().await.unwrap();
        let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("status {status}, not JSON: {text}"));
        if let Some(id) = header_id.filter(|_| body.get("error").is_some()) {
            assert_eq!(body["error"]["innerError"]["request-id"], id.as_str());
        }
        (status, body)
    }

    /// Asserts that every table holds what it held before the first bad request.
    pub fn assert_nothing_written(&self) {
        let after = self.t.running.tenant.store.dump().expect("database dump");
        assert!(self.before == after, "the database changed:\n{}", first_difference(&self.before, &after));
    }
}

/// Asserts Graph's error body: `error.code` and `error.message` strings, `innerError` with
/// `request-id` and `date`.
pub fn assert_graph_error_shape(body: &Value, label: &str) {
    let e = &body["error"];
    assert!(e["code"].as_str().is_some_and(|c| !c.is_empty()), "{label}: no error.code in {body}");
    assert!(e["message"].is_string(), "{label}: no error.message in {body}");
    assert!(e["innerError"]["request-id"].is_string(), "{label}: no innerError.request-id in {body}");
    assert!(e["innerError"]["date"].is_string(), "{label}: no innerError.date in {body}");
}

fn shorten(path: &str) -> String {
    if path.len() <= 120 {
        path.to_string()
    } else {
        format!("{}… ({} chars)", path.chars().take(120).collect::<String>(), path.len())
    }
}

fn first_difference(before: &str, after: &str) -> String {
    let (b, a): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    let i = b.iter().zip(&a).position(|(x, y)| x != y).unwrap_or(b.len().min(a.len()));
    format!("before: {:?}\nafter:  {:?}", b.get(i), a.get(i))
}
