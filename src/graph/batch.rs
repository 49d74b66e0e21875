//! JSON batching (`POST /$batch`): up to 20 calls in one round trip, answers matched by id,
//! throttled items sent again after the longest `Retry-After` found in their own headers.
//! Item bodies stay raw JSON text until read, so each type is read by the same parser as a
//! single call's answer (one copy of its reading code in the bundle, not two).

use super::client::{GraphClient, Sending, parse, renewal_for};
use super::error::{self, GraphError};
use super::retry::{Decision, Outcome, parse_retry_after};
use crate::auth::Renew;
use crate::net::Cancel;
use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::HashMap;

/// Graph's limit on requests in one batch.
pub const MAX_BATCH: usize = 20;

/// One call inside a batch.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BatchItem {
    pub id: String,
    pub method: String,
    /// Relative to the versioned root, e.g. `/me?$select=id`.
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<HashMap<String, String>>,
    #[serde(rename = "dependsOn", skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

impl BatchItem {
    pub fn get(id: &str, url: &str) -> BatchItem {
        BatchItem {
            id: id.into(),
            method: "GET".into(),
            url: url.into(),
            body: None,
            headers: None,
            depends_on: vec![],
        }
    }

    pub fn post(id: &str, url: &str, body: Value) -> BatchItem {
        let headers = HashMap::from([("Content-Type".to_string(), "application/json".to_string())]);
        BatchItem {
            id: id.into(),
            method: "POST".into(),
            url: url.into(),
            body: Some(body),
            headers: Some(headers),
            depends_on: vec![],
        }
    }
}

#[derive(Debug, Deserialize)]
struct BatchAnswer {
    responses: Vec<ItemAnswer>,
}

#[derive(Debug, Deserialize)]
struct ItemAnswer {
    id: String,
    status: u16,
    #[serde(default)]
    headers: HashMap<String, String>,
    #[serde(default)]
    body: Option<Box<RawValue>>,
}

impl ItemAnswer {
    /// The body as JSON text; an absent body reads as `null`, like an empty single answer.
    fn body(&self) -> &[u8] {
        self.body.as_deref().map_or(b"null", |b| b.get().as_bytes())
    }
}

/// Each item's answer by id: its body as JSON text, or its own error.
pub type BatchResults = HashMap<String, Result<Vec<u8>, GraphError>>;

/// An item's header, named by the same constants as a single answer's (item headers are plain
/// JSON keys, in any case).
fn header<'a>(headers: &'a HashMap<String, String>, name: &http::HeaderName) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name.as_str())).map(|(_, v)| v.as_str())
}

impl GraphClient {
    /// Sends up to [`MAX_BATCH`] calls in one request. Items throttled (429/503) are sent again,
    /// alone, after the longest wait any of them asked for; the others' answers are kept.
    pub async fn batch(&self, items: Vec<BatchItem>, cancel: Option<&Cancel>) -> Result<BatchResults, GraphError> {
        assert!(items.len() <= MAX_BATCH, "a batch holds at most {MAX_BATCH} requests");
        let mut pending = items;
        let mut results = BatchResults::new();
        let mut attempt = 0;
        // Graph refuses an expired token item by item: renew once, and send those items again.
        let (mut renew, mut renewed) = (Renew::No, false);
        while !pending.is_empty() {
            attempt += 1;
            let body = serde_json::to_vec(&serde_json::json!({ "requests": pending })).expect("batch body");
            let reads_only = pending.iter().all(|i| i.method == "GET");
            let retried_as = if reads_only { Method::GET } else { Method::POST };
            let how = Sending { retried_as, renew: std::mem::replace(&mut renew, Renew::No) };
            let answer = self.send_as(Method::POST, "/$batch", Some(body), cancel, how).await?;
            let answers: BatchAnswer = parse(&answer)?;
            let mut wait: Option<f64> = None;
            let mut again = vec![];
            for item in pending {
                let Some(a) = answers.responses.iter().find(|a| a.id == item.id) else {
                    results.insert(
                        item.id.clone(),
                        Err(GraphError::Unreadable {
                            status: answer.status,
                            detail: format!("no answer for item {}", item.id),
                        }),
                    );
                    continue;
                };
                if (200..300).contains(&a.status) {
                    results.insert(item.id.clone(), Ok(a.body().to_vec()));
                    continue;
                }
                if a.status == 401 && !renewed {
                    if renew == Renew::No {
                        renew = renewal_for(header(&a.headers, &http::header::WWW_AUTHENTICATE));
                    }
                    again.push(item);
                    continue;
                }
                let retry_after = header(&a.headers, &http::header::RETRY_AFTER).and_then(parse_retry_after);
                let err = error::from_response(a.status, a.body(), header(&a.headers, &crate::net::REQUEST_ID));
                let method: Method = item.method.parse().unwrap_or(Method::GET);
                match self.policy().decide(&method, attempt, &Outcome::Status { status: a.status, retry_after }, 0.0) {
                    Decision::RetryAfterMs(ms) if matches!(a.status, 429 | 503) => {
                        wait = Some(wait.unwrap_or(0.0).max(f64::from(ms) / 1000.0));
                        results.remove(&item.id);
                        again.push(item);
                    }
                    _ => {
                        results.insert(item.id.clone(), Err(err));
                    }
                }
            }
            renewed |= renew != Renew::No;
            // Items that depended on a retried one are retried with it.
            pending = again;
            if let Some(secs) = wait {
                self.sleep_ms((secs * 1000.0) as u32).await;
            }
        }
        Ok(results)
    }
}

/// Reads one item's answer into a type.
pub fn take<T: serde::de::DeserializeOwned>(results: &mut BatchResults, id: &str) -> Result<T, GraphError> {
    let body = results
        .remove(id)
        .unwrap_or_else(|| Err(GraphError::Unreadable { status: 0, detail: format!("no item {id}") }))?;
    parse(&super::client::Answer { status: 200, body })
}
