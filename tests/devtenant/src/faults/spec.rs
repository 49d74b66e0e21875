//! What a test asks for when it injects a fault, and the checks that refuse nonsense.

use serde::{Deserialize, Serialize};

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
    /// Or with one of these, drawn for each failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statuses: Option<Vec<u16>>,
    /// The share of matching requests that fail (0 < rate ≤ 1); all of them when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// `Retry-After` seconds to send with the status.
    #[serde(default)]
    pub retry_after: Option<u32>,
    /// Wait this long before answering (or before passing the request on).
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Or a wait drawn from `[min, max]` milliseconds for each request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<[u64; 2]>,
    /// How many requests it strikes; every one until cleared when left out.
    #[serde(default)]
    pub times: Option<u32>,
    /// This fault's own seed, instead of one derived from the tenant's fault seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// A client that calls again inside the `Retry-After` it was given gets another 429.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict_retry_after: bool,
    /// The request is carried out, then the connection drops before the answer is sent: the
    /// client cannot know whether its write happened.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop_connection: bool,
    /// The request is carried out, then the connection is cut before any byte of the answer. A
    /// browser then quietly sends the request again on a fresh connection, as it would to Graph.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop_before_answer: bool,
    /// Answer `401` with a continuous-access-evaluation claims challenge in `WWW-Authenticate`,
    /// as Graph does when the token no longer satisfies a policy.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub claims_challenge: bool,
}

impl FaultSpec {
    /// Refuses what makes no sense, with a sentence saying why.
    pub(super) fn check(&self) -> Result<(), String> {
        let error_status = |s: &u16| (400..=599).contains(s);
        if !self.path.starts_with('/') {
            return Err("path must start with '/'".into());
        }
        let fails = self.status.is_some() || self.statuses.is_some();
        let special = self.drop_connection || self.drop_before_answer || self.claims_challenge;
        if !fails && !special && self.delay_ms.is_none() && self.latency_ms.is_none() {
            return Err(
                "give a status (or statuses), a delayMs (or latencyMs), dropConnection or claimsChallenge".into()
            );
        }
        let specials =
            [self.drop_connection, self.drop_before_answer, self.claims_challenge].iter().filter(|b| **b).count();
        if special && (fails || self.rate.is_some() || specials > 1) {
            return Err(
                "dropConnection, dropBeforeAnswer and claimsChallenge each stand alone (no status, statuses or rate)"
                    .into(),
            );
        }
        if self.status.is_some() && self.statuses.is_some() {
            return Err("give status or statuses, not both".into());
        }
        if self.delay_ms.is_some() && self.latency_ms.is_some() {
            return Err("give delayMs or latencyMs, not both".into());
        }
        if self.status.is_some_and(|s| !error_status(&s)) {
            return Err("status must be from 400 to 599".into());
        }
        if let Some(list) = &self.statuses
            && (list.is_empty() || !list.iter().all(error_status))
        {
            return Err("statuses must be a non-empty list of statuses from 400 to 599".into());
        }
        if let Some(rate) = self.rate
            && !(rate > 0.0 && rate <= 1.0 && fails)
        {
            return Err("rate must be above 0 and at most 1, with a status or statuses".into());
        }
        if self.delay_ms.is_some_and(|d| d > 120_000) {
            return Err("delayMs must be at most 120000".into());
        }
        if let Some([min, max]) = self.latency_ms
            && (min > max || max > 120_000)
        {
            return Err("latencyMs must be [min, max] with min ≤ max ≤ 120000".into());
        }
        if self.times == Some(0) {
            return Err("times must be at least 1 (leave it out for every request)".into());
        }
        if self.strict_retry_after && (self.retry_after.is_none() || !fails) {
            return Err("strictRetryAfter needs a retryAfter and a status (or statuses)".into());
        }
        Ok(())
    }

    pub(super) fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method)) && glob(&self.path, path)
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
