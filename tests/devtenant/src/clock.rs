//! The tenant's clock: the wall clock plus an offset that `/_dev/clock` moves forward, so tests
//! can expire tokens, codes and refresh-token families without waiting.

use chrono::{DateTime, SecondsFormat, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Debug, Default)]
pub struct Clock {
    offset_seconds: AtomicI64,
}

impl Clock {
    pub fn with_offset(offset_seconds: i64) -> Clock {
        Clock { offset_seconds: AtomicI64::new(offset_seconds) }
    }

    /// Seconds since the Unix epoch, in tenant time.
    pub fn now(&self) -> i64 {
        Utc::now().timestamp() + self.offset()
    }

    pub fn offset(&self) -> i64 {
        self.offset_seconds.load(Ordering::SeqCst)
    }

    /// Moves tenant time forward (never back: tokens already issued must stay ordered).
    pub fn advance(&self, seconds: i64) -> i64 {
        self.offset_seconds.fetch_add(seconds.max(0), Ordering::SeqCst) + seconds.max(0)
    }

    pub fn reset(&self) {
        self.offset_seconds.store(0, Ordering::SeqCst);
    }
}

/// An instant as Graph writes it: ISO 8601 in UTC with a `Z`.
pub fn iso(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0).unwrap_or_default().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An instant as Entra's error bodies write it: `2016-01-09 02:02:12Z`.
pub fn entra_timestamp(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0).unwrap_or_default().format("%Y-%m-%d %H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_and_never_goes_back() {
        let c = Clock::default();
        let before = c.now();
        c.advance(86_400);
        assert!(c.now() >= before + 86_400);
        c.advance(-500);
        assert_eq!(c.offset(), 86_400);
    }

    #[test]
    fn formats_match_graph_and_entra() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(entra_timestamp(0), "1970-01-01 00:00:00Z");
    }
}
