//! Who is calling Graph: the bearer token checked as Graph checks it (signature, audience,
//! issuer, lifetime on the tenant's clock), and the delegated permissions it carries.

use super::error::GraphError;
use crate::Tenant;
use crate::scopes::GRAPH_RESOURCE;
use crate::store::UserRecord;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use jsonwebtoken::errors::ErrorKind;
use std::sync::Arc;

/// Graph's application id: the other spelling of its audience.
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The signed-in user and app behind a Graph request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserRecord,
    pub client_id: String,
    /// Delegated permissions from `scp`.
    pub scopes: Vec<String>,
}

impl Caller {
    pub fn has(&self, permission: &str) -> bool {
        self.scopes.iter().any(|s| s.eq_ignore_ascii_case(permission))
    }

    /// Passes when the token holds any of `permissions`, else Graph's 403.
    pub fn require_any(&self, permissions: &[&str]) -> Result<(), GraphError> {
        if permissions.iter().any(|p| self.has(p)) { Ok(()) } else { Err(GraphError::denied()) }
    }
}

fn unauthenticated(t: &Tenant, message: &str) -> GraphError {
    let challenge = format!(
        "Bearer realm=\"\", authorization_uri=\"{}/{}/oauth2/authorize\", client_id=\"{GRAPH_APP_ID}\"",
        t.signin_url(),
        t.scenario.tenant.id
    );
    GraphError::new(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", message)
        .with_header("www-authenticate", challenge)
}

/// Checks a bearer token and finds its user.
pub fn authenticate(t: &Tenant, authorization: Option<&str>) -> Result<Caller, GraphError> {
    let token = authorization
        .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
        .map(str::trim)
        .unwrap_or_default();
    if token.is_empty() {
        return Err(unauthenticated(t, "Access token is empty."));
    }
    let claims = t.key.verify(token).map_err(|e| match e.kind() {
        ErrorKind::InvalidSignature => unauthenticated(t, "Access token validation failure. Invalid signature."),
        _ => unauthenticated(t, "IDX14100: JWT is not well formed."),
    })?;
    let aud = claims["aud"].as_str().unwrap_or_default();
    if aud != GRAPH_RESOURCE && aud != GRAPH_APP_ID {
        return Err(unauthenticated(t, "Access token validation failure. Invalid audience."));
    }
    if !claims["iss"].as_str().is_some_and(|iss| t.is_own_issuer(iss))
        || claims["tid"].as_str() != Some(t.scenario.tenant.id.as_str())
    {
        return Err(unauthenticated(t, "Access token validation failure. Invalid issuer."));
    }
    let now = t.now();
    if claims["exp"].as_i64().is_none_or(|exp| now >= exp) {
        return Err(unauthenticated(t, "Lifetime validation failed, the token is expired."));
    }
    if claims["nbf"].as_i64().is_some_and(|nbf| nbf > now + 300) {
        return Err(unauthenticated(t, "Lifetime validation failed, the token is not yet valid."));
    }
    let user = claims["oid"]
        .as_str()
        .and_then(|oid| t.store.user(oid))
        .ok_or_else(|| unauthenticated(t, "Access token validation failure. The user does not exist."))?;
    Ok(Caller {
        user,
        client_id: claims["appid"].as_str().unwrap_or_default().to_string(),
        scopes: claims["scp"].as_str().unwrap_or_default().split_whitespace().map(String::from).collect(),
    })
}

impl FromRequestParts<Arc<Tenant>> for Caller {
    type Rejection = GraphError;

    async fn from_request_parts(parts: &mut Parts, t: &Arc<Tenant>) -> Result<Caller, GraphError> {
        let header = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        authenticate(t, header)
    }
}
