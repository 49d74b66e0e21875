//! Invitation redemption: the page behind `inviteRedeemUrl`. The guest reviews the permissions,
//! accepts (choosing a password, since their own organisation's sign-in is not emulated), and
//! lands on `inviteRedirectUrl`, signed in.

use super::interact::accept_invitation;
use super::{mint, pages, session_cookie, session_id};
use crate::Tenant;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct RedeemQuery {
    #[serde(default)]
    ticket: String,
}

#[derive(Deserialize)]
pub struct RedeemForm {
    ticket: String,
    decision: String,
    #[serde(default)]
    password: String,
}

fn invalid(t: &Tenant) -> Response {
    let text = "This invitation is no longer valid. Ask the person who invited you to send it again.";
    (
        StatusCode::NOT_FOUND,
        Html(pages::message(&t.scenario.tenant.display_name, "Invitation not found", text).into_string()),
    )
        .into_response()
}

fn page(t: &Tenant, ticket: &str, error: Option<&str>) -> Response {
    let Some(inv) = t.store.invitation_by_ticket(ticket) else {
        return invalid(t);
    };
    let Some(user) = t.store.user(&inv.user_id) else {
        return invalid(t);
    };
    let inviter = t
        .store
        .user(&inv.inviter_id)
        .map(|u| u.display_name().to_string())
        .unwrap_or_else(|| t.scenario.tenant.display_name.clone());
    let html = pages::redeem(&pages::Redeem {
        tenant_name: &t.scenario.tenant.display_name,
        ticket,
        email: user.mail.as_deref().unwrap_or(&user.upn),
        inviter: &inviter,
        needs_password: !user.has_password(),
        error,
    });
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    (status, Html(html.into_string())).into_response()
}

pub async fn show(State(t): State<Arc<Tenant>>, Query(q): Query<RedeemQuery>) -> Response {
    let Some(inv) = t.store.invitation_by_ticket(&q.ticket) else {
        return invalid(&t);
    };
    let accepted =
        t.store.user(&inv.user_id).is_some_and(|u| u.external_state() == Some("Accepted") && u.has_password());
    if accepted {
        // A link followed again after redemption just goes on to the app.
        return (StatusCode::FOUND, [(header::LOCATION, inv.redirect_url)]).into_response();
    }
    page(&t, &q.ticket, None)
}

pub async fn decide(State(t): State<Arc<Tenant>>, jar: CookieJar, Form(f): Form<RedeemForm>) -> Response {
    let Some(inv) = t.store.invitation_by_ticket(&f.ticket) else {
        return invalid(&t);
    };
    let Some(user) = t.store.user(&inv.user_id) else {
        return invalid(&t);
    };
    if f.decision != "accept" {
        let text = "You declined the invitation. Nothing was shared.";
        return Html(pages::message(&t.scenario.tenant.display_name, "Invitation declined", text).into_string())
            .into_response();
    }
    if !user.has_password() {
        if f.password.chars().count() < 8 {
            return page(&t, &f.ticket, Some("Choose a password of at least 8 characters."));
        }
        t.store.set_password(&user.id, &f.password);
    }
    accept_invitation(&t, &user);
    let session = session_id(&jar).unwrap_or_else(|| mint::random_token(32));
    t.store.add_session_account(&session, &user.id, t.now());
    (jar.add(session_cookie(&t, &session)), (StatusCode::FOUND, [(header::LOCATION, inv.redirect_url)])).into_response()
}
