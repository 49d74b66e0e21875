//! When to send a Graph request again, and after how long: on 429, 503 and 504, honouring
//! `Retry-After` where it can be read, else backing off with jitter; never blindly resending a
//! write that may already have been carried out.

use http::Method;

/// What happened to one attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// An answer with this status; `retry_after` in seconds when the header (or a batch item's
    /// `headers`) carried one.
    Status { status: u16, retry_after: Option<f64> },
    /// No answer at all.
    NetworkError,
}

/// What to do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    RetryAfterMs(u32),
    /// A write got no answer: it may have been carried out. Check before sending it again.
    CheckFirst,
    GiveUp,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (Graph's SDKs use 3).
    pub max_retries: u32,
    /// First back-off when Graph gives no `Retry-After`; doubles each time.
    pub base_delay_ms: u32,
    /// No single wait is longer than this (Graph's SDKs cap at 180 s).
    pub max_delay_ms: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 3, base_delay_ms: 1000, max_delay_ms: 180_000 }
    }
}

/// Whether a request can be sent twice with no harm.
pub fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS)
}

impl RetryPolicy {
    /// `attempt` counts from 1 (the attempt that just failed); `jitter` is in [0, 1).
    pub fn decide(&self, method: &Method, attempt: u32, outcome: &Outcome, jitter: f64) -> Decision {
        if attempt > self.max_retries {
            return Decision::GiveUp;
        }
        let backoff = || {
            let exp = self.base_delay_ms.saturating_mul(1 << (attempt - 1).min(16));
            let jittered = f64::from(exp) + jitter.clamp(0.0, 1.0) * f64::from(self.base_delay_ms);
            Decision::RetryAfterMs((jittered as u32).min(self.max_delay_ms))
        };
        match outcome {
            // 429 and 503 mean Graph did not carry the request out: any method may be resent.
            Outcome::Status { status: 429 | 503, retry_after: Some(secs) } => {
                let ms = (secs.max(0.0) * 1000.0).ceil().min(f64::from(self.max_delay_ms));
                Decision::RetryAfterMs(ms as u32)
            }
            Outcome::Status { status: 429 | 503, retry_after: None } => backoff(),
            // A gateway timeout says nothing about whether the work was done.
            Outcome::Status { status: 504, .. } if is_idempotent(method) => backoff(),
            Outcome::Status { status: 504, .. } => Decision::CheckFirst,
            Outcome::NetworkError if is_idempotent(method) => backoff(),
            Outcome::NetworkError => Decision::CheckFirst,
            Outcome::Status { .. } => Decision::GiveUp,
        }
    }
}

/// Reads `Retry-After`: seconds (Graph writes fractions like `2.128`). An HTTP date is not
/// read: the browser's clock may differ from Graph's. Digits with an optional fraction are read
/// by hand: Rust's general float parser would bring its tables into the bundle for this alone.
pub fn parse_retry_after(value: &str) -> Option<f64> {
    let value = value.trim();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty() || !(whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = whole
        .bytes()
        .chain(fraction.bytes())
        .try_fold(0u64, |n, b| n.checked_mul(10)?.checked_add(u64::from(b - b'0')))?;
    // One division of two exact integers rounds once: "2.128" reads as the nearest f64 to 2.128.
    Some(digits as f64 / 10f64.powi(i32::try_from(fraction.len()).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, retry_after: Option<f64>) -> Outcome {
        Outcome::Status { status, retry_after }
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.decide(&Method::GET, 1, &status(429, Some(2.128)), 0.5), Decision::RetryAfterMs(2128));
        assert_eq!(p.decide(&Method::POST, 1, &status(503, Some(1.0)), 0.0), Decision::RetryAfterMs(1000));
        assert_eq!(p.decide(&Method::GET, 1, &status(429, Some(10_000.0)), 0.0), Decision::RetryAfterMs(180_000));
    }

    #[test]
    fn without_retry_after_it_backs_off_exponentially_with_jitter() {
        let p = RetryPolicy::default();
        assert_eq!(p.decide(&Method::GET, 1, &status(429, None), 0.0), Decision::RetryAfterMs(1000));
        assert_eq!(p.decide(&Method::GET, 2, &status(503, None), 0.0), Decision::RetryAfterMs(2000));
        assert_eq!(p.decide(&Method::GET, 3, &status(504, None), 0.5), Decision::RetryAfterMs(4500));
        assert_eq!(p.decide(&Method::GET, 4, &status(429, None), 0.0), Decision::GiveUp, "bounded");
    }

    #[test]
    fn a_write_that_may_have_landed_is_checked_not_resent() {
        let p = RetryPolicy::default();
        assert_eq!(p.decide(&Method::POST, 1, &Outcome::NetworkError, 0.0), Decision::CheckFirst);
        assert_eq!(p.decide(&Method::PATCH, 1, &status(504, None), 0.0), Decision::CheckFirst);
        assert_eq!(p.decide(&Method::GET, 1, &Outcome::NetworkError, 0.0), Decision::RetryAfterMs(1000));
    }

    #[test]
    fn other_statuses_are_not_retried() {
        let p = RetryPolicy::default();
        for s in [400, 401, 403, 404, 409, 500] {
            assert_eq!(p.decide(&Method::GET, 1, &status(s, None), 0.0), Decision::GiveUp, "{s}");
        }
    }

    #[test]
    fn retry_after_values() {
        assert_eq!(parse_retry_after(" 7 "), Some(7.0));
        assert_eq!(parse_retry_after("2.128"), Some(2.128));
        assert_eq!(parse_retry_after("0.5"), Some(0.5));
        assert_eq!(parse_retry_after("30."), Some(30.0));
        assert_eq!(parse_retry_after("3.0.1"), None);
        assert_eq!(parse_retry_after(""), None);
        // Every fraction Graph may write reads as the nearest f64, as the general parser reads it.
        for ms in 0..5000 {
            let text = format!("{}.{:03}", ms / 1000, ms % 1000);
            assert_eq!(parse_retry_after(&text), text.parse::<f64>().ok(), "{text}");
        }
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }
}
