//! The sign-in origin: Entra ID's v2.0 OpenID provider endpoints, its pages and redemption.

mod authorize;
pub mod error;
mod interact;
mod logout;
mod mint;
pub mod pages;
mod redeem;
mod token;

use crate::Tenant;
use crate::origin::{self, Side};
use crate::routes::Routes;
pub use mint::{pairwise_sub, random_token};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use error::{AuthError, TraceIds};
use serde_json::json;
use std::sync::Arc;
use tower_http::cors::CorsLayer;

/// The browser session cookie (Entra's is `ESTSAUTH`).
pub const SESSION_COOKIE: &str = "devtenant_session";

pub fn router(tenant: Arc<Tenant>) -> Routes {
    // Discovery and keys are public documents: any origin may read them, as with Entra.
    let public = Routes::new()
        .get("/{tenant}/v2.0/.well-known/openid-configuration", discovery)
        .get("/{tenant}/discovery/v2.0/keys", keys)
        .map(|r| r.layer(CorsLayer::permissive()));
    let frames = axum::middleware::map_response_with_state(tenant.clone(), frame_protection);
    let pages = Routes::new()
        .get("/{tenant}/oauth2/v2.0/authorize", authorize::authorize)
        .post("/{tenant}/login", interact::login)
        .post("/{tenant}/signup", interact::sign_up)
        .post("/{tenant}/select", interact::select)
        .post("/{tenant}/consent", interact::consent)
        .get("/{tenant}/oauth2/v2.0/logout", logout::logout)
        .post("/{tenant}/oauth2/v2.0/logout", logout::logout)
        .get("/redeem", redeem::show)
        .post("/redeem", redeem::decide)
        .map(|r| r.layer(frames));
    let track = axum::middleware::from_fn_with_state((tenant.clone(), Side::SignIn), origin::track);
    public.merge(pages).merge(token::router(&tenant)).map(|r| r.with_state(tenant).layer(track))
}

/// Entra's pages refuse to be framed; the COOP switch also cuts a popup off from its opener.
async fn frame_protection(State(t): State<Arc<Tenant>>, mut res: Response) -> Response {
    let is_html = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if is_html {
        let h = res.headers_mut();
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("frame-ancestors 'none'"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if t.switches().coop {
            h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
        }
    }
    res
}

/// The error for a tenant segment that names neither this tenant's id nor a verified domain.
fn unknown_tenant(segment: &str) -> AuthError {
    AuthError::new(
        "invalid_tenant",
        90002,
        format!(
            "Tenant '{segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
        ),
    )
}

/// An error shown as a page (the redirect URI is not trusted, or the person must see it).
fn error_page(t: &Tenant, e: &AuthError, back: Option<&str>) -> Response {
    let ids = TraceIds::new(None);
    let page = pages::error(
        &t.scenario.tenant.display_name,
        &format!("AADSTS{}: {}", e.aadsts, e.message),
        &e.description(&ids, t.now()),
        back,
    );
    (axum::http::StatusCode::BAD_REQUEST, Html(page.into_string())).into_response()
}

async fn discovery(State(t): State<Arc<Tenant>>, Path(segment): Path<String>) -> Response {
    if !t.scenario.is_tenant(&segment) {
        return unknown_tenant(&segment).token_response(&TraceIds::new(None), t.now());
    }
    let base = format!("{}/{}", t.signin_url(), segment);
    let graph = t.graph_url();
    Json(json!({
        "issuer": t.issuer(),
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "end_session_endpoint": format!("{base}/oauth2/v2.0/logout"),
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "userinfo_endpoint": format!("{graph}/oidc/userinfo"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "nonce", "name", "preferred_username", "email", "oid", "tid", "sid", "idp", "acct", "login_hint", "ver"],
        "request_uri_parameter_supported": false,
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "tenant_region_scope": "EU",
        "cloud_instance_name": "devtenant.local",
        "msgraph_host": graph.split_once("://").map(|(_, host)| host).unwrap_or(&graph),
    }))
    .into_response()
}

async fn keys(State(t): State<Arc<Tenant>>, Path(segment): Path<String>) -> Response {
    if !t.scenario.is_tenant(&segment) {
        return unknown_tenant(&segment).token_response(&TraceIds::new(None), t.now());
    }
    Json(t.key.jwks(&t.issuer())).into_response()
}

/// The session cookie's value, if the browser sent one.
fn session_id(jar: &axum_extra::extract::CookieJar) -> Option<String> {
    jar.get(SESSION_COOKIE).map(|c| c.value().to_string())
}

/// A `Set-Cookie` for the browser session, `HttpOnly`. Over https (the request's public origin)
/// it is `SameSite=None; Secure`, so that a hidden iframe in the app's page (silent sign-in) gets
/// it. Over plain http a browser refuses `SameSite=None` without `Secure`, so it is `Lax`: sent
/// in frames only when the app is on the same site (any port of `localhost`, say).
fn session_cookie(t: &Tenant, id: &str) -> axum_extra::extract::cookie::Cookie<'static> {
    use axum_extra::extract::cookie::{Cookie, SameSite};
    let secure = t.signin_url().starts_with("https://");
    Cookie::build((SESSION_COOKIE, id.to_string()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(if secure { SameSite::None } else { SameSite::Lax })
        .build()
}
