//! `POST /v1.0/$batch`: up to 20 requests in one, each dispatched through the same router as a
//! request of its own (the outer `Authorization`, faults and errors apply per item), in
//! `dependsOn` order, with 424 for dependents of a failed item. A malformed batch is a 400.

use super::error::GraphError;
use crate::Tenant;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, Method, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use tower::ServiceExt;

const MAX_REQUESTS: usize = 20;

/// What the batch endpoint dispatches into: the Graph origin's own routes.
#[derive(Clone)]
pub struct Inner {
    pub t: Arc<Tenant>,
    pub api: Router,
}

/// One checked item of the batch.
struct Item {
    id: String,
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Value>,
    depends_on: Vec<String>,
}

fn read_item(v: &Value) -> Result<Item, GraphError> {
    let bad = |m: &str| GraphError::bad_request(format!("Invalid batch request: {m}."));
    let id = v["id"].as_str().filter(|s| !s.is_empty()).ok_or_else(|| bad("every request needs an 'id'"))?;
    let method = match v["method"].as_str().map(str::to_ascii_uppercase).as_deref() {
        Some(m @ ("GET" | "POST" | "PATCH" | "PUT" | "DELETE")) => Method::from_bytes(m.as_bytes()).expect("known"),
        _ => return Err(bad(&format!("request '{id}' needs a 'method' of GET, POST, PATCH, PUT or DELETE"))),
    };
    let url =
        v["url"].as_str().filter(|u| !u.is_empty()).ok_or_else(|| bad(&format!("request '{id}' needs a 'url'")))?;
    if url.contains("://") {
        return Err(bad(&format!("request '{id}': the url must be relative to the version, e.g. /me")));
    }
    let headers: Vec<(String, String)> = match &v["headers"] {
        Value::Null => vec![],
        Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect(),
        _ => return Err(bad(&format!("request '{id}': 'headers' must be an object"))),
    };
    let body = v.get("body").filter(|b| !b.is_null()).cloned();
    if body.is_some() && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
        return Err(bad(&format!("request '{id}' has a body but no Content-Type header")));
    }
    let depends_on = match &v["dependsOn"] {
        Value::Null => vec![],
        Value::Array(a) => a
            .iter()
            .map(|d| d.as_str().map(String::from).ok_or_else(|| bad("dependsOn holds ids")))
            .collect::<Result<_, _>>()?,
        _ => return Err(bad(&format!("request '{id}': 'dependsOn' must be an array"))),
    };
    let url = format!("/v1.0/{}", url.trim_start_matches('/'));
    Ok(Item { id: id.to_string(), method, url, headers, body, depends_on })
}

/// Reads the batch and orders it so that every item comes after what it depends on.
fn plan(body: &[u8]) -> Result<Vec<Item>, GraphError> {
    let batch: Value = super::parse_body(body)?;
    let list = batch["requests"]
        .as_array()
        .ok_or_else(|| GraphError::bad_request("Invalid batch request: 'requests' is required."))?;
    if list.is_empty() || list.len() > MAX_REQUESTS {
        return Err(GraphError::bad_request(format!(
            "Invalid batch request: it must hold 1 to {MAX_REQUESTS} requests."
        )));
    }
    let mut pending: Vec<Item> = list.iter().map(read_item).collect::<Result<_, _>>()?;
    for (i, item) in pending.iter().enumerate() {
        if pending[..i].iter().any(|o| o.id.eq_ignore_ascii_case(&item.id)) {
            return Err(GraphError::bad_request(format!("Invalid batch request: the id '{}' is used twice.", item.id)));
        }
    }
    for item in &pending {
        if let Some(d) = item
            .depends_on
            .iter()
            .find(|d| !pending.iter().any(|o| o.id.eq_ignore_ascii_case(d)) || d.eq_ignore_ascii_case(&item.id))
        {
            return Err(GraphError::bad_request(format!(
                "Invalid batch request: '{}' depends on unknown request '{d}'.",
                item.id
            )));
        }
    }
    let mut ordered: Vec<Item> = vec![];
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|i| i.depends_on.iter().all(|d| ordered.iter().any(|o| o.id.eq_ignore_ascii_case(d))));
        let Some(next) = ready else {
            return Err(GraphError::bad_request("Invalid batch request: dependsOn forms a cycle."));
        };
        ordered.push(pending.remove(next));
    }
    Ok(ordered)
}

/// `Retry-After`, `Content-Type`: header names written as Graph writes them in batch items.
fn title_case(name: &HeaderName) -> String {
    let word = |w: &str| {
        let mut c = w.chars();
        c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
    };
    name.as_str().split('-').map(word).collect::<Vec<_>>().join("-")
}

/// An item answered by the batch itself (a failed dependency, a url or header that cannot be sent),
/// with Graph's error body as a dispatched item would have it.
fn error_item(t: &Tenant, id: &str, e: GraphError) -> Value {
    let date = GraphError::date(t.now());
    let request_id = uuid::Uuid::new_v4().to_string();
    json!({
        "id": id, "status": e.status.as_u16(), "headers": {"Content-Type": "application/json"},
        "body": e.body(&request_id, &request_id, &date),
    })
}

async fn run(t: &Tenant, api: &Router, item: &Item, authorization: Option<&str>) -> Value {
    let mut req = axum::http::Request::builder()
        .method(item.method.clone())
        .uri(&item.url)
        .extension(crate::faults::log::BatchItem);
    for (k, v) in &item.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    if let Some(a) = authorization {
        req = req.header(header::AUTHORIZATION, a);
    }
    let body = item.body.as_ref().map(|b| Body::from(b.to_string())).unwrap_or_else(Body::empty);
    let res = match req.body(body) {
        Ok(r) => api.clone().oneshot(r).await.unwrap_or_else(|e| match e {}),
        Err(_) => {
            return error_item(t, &item.id, GraphError::bad_request("The request's url or headers are not valid."));
        }
    };
    let status = res.status().as_u16();
    let mut headers = Map::new();
    for (name, value) in res.headers() {
        if name != header::CONTENT_LENGTH && !name.as_str().starts_with("access-control") {
            headers.insert(title_case(name), json!(value.to_str().unwrap_or_default()));
        }
    }
    let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024).await.unwrap_or_default();
    let mut out = json!({"id": item.id, "status": status, "headers": headers});
    if !bytes.is_empty() {
        out["body"] = serde_json::from_slice(&bytes).unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)));
    }
    out
}

pub async fn handle(State(inner): State<Inner>, headers: HeaderMap, body: Bytes) -> Response {
    let items = match plan(&body) {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let mut statuses: HashMap<String, u16> = HashMap::new();
    let mut responses = vec![];
    for item in &items {
        let failed = item.depends_on.iter().any(|d| statuses.get(&d.to_lowercase()).is_none_or(|s| *s >= 400));
        let out = if failed {
            let e =
                GraphError::new(StatusCode::FAILED_DEPENDENCY, "FailedDependency", "A request it depends on failed.");
            error_item(&inner.t, &item.id, e)
        } else {
            run(&inner.t, &inner.api, item, authorization).await
        };
        statuses.insert(item.id.to_lowercase(), out["status"].as_u64().unwrap_or(500) as u16);
        responses.push(out);
    }
    Json(json!({"responses": responses})).into_response()
}
