//! Faults over real HTTP: a seeded failure rate gives the same sequence twice, a strict
//! `Retry-After` answers an early caller with another 429 and counts it, latency stays in its
//! range, and the request log shows all of it.

mod common;

use common::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn dev_post(t: &TestTenant, path: &str, body: Value) -> reqwest::Response {
    http().post(format!("{}{path}", t.signin)).json(&body).send().await.unwrap()
}

async fn log(t: &TestTenant) -> Vec<Value> {
    let r: Value = http().get(format!("{}/_dev/log", t.signin)).send().await.unwrap().json().await.unwrap();
    r["value"].as_array().unwrap().clone()
}

/// 30 calls to `/me` under a 50 % failure rate drawn from `seed`: what each got, and the log.
async fn seeded_run(t: &TestTenant, token: &str, seed: u64) -> (Vec<(u16, Option<String>)>, Vec<Value>) {
    assert_eq!(dev_post(t, "/_dev/faults/seed", json!({"seed": seed})).await.status(), 200);
    let fault = json!({"path": "/v1.0/me", "method": "GET", "statuses": [429, 500, 503], "rate": 0.5, "retryAfter": 1});
    assert_eq!(dev_post(t, "/_dev/faults", fault).await.status(), 201);
    http().delete(format!("{}/_dev/log", t.signin)).send().await.unwrap();
    let mut got = vec![];
    for _ in 0..30 {
        let r = graph_get(t, token, "/v1.0/me").await;
        let retry_after = r.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
        got.push((r.status().as_u16(), retry_after));
    }
    (got, log(t).await)
}

#[tokio::test]
async fn a_seeded_fault_run_meets_the_same_faults_twice() {
    let t = start().await;
    let token = access_token(&t, "maja@contoso.com", SCOPE).await;
    let (first, entries) = seeded_run(&t, &token, 42).await;
    let (again, _) = seeded_run(&t, &token, 42).await;
    let (other, _) = seeded_run(&t, &token, 43).await;
    assert_eq!(first, again, "the same seed, the same answers");
    assert_ne!(first, other, "another seed, other answers");
    let failed = first.iter().filter(|(s, _)| *s != 200).count();
    assert!((5..=25).contains(&failed), "about half fail: {first:?}");
    assert!(first.iter().all(|(s, ra)| [200, 429, 500, 503].contains(s) && (*s == 200) == ra.is_none()));
    // The log has each call, with the fault it met.
    assert_eq!(entries.len(), 30);
    for (entry, (status, _)) in entries.iter().zip(&first) {
        assert_eq!((entry["method"].as_str(), entry["path"].as_str()), (Some("GET"), Some("/v1.0/me")));
        assert_eq!(entry["status"], *status);
        assert!(chrono::DateTime::parse_from_rfc3339(entry["time"].as_str().unwrap()).is_ok(), "{entry}");
        match status {
            200 => assert!(entry["fault"].is_null(), "{entry}"),
            s => assert_eq!(
                (entry["fault"]["faultId"].as_u64(), entry["fault"]["status"].as_u64()),
                (Some(1), Some(*s as u64))
            ),
        }
    }
}

#[tokio::test]
async fn a_call_inside_retry_after_gets_another_429_in_strict_mode_and_is_counted() {
    let t = start().await;
    let token = access_token(&t, "maja@contoso.com", SCOPE).await;
    let fault = json!({"path": "/v1.0/me", "status": 429, "retryAfter": 2, "times": 1, "strictRetryAfter": true});
    assert_eq!(dev_post(&t, "/_dev/faults", fault).await.status(), 201);
    let told = graph_get(&t, &token, "/v1.0/me").await;
    assert_eq!(told.headers()["retry-after"], "2");
    assert_graph_error(told, 429, "TooManyRequests").await;
    let early = graph_get(&t, &token, "/v1.0/me").await;
    assert_eq!(early.status(), 429, "called again at once");
    let left: u64 = early.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&left), "the time left: {left}");
    // Another client was never told to wait.
    let other = access_token(&t, "sara@contoso.com", SCOPE).await;
    assert_eq!(graph_get(&t, &other, "/v1.0/me").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(graph_get(&t, &token, "/v1.0/me").await.status(), 200, "after the window");
    let faults: Value = http().get(format!("{}/_dev/faults", t.signin)).send().await.unwrap().json().await.unwrap();
    assert_eq!(faults["value"][0]["earlyRetries"], 1, "{faults}");
    let early_in_log: Vec<Value> = log(&t).await.into_iter().filter(|e| e["fault"]["earlyRetry"] == true).collect();
    assert_eq!(early_in_log.len(), 1);
}

#[tokio::test]
async fn latency_stays_within_its_range() {
    let t = start().await;
    let token = access_token(&t, "maja@contoso.com", SCOPE).await;
    let fault = json!({"path": "/v1.0/me", "latencyMs": [150, 300], "times": 6});
    assert_eq!(dev_post(&t, "/_dev/faults", fault).await.status(), 201);
    for _ in 0..6 {
        let started = Instant::now();
        assert_eq!(graph_get(&t, &token, "/v1.0/me").await.status(), 200);
        let took = started.elapsed().as_millis();
        assert!((150..1500).contains(&took), "took {took} ms");
    }
    let delays: Vec<u64> = log(&t).await.iter().map(|e| e["fault"]["delayMs"].as_u64().unwrap()).collect();
    assert_eq!(delays.len(), 6);
    assert!(delays.iter().all(|d| (150..=300).contains(d)), "{delays:?}");
    assert!(delays.iter().any(|d| *d != delays[0]), "drawn, not fixed: {delays:?}");
}
