//! Sign-in over real HTTP: discovery, the authorize flow with its prompts, hints, sessions and
//! consent, and the id token it ends in.

mod common;

use common::*;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

#[tokio::test]
async fn discovery_answers_for_the_tenant_id_and_a_verified_domain_with_cors() {
    let t = start().await;
    for tenant in [TID, "contoso.onmicrosoft.com", "CONTOSO.COM"] {
        let r = http()
            .get(format!("{}/{tenant}/v2.0/.well-known/openid-configuration", t.signin))
            .header("origin", "http://stranger.example")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
        let d: Value = r.json().await.unwrap();
        assert_eq!(d["issuer"], format!("{}/{TID}/v2.0", t.signin));
        assert_eq!(d["authorization_endpoint"], format!("{}/{tenant}/oauth2/v2.0/authorize", t.signin));
        for field in ["token_endpoint", "jwks_uri", "end_session_endpoint"] {
            assert!(d[field].as_str().unwrap().starts_with(&format!("{}/{tenant}/", t.signin)), "{field}");
        }
    }
    let r =
        http().get(format!("{}/fabrikam.com/v2.0/.well-known/openid-configuration", t.signin)).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_tenant");
    assert!(body["error_description"].as_str().unwrap().starts_with("AADSTS90002:"));
}

#[tokio::test]
async fn a_member_signs_in_with_pkce_and_gets_a_verifiable_id_token() {
    let t = start().await;
    let b = Browser::new();
    let p = pkce();
    let url = authorize_url(&t, &p, &[]);
    let page = b.get(&url).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY", "sign-in pages refuse to be framed");
    assert_eq!(page.headers()["content-security-policy"], "frame-ancestors 'none'");
    let back = walk(&b, &t, &url, "sara@contoso.com").await;
    assert!(back.starts_with(&format!("{REDIRECT}#")), "fragment by default: {back}");
    let params = response_params(&back);
    assert_eq!(params["state"], "state-123|user data", "state comes back byte for byte");
    let info: Value = serde_json::from_slice(&base64_url(&params["client_info"])).unwrap();
    assert_eq!(info["utid"], TID);

    let r = redeem(&t, &params["code"], &p.verifier, SCOPE).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["access-control-allow-origin"], APP_ORIGIN);
    let tokens: Value = r.json().await.unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], SCOPE, "scope echoed as asked");
    assert!(tokens["refresh_token"].is_string() && tokens["expires_in"].as_i64().unwrap() > 300);

    // Verify the id token with the published keys, as openidconnect does.
    let jwks: Value = http().get(t.url("/discovery/v2.0/keys")).send().await.unwrap().json().await.unwrap();
    let key = &jwks["keys"][0];
    let header = jsonwebtoken::decode_header(tokens["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.kid.as_deref(), key["kid"].as_str());
    let decoding = DecodingKey::from_rsa_components(key["n"].as_str().unwrap(), key["e"].as_str().unwrap()).unwrap();
    let mut v = Validation::new(Algorithm::RS256);
    v.set_audience(&[APP]);
    v.set_issuer(&[format!("{}/{TID}/v2.0", t.signin)]);
    let id = jsonwebtoken::decode::<Value>(tokens["id_token"].as_str().unwrap(), &decoding, &v).unwrap().claims;
    assert_eq!(id["nonce"], "nonce-456");
    assert_eq!(id["tid"], TID);
    assert_eq!(id["preferred_username"], "sara@contoso.com");
    assert_eq!(id["name"], "Sara Lindqvist");
    assert_eq!(id["oid"], info["uid"]);
    assert!(id.get("idp").is_none() && id.get("acct").is_none(), "members carry no idp/acct");
    for claim in ["iat", "nbf", "exp", "sub", "email", "sid", "login_hint"] {
        assert!(!id[claim].is_null(), "{claim}");
    }
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(access["aud"], "https://graph.microsoft.com");
    assert_eq!(access["scp"], "User.Read");
    assert_eq!(access["oid"], id["oid"]);
}

fn base64_url(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).unwrap()
}

#[tokio::test]
async fn a_guest_gets_idp_and_acct_and_signs_in_with_their_own_address() {
    let t = start().await;
    let tokens = tokens(&t, "pat@fabrikam.com", SCOPE).await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["preferred_username"], "pat@fabrikam.com");
    assert_eq!(id["acct"], 1);
    assert!(id["idp"].is_string());
}

#[tokio::test]
async fn the_session_cookie_signs_in_again_without_typing_and_prompt_none_works() {
    let t = start().await;
    let b = Browser::new();
    sign_in(&b, &t, "maja@contoso.com", SCOPE).await;
    // Second sign-in: straight back to the app.
    let r = b.get(&authorize_url(&t, &pkce(), &[])).await;
    assert_eq!(r.status(), 302);
    assert!(response_params(&location(&r)).contains_key("code"));
    // Silent.
    let r = b.get(&authorize_url(&t, &pkce(), &[("prompt", "none")])).await;
    assert_eq!(r.status(), 302);
    assert!(response_params(&location(&r)).contains_key("code"));
    // prompt=login asks for the password even so.
    let r = b.get(&authorize_url(&t, &pkce(), &[("prompt", "login")])).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("current-password"));
}

#[tokio::test]
async fn prompt_none_without_a_session_answers_login_required_by_redirect() {
    let t = start().await;
    let r = Browser::new().get(&authorize_url(&t, &pkce(), &[("prompt", "none")])).await;
    assert_eq!(r.status(), 302);
    let p = response_params(&location(&r));
    assert_eq!(p["error"], "login_required");
    assert!(p["error_description"].starts_with("AADSTS50058:"), "{}", p["error_description"]);
    assert_eq!(p["state"], "state-123|user data");
}

#[tokio::test]
async fn select_account_shows_the_picker_and_login_hint_chooses_silently() {
    let t = start().await;
    let b = Browser::new();
    sign_in(&b, &t, "maja@contoso.com", SCOPE).await;
    sign_in(&b, &t, "oskar@contoso.com", SCOPE).await;
    // Two accounts in the session: no prompt shows the picker.
    let r = b.get(&authorize_url(&t, &pkce(), &[])).await;
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Pick an account") && html.contains("maja@contoso.com") && html.contains("oskar@contoso.com")
    );
    // Choosing one finishes the flow.
    let flow = hidden(&html, "flow");
    let maja = t.running.tenant.store.user_by_sign_in_name("maja@contoso.com").unwrap().id;
    let r = b.post_form(&t.url("/select"), &[("flow", &flow), ("account", &maja)]).await;
    assert!(response_params(&location(&r)).contains_key("code"));
    // A login hint picks without asking, even with prompt=none.
    let r = b.get(&authorize_url(&t, &pkce(), &[("prompt", "none"), ("login_hint", "oskar@contoso.com")])).await;
    assert_eq!(r.status(), 302);
    let code = response_params(&location(&r))["code"].clone();
    assert!(!code.is_empty());
    // Without a hint, prompt=none cannot choose.
    let r = b.get(&authorize_url(&t, &pkce(), &[("prompt", "none")])).await;
    assert_eq!(response_params(&location(&r))["error"], "interaction_required");
    // select_account always shows the picker.
    let r =
        b.get(&authorize_url(&t, &pkce(), &[("prompt", "select_account"), ("login_hint", "oskar@contoso.com")])).await;
    assert!(r.text().await.unwrap().contains("Use another account"));
}

#[tokio::test]
async fn consent_is_asked_once_per_user_and_app_and_prompt_consent_asks_again() {
    let t = start().await;
    let b = Browser::new();
    let scope = "openid profile offline_access User.Read https://graph.microsoft.com/User.ReadBasic.All";
    let url = authorize_url(&t, &pkce(), &[("scope", scope)]);
    let r = b.get(&url).await;
    let flow = hidden(&r.text().await.unwrap(), "flow");
    let r = b
        .post_form(&t.url("/login"), &[("flow", &flow), ("username", "sara@contoso.com"), ("password", PASSWORD)])
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Permissions requested") && html.contains("User.ReadBasic.All"), "{html}");
    let r = b.post_form(&t.url("/consent"), &[("flow", &hidden(&html, "flow")), ("decision", "accept")]).await;
    assert!(response_params(&location(&r)).contains_key("code"));
    // Remembered: the same scopes go straight through.
    let r = b.get(&authorize_url(&t, &pkce(), &[("scope", scope)])).await;
    assert_eq!(r.status(), 302);
    // A new scope needs consent; silently, that is consent_required.
    let more = "openid User.Invite.All";
    let r = b.get(&authorize_url(&t, &pkce(), &[("scope", more), ("prompt", "none")])).await;
    let p = response_params(&location(&r));
    assert_eq!(p["error"], "consent_required");
    assert!(p["error_description"].starts_with("AADSTS65001:"));
    // prompt=consent shows it even when granted; cancelling is access_denied.
    let r = b.get(&authorize_url(&t, &pkce(), &[("scope", scope), ("prompt", "consent")])).await;
    let html = r.text().await.unwrap();
    let r = b.post_form(&t.url("/consent"), &[("flow", &hidden(&html, "flow")), ("decision", "cancel")]).await;
    let p = response_params(&location(&r));
    assert_eq!(p["error"], "access_denied");
    assert!(p["error_description"].starts_with("AADSTS65004:"));
}

#[tokio::test]
async fn a_wrong_password_is_refused_on_the_page_and_query_mode_answers_in_the_query() {
    let t = start().await;
    let b = Browser::new();
    let url = authorize_url(&t, &pkce(), &[("response_mode", "query"), ("login_hint", "oskar@contoso.com")]);
    let html = b.get(&url).await.text().await.unwrap();
    assert!(html.contains("value=\"oskar@contoso.com\""), "login_hint fills the username");
    let flow = hidden(&html, "flow");
    let r = b
        .post_form(&t.url("/login"), &[("flow", &flow), ("username", "oskar@contoso.com"), ("password", "nope")])
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("AADSTS50126"));
    let r = b
        .post_form(&t.url("/login"), &[("flow", &flow), ("username", "oskar@contoso.com"), ("password", PASSWORD)])
        .await;
    let consent = r.text().await.unwrap();
    let r = b.post_form(&t.url("/consent"), &[("flow", &hidden(&consent, "flow")), ("decision", "accept")]).await;
    let back = location(&r);
    assert!(back.starts_with(&format!("{REDIRECT}?code=")), "{back}");
}

#[tokio::test]
async fn an_unknown_member_name_is_refused_with_aadsts50034() {
    let t = start().await;
    let b = Browser::new();
    let html = b.get(&authorize_url(&t, &pkce(), &[])).await.text().await.unwrap();
    let r = b
        .post_form(
            &t.url("/login"),
            &[("flow", &hidden(&html, "flow")), ("username", "nobody@contoso.com"), ("password", "x")],
        )
        .await;
    assert!(r.text().await.unwrap().contains("AADSTS50034"));
}

#[tokio::test]
async fn domain_hint_narrows_the_accounts_and_shapes_the_sign_in_form() {
    let t = start().await;
    let b = Browser::new();
    sign_in(&b, &t, "maja@contoso.com", SCOPE).await;
    sign_in(&b, &t, "pat@fabrikam.com", SCOPE).await;
    // Two accounts, but only one in fabrikam.com: chosen without the picker.
    let r = b.get(&authorize_url(&t, &pkce(), &[("domain_hint", "fabrikam.com")])).await;
    assert_eq!(r.status(), 302);
    let code = response_params(&location(&r))["code"].clone();
    let p = pkce();
    let r = b.get(&authorize_url(&t, &p, &[("domain_hint", "fabrikam.com")])).await;
    let code2 = response_params(&location(&r))["code"].clone();
    let tokens: serde_json::Value = redeem(&t, &code2, &p.verifier, SCOPE).await.json().await.unwrap();
    assert_eq!(claims(tokens["id_token"].as_str().unwrap())["preferred_username"], "pat@fabrikam.com");
    assert!(!code.is_empty());
    // A fresh browser sees the domain in the form.
    let html =
        Browser::new().get(&authorize_url(&t, &pkce(), &[("domain_hint", "fabrikam.com")])).await.text().await.unwrap();
    assert!(html.contains("someone@fabrikam.com"));
}
