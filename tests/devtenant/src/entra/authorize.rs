//! `/{tenant}/oauth2/v2.0/authorize`: checks the request, then walks it through sign-in, account
//! choice and consent to a code sent back to the app.

use super::error::{AuthError, TraceIds};
use super::{error_page, mint, pages, session_id, unknown_tenant};
use crate::Tenant;
use crate::scopes::{ScopeError, ScopeRequest};
use crate::store::{AuthCode, PendingAuthorization, UserRecord};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::CookieJar;
use std::collections::HashMap;
use std::sync::Arc;

/// How long a code may wait for redemption (Entra: about ten minutes).
const CODE_LIFETIME: i64 = 600;
const PROMPTS: [&str; 6] = ["login", "select_account", "consent", "none", "create", "no_session"];

pub async fn authorize(
    State(t): State<Arc<Tenant>>,
    Path(segment): Path<String>,
    jar: CookieJar,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let param = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    if !t.scenario.is_tenant(&segment) {
        return error_page(&t, &unknown_tenant(&segment), None);
    }
    // Until the redirect URI is known to be registered, errors stay on this page.
    let Some(client_id) = param("client_id") else {
        return error_page(&t, &AuthError::missing("client_id"), None);
    };
    let Some(app) = t.scenario.app(client_id) else {
        let msg = format!(
            "Application with identifier '{client_id}' was not found in the directory '{}'.",
            t.scenario.tenant.display_name
        );
        return error_page(&t, &AuthError::new("unauthorized_client", 700016, msg), None);
    };
    let redirect_uri = param("redirect_uri").unwrap_or_default();
    if !app.spa_redirect_uris.iter().any(|u| u == redirect_uri) {
        let msg = format!(
            "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application."
        );
        return error_page(&t, &AuthError::new("invalid_request", 50011, msg), None);
    }
    let response_mode = param("response_mode").unwrap_or("fragment");
    let mut pending = PendingAuthorization {
        client_id: app.client_id.clone(),
        redirect_uri: redirect_uri.to_string(),
        response_mode: if response_mode == "query" { "query".into() } else { "fragment".into() },
        state: q.get("state").cloned(),
        nonce: param("nonce").map(String::from),
        scope: param("scope").unwrap_or_default().to_string(),
        code_challenge: param("code_challenge").unwrap_or_default().to_string(),
        prompt: param("prompt").map(String::from),
        login_hint: param("login_hint").map(String::from),
        domain_hint: param("domain_hint").map(String::from),
        claims: param("claims").map(String::from),
        client_info: param("client_info") == Some("1"),
        correlation_id: param("client-request-id").map(String::from),
        user_id: None,
        consent_shown: false,
    };
    if let Err(e) =
        check_request(&pending, response_mode, param("response_type"), param("code_challenge_method"), &app.scopes)
    {
        return redirect_error(&t, &pending, &e);
    }
    // MSAL sends `sid` with silent requests: it narrows the session to that account.
    if let Some(sid) = param("sid")
        && pending.login_hint.is_none()
        && let Some(session) = session_id(&jar)
        && mint::public_sid(&session) == sid
    {
        pending.login_hint = t.store.session_accounts(&session).first().cloned();
    }
    let flow = mint::random_token(24);
    t.store.save_pending(&flow, &pending, t.now());
    continue_flow(&t, &segment, &flow, pending, session_id(&jar).as_deref())
}

/// The checks Entra makes once it may answer through the redirect URI.
fn check_request(
    p: &PendingAuthorization,
    mode: &str,
    response_type: Option<&str>,
    method: Option<&str>,
    allowed: &[String],
) -> Result<(), AuthError> {
    if !matches!(mode, "query" | "fragment") {
        return Err(AuthError::new(
            "invalid_request",
            900144,
            format!(
                "The provided value for the input parameter 'response_mode' is not valid: '{mode}'. Expected 'query' or 'fragment'."
            ),
        ));
    }
    match response_type {
        None => return Err(AuthError::missing("response_type")),
        Some("code") => {}
        Some(other) => {
            return Err(AuthError::new(
                "unsupported_response_type",
                700054,
                format!("response_type '{other}' is not enabled for the application."),
            ));
        }
    }
    if p.scope.is_empty() {
        return Err(AuthError::missing("scope"));
    }
    ScopeRequest::parse(&p.scope, allowed).map_err(|e| scope_error(&e))?;
    if p.code_challenge.is_empty() {
        return Err(AuthError::new(
            "invalid_request",
            9002325,
            "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
        ));
    }
    // Entra also takes `plain`; this tenant asks for S256 as MSAL.js and Portier send it.
    if method != Some("S256") {
        return Err(AuthError::new(
            "invalid_request",
            9002325,
            "Proof Key for Code Exchange is required with code_challenge_method 'S256'.",
        ));
    }
    if p.code_challenge.len() != 43 {
        return Err(AuthError::new("invalid_request", 501491, "Invalid size of Code_Challenge parameter."));
    }
    if let Some(prompt) = &p.prompt
        && !PROMPTS.contains(&prompt.as_str())
    {
        return Err(AuthError::new(
            "invalid_request",
            90023,
            format!("Invalid request: unsupported 'prompt' value '{prompt}'."),
        ));
    }
    Ok(())
}

pub fn scope_error(e: &ScopeError) -> AuthError {
    let msg = match e {
        ScopeError::Empty => {
            "The provided value for the input parameter 'scope' isn't valid. The scope is empty.".to_string()
        }
        ScopeError::Unknown(s) => {
            format!("The provided value for the input parameter 'scope' isn't valid. The scope '{s}' isn't valid.")
        }
        ScopeError::NotAllowed(s) => format!(
            "The provided value for the input parameter 'scope' isn't valid. The scope '{s}' isn't configured for this application."
        ),
    };
    AuthError::new("invalid_scope", 70011, msg)
}

/// Takes a waiting request one step further: a page for the person, or the answer to the app.
pub fn continue_flow(
    t: &Tenant,
    segment: &str,
    flow: &str,
    mut p: PendingAuthorization,
    session: Option<&str>,
) -> Response {
    let tenant_name = &t.scenario.tenant.display_name;
    let app_name = t.scenario.app(&p.client_id).map(|a| a.display_name.clone()).unwrap_or_default();
    let accounts: Vec<UserRecord> = session
        .map(|s| t.store.session_accounts(s))
        .unwrap_or_default()
        .iter()
        .filter_map(|id| t.store.user(id))
        .collect();
    let prompt = p.prompt.clone().unwrap_or_default();
    let user = match p.user_id.as_deref().and_then(|id| t.store.user(id)) {
        Some(u) => u,
        None => {
            let hinted: Vec<&UserRecord> = accounts.iter().filter(|u| matches_hints(u, &p)).collect();
            let login = || login_page(t, segment, flow, &p, &app_name, None);
            match prompt.as_str() {
                "login" => return login(),
                "create" => {
                    return sign_up_page(t, segment, flow, p.login_hint.as_deref().unwrap_or(""), None);
                }
                "select_account" if accounts.is_empty() => return login(),
                "select_account" => return picker_page(t, segment, flow, &accounts),
                "none" => match hinted.as_slice() {
                    [one] => (*one).clone(),
                    [] => {
                        let e = AuthError::new(
                            "login_required",
                            50058,
                            "A silent sign-in request was sent but no user is signed in.",
                        );
                        return redirect_error(t, &p, &e);
                    }
                    _ => {
                        let e = AuthError::new(
                            "interaction_required",
                            16000,
                            "Multiple user identities are available for the current request.",
                        );
                        return redirect_error(t, &p, &e);
                    }
                },
                _ => match hinted.as_slice() {
                    [one] => (*one).clone(),
                    [] => return login(),
                    many => {
                        return picker_page(t, segment, flow, &many.iter().map(|u| (*u).clone()).collect::<Vec<_>>());
                    }
                },
            }
        }
    };
    p.user_id = Some(user.id.clone());
    let allowed = t.scenario.app(&p.client_id).map(|a| a.scopes.clone()).unwrap_or_default();
    let requested = ScopeRequest::parse(&p.scope, &allowed).map(|r| r.graph).unwrap_or_default();
    let granted = t.store.consented(&user.id, &p.client_id);
    let missing: Vec<String> = requested.iter().filter(|s| !granted.contains(s)).cloned().collect();
    let force = prompt == "consent" && !p.consent_shown;
    if force || !missing.is_empty() {
        if prompt == "none" {
            let msg = format!(
                "The user or administrator has not consented to use the application with ID '{}' named '{app_name}'. Send an interactive authorization request for this user and resource.",
                p.client_id
            );
            return redirect_error(
                t,
                &p,
                &AuthError::new("consent_required", 65001, msg).with_suberror("consent_required"),
            );
        }
        t.store.save_pending(flow, &p, t.now());
        let shown = if force { requested } else { missing };
        let list: Vec<(String, String)> =
            shown.iter().map(|s| (s.clone(), crate::scopes::describe(s).to_string())).collect();
        let page =
            pages::consent(&format!("/{segment}/consent"), flow, tenant_name, &app_name, user.sign_in_name(), &list);
        return Html(page.into_string()).into_response();
    }
    t.store.drop_pending(flow);
    issue_code(t, &p, &user, session.unwrap_or_default())
}

/// Whether a signed-in account fits the request's `login_hint` and `domain_hint`.
fn matches_hints(u: &UserRecord, p: &PendingAuthorization) -> bool {
    let hint_ok = p.login_hint.as_deref().is_none_or(|h| {
        let claim = mint::login_hint_claim(&u.id);
        [Some(u.upn.as_str()), u.mail.as_deref(), Some(u.id.as_str()), Some(u.sign_in_name()), Some(claim.as_str())]
            .iter()
            .flatten()
            .any(|v| v.eq_ignore_ascii_case(h))
    });
    let domain_ok = p
        .domain_hint
        .as_deref()
        .is_none_or(|d| u.sign_in_name().to_ascii_lowercase().ends_with(&format!("@{}", d.to_ascii_lowercase())));
    hint_ok && domain_ok
}

fn issue_code(t: &Tenant, p: &PendingAuthorization, user: &UserRecord, session: &str) -> Response {
    let code = mint::random_token(48);
    let grant = AuthCode {
        client_id: p.client_id.clone(),
        redirect_uri: p.redirect_uri.clone(),
        code_challenge: p.code_challenge.clone(),
        user_id: user.id.clone(),
        scope: p.scope.clone(),
        nonce: p.nonce.clone(),
        session_id: session.to_string(),
        claims: p.claims.clone(),
        auth_time: t.now(),
    };
    t.store.save_code(&code, &grant, t.now() + CODE_LIFETIME);
    t.store.record_sign_in(&user.id, t.now());
    let mut params = vec![("code".to_string(), code)];
    if p.client_info {
        params.push(("client_info".into(), mint::client_info(t, user)));
    }
    if !session.is_empty() {
        params.push(("session_state".into(), mint::public_sid(session)));
    }
    redirect_to_app(p, params)
}

/// An error sent back to the app through its redirect URI, as Entra does once the URI is trusted.
pub fn redirect_error(t: &Tenant, p: &PendingAuthorization, e: &AuthError) -> Response {
    redirect_to_app(p, e.redirect_params(&TraceIds::new(p.correlation_id.as_deref()), t.now()))
}

/// The same error as a URL, for a page's "back to the application" link.
pub fn error_url(t: &Tenant, p: &PendingAuthorization, e: &AuthError) -> String {
    app_url(p, e.redirect_params(&TraceIds::new(p.correlation_id.as_deref()), t.now()))
}

fn redirect_to_app(p: &PendingAuthorization, params: Vec<(String, String)>) -> Response {
    let url = app_url(p, params);
    (StatusCode::FOUND, [(header::LOCATION, url), (header::CACHE_CONTROL, "no-store".into())]).into_response()
}

/// The redirect URI with the response in its fragment or query, `state` returned byte for byte.
fn app_url(p: &PendingAuthorization, mut params: Vec<(String, String)>) -> String {
    if let Some(state) = &p.state {
        params.push(("state".into(), state.clone()));
    }
    let encoded = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
    if p.response_mode == "query" {
        let sep = if p.redirect_uri.contains('?') { '&' } else { '?' };
        format!("{}{sep}{encoded}", p.redirect_uri)
    } else {
        format!("{}#{encoded}", p.redirect_uri.split('#').next().unwrap_or_default())
    }
}

pub fn login_page(
    t: &Tenant,
    segment: &str,
    flow: &str,
    p: &PendingAuthorization,
    app_name: &str,
    error: Option<&str>,
) -> Response {
    let app = t.scenario.app(&p.client_id);
    let placeholder =
        p.domain_hint.as_deref().map(|d| format!("someone@{d}")).unwrap_or_else(|| "someone@example.com".into());
    let page = pages::login(&pages::Login {
        action: &format!("/{segment}/login"),
        flow,
        tenant_name: &t.scenario.tenant.display_name,
        app_name,
        username: p.login_hint.as_deref().unwrap_or(""),
        placeholder: &placeholder,
        error,
        sign_up_link: app.is_some_and(|a| a.self_service_sign_up),
    });
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    (status, Html(page.into_string())).into_response()
}

pub fn sign_up_page(t: &Tenant, segment: &str, flow: &str, email: &str, error: Option<&str>) -> Response {
    let page = pages::sign_up(&pages::SignUp {
        action: &format!("/{segment}/signup"),
        flow,
        tenant_name: &t.scenario.tenant.display_name,
        email,
        error,
    });
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    (status, Html(page.into_string())).into_response()
}

fn picker_page(t: &Tenant, segment: &str, flow: &str, accounts: &[UserRecord]) -> Response {
    let list: Vec<pages::PickerAccount> =
        accounts.iter().map(|u| (u.id.clone(), u.display_name().to_string(), u.sign_in_name().to_string())).collect();
    Html(pages::picker(&format!("/{segment}/select"), flow, &t.scenario.tenant.display_name, &list).into_string())
        .into_response()
}
