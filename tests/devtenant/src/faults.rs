//! Faults injected on the Graph origin: a status (with `Retry-After`) and/or a delay, for paths
//! matching a pattern, a number of times. Set through `/_dev/faults`.

use crate::Tenant;
use crate::graph::error::GraphError;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// A fault as a test asks for it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSpec {
    /// A path pattern where `*` stands for any run of characters, e.g. `/v1.0/users*`.
    pub path: String,
    /// Only this method (any when left out).
    #[serde(default)]
    pub method: Option<String>,
    /// Answer with this status instead of the real response.
    #[serde(default)]
    pub status: Option<u16>,
    /// `Retry-After` seconds to send with the status.
    #[serde(default)]
    pub retry_after: Option<u32>,
    /// Wait this long before answering (or before passing the request on).
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// How many requests it strikes; every one until cleared when left out.
    #[serde(default)]
    pub times: Option<u32>,
}

/// A fault in force, with what is left of it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    pub id: u64,
    #[serde(flatten)]
    pub spec: FaultSpec,
    pub remaining: Option<u32>,
    pub hits: u32,
}

#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<Fault>>,
    next_id: AtomicU64,
}

impl Faults {
    /// Adds a fault after checking it makes sense; returns its id.
    pub fn add(&self, spec: FaultSpec) -> Result<Fault, String> {
        if !spec.path.starts_with('/') {
            return Err("path must start with '/'".into());
        }
        if spec.status.is_none() && spec.delay_ms.is_none() {
            return Err("give a status, a delayMs, or both".into());
        }
        if spec.status.is_some_and(|s| !(400..=599).contains(&s)) {
            return Err("status must be from 400 to 599".into());
        }
        if spec.delay_ms.is_some_and(|d| d > 120_000) {
            return Err("delayMs must be at most 120000".into());
        }
        if spec.times == Some(0) {
            return Err("times must be at least 1 (leave it out for every request)".into());
        }
        let fault = Fault { id: self.next_id.fetch_add(1, Ordering::SeqCst) + 1, remaining: spec.times, spec, hits: 0 };
        self.lock().push(fault.clone());
        Ok(fault)
    }

    pub fn list(&self) -> Vec<Fault> {
        self.lock().clone()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    pub fn remove(&self, id: u64) -> bool {
        let mut rules = self.lock();
        let before = rules.len();
        rules.retain(|f| f.id != id);
        rules.len() != before
    }

    /// The first fault for this request, counted as used.
    pub fn strike(&self, method: &str, path: &str) -> Option<FaultSpec> {
        let mut rules = self.lock();
        let i = rules.iter().position(|f| {
            f.spec.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method)) && glob(&f.spec.path, path)
        })?;
        let fault = &mut rules[i];
        fault.hits += 1;
        let spec = fault.spec.clone();
        if let Some(left) = fault.remaining.as_mut() {
            *left -= 1;
            if *left == 0 {
                rules.remove(i);
            }
        }
        Some(spec)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return pattern == text;
    }
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// Middleware on the Graph origin.
pub async fn inject(State(t): State<std::sync::Arc<Tenant>>, req: Request, next: Next) -> Response {
    let Some(fault) = t.faults.strike(req.method().as_str(), req.uri().path()) else {
        return next.run(req).await;
    };
    if let Some(ms) = fault.delay_ms {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    match fault.status.and_then(|s| StatusCode::from_u16(s).ok()) {
        Some(status) => {
            let mut e = GraphError::for_status(status);
            if let Some(secs) = fault.retry_after {
                e = e.with_header("retry-after", secs.to_string());
            }
            e.into_response()
        }
        None => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_runs() {
        assert!(glob("/v1.0/users*", "/v1.0/users/abc"));
        assert!(glob("/v1.0/*/abc", "/v1.0/users/abc"));
        assert!(glob("*", "/anything"));
        assert!(!glob("/v1.0/me", "/v1.0/me/x"));
        assert!(!glob("/v1.0/*x", "/v1.0/"));
    }

    #[test]
    fn a_counted_fault_wears_out() {
        let f = Faults::default();
        f.add(FaultSpec {
            path: "/v1.0/me".into(),
            method: Some("GET".into()),
            status: Some(503),
            retry_after: None,
            delay_ms: None,
            times: Some(2),
        })
        .unwrap();
        assert!(f.strike("POST", "/v1.0/me").is_none());
        assert!(f.strike("GET", "/v1.0/me").is_some());
        assert!(f.strike("get", "/v1.0/me").is_some());
        assert!(f.strike("GET", "/v1.0/me").is_none());
    }

    #[test]
    fn nonsense_faults_are_refused() {
        let f = Faults::default();
        let base = FaultSpec {
            path: "/x".into(),
            method: None,
            status: Some(503),
            retry_after: None,
            delay_ms: None,
            times: None,
        };
        assert!(f.add(FaultSpec { path: "x".into(), ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { status: Some(200), ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { status: None, ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { times: Some(0), ..base }).is_err());
    }
}
