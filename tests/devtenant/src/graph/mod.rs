//! The Graph origin: `/v1.0/...` for the directory (users, invitations), entitlement
//! management and `$batch`, with Graph's CORS, request ids, error shapes and injected faults.

pub mod auth;
mod batch;
pub mod entitlement;
pub mod error;
pub mod expand;
mod invitations;
pub mod query;
pub mod reviews;
pub mod schema;
mod users;

use crate::Tenant;
use crate::origin::{self, Side};
use crate::routes::Routes;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use error::GraphError;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub fn router(t: Arc<Tenant>) -> Routes {
    let api = api(t.clone());
    let inner = batch::Inner { t: t.clone(), api: api.clone().into_router() };
    // `$batch` dispatches its items into `api`, so routing, faults, errors and the log are the same.
    let batch = Routes::new().post("/v1.0/$batch", batch::handle).map(|r| {
        r.with_state(inner)
            .layer(middleware::from_fn_with_state(t.clone(), crate::faults::inject))
            .layer(middleware::from_fn_with_state(t.clone(), request_ids))
            .layer(middleware::from_fn_with_state(t.clone(), crate::faults::log::record))
    });
    let track = middleware::from_fn_with_state((t, Side::Graph), origin::track);
    batch.merge(api).map(|r| r.layer(cors()).layer(track))
}

/// Every Graph route but `$batch`, with faults, Graph's error bodies and the request log.
fn api(t: Arc<Tenant>) -> Routes {
    let v1 = Routes::new()
        .get("/me", users::me)
        .get("/users", users::list)
        .get("/users/{id}", users::get)
        .post("/invitations", invitations::create)
        .nest("/identityGovernance/entitlementManagement", entitlement::router(t.clone()))
        .nest("/identityGovernance/accessReviews", reviews::router(t.clone()));
    Routes::new().nest("/v1.0", v1).get("/oidc/userinfo", users::userinfo).map(|r| {
        r.fallback(unknown_segment)
            .method_not_allowed_fallback(method_not_allowed)
            .layer(middleware::from_fn_with_state(t.clone(), crate::faults::inject))
            .layer(middleware::from_fn_with_state(t.clone(), request_ids))
            .layer(middleware::from_fn_with_state(t.clone(), crate::faults::log::record))
            .with_state(t)
    })
}

/// Graph answers any origin that sends a bearer token, and lets it read its ids and `Retry-After`.
fn cors() -> CorsLayer {
    let h = |n: &'static str| HeaderName::from_static(n);
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::PUT, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            h("consistencylevel"),
            h("client-request-id"),
            h("prefer"),
            h("retry-attempt"),
            h("x-ms-throttle-priority"),
            h("return-client-request-id"),
        ])
        // `WWW-Authenticate` too: Microsoft's own SPA samples read claims challenges from it.
        .expose_headers([
            h("request-id"),
            h("client-request-id"),
            h("retry-after"),
            h("www-authenticate"),
            header::LOCATION,
        ])
        .max_age(std::time::Duration::from_secs(3600))
}

/// Gives every response `request-id` and `client-request-id`, and writes Graph errors' bodies.
async fn request_ids(State(t): State<Arc<Tenant>>, req: Request, next: Next) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let client_request_id = req
        .headers()
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 100)
        .map(String::from)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let mut res = next.run(req).await;
    let err = match res.extensions_mut().remove::<GraphError>() {
        Some(e) => Some(e),
        None => framework_refusal(&mut res).await,
    };
    if let Some(err) = err {
        let date = GraphError::date(t.now());
        *res.body_mut() = Body::from(err.body(&request_id, &client_request_id, &date).to_string());
        res.headers_mut().remove(header::CONTENT_LENGTH);
    }
    let headers = res.headers_mut();
    headers.insert("request-id", HeaderValue::from_str(&request_id).expect("uuid"));
    if let Ok(v) = HeaderValue::from_str(&client_request_id) {
        headers.insert("client-request-id", v);
    }
    res
}

/// An error answer that axum wrote (a rejected path or body) in plain text, read as Graph's error
/// so that every refusal has Graph's shape.
async fn framework_refusal(res: &mut Response) -> Option<GraphError> {
    let json = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if json || !(res.status().is_client_error() || res.status().is_server_error()) {
        return None;
    }
    let text = axum::body::to_bytes(std::mem::take(res.body_mut()), 64 * 1024).await.unwrap_or_default();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Some(GraphError::from_rejection(res.status(), &String::from_utf8_lossy(&text)))
}

async fn unknown_segment(req: Request) -> GraphError {
    let last = req.uri().path().trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_string();
    GraphError::bad_request(format!("Resource not found for the segment '{last}'."))
}

async fn method_not_allowed() -> GraphError {
    GraphError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "BadRequest",
        "Specified HTTP method is not allowed for the request uri.",
    )
}

/// A JSON request body, refused Graph's way: wrong content type, bad JSON, wrong shape, too big.
pub struct GraphJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for GraphJson<T> {
    type Rejection = GraphError;

    async fn from_request(req: Request, state: &S) -> Result<Self, GraphError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(GraphError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "BadRequest",
                "A supported MIME type could not be found that matches the content type of the request payload.",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| GraphError::from_rejection(e.status(), &e.body_text()))?;
        parse_body(&bytes).map(GraphJson)
    }
}

/// Reads a JSON body into `T`, with Graph's 400 when it does not fit.
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, GraphError> {
    if bytes.is_empty() {
        return Err(GraphError::bad_request("Empty Payload, JSON content expected."));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let what = if e.is_syntax() || e.is_eof() { "Invalid JSON" } else { "Invalid request body" };
        GraphError::bad_request(format!("{what}: {e}"))
    })
}
