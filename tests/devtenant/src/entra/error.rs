//! Entra's errors: one type, three ways out (token-endpoint JSON, a redirect back to the app,
//! or a page when the redirect URI cannot be trusted), each carrying an `AADSTS` code.

use crate::clock::entra_timestamp;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error as Entra reports it: the OAuth `error`, the AADSTS number and its sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    /// OAuth 2.0 error code: `invalid_request`, `invalid_grant`, `login_required`, …
    pub error: &'static str,
    pub aadsts: u32,
    pub message: String,
    /// Entra's `suberror` (`consent_required`, `bad_token`, …) where it sends one.
    pub suberror: Option<&'static str>,
}

impl AuthError {
    pub fn new(error: &'static str, aadsts: u32, message: impl Into<String>) -> AuthError {
        AuthError { error, aadsts, message: message.into(), suberror: None }
    }

    pub fn with_suberror(mut self, suberror: &'static str) -> AuthError {
        self.suberror = Some(suberror);
        self
    }

    pub fn missing(param: &str) -> AuthError {
        AuthError::new(
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{param}'."),
        )
    }

    /// `error_description` as Entra writes it, with trace and correlation ids and a timestamp.
    pub fn description(&self, ids: &TraceIds, now: i64) -> String {
        format!(
            "AADSTS{}: {}\r\nTrace ID: {}\r\nCorrelation ID: {}\r\nTimestamp: {}",
            self.aadsts,
            self.message,
            ids.trace_id,
            ids.correlation_id,
            entra_timestamp(now)
        )
    }

    /// The token endpoint's JSON body (400, or 401 for `invalid_client`).
    pub fn token_response(&self, ids: &TraceIds, now: i64) -> Response {
        let status = if self.error == "invalid_client" { StatusCode::UNAUTHORIZED } else { StatusCode::BAD_REQUEST };
        let mut body = json!({
            "error": self.error,
            "error_description": self.description(ids, now),
            "error_codes": [self.aadsts],
            "timestamp": entra_timestamp(now),
            "trace_id": ids.trace_id,
            "correlation_id": ids.correlation_id,
        });
        if let Some(s) = self.suberror {
            body["suberror"] = json!(s);
        }
        (status, Json(body)).into_response()
    }

    /// Parameters for a redirect back to the app.
    pub fn redirect_params(&self, ids: &TraceIds, now: i64) -> Vec<(String, String)> {
        let mut params = vec![
            ("error".to_string(), self.error.to_string()),
            ("error_description".to_string(), self.description(ids, now)),
        ];
        if let Some(s) = self.suberror {
            params.push(("suberror".into(), s.into()));
        }
        params
    }
}

/// The ids every Entra error carries: a fresh trace id, and the client's correlation id
/// (`client-request-id`) or a fresh one.
#[derive(Debug, Clone)]
pub struct TraceIds {
    pub trace_id: String,
    pub correlation_id: String,
}

impl TraceIds {
    pub fn new(correlation_id: Option<&str>) -> TraceIds {
        let valid = correlation_id.filter(|c| uuid::Uuid::parse_str(c).is_ok());
        TraceIds {
            trace_id: uuid::Uuid::new_v4().to_string(),
            correlation_id: valid.map(str::to_string).unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_start_with_the_aadsts_code_and_keep_the_correlation_id() {
        let ids = TraceIds::new(Some("0b9c4f8e-0000-4000-8000-000000000001"));
        let e = AuthError::new("invalid_grant", 700084, "expired");
        let d = e.description(&ids, 0);
        assert!(d.starts_with("AADSTS700084: expired\r\nTrace ID: "), "{d}");
        assert!(d.contains("Correlation ID: 0b9c4f8e-0000-4000-8000-000000000001"));
        assert!(d.ends_with("Timestamp: 1970-01-01 00:00:00Z"));
    }

    #[test]
    fn a_malformed_correlation_id_is_replaced() {
        let ids = TraceIds::new(Some("<script>"));
        assert!(uuid::Uuid::parse_str(&ids.correlation_id).is_ok());
    }
}
