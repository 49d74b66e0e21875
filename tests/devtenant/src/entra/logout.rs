//! `/{tenant}/oauth2/v2.0/logout`: ends the browser session (or one account of it) and returns
//! to a registered `post_logout_redirect_uri`, as MSAL.js calls it (no `client_id` needed).

use super::{error_page, mint, pages, session_cookie, session_id, unknown_tenant};
use crate::Tenant;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::CookieJar;
use std::collections::HashMap;
use std::sync::Arc;

pub async fn logout(
    State(t): State<Arc<Tenant>>,
    Path(segment): Path<String>,
    jar: CookieJar,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    if !t.scenario.is_tenant(&segment) {
        return error_page(&t, &unknown_tenant(&segment), None);
    }
    // GET carries the parameters in the query, POST in the form body.
    let mut params = q;
    params.extend(url::form_urlencoded::parse(&body).into_owned());
    let mut jar = jar;
    if let Some(session) = session_id(&jar) {
        let accounts = t.store.session_accounts(&session);
        let hinted = params
            .get("logout_hint")
            .and_then(|h| accounts.iter().find(|id| mint::login_hint_claim(id) == *h || *id == h));
        match hinted {
            Some(id) if accounts.len() > 1 => t.store.remove_session_account(&session, id),
            _ => {
                t.store.end_session(&session);
                jar = jar.remove(session_cookie(&t, ""));
            }
        }
    }
    let target = params.get("post_logout_redirect_uri").filter(|u| t.scenario.any_app_has_redirect(u));
    let response = match target {
        Some(uri) => {
            let mut url = uri.clone();
            if let Some(state) = params.get("state") {
                let sep = if url.contains('?') { '&' } else { '?' };
                url.push(sep);
                url.push_str(
                    &url::form_urlencoded::Serializer::new(String::new()).append_pair("state", state).finish(),
                );
            }
            (StatusCode::FOUND, [(header::LOCATION, url)]).into_response()
        }
        None => Html(
            pages::message(
                &t.scenario.tenant.display_name,
                "You signed out of your account",
                "It's a good idea to close all browser windows.",
            )
            .into_string(),
        )
        .into_response(),
    };
    (jar, response).into_response()
}
