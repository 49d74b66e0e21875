//! Accounts that come and go: self-service sign-up, invitations and their redemption, sign-out.

mod common;

use common::*;
use serde_json::{Value, json};

/// Types an address on the sign-in page and returns the page that follows.
async fn type_address(b: &Browser, t: &TestTenant, url: &str, email: &str) -> reqwest::Response {
    let html = b.get(url).await.text().await.unwrap();
    b.post_form(&t.url("/login"), &[("flow", &hidden(&html, "flow")), ("username", email), ("password", "")]).await
}

#[tokio::test]
async fn a_partner_from_an_allowed_domain_signs_up_as_a_guest() {
    let t = start().await;
    let b = Browser::new();
    let p = pkce();
    let r = type_address(&b, &t, &authorize_url(&t, &p, &[]), "nils@fabrikam.com").await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Create your account"), "{html}");
    let flow = hidden(&html, "flow");
    // A short password is refused and nothing is created.
    let form =
        [("flow", flow.as_str()), ("email", "nils@fabrikam.com"), ("display_name", "Nils Ek"), ("password", "short")];
    let r = b.post_form(&t.url("/signup"), &form).await;
    assert_eq!(r.status(), 400);
    assert!(t.running.tenant.store.user_by_sign_in_name("nils@fabrikam.com").is_none());
    let form = [
        ("flow", flow.as_str()),
        ("email", "nils@fabrikam.com"),
        ("display_name", "Nils Ek"),
        ("password", "Nils-pass-1"),
    ];
    let r = b.post_form(&t.url("/signup"), &form).await;
    let html = r.text().await.unwrap();
    let r = b.post_form(&t.url("/consent"), &[("flow", &hidden(&html, "flow")), ("decision", "accept")]).await;
    let code = response_params(&location(&r))["code"].clone();
    let tokens: Value = redeem(&t, &code, &p.verifier, SCOPE).await.json().await.unwrap();
    let me: Value = graph_get(
        &t,
        tokens["access_token"].as_str().unwrap(),
        "/v1.0/me?$select=displayName,userType,externalUserState,creationType,mail",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(me["userType"], "Guest");
    assert_eq!(me["externalUserState"], "Accepted");
    assert_eq!(me["creationType"], "SelfServiceSignUp");
    assert_eq!(me["mail"], "nils@fabrikam.com");
    assert_eq!(me["displayName"], "Nils Ek");
}

#[tokio::test]
async fn prompt_create_opens_the_sign_up_form_directly() {
    let t = start().await;
    let r = Browser::new()
        .get(&authorize_url(&t, &pkce(), &[("prompt", "create"), ("login_hint", "nils@fabrikam.com")]))
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Create your account") && html.contains("value=\"nils@fabrikam.com\""));
}

#[tokio::test]
async fn a_blocked_domain_cannot_sign_up_and_gets_aadsts50020() {
    let t = start().await;
    let b = Browser::new();
    let r = type_address(&b, &t, &authorize_url(&t, &pkce(), &[]), "eve@blocked.example").await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("AADSTS50020"), "{html}");
    // Its way back to the app carries the same error.
    let back = html.split("href=\"").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
    let p = response_params(&back);
    assert_eq!(p["error"], "access_denied");
    assert!(p["error_description"].starts_with("AADSTS50020:"));
    assert!(t.running.tenant.store.user_by_sign_in_name("eve@blocked.example").is_none());
}

#[tokio::test]
async fn sign_up_switched_off_for_an_app_refuses_outsiders() {
    let t = start().await;
    let b = Browser::new();
    let url = authorize_url(&t, &pkce(), &[("client_id", CLOSED_APP), ("redirect_uri", "http://localhost:9090/")]);
    let r = type_address(&b, &t, &url, "nils@fabrikam.com").await;
    assert!(r.text().await.unwrap().contains("AADSTS50020"));
}

#[tokio::test]
async fn sign_out_ends_the_session_and_returns_to_a_registered_uri_only() {
    let t = start().await;
    let b = Browser::new();
    sign_in(&b, &t, "maja@contoso.com", SCOPE).await;
    // As MSAL calls it: no client_id, a state to carry back.
    let q = format!("post_logout_redirect_uri={}&state=bye", urlencode("http://localhost:8080/"));
    let r = b.get(&t.url(&format!("/oauth2/v2.0/logout?{q}"))).await;
    assert_eq!(r.status(), 302);
    assert_eq!(location(&r), "http://localhost:8080/?state=bye");
    let r = b.get(&authorize_url(&t, &pkce(), &[("prompt", "none")])).await;
    assert_eq!(response_params(&location(&r))["error"], "login_required");
    // An unregistered address is not followed.
    let r = b
        .get(&t.url(&format!("/oauth2/v2.0/logout?post_logout_redirect_uri={}", urlencode("http://evil.example/"))))
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("signed out"));
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn invite(t: &TestTenant, token: &str, body: Value) -> reqwest::Response {
    graph_post(t, token, "/v1.0/invitations", &body).await
}

#[tokio::test]
async fn an_invited_partner_redeems_and_signs_in() {
    let t = start().await;
    let sara = access_token(&t, "sara@contoso.com", "openid offline_access User.Invite.All User.ReadBasic.All").await;
    let r = invite(
        &t,
        &sara,
        json!({
            "invitedUserEmailAddress": "ann@northwind.example", "invitedUserDisplayName": "Ann North",
            "inviteRedirectUrl": "http://localhost:8080/packages/abc", "sendInvitationMessage": false,
        }),
    )
    .await;
    assert_eq!(r.status(), 201);
    let inv: Value = r.json().await.unwrap();
    assert_eq!(inv["status"], "PendingAcceptance");
    assert_eq!(inv["invitedUserType"], "Guest");
    assert_eq!(inv["invitedUserEmailAddress"], "ann@northwind.example");
    assert!(
        devtenant::graph::schema::conformance(&inv, "invitation").is_empty(),
        "{:?}",
        devtenant::graph::schema::conformance(&inv, "invitation")
    );
    let guest_id = inv["invitedUser"]["id"].as_str().unwrap().to_string();
    let guest: Value =
        graph_get(&t, &sara, &format!("/v1.0/users/{guest_id}?$select=displayName,mail")).await.json().await.unwrap();
    assert_eq!(guest["displayName"], "Ann North");
    let user = t.running.tenant.store.user(&guest_id).unwrap();
    assert_eq!(user.external_state(), Some("PendingAcceptance"));
    assert!(user.upn.contains("#EXT#"));
    assert!(t.running.tenant.store.outbox().is_empty(), "no mail unless asked");

    // The partner follows the link: review, choose a password, accept, land on the redirect.
    let b = Browser::new();
    let redeem_url = inv["inviteRedeemUrl"].as_str().unwrap();
    assert!(redeem_url.starts_with(&t.signin));
    let html = b.get(redeem_url).await.text().await.unwrap();
    assert!(html.contains("Review permissions") && html.contains("Sara Lindqvist"));
    let ticket = hidden(&html, "ticket");
    let r = b
        .post_form(
            &format!("{}/redeem", t.signin),
            &[("ticket", &ticket), ("decision", "accept"), ("password", "Ann-pass-12")],
        )
        .await;
    assert_eq!(location(&r), "http://localhost:8080/packages/abc");
    assert_eq!(t.running.tenant.store.user(&guest_id).unwrap().external_state(), Some("Accepted"));
    // Redemption signed her in: the app's sign-in goes straight through after consent.
    let back = walk(&b, &t, &authorize_url(&t, &pkce(), &[]), "unused").await;
    assert!(response_params(&back).contains_key("code"));
}

#[tokio::test]
async fn the_invitation_mail_goes_to_the_outbox_with_message_cc_and_language() {
    let t = start().await;
    let sara = access_token(&t, "sara@contoso.com", "openid User.Invite.All").await;
    let r = invite(
        &t,
        &sara,
        json!({
            "invitedUserEmailAddress": "ann@northwind.example", "inviteRedirectUrl": "http://localhost:8080/",
            "sendInvitationMessage": true,
            "invitedUserMessageInfo": {
                "customizedMessageBody": "Välkommen till projektet!", "messageLanguage": "sv-SE",
                "ccRecipients": [{"emailAddress": {"address": "sara@contoso.com", "name": "Sara"}}],
            },
        }),
    )
    .await;
    let inv: Value = r.json().await.unwrap();
    let outbox: Value = http().get(format!("{}/_dev/outbox", t.signin)).send().await.unwrap().json().await.unwrap();
    let mail = &outbox["value"][0];
    assert_eq!(mail["to"], json!(["ann@northwind.example"]));
    assert_eq!(mail["cc"], json!(["sara@contoso.com"]));
    assert_eq!(mail["language"], "sv-SE");
    assert!(mail["body"].as_str().unwrap().contains("Välkommen till projektet!"));
    assert_eq!(mail["link"], inv["inviteRedeemUrl"]);
    let page = http().get(format!("{}/_dev/outbox.html", t.signin)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Välkommen till projektet!") && page.contains("href=\"http://127.0.0.1"));
}

#[tokio::test]
async fn reset_redemption_keeps_the_guest_and_makes_a_new_link() {
    let t = start().await;
    let sara = access_token(&t, "sara@contoso.com", "openid User.Invite.All").await;
    let pat = t.running.tenant.store.user_by_sign_in_name("pat@fabrikam.com").unwrap();
    let r = invite(
        &t,
        &sara,
        json!({
            "invitedUserEmailAddress": "pat.jansen@fabrikam.com", "inviteRedirectUrl": "http://localhost:8080/",
            "resetRedemption": true, "invitedUser": {"id": pat.id},
        }),
    )
    .await;
    assert_eq!(r.status(), 201);
    let inv: Value = r.json().await.unwrap();
    assert_eq!(inv["invitedUser"]["id"], pat.id.as_str());
    assert_eq!(inv["resetRedemption"], true);
    let after = t.running.tenant.store.user(&pat.id).unwrap();
    assert_eq!(after.external_state(), Some("PendingAcceptance"));
    assert_eq!(after.mail.as_deref(), Some("pat.jansen@fabrikam.com"));
    assert!(!after.has_password(), "she redeems again");
    // Without the user's id, a reset is refused.
    let r = invite(&t, &sara, json!({"invitedUserEmailAddress": "x@fabrikam.com", "inviteRedirectUrl": "http://localhost:8080/", "resetRedemption": true})).await;
    assert_graph_error(r, 400, "BadRequest").await;
}

#[tokio::test]
async fn invitations_are_refused_as_graph_refuses_them() {
    let t = start().await;
    let sara = access_token(&t, "sara@contoso.com", "openid User.Invite.All").await;
    let ok = |email: &str| json!({"invitedUserEmailAddress": email, "inviteRedirectUrl": "http://localhost:8080/"});
    assert_graph_error(invite(&t, &sara, ok("eve@blocked.example")).await, 400, "BadRequest").await;
    assert_graph_error(invite(&t, &sara, ok("not an address")).await, 400, "BadRequest").await;
    assert_graph_error(invite(&t, &sara, ok("maja@contoso.com")).await, 400, "BadRequest").await;
    assert_graph_error(invite(&t, &sara, json!({"invitedUserEmailAddress": "a@b.example"})).await, 400, "BadRequest")
        .await;
    let two_cc = json!({"invitedUserEmailAddress": "a@b.example", "inviteRedirectUrl": "http://localhost:8080/", "invitedUserMessageInfo": {
        "ccRecipients": [{"emailAddress": {"address": "x@contoso.com"}}, {"emailAddress": {"address": "y@contoso.com"}}]}});
    assert_graph_error(invite(&t, &sara, two_cc).await, 400, "BadRequest").await;
    assert_graph_error(invite(&t, &sara, json!({"invitedUserEmailAddress": 5})).await, 400, "BadRequest").await;
    let r = http()
        .post(format!("{}/v1.0/invitations", t.graph))
        .bearer_auth(&sara)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_graph_error(r, 400, "BadRequest").await;
    // A token without User.Invite.All may not invite.
    let maja = access_token(&t, "maja@contoso.com", SCOPE).await;
    assert_graph_error(invite(&t, &maja, ok("a@b.example")).await, 403, "Unauthorized").await;
    assert_eq!(t.running.tenant.store.users().len(), 6, "nothing was created");
}
