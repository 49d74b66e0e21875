//! Developer endpoints under `/_dev` on the sign-in origin, for tests and people: reset to the
//! scenario, move the clock (and run what it makes due), inject Graph faults and read the Graph
//! request log, read the outbox, flip switches. Loopback only.

use crate::faults::FaultSpec;
use crate::routes::Routes;
use crate::{Switches, Tenant};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, html};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

pub fn router(t: Arc<Tenant>) -> Routes {
    Routes::new()
        .post("/_dev/reset", reset)
        .get("/_dev/clock", clock)
        .post("/_dev/clock", advance_clock)
        .get("/_dev/faults", faults)
        .post("/_dev/faults", add_fault)
        .delete("/_dev/faults", clear_faults)
        .post("/_dev/faults/seed", set_fault_seed)
        .delete("/_dev/faults/{id}", remove_fault)
        .get("/_dev/log", log)
        .delete("/_dev/log", clear_log)
        .get("/_dev/outbox", outbox)
        .get("/_dev/outbox.html", outbox_page)
        .get("/_dev/switches", switches)
        .post("/_dev/switches", set_switches)
        .map(|r| r.layer(middleware::from_fn(loopback_only)).with_state(t))
}

/// A refusal from a developer endpoint.
fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": {"code": "BadRequest", "message": message.into()}}))).into_response()
}

async fn loopback_only(ConnectInfo(peer): ConnectInfo<SocketAddr>, req: Request, next: Next) -> Response {
    if !peer.ip().is_loopback() {
        return refuse(StatusCode::FORBIDDEN, "The developer endpoints answer only on this machine (loopback).");
    }
    next.run(req).await
}

/// The body as `T`, or the refusal to send (boxed: a `Response` is large for an error).
fn read<T: DeserializeOwned>(body: &Bytes) -> Result<T, Box<Response>> {
    serde_json::from_slice(body)
        .map_err(|e| Box::new(refuse(StatusCode::BAD_REQUEST, format!("Invalid JSON body: {e}"))))
}

async fn reset(State(t): State<Arc<Tenant>>) -> Response {
    t.clock.reset();
    if let Err(e) = t.store.reset(&t.scenario, t.now()) {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, format!("reset failed: {e}"));
    }
    t.faults.clear();
    t.log.clear();
    if let Err(e) = crate::graph::entitlement::process_due(&t) {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, e.message);
    }
    StatusCode::NO_CONTENT.into_response()
}

fn clock_json(t: &Tenant) -> Json<serde_json::Value> {
    Json(json!({"now": crate::clock::iso(t.now()), "offsetSeconds": t.clock.offset()}))
}

async fn clock(State(t): State<Arc<Tenant>>) -> Json<serde_json::Value> {
    clock_json(&t)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Advance {
    advance_seconds: i64,
}

async fn advance_clock(State(t): State<Arc<Tenant>>, body: Bytes) -> Response {
    let a: Advance = match read(&body) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    if !(0..=10 * 365 * 86_400).contains(&a.advance_seconds) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "advanceSeconds must be from 0 to ten years: the clock only moves forward.",
        );
    }
    let offset = t.clock.advance(a.advance_seconds);
    t.store.set_meta("clock_offset", &offset.to_string());
    // What the new time makes due (denials, expiries, reminder mails) happens now, not later.
    if let Err(e) = crate::graph::entitlement::process_due(&t) {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, e.message);
    }
    clock_json(&t).into_response()
}

async fn faults(State(t): State<Arc<Tenant>>) -> Json<serde_json::Value> {
    Json(json!({"seed": t.faults.seed(), "value": t.faults.list()}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    seed: u64,
}

/// Clears the faults and seeds those added next: the same seed and faults draw the same again.
async fn set_fault_seed(State(t): State<Arc<Tenant>>, body: Bytes) -> Response {
    let s: Seed = match read(&body) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    t.faults.reseed(s.seed);
    Json(json!({"seed": s.seed})).into_response()
}

#[derive(Deserialize)]
struct LogQuery {
    #[serde(default)]
    since: u64,
}

async fn log(State(t): State<Arc<Tenant>>, query: Result<Query<LogQuery>, QueryRejection>) -> Response {
    let Ok(Query(q)) = query else {
        return refuse(StatusCode::BAD_REQUEST, "since must be a whole number (the seq of the last entry read).");
    };
    Json(json!({"value": t.log.since(q.since)})).into_response()
}

async fn clear_log(State(t): State<Arc<Tenant>>) -> StatusCode {
    t.log.clear();
    StatusCode::NO_CONTENT
}

async fn add_fault(State(t): State<Arc<Tenant>>, body: Bytes) -> Response {
    let spec: FaultSpec = match read(&body) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    match t.faults.add(spec) {
        Ok(f) => (StatusCode::CREATED, Json(f)).into_response(),
        Err(e) => refuse(StatusCode::BAD_REQUEST, e),
    }
}

async fn clear_faults(State(t): State<Arc<Tenant>>) -> StatusCode {
    t.faults.clear();
    StatusCode::NO_CONTENT
}

async fn remove_fault(State(t): State<Arc<Tenant>>, Path(id): Path<String>) -> Response {
    match id.parse() {
        Ok(id) if t.faults.remove(id) => StatusCode::NO_CONTENT.into_response(),
        _ => refuse(StatusCode::NOT_FOUND, format!("No fault with id '{id}'.")),
    }
}

async fn outbox(State(t): State<Arc<Tenant>>) -> Json<serde_json::Value> {
    Json(json!({"value": t.store.outbox()}))
}

async fn outbox_page(State(t): State<Arc<Tenant>>) -> Html<String> {
    let mails = t.store.outbox();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { "Outbox · local tenant" } }
            body style="font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem" {
                h1 { "Outbox" }
                p { (mails.len()) " mail(s) sent by " (t.scenario.tenant.display_name) "." }
                @for m in mails.iter().rev() {
                    article style="border:1px solid #ccc;padding:1rem;margin:1rem 0" {
                        h2 style="font-size:1.1rem" { (m.subject) }
                        p { "To: " (m.to.join(", ")) @if !m.cc.is_empty() { " · Cc: " (m.cc.join(", ")) } " · " (m.language) " · " (m.sent_date_time) }
                        pre style="white-space:pre-wrap;word-break:break-all" { (m.body) }
                        @if let Some(link) = &m.link { p { a href=(link) { "Open the link" } } }
                    }
                }
            }
        }
    };
    Html(page.into_string())
}

async fn switches(State(t): State<Arc<Tenant>>) -> Json<Switches> {
    Json(t.switches())
}

async fn set_switches(State(t): State<Arc<Tenant>>, body: Bytes) -> Response {
    let s: Switches = match read(&body) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    *t.switches.lock().unwrap_or_else(|p| p.into_inner()) = s.clone();
    Json(s).into_response()
}
