//! What can go wrong calling Graph, typed: Graph's own error (with its `code` and the
//! `request-id` a helpdesk asks for), the network, a cancelled call, or a sign-in that is needed.

use crate::auth::AuthError;
use serde::Deserialize;
use std::fmt;

/// Graph answered with an error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub status: u16,
    /// Graph's `error.code` (the most specific one found), or empty when Graph gave none.
    pub code: String,
    /// Graph's `error.message`: developer text, shown only in the details.
    pub message: String,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    pub date: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GraphError {
    /// Boxed: it is much the largest variant, and every `Result` of every Graph call would be
    /// as large as it (clippy's `result_large_err`).
    Service(Box<ServiceError>),
    /// No answer. `maybe_applied`: a write may have reached Graph before the connection dropped.
    Network {
        detail: String,
        maybe_applied: bool,
    },
    Cancelled,
    /// The session cannot give a token without the person signing in again.
    Auth(AuthError),
    /// An answer Portier cannot read (not Graph's shape).
    Unreadable {
        status: u16,
        detail: String,
    },
    /// The chunk of the module that sends could not be loaded: nothing was sent.
    PartNotLoaded,
}

impl GraphError {
    /// Graph's error code, for mapping to a sentence a person understands.
    pub fn code(&self) -> Option<&str> {
        match self {
            GraphError::Service(s) if !s.code.is_empty() => Some(&s.code),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            GraphError::Service(s) => Some(s.status),
            GraphError::Unreadable { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// A write whose fate is unknown: it may have been carried out though no success came back.
    pub fn maybe_applied(&self) -> bool {
        matches!(self, GraphError::Network { maybe_applied: true, .. }) || self.status() == Some(504)
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            GraphError::Service(s) => s.request_id.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphError::Service(s) => write!(f, "Graph answered {} {}: {}", s.status, s.code, s.message),
            GraphError::Network { detail, .. } => write!(f, "no answer from Graph: {detail}"),
            GraphError::Cancelled => write!(f, "cancelled"),
            GraphError::Auth(e) => write!(f, "{e}"),
            GraphError::Unreadable { status, detail } => write!(f, "unreadable answer ({status}): {detail}"),
            GraphError::PartNotLoaded => write!(f, "the network part of Portier could not be loaded"),
        }
    }
}

impl std::error::Error for GraphError {}

impl From<AuthError> for GraphError {
    fn from(e: AuthError) -> Self {
        GraphError::Auth(e)
    }
}

#[derive(Deserialize)]
struct Body {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    /// Live responses write `innerError`; the schema text writes `innererror`.
    #[serde(default, alias = "innererror")]
    #[serde(rename = "innerError")]
    inner: Option<Inner>,
}

#[derive(Deserialize, Default)]
struct Inner {
    #[serde(default)]
    code: Option<String>,
    #[serde(default, rename = "request-id")]
    request_id: Option<String>,
    #[serde(default, rename = "client-request-id")]
    client_request_id: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default, rename = "innerError", alias = "innererror")]
    inner: Option<Box<Inner>>,
}

/// Reads an error answer: the body's `error`, else the status alone. `header_request_id` is the
/// `request-id` response header when the browser could read it.
pub fn from_response(status: u16, body: &[u8], header_request_id: Option<&str>) -> GraphError {
    match serde_json::from_slice::<Body>(body) {
        Ok(b) => {
            let inner = b.error.inner.unwrap_or_default();
            // The deepest inner code is the most specific one.
            let mut code = b.error.code;
            let mut level = inner.inner.as_deref();
            if let Some(c) = inner.code.clone().filter(|c| !c.is_empty()) {
                code = c;
            }
            while let Some(i) = level {
                if let Some(c) = i.code.clone().filter(|c| !c.is_empty()) {
                    code = c;
                }
                level = i.inner.as_deref();
            }
            GraphError::Service(Box::new(ServiceError {
                status,
                code,
                message: b.error.message,
                request_id: inner.request_id.or(header_request_id.map(String::from)),
                client_request_id: inner.client_request_id,
                date: inner.date,
            }))
        }
        Err(e) if status >= 400 => GraphError::Service(Box::new(ServiceError {
            status,
            code: String::new(),
            message: format!("({e})"),
            request_id: header_request_id.map(String::from),
            client_request_id: None,
            date: None,
        })),
        Err(e) => GraphError::Unreadable { status, detail: e.to_string() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_graphs_documented_error_shape() {
        let body = br#"{"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation.",
            "innerError": {"date": "2025-02-13T10:17:06", "request-id": "a3c9f1de-0000-4000-8000-000000000001", "client-request-id": "c"}}}"#;
        let GraphError::Service(e) = from_response(403, body, None) else { panic!() };
        assert_eq!(e.code, "Authorization_RequestDenied");
        assert_eq!(e.request_id.as_deref(), Some("a3c9f1de-0000-4000-8000-000000000001"));
        assert_eq!(e.date.as_deref(), Some("2025-02-13T10:17:06"));
    }

    #[test]
    fn the_deepest_inner_code_wins_and_lowercase_innererror_is_read() {
        let body = br#"{"error": {"code": "BadRequest", "message": "m", "innererror": {"code": "invalidRange", "innererror": {"code": "fragmentOverlap"}}}}"#;
        assert_eq!(from_response(400, body, Some("h")).code(), Some("fragmentOverlap"));
        assert_eq!(from_response(400, body, Some("h")).request_id(), Some("h"));
    }

    #[test]
    fn an_empty_code_or_a_body_that_is_not_json_falls_back_to_the_status() {
        let e = from_response(503, br#"{"error": {"code": "", "message": "busy"}}"#, None);
        assert_eq!((e.code(), e.status()), (None, Some(503)));
        let e = from_response(502, b"<html>Bad gateway</html>", Some("r"));
        assert_eq!((e.code(), e.status(), e.request_id()), (None, Some(502), Some("r")));
    }
}
