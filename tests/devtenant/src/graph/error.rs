//! Graph's error: one type for every refusal, rendered once (by [`super::request_ids`]) with
//! `innerError` carrying the request's `request-id`, `client-request-id` and `date`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    /// Extra headers: `WWW-Authenticate` on 401, `Retry-After` on 429/503.
    pub headers: Vec<(&'static str, String)>,
}

impl GraphError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> GraphError {
        GraphError { status, code: code.into(), message: message.into(), headers: vec![] }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> GraphError {
        self.headers.push((name, value.into()));
        self
    }

    pub fn bad_request(message: impl Into<String>) -> GraphError {
        GraphError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// The directory's refusal for a caller without the permission an operation needs.
    pub fn denied() -> GraphError {
        GraphError::new(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
    }

    pub fn not_found(id: &str) -> GraphError {
        GraphError::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
        )
    }

    pub fn unsupported_query(message: impl Into<String>) -> GraphError {
        GraphError::new(StatusCode::BAD_REQUEST, "Request_UnsupportedQuery", message)
    }

    /// Graph's 413 for a body over the limit (Graph documents the status, not the code).
    pub fn too_large() -> GraphError {
        GraphError::new(StatusCode::PAYLOAD_TOO_LARGE, "RequestEntityTooLarge", "The request body is too large.")
    }

    /// Graph's error for a refusal made before a handler ran (a path segment that is not UTF-8, a
    /// body over the limit): the same status, with the reason the framework gave.
    pub fn from_rejection(status: StatusCode, reason: &str) -> GraphError {
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => GraphError::too_large(),
            s if s.is_client_error() => GraphError::new(s, "BadRequest", reason.trim()),
            s => GraphError { message: reason.trim().to_string(), ..GraphError::for_status(s) },
        }
    }

    /// The code Graph answers for a status when a fault is injected.
    pub fn for_status(status: StatusCode) -> GraphError {
        let (code, message) = match status.as_u16() {
            429 => ("TooManyRequests", "Please retry again later."),
            500 => ("generalException", "General exception while processing."),
            502 => ("BadGateway", "Bad gateway."),
            503 => ("ServiceUnavailable", "Service unavailable. Please retry again later."),
            504 => ("GatewayTimeout", "Gateway timeout."),
            401 => ("InvalidAuthenticationToken", "Access token validation failure."),
            403 => ("Forbidden", "Forbidden."),
            404 => ("NotFound", "Not found."),
            409 => ("Conflict", "Conflict."),
            _ => ("UnknownError", "Injected fault."),
        };
        GraphError::new(status, code, message)
    }

    /// `innerError.date` as Graph writes it: UTC without a zone, to the second.
    pub fn date(now: i64) -> String {
        chrono::DateTime::from_timestamp(now, 0).unwrap_or_default().format("%Y-%m-%dT%H:%M:%S").to_string()
    }

    /// The JSON body, given the ids of the request it answers.
    pub fn body(&self, request_id: &str, client_request_id: &str, date: &str) -> serde_json::Value {
        serde_json::json!({ "error": {
            "code": self.code,
            "message": self.message,
            "innerError": { "date": date, "request-id": request_id, "client-request-id": client_request_id },
        }})
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        // The body is written by the request-id middleware, which knows the ids.
        let mut res = self.status.into_response();
        for (name, value) in &self.headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                res.headers_mut().insert(*name, v);
            }
        }
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        res.extensions_mut().insert(self);
        res
    }
}

/// A database failure is the tenant's fault, never the caller's: Graph's 500.
impl From<rusqlite::Error> for GraphError {
    fn from(e: rusqlite::Error) -> GraphError {
        GraphError::new(StatusCode::INTERNAL_SERVER_ERROR, "generalException", format!("General exception: {e}"))
    }
}
