//! Faults injected on the Graph origin, set through `/_dev/faults`. For requests whose path
//! matches a pattern (and method): a fixed status, or one drawn from a list at a failure rate,
//! with `Retry-After`; a fixed delay, or one drawn from a latency range; some number of times or
//! until cleared. Draws come from a generator per fault (ChaCha8) seeded from the tenant's fault
//! seed, so the same requests in the same order meet the same faults again: a failing run can be
//! replayed with its seed. A strict fault answers a client that comes back before its
//! `Retry-After` has passed with another 429, and counts it. Every request is logged ([`log`]).

pub mod log;
mod spec;

pub use spec::{FaultSpec, glob};

use crate::Tenant;
use crate::graph::error::GraphError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A fault in force, with what is left of it and what it did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    pub id: u64,
    #[serde(flatten)]
    pub spec: FaultSpec,
    pub remaining: Option<u32>,
    /// Requests it matched.
    pub hits: u32,
    /// Requests it answered with an error status.
    pub failures: u32,
    /// Calls that came back before the `Retry-After` they were given had passed.
    pub early_retries: u32,
    /// The seed its draws come from.
    pub draw_seed: u64,
    #[serde(skip)]
    rng: ChaCha8Rng,
    /// Per client: until when it was told to wait (strict faults only).
    #[serde(skip)]
    windows: HashMap<String, Instant>,
}

impl Fault {
    /// Worn-out strict faults stay to watch their windows, but strike no more.
    fn active(&self) -> bool {
        self.remaining != Some(0)
    }
}

/// What a fault did to one request.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Strike {
    pub fault_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// The client came back too early (strict `Retry-After`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub early_retry: bool,
    /// Carried out, but the answer never left.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dropped: bool,
    /// Cut before any byte of the answer (else after the first).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub before_answer: bool,
    /// Answered with a claims challenge.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub challenged: bool,
}

#[derive(Debug)]
struct FaultState {
    rules: Vec<Fault>,
    next_id: u64,
    seed: u64,
}

/// The faults in force and the seed they draw from.
#[derive(Debug)]
pub struct Faults {
    state: Mutex<FaultState>,
}

impl Default for Faults {
    /// A random seed: a run that fails can still be replayed, with the seed `GET /_dev/faults` shows.
    fn default() -> Self {
        Faults { state: Mutex::new(FaultState { rules: vec![], next_id: 1, seed: rand::random::<u32>() as u64 }) }
    }
}

impl Faults {
    /// Adds a fault after checking it makes sense.
    pub fn add(&self, spec: FaultSpec) -> Result<Fault, String> {
        spec.check()?;
        let mut st = self.lock();
        let id = st.next_id;
        st.next_id += 1;
        // Each fault its own stream: its draws do not depend on other faults' traffic.
        let draw_seed = spec.seed.unwrap_or(st.seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let fault = Fault {
            id,
            remaining: spec.times,
            spec,
            hits: 0,
            failures: 0,
            early_retries: 0,
            draw_seed,
            rng: ChaCha8Rng::seed_from_u64(draw_seed),
            windows: HashMap::new(),
        };
        st.rules.push(fault.clone());
        Ok(fault)
    }

    pub fn list(&self) -> Vec<Fault> {
        self.lock().rules.clone()
    }

    pub fn seed(&self) -> u64 {
        self.lock().seed
    }

    /// Clears the faults and seeds the ones added from now on with `seed`.
    pub fn reseed(&self, seed: u64) {
        let mut st = self.lock();
        st.seed = seed;
        st.rules.clear();
        st.next_id = 1;
    }

    /// Removes every fault; ids start again at 1, so the same faults added again draw the same.
    pub fn clear(&self) {
        let mut st = self.lock();
        st.rules.clear();
        st.next_id = 1;
    }

    pub fn remove(&self, id: u64) -> bool {
        let mut st = self.lock();
        let before = st.rules.len();
        st.rules.retain(|f| f.id != id);
        st.rules.len() != before
    }

    /// What the first fault for this request does to it, counted; `None` when nothing happens.
    pub fn strike(&self, method: &str, path: &str, client: &str) -> Option<Strike> {
        let now = Instant::now();
        let mut st = self.lock();
        for f in st.rules.iter_mut().filter(|f| f.spec.strict_retry_after && f.spec.matches(method, path)) {
            if let Some(until) = f.windows.get(client).filter(|until| **until > now) {
                f.early_retries += 1;
                let left = (*until - now).as_secs_f64().ceil().max(1.0) as u32;
                let early = Strike {
                    fault_id: f.id,
                    status: Some(429),
                    retry_after: Some(left),
                    delay_ms: None,
                    early_retry: true,
                    dropped: false,
                    before_answer: false,
                    challenged: false,
                };
                return Some(early);
            }
        }
        let i = st.rules.iter().position(|f| f.active() && f.spec.matches(method, path))?;
        let f = &mut st.rules[i];
        f.hits += 1;
        // Always in this order (latency, failure, status), so a replay draws the same.
        let delay_ms = f.spec.delay_ms.or_else(|| f.spec.latency_ms.map(|[min, max]| f.rng.gen_range(min..=max)));
        let fails = f.spec.rate.is_none_or(|rate| f.rng.r#gen::<f64>() < rate);
        let status = match (&f.spec.statuses, f.spec.status) {
            (Some(list), _) if fails => Some(list[f.rng.gen_range(0..list.len())]),
            (None, Some(s)) if fails => Some(s),
            _ if f.spec.claims_challenge => Some(401),
            _ => None,
        };
        let before_answer = f.spec.drop_before_answer;
        let (dropped, challenged) = (f.spec.drop_connection || before_answer, f.spec.claims_challenge);
        let retry_after = status.and(f.spec.retry_after);
        if status.is_some() {
            f.failures += 1;
        }
        if let (true, Some(secs)) = (f.spec.strict_retry_after, retry_after) {
            f.windows.insert(client.to_string(), now + Duration::from_secs(secs.into()));
        }
        let id = f.id;
        if let Some(left) = f.remaining.as_mut() {
            *left -= 1;
            if *left == 0 && !f.spec.strict_retry_after {
                st.rules.remove(i);
            }
        }
        (status.is_some() || delay_ms.is_some() || dropped).then_some(Strike {
            fault_id: id,
            status,
            retry_after,
            delay_ms,
            early_retry: false,
            dropped,
            before_answer,
            challenged,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FaultState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Who a `Retry-After` was given to: the app and user of the bearer token, as Graph throttles
/// per app and user; callers without a valid token share one window.
fn client_of(t: &Tenant, headers: &HeaderMap) -> String {
    let token = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|h| h.get(7..));
    let claims = token.and_then(|tok| t.key.verify(tok.trim()).ok());
    match claims {
        Some(c) => format!("{}/{}", c["appid"].as_str().unwrap_or_default(), c["oid"].as_str().unwrap_or_default()),
        None => "anonymous".into(),
    }
}

/// Middleware on the Graph origin: applies the request's fault and notes it for the log.
pub async fn inject(State(t): State<std::sync::Arc<Tenant>>, req: Request, next: Next) -> Response {
    let client = client_of(&t, req.headers());
    let Some(strike) = t.faults.strike(req.method().as_str(), req.uri().path(), &client) else {
        return next.run(req).await;
    };
    if let Some(ms) = strike.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let mut res = match strike.status.and_then(|s| StatusCode::from_u16(s).ok()) {
        Some(_) if strike.challenged => claims_challenge(t.now()).into_response(),
        Some(status) => {
            let mut e = GraphError::for_status(status);
            if let Some(secs) = strike.retry_after {
                e = e.with_header("retry-after", secs.to_string());
            }
            e.into_response()
        }
        None if strike.dropped => {
            let carried_out = next.run(req).await;
            lose_answer(carried_out, !strike.before_answer)
        }
        None => next.run(req).await,
    };
    res.extensions_mut().insert(strike);
    res
}

/// Graph's answer when continuous access evaluation refuses a token: `401` with the claims the
/// next token must carry (a fresher authentication than `now`), base64 in `WWW-Authenticate`.
fn claims_challenge(now: i64) -> GraphError {
    use base64::Engine;
    let claims = serde_json::json!({ "access_token": { "nbf": { "essential": true, "value": now.to_string() } } });
    let encoded = base64::engine::general_purpose::STANDARD.encode(claims.to_string());
    GraphError::new(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", "Continuous access evaluation resulted in claims challenge")
        .with_header(
            "www-authenticate",
            format!(
                r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="{encoded}""#
            ),
        )
}

/// The connection is cut with the work done: after the status, the headers and a first byte
/// (`first_byte`), or before anything of the answer left.
fn lose_answer(carried_out: Response, first_byte: bool) -> Response {
    use futures_util::StreamExt;
    let (parts, _) = carried_out.into_parts();
    let cut = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "dropped by a fault");
    let first = futures_util::stream::iter(first_byte.then(|| Ok(axum::body::Bytes::from_static(b"{"))));
    // A moment for the first byte to leave before the cut.
    let then_cut = futures_util::stream::once(async move {
        if first_byte {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(cut)
    });
    let failing = first.chain(then_cut);
    Response::from_parts(parts, axum::body::Body::from_stream(failing))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(path: &str) -> FaultSpec {
        FaultSpec {
            path: path.into(),
            method: None,
            status: None,
            statuses: None,
            rate: None,
            retry_after: None,
            delay_ms: None,
            latency_ms: None,
            times: None,
            seed: None,
            strict_retry_after: false,
            drop_connection: false,
            drop_before_answer: false,
            claims_challenge: false,
        }
    }

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
            ..spec("/x")
        })
        .unwrap();
        assert!(f.strike("POST", "/v1.0/me", "c").is_none());
        assert!(f.strike("GET", "/v1.0/me", "c").is_some());
        assert!(f.strike("get", "/v1.0/me", "c").is_some());
        assert!(f.strike("GET", "/v1.0/me", "c").is_none());
    }

    #[test]
    fn nonsense_faults_are_refused() {
        let f = Faults::default();
        let base = FaultSpec { status: Some(503), ..spec("/x") };
        assert!(f.add(FaultSpec { path: "x".into(), ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { status: Some(200), ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { status: None, ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { times: Some(0), ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { statuses: Some(vec![500]), ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { status: None, statuses: Some(vec![]), ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { rate: Some(1.5), ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { status: None, rate: Some(0.5), delay_ms: Some(1), ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { latency_ms: Some([20, 10]), ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { delay_ms: Some(5), latency_ms: Some([1, 10]), ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { strict_retry_after: true, ..base.clone() }).is_err());
        assert!(f.add(FaultSpec { drop_connection: true, ..base.clone() }).is_err(), "a drop has no status");
        assert!(f.add(FaultSpec { claims_challenge: true, ..base.clone() }).is_err(), "a challenge is its own status");
        let alone = FaultSpec { status: None, ..base };
        assert!(f.add(FaultSpec { drop_connection: true, claims_challenge: true, ..alone.clone() }).is_err());
        assert!(f.add(FaultSpec { drop_connection: true, ..alone.clone() }).is_ok());
        assert!(f.add(FaultSpec { claims_challenge: true, ..alone }).is_ok());
    }

    #[test]
    fn the_same_seed_draws_the_same_faults() {
        let draws = |seed: u64| {
            let f = Faults::default();
            f.reseed(seed);
            f.add(FaultSpec {
                statuses: Some(vec![429, 503]),
                rate: Some(0.5),
                latency_ms: Some([0, 50]),
                ..spec("/*")
            })
            .unwrap();
            (0..40).map(|_| f.strike("GET", "/v1.0/me", "c")).collect::<Vec<_>>()
        };
        let first = draws(7);
        assert_eq!(first, draws(7));
        assert_ne!(first, draws(8));
        let failed = first.iter().filter(|s| s.as_ref().is_some_and(|s| s.status.is_some())).count();
        assert!((8..=32).contains(&failed), "about half fail: {failed}");
    }

    #[test]
    fn a_strict_fault_refuses_early_comers_even_when_worn_out() {
        let f = Faults::default();
        let strict = FaultSpec {
            status: Some(429),
            retry_after: Some(30),
            times: Some(1),
            strict_retry_after: true,
            ..spec("/v1.0/me")
        };
        f.add(strict).unwrap();
        assert_eq!(f.strike("GET", "/v1.0/me", "a").unwrap().retry_after, Some(30));
        let again = f.strike("GET", "/v1.0/me", "a").unwrap();
        assert!(again.early_retry && again.status == Some(429));
        assert!(f.strike("GET", "/v1.0/me", "b").is_none(), "another client was never told to wait");
        assert_eq!(f.list()[0].early_retries, 1);
    }
}
