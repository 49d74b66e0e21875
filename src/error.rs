//! What a page can fail with, as one type: the error view explains it in a person's words and
//! keeps Graph's code and request id for the helpdesk.

use crate::auth::AuthError;
use crate::graph::GraphError;
use crate::i18n::Texts;

/// Anything a page can fail with.
#[derive(Debug, Clone, PartialEq)]
pub enum AppError {
    Graph(GraphError),
    Auth(AuthError),
    /// A part of the app (a chunk of the module) could not be loaded; `gone` when the server no
    /// longer has it because a newer version was deployed.
    Chunk {
        gone: bool,
    },
}

impl From<GraphError> for AppError {
    fn from(e: GraphError) -> Self {
        match e {
            GraphError::Auth(a) => AppError::from(a),
            GraphError::PartNotLoaded => AppError::Chunk { gone: chunk_gone() },
            other => AppError::Graph(other),
        }
    }
}

impl From<AuthError> for AppError {
    /// The sign-in's chunk that did not load is a chunk like any other: "try again", or
    /// "reload" after a deployment.
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::PartNotLoaded => AppError::Chunk { gone: chunk_gone() },
            other => AppError::Auth(other),
        }
    }
}

impl AppError {
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, AppError::Auth(a) if a.needs_sign_in())
    }

    /// The sentence for a person.
    pub fn sentence(&self, t: &Texts) -> &'static str {
        match self {
            AppError::Auth(AuthError::InteractionRequired { .. }) => t.error_session_expired,
            AppError::Auth(AuthError::PopupBlocked) => t.error_popup_blocked,
            AppError::Auth(AuthError::PopupTimedOut) => t.error_popup_timeout,
            AppError::Auth(AuthError::Cancelled) => t.error_cancelled,
            AppError::Auth(AuthError::BrowserRefused(_)) => t.error_generic,
            AppError::Auth(AuthError::Unreachable(_)) => t.error_network,
            AppError::Auth(AuthError::HostProvider(_)) => t.error_host_sign_in,
            AppError::Auth(_) => t.error_sign_in_refused,
            AppError::Chunk { gone: true } => t.error_chunk_gone,
            AppError::Chunk { gone: false } => t.error_chunk,
            AppError::Graph(GraphError::Network { .. }) => t.error_network,
            AppError::Graph(g) => match g.status() {
                Some(429) => t.error_throttled,
                Some(503 | 504) => t.error_unavailable,
                Some(401 | 403) => t.error_forbidden,
                Some(404) => t.error_not_found,
                _ => t.error_generic,
            },
        }
    }

    /// (label, value) pairs for the helpdesk.
    pub fn details(&self, t: &Texts) -> Vec<(&'static str, String)> {
        let mut out = vec![];
        match self {
            AppError::Graph(GraphError::Service(s)) => {
                out.push((t.error_code, format!("{} {}", s.status, s.code)));
                if let Some(id) = &s.request_id {
                    out.push((t.error_request_id, id.clone()));
                }
                if let Some(d) = &s.date {
                    out.push((t.error_date, d.clone()));
                }
            }
            AppError::Graph(other) => out.push((t.error_code, other.to_string())),
            AppError::Auth(AuthError::Refused { description, correlation_id, .. }) => {
                out.push((t.error_code, description.lines().next().unwrap_or_default().to_string()));
                if let Some(c) = correlation_id {
                    out.push((t.error_request_id, c.clone()));
                }
            }
            AppError::Auth(AuthError::InteractionRequired { code, .. }) => out.push((t.error_code, code.clone())),
            AppError::Auth(other) => out.push((t.error_code, other.to_string())),
            AppError::Chunk { gone } => {
                out.push((t.error_code, if *gone { "chunk gone" } else { "chunk unavailable" }.into()))
            }
        }
        out
    }
}

impl From<crate::chunk::ChunkFailure> for AppError {
    /// The error view's words: "try again", or "reload" when a deployment removed the chunk.
    fn from(_: crate::chunk::ChunkFailure) -> Self {
        AppError::Chunk { gone: chunk_gone() }
    }
}

/// Whether the split glue found a chunk gone from the server (see the build's `portierFetch`).
#[cfg(target_arch = "wasm32")]
fn chunk_gone() -> bool {
    let key = wasm_bindgen::JsValue::from_str("__portierChunkGone");
    js_sys::Reflect::get(&js_sys::global(), &key).is_ok_and(|v| v.is_truthy())
}

/// Natively (unit tests) no chunk was ever deployed, so none is gone.
#[cfg(not(target_arch = "wasm32"))]
fn chunk_gone() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ServiceError;
    use crate::i18n::texts;

    fn service(status: u16, code: &str) -> AppError {
        AppError::Graph(GraphError::Service(Box::new(ServiceError {
            status,
            code: code.into(),
            message: "m".into(),
            request_id: Some("rid".into()),
            client_request_id: None,
            date: Some("2026-01-01T00:00:00".into()),
        })))
    }

    #[test]
    fn a_part_of_the_module_that_did_not_load_is_a_chunk_error_whichever_layer_met_it() {
        let chunk = AppError::Chunk { gone: false };
        assert_eq!(AppError::from(GraphError::PartNotLoaded), chunk);
        assert_eq!(AppError::from(GraphError::Auth(AuthError::PartNotLoaded)), chunk);
        assert_eq!(AppError::from(AuthError::PartNotLoaded), chunk);
    }

    #[test]
    fn sentences_follow_the_kind_of_failure_in_both_languages() {
        for lang in [crate::config::Language::En, crate::config::Language::Sv] {
            let t = texts(lang);
            assert_eq!(service(429, "TooManyRequests").sentence(t), t.error_throttled);
            assert_eq!(service(403, "Authorization_RequestDenied").sentence(t), t.error_forbidden);
            let expired = AppError::from(GraphError::Auth(AuthError::InteractionRequired {
                code: "AADSTS700084".into(),
                claims: None,
            }));
            assert_eq!(expired.sentence(t), t.error_session_expired);
            assert!(expired.needs_sign_in());
        }
    }

    #[test]
    fn details_keep_graphs_code_and_request_id() {
        let t = texts(crate::config::Language::En);
        let d = service(404, "Request_ResourceNotFound").details(t);
        assert_eq!(d[0].1, "404 Request_ResourceNotFound");
        assert_eq!(d[1], (t.error_request_id, "rid".to_string()));
    }
}
