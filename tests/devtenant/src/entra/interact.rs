//! What a person posts from the sign-in pages: credentials, a new guest account, an account
//! choice, a consent decision. Each one moves the waiting authorize request on.

use super::authorize::{continue_flow, error_url, login_page, redirect_error, sign_up_page};
use super::error::AuthError;
use super::{error_page, mint, pages, session_cookie, session_id};
use crate::Tenant;
use crate::scopes::ScopeRequest;
use crate::store::{NewUser, PendingAuthorization, UserRecord};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct LoginForm {
    flow: String,
    username: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
pub struct SignUpForm {
    flow: String,
    email: String,
    display_name: String,
    password: String,
}

#[derive(Deserialize)]
pub struct SelectForm {
    flow: String,
    account: String,
}

#[derive(Deserialize)]
pub struct ConsentForm {
    flow: String,
    decision: String,
}

/// The page for a form whose authorize request is gone (expired, or already answered).
fn expired(t: &Tenant) -> Response {
    let page = pages::message(
        &t.scenario.tenant.display_name,
        "Sign-in expired",
        "This sign-in request has expired or was already completed. Go back to the application and sign in again.",
    );
    (StatusCode::BAD_REQUEST, Html(page.into_string())).into_response()
}

fn app_name(t: &Tenant, p: &PendingAuthorization) -> String {
    t.scenario.app(&p.client_id).map(|a| a.display_name.clone()).unwrap_or_default()
}

pub async fn login(
    State(t): State<Arc<Tenant>>,
    Path(segment): Path<String>,
    jar: CookieJar,
    Form(f): Form<LoginForm>,
) -> Response {
    let Some(mut p) = t.store.pending(&f.flow, t.now()) else {
        return expired(&t);
    };
    let name = f.username.trim();
    p.login_hint = Some(name.to_string());
    let Some(user) = t.store.user_by_sign_in_name(name) else {
        return unknown_account(&t, &segment, &f.flow, &p, name);
    };
    if !user.has_password() {
        let msg = "This account has a pending invitation. Open the invitation link you were sent to accept it.";
        return login_page(&t, &segment, &f.flow, &p, &app_name(&t, &p), Some(msg));
    }
    if !user.check_password(&f.password) {
        let msg = "AADSTS50126: Your account or password is incorrect.";
        return login_page(&t, &segment, &f.flow, &p, &app_name(&t, &p), Some(msg));
    }
    if user.external_state() == Some("PendingAcceptance") {
        // Signing in to the tenant with a pending invitation redeems it, as Entra's direct links do.
        accept_invitation(&t, &user);
    }
    sign_in(&t, &segment, &f.flow, p, &user, jar)
}

/// Marks a guest's invitation as accepted.
pub fn accept_invitation(t: &Tenant, user: &UserRecord) {
    let mut data = user.data.clone();
    data["externalUserState"] = "Accepted".into();
    data["externalUserStateChangeDateTime"] = crate::clock::iso(t.now()).into();
    t.store.update_user_data(&user.id, &data);
}

/// Someone typed an address the directory does not know: sign-up where allowed, else Entra's refusal.
fn unknown_account(t: &Tenant, segment: &str, flow: &str, p: &PendingAuthorization, name: &str) -> Response {
    let Some((_, domain)) = name.rsplit_once('@') else {
        return login_page(
            t,
            segment,
            flow,
            p,
            &app_name(t, p),
            Some("Enter a valid email address, phone number, or Skype name."),
        );
    };
    if t.scenario.is_tenant(domain) {
        let msg = "AADSTS50034: We couldn't find an account with that username.";
        return login_page(t, segment, flow, p, &app_name(t, p), Some(msg));
    }
    if may_sign_up(t, p, name) {
        t.store.save_pending(flow, p, t.now());
        return sign_up_page(t, segment, flow, name, None);
    }
    not_in_tenant(t, p, name)
}

fn may_sign_up(t: &Tenant, p: &PendingAuthorization, email: &str) -> bool {
    let enabled = t.scenario.app(&p.client_id).is_some_and(|a| a.self_service_sign_up);
    enabled && t.scenario.external_collaboration.domain_allowed(email)
}

/// AADSTS50020, shown on the page with a way back to the app carrying the same error.
fn not_in_tenant(t: &Tenant, p: &PendingAuthorization, email: &str) -> Response {
    let msg = format!(
        "User account '{email}' from identity provider 'live.com' does not exist in tenant '{}' and cannot access the application '{}'({}) in that tenant. The account needs to be added as an external user in the tenant first.",
        t.scenario.tenant.display_name,
        p.client_id,
        app_name(t, p)
    );
    let e = AuthError::new("access_denied", 50020, msg);
    error_page(t, &e, Some(&error_url(t, p, &e)))
}

pub async fn sign_up(
    State(t): State<Arc<Tenant>>,
    Path(segment): Path<String>,
    jar: CookieJar,
    Form(f): Form<SignUpForm>,
) -> Response {
    let Some(p) = t.store.pending(&f.flow, t.now()) else {
        return expired(&t);
    };
    let email = f.email.trim();
    let name = f.display_name.trim();
    let valid = email
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !email.contains(char::is_whitespace));
    let retry = |msg: &str| sign_up_page(&t, &segment, &f.flow, email, Some(msg));
    if !valid {
        return retry("Enter a valid email address.");
    }
    if t.store.user_by_sign_in_name(email).is_some() || t.store.user_by_mail(email).is_some() {
        return retry("An account with this email address already exists. Go back and sign in.");
    }
    if !may_sign_up(&t, &p, email) {
        return not_in_tenant(&t, &p, email);
    }
    if name.is_empty() {
        return retry("Enter your name.");
    }
    if f.password.chars().count() < 8 {
        return retry("Choose a password of at least 8 characters.");
    }
    let new = NewUser::guest(email, Some(name), t.scenario.initial_domain(), "SelfServiceSignUp", "Accepted", t.now());
    let Ok(user) = t.store.create_user(&new) else {
        return retry("An account with this email address already exists. Go back and sign in.");
    };
    t.store.set_password(&user.id, &f.password);
    sign_in(&t, &segment, &f.flow, p, &user, jar)
}

/// Adds the account to the browser session and carries on with the request.
fn sign_in(
    t: &Tenant,
    segment: &str,
    flow: &str,
    mut p: PendingAuthorization,
    user: &UserRecord,
    jar: CookieJar,
) -> Response {
    let session = session_id(&jar).unwrap_or_else(|| mint::random_token(32));
    t.store.add_session_account(&session, &user.id, t.now());
    p.user_id = Some(user.id.clone());
    t.store.save_pending(flow, &p, t.now());
    let response = continue_flow(t, segment, flow, p, Some(&session));
    (jar.add(session_cookie(t, &session)), response).into_response()
}

pub async fn select(
    State(t): State<Arc<Tenant>>,
    Path(segment): Path<String>,
    jar: CookieJar,
    Form(f): Form<SelectForm>,
) -> Response {
    let Some(mut p) = t.store.pending(&f.flow, t.now()) else {
        return expired(&t);
    };
    let session = session_id(&jar);
    let in_session = session.as_deref().is_some_and(|s| t.store.session_accounts(s).contains(&f.account));
    if f.account == "other" || !in_session {
        p.login_hint = None;
        t.store.save_pending(&f.flow, &p, t.now());
        return login_page(&t, &segment, &f.flow, &p, &app_name(&t, &p), None);
    }
    p.user_id = Some(f.account);
    continue_flow(&t, &segment, &f.flow, p, session.as_deref())
}

pub async fn consent(
    State(t): State<Arc<Tenant>>,
    Path(segment): Path<String>,
    jar: CookieJar,
    Form(f): Form<ConsentForm>,
) -> Response {
    let Some(mut p) = t.store.pending(&f.flow, t.now()) else {
        return expired(&t);
    };
    let Some(user_id) = p.user_id.clone() else {
        return expired(&t);
    };
    if f.decision != "accept" {
        t.store.drop_pending(&f.flow);
        return redirect_error(
            &t,
            &p,
            &AuthError::new("access_denied", 65004, "User declined to consent to access the app."),
        );
    }
    let allowed = t.scenario.app(&p.client_id).map(|a| a.scopes.clone()).unwrap_or_default();
    let requested = ScopeRequest::parse(&p.scope, &allowed).map(|r| r.graph).unwrap_or_default();
    t.store.grant_consent(&user_id, &p.client_id, &requested);
    p.consent_shown = true;
    continue_flow(&t, &segment, &f.flow, p, session_id(&jar).as_deref())
}
