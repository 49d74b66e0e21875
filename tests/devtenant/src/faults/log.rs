//! The Graph origin's request log, read by tests through `GET /_dev/log`: every request (and
//! every `$batch` item) with its method, path, status, the fault applied and the time, the last
//! 10,000 kept.

use super::Strike;
use crate::Tenant;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// How many entries are kept; older ones are dropped first.
pub const CAPACITY: usize = 10_000;

/// Marks a request dispatched from inside a `$batch`.
#[derive(Debug, Clone, Copy)]
pub struct BatchItem;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Counts up from 1 over the tenant's life; `?since=` reads only later ones.
    pub seq: u64,
    /// When the request came in (wall clock, UTC, milliseconds).
    pub time: String,
    pub method: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    pub status: u16,
    pub duration_ms: u64,
    /// What a fault did to it, if anything.
    pub fault: Option<Strike>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub batch_item: bool,
}

#[derive(Debug, Default)]
struct Entries {
    entries: VecDeque<Entry>,
    next_seq: u64,
}

#[derive(Debug, Default)]
pub struct RequestLog {
    inner: Mutex<Entries>,
}

impl RequestLog {
    fn push(&self, mut entry: Entry) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.next_seq += 1;
        entry.seq = inner.next_seq;
        if inner.entries.len() == CAPACITY {
            inner.entries.pop_front();
        }
        inner.entries.push_back(entry);
    }

    /// The entries after `since` (all when 0), oldest first.
    pub fn since(&self, since: u64) -> Vec<Entry> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.entries.iter().filter(|e| e.seq > since).cloned().collect()
    }

    /// Forgets the entries; `seq` keeps counting, so a reader's `since` stays meaningful.
    pub fn clear(&self) {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).entries.clear();
    }
}

/// Middleware on the Graph origin, outside the faults: logs what the client finally got.
pub async fn record(State(t): State<Arc<Tenant>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let time = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(String::from);
    let batch_item = req.extensions().get::<BatchItem>().is_some();
    let res = next.run(req).await;
    t.log.push(Entry {
        seq: 0,
        time,
        method,
        path,
        query,
        status: res.status().as_u16(),
        duration_ms: started.elapsed().as_millis() as u64,
        fault: res.extensions().get::<Strike>().cloned(),
        batch_item,
    });
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> Entry {
        Entry {
            seq: 0,
            time: String::new(),
            method: "GET".into(),
            path: path.into(),
            query: None,
            status: 200,
            duration_ms: 0,
            fault: None,
            batch_item: false,
        }
    }

    #[test]
    fn the_log_keeps_the_latest_entries_and_reads_from_a_point() {
        let log = RequestLog::default();
        for i in 0..CAPACITY + 5 {
            log.push(entry(&format!("/{i}")));
        }
        let all = log.since(0);
        assert_eq!(all.len(), CAPACITY);
        assert_eq!(all[0].path, "/5");
        let last = log.since((CAPACITY + 3) as u64);
        assert_eq!(
            last.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(),
            [format!("/{}", CAPACITY + 3), format!("/{}", CAPACITY + 4)]
        );
        log.clear();
        log.push(entry("/after"));
        assert_eq!(log.since(0)[0].seq, (CAPACITY + 6) as u64);
    }
}
