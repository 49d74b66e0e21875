//! `/{tenant}/oauth2/v2.0/token`: redeems codes (with PKCE) and refresh tokens (rotated, inside
//! a SPA's fixed 24-hour family), answering with CORS only to the apps' SPA origins.

use super::authorize::scope_error;
use super::error::{AuthError, TraceIds};
use super::mint::{self, Grant, Issued};
use super::unknown_tenant;
use crate::Tenant;
use crate::routes::Routes;
use crate::scopes::ScopeRequest;
use crate::store::{CodeRedemption, RefreshRedemption};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub fn router(t: &Arc<Tenant>) -> Routes<Arc<Tenant>> {
    let origins = t.scenario.spa_origins();
    // CORS on every answer (errors included, or MSAL sees a network error), for SPA origins only.
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            origin.to_str().is_ok_and(|o| origins.contains(o))
        }))
        .allow_methods([axum::http::Method::POST])
        .allow_headers(tower_http::cors::AllowHeaders::mirror_request());
    Routes::new().post("/{tenant}/oauth2/v2.0/token", token).map(|r| r.layer(cors))
}

async fn token(
    State(t): State<Arc<Tenant>>,
    Path(segment): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let correlation = q.get("client-request-id").or(form.get("client-request-id")).map(String::as_str);
    let ids = TraceIds::new(correlation);
    match answer(&t, &segment, &headers, &form) {
        Ok(issued) => Json(issued).into_response(),
        Err(e) => e.token_response(&ids, t.now()),
    }
}

fn answer(
    t: &Tenant,
    segment: &str,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<serde_json::Value, AuthError> {
    if !t.scenario.is_tenant(segment) {
        return Err(unknown_tenant(segment));
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AuthError::missing("grant_type"));
    }
    let param = |k: &str| form.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let client_id = param("client_id").ok_or_else(|| AuthError::missing("client_id"))?;
    let app = t.scenario.app(client_id).ok_or_else(|| {
        AuthError::new(
            "unauthorized_client",
            700016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory '{}'.",
                t.scenario.tenant.display_name
            ),
        )
    })?;
    // Every redirect URI of these apps is a SPA URI: their tokens are redeemed cross-origin only.
    if !headers.contains_key(header::ORIGIN) {
        return Err(AuthError::new(
            "invalid_request",
            9002327,
            "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
        ));
    }
    if param("client_secret").is_some() || param("client_assertion").is_some() {
        return Err(AuthError::new(
            "invalid_client",
            700025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        ));
    }
    match param("grant_type") {
        None => Err(AuthError::missing("grant_type")),
        Some("authorization_code") => redeem_code(t, client_id, &app.scopes, form),
        Some("refresh_token") => redeem_refresh(t, client_id, &app.scopes, form),
        Some(other) => Err(AuthError::new(
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

fn redeem_code(
    t: &Tenant,
    client_id: &str,
    allowed: &[String],
    form: &HashMap<String, String>,
) -> Result<serde_json::Value, AuthError> {
    let param = |k: &str| form.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let code = param("code").ok_or_else(|| AuthError::missing("code"))?;
    let redirect_uri = param("redirect_uri").ok_or_else(|| AuthError::missing("redirect_uri"))?;
    let grant = match t.store.peek_code(code, t.now()) {
        CodeRedemption::Redeemable(g) => g,
        CodeRedemption::AlreadyRedeemed => {
            return Err(AuthError::new(
                "invalid_grant",
                54005,
                "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
            ));
        }
        CodeRedemption::Expired => {
            return Err(AuthError::new(
                "invalid_grant",
                70008,
                "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
            ));
        }
        CodeRedemption::Unknown => {
            return Err(AuthError::new(
                "invalid_grant",
                70000,
                "The provided value for the 'code' parameter is not valid.",
            ));
        }
    };
    if grant.client_id != client_id {
        return Err(AuthError::new(
            "invalid_grant",
            70000,
            "The provided value for the 'code' parameter is not valid: it was issued to another client.",
        ));
    }
    if grant.redirect_uri != redirect_uri {
        return Err(AuthError::new(
            "invalid_grant",
            500112,
            format!(
                "The reply address '{redirect_uri}' does not match the reply address '{}' provided when requesting Authorization code.",
                grant.redirect_uri
            ),
        ));
    }
    let verifier = param("code_verifier").ok_or_else(|| AuthError::missing("code_verifier"))?;
    if B64.encode(Sha256::digest(verifier.as_bytes())) != grant.code_challenge {
        return Err(AuthError::new(
            "invalid_grant",
            50148,
            "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.",
        ));
    }
    // The code's own scopes, unless the client names (a subset of) them again.
    let scope = param("scope").unwrap_or(&grant.scope);
    let scopes = ScopeRequest::parse(scope, allowed).map_err(|e| scope_error(&e))?;
    let user = t
        .store
        .user(&grant.user_id)
        .ok_or_else(|| AuthError::new("invalid_grant", 50034, "The user account does not exist in the directory."))?;
    check_consent(t, &user.id, client_id, &scopes)?;
    if !t.store.mark_code_redeemed(code) {
        return Err(AuthError::new(
            "invalid_grant",
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        ));
    }
    let issued = mint::issue(
        t,
        &Grant {
            user: &user,
            client_id,
            scopes: &scopes,
            nonce: grant.nonce.as_deref(),
            session_id: &grant.session_id,
            auth_time: grant.auth_time,
            family_expires: None,
            claims: param("claims").or(grant.claims.as_deref()),
        },
    );
    Ok(response(t, &scopes, issued, &user, param("client_info") == Some("1")))
}

fn redeem_refresh(
    t: &Tenant,
    client_id: &str,
    allowed: &[String],
    form: &HashMap<String, String>,
) -> Result<serde_json::Value, AuthError> {
    let param = |k: &str| form.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let token = param("refresh_token").ok_or_else(|| AuthError::missing("refresh_token"))?;
    let scope = param("scope").ok_or_else(|| AuthError::missing("scope"))?;
    let scopes = ScopeRequest::parse(scope, allowed).map_err(|e| scope_error(&e))?;
    let rt = match t.store.take_refresh_token(token) {
        RefreshRedemption::Valid(rt) => rt,
        // Entra leaves a rotated token usable for a while; this tenant retires it at once, so
        // that a client which keeps an old one is caught.
        RefreshRedemption::Rotated => {
            return Err(AuthError::new(
                "invalid_grant",
                70000,
                "The provided value for the input parameter 'refresh_token' or 'assertion' is not valid: the refresh token was already used and has been replaced.",
            ));
        }
        RefreshRedemption::Unknown => {
            return Err(AuthError::new("invalid_grant", 9002313, "Invalid request. Request is malformed or invalid."));
        }
    };
    if rt.client_id != client_id {
        return Err(AuthError::new(
            "invalid_grant",
            70000,
            "The provided value for the input parameter 'refresh_token' or 'assertion' is not valid: it was issued to another client.",
        ));
    }
    if t.now() >= rt.family_expires {
        let issued = crate::clock::entra_timestamp(rt.family_expires - mint::SPA_REFRESH_LIFETIME);
        let msg = format!(
            "The refresh token has expired due to maximum lifetime. The token was issued on {issued}. The maximum allowed lifetime for this request is 86400. The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00, which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page."
        );
        return Err(AuthError::new("invalid_grant", 700084, msg));
    }
    let user = t.store.user(&rt.user_id).ok_or_else(|| {
        AuthError::new(
            "invalid_grant",
            50173,
            "The provided grant has expired due to it being revoked, a fresh auth token is needed.",
        )
    })?;
    check_consent(t, &user.id, client_id, &scopes)?;
    let issued = mint::issue(
        t,
        &Grant {
            user: &user,
            client_id,
            scopes: &scopes,
            nonce: None,
            session_id: &rt.session_id,
            auth_time: rt.auth_time,
            family_expires: Some(rt.family_expires),
            claims: param("claims"),
        },
    );
    Ok(response(t, &scopes, issued, &user, param("client_info") == Some("1")))
}

/// A token may carry only permissions the user consented to for this app.
fn check_consent(t: &Tenant, user_id: &str, client_id: &str, scopes: &ScopeRequest) -> Result<(), AuthError> {
    let granted = t.store.consented(user_id, client_id);
    let Some(missing) = scopes.graph.iter().find(|s| !granted.contains(s)) else {
        return Ok(());
    };
    let app = t.scenario.app(client_id).map(|a| a.display_name.clone()).unwrap_or_default();
    let msg = format!(
        "The user or administrator has not consented to use the application with ID '{client_id}' named '{app}' for '{missing}'. Send an interactive authorization request for this user and resource."
    );
    Err(AuthError::new("invalid_grant", 65001, msg).with_suberror("consent_required"))
}

fn response(
    t: &Tenant,
    scopes: &ScopeRequest,
    issued: Issued,
    user: &crate::store::UserRecord,
    client_info: bool,
) -> serde_json::Value {
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scopes.response_scope(),
        "expires_in": issued.expires_in,
        "ext_expires_in": issued.expires_in,
        "access_token": issued.access_token,
    });
    if let Some(rt) = issued.refresh_token {
        body["refresh_token"] = json!(rt);
    }
    if let Some(id) = issued.id_token {
        body["id_token"] = json!(id);
    }
    if client_info {
        body["client_info"] = json!(mint::client_info(t, user));
    }
    body
}
