//! What the authorize and token endpoints refuse, and how: on the page, by redirect, or as JSON
//! with CORS, each with Entra's AADSTS code.

mod common;

use common::*;
use serde_json::Value;

async fn page_error(t: &TestTenant, overrides: &[(&str, &str)]) -> String {
    let r = Browser::new().get(&authorize_url(t, &pkce(), overrides)).await;
    assert_eq!(r.status(), 400, "shown on the page, not redirected");
    assert!(r.headers().get("location").is_none());
    r.text().await.unwrap()
}

async fn redirected_error(t: &TestTenant, overrides: &[(&str, &str)]) -> (String, String) {
    let r = Browser::new().get(&authorize_url(t, &pkce(), overrides)).await;
    assert_eq!(r.status(), 302);
    let p = response_params(&location(&r));
    assert_eq!(p["state"], "state-123|user data");
    (p["error"].clone(), p["error_description"].clone())
}

#[tokio::test]
async fn an_unregistered_redirect_uri_or_client_is_shown_on_the_page() {
    let t = start().await;
    assert!(page_error(&t, &[("redirect_uri", "http://evil.example/")]).await.contains("AADSTS50011"));
    assert!(
        page_error(&t, &[("redirect_uri", "http://localhost:8080/redirect.html/")]).await.contains("AADSTS50011"),
        "exact match only"
    );
    assert!(page_error(&t, &[("client_id", "11111111-2222-3333-4444-555555555555")]).await.contains("AADSTS700016"));
    assert!(page_error(&t, &[("client_id", "")]).await.contains("AADSTS900144"));
    let r = Browser::new().get(&authorize_url(&t, &pkce(), &[]).replace(TID, "fabrikam.com")).await;
    assert!(r.text().await.unwrap().contains("AADSTS90002"));
}

#[tokio::test]
async fn requests_without_s256_pkce_or_with_bad_parameters_are_sent_back_with_errors() {
    let t = start().await;
    let (e, d) = redirected_error(&t, &[("code_challenge", "")]).await;
    assert_eq!((e.as_str(), &d[..14]), ("invalid_request", "AADSTS9002325:"));
    let (e, _) = redirected_error(&t, &[("code_challenge_method", "plain")]).await;
    assert_eq!(e, "invalid_request");
    let (_, d) = redirected_error(&t, &[("code_challenge", "short")]).await;
    assert!(d.starts_with("AADSTS501491:"));
    let (e, _) = redirected_error(&t, &[("response_type", "token")]).await;
    assert_eq!(e, "unsupported_response_type");
    let (e, d) = redirected_error(&t, &[("scope", "openid api://other/read")]).await;
    assert_eq!(e, "invalid_scope");
    assert!(d.starts_with("AADSTS70011:"));
    let (e, _) = redirected_error(&t, &[("scope", "openid Directory.Read.All")]).await;
    assert_eq!(e, "invalid_scope", "a permission the app did not register");
    let (e, _) = redirected_error(&t, &[("prompt", "sometimes")]).await;
    assert_eq!(e, "invalid_request");
}

#[tokio::test]
async fn msal_extras_on_authorize_are_ignored() {
    let t = start().await;
    let extras = [
        ("clidata", "1"),
        ("pocd", "1"),
        ("x-client-SKU", "msal.js.browser"),
        ("x-client-VER", "5.30.0"),
        ("client-request-id", "0b9c4f8e-0000-4000-8000-000000000001"),
        ("X-AnchorMailbox", "UPN:maja@contoso.com"),
        ("claims", r#"{"id_token":{"login_hint":{"essential":true}}}"#),
    ];
    let b = Browser::new();
    let back = walk(&b, &t, &authorize_url(&t, &pkce(), &extras), "maja@contoso.com").await;
    assert!(response_params(&back).contains_key("code"));
}

async fn fresh_code(t: &TestTenant) -> (String, Pkce) {
    sign_in(&Browser::new(), t, "maja@contoso.com", SCOPE).await
}

async fn token_error(r: reqwest::Response, error: &str, aadsts: u64) -> Value {
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"][0], aadsts, "{body}");
    assert!(body["error_description"].as_str().unwrap().starts_with(&format!("AADSTS{aadsts}:")));
    for f in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[f].is_string(), "{f}");
    }
    body
}

#[tokio::test]
async fn a_wrong_code_verifier_is_refused_and_the_code_stays_usable() {
    let t = start().await;
    let (code, p) = fresh_code(&t).await;
    let r = redeem(&t, &code, &pkce().verifier, SCOPE).await;
    assert_eq!(r.headers()["access-control-allow-origin"], APP_ORIGIN, "CORS on errors too");
    token_error(r, "invalid_grant", 50148).await;
    assert_eq!(redeem(&t, &code, &p.verifier, SCOPE).await.status(), 200);
}

#[tokio::test]
async fn a_code_is_single_use() {
    let t = start().await;
    let (code, p) = fresh_code(&t).await;
    assert_eq!(redeem(&t, &code, &p.verifier, SCOPE).await.status(), 200);
    token_error(redeem(&t, &code, &p.verifier, SCOPE).await, "invalid_grant", 54005).await;
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let t = start().await;
    let (code, p) = fresh_code(&t).await;
    t.advance_clock(601).await;
    token_error(redeem(&t, &code, &p.verifier, SCOPE).await, "invalid_grant", 70008).await;
}

#[tokio::test]
async fn a_code_is_bound_to_its_redirect_uri_and_client() {
    let t = start().await;
    let (code, p) = fresh_code(&t).await;
    let form = [
        ("client_id", APP),
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", "http://localhost:8080/"),
        ("code_verifier", &p.verifier),
    ];
    token_error(token_request(&t, &form, Some(APP_ORIGIN)).await, "invalid_grant", 500112).await;
    let form = [
        ("client_id", CLOSED_APP),
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", &p.verifier),
    ];
    token_error(token_request(&t, &form, Some("http://localhost:9090")).await, "invalid_grant", 70000).await;
    let form = [("client_id", APP), ("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)];
    token_error(token_request(&t, &form, Some(APP_ORIGIN)).await, "invalid_request", 900144).await;
}

#[tokio::test]
async fn spa_tokens_are_redeemed_cross_origin_only_and_cors_answers_only_spa_origins() {
    let t = start().await;
    let (code, p) = fresh_code(&t).await;
    let form = [
        ("client_id", APP),
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", &p.verifier),
    ];
    token_error(token_request(&t, &form, None).await, "invalid_request", 9002327).await;
    // A stranger's page gets no CORS header: its browser would refuse to hand over the answer.
    let r = token_request(&t, &form, Some("http://stranger.example")).await;
    assert!(r.headers().get("access-control-allow-origin").is_none());
    let preflight = http()
        .request(reqwest::Method::OPTIONS, t.url("/oauth2/v2.0/token"))
        .header("origin", "http://stranger.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(preflight.headers().get("access-control-allow-origin").is_none());
    let preflight = http()
        .request(reqwest::Method::OPTIONS, t.url("/oauth2/v2.0/token"))
        .header("origin", APP_ORIGIN)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.headers()["access-control-allow-origin"], APP_ORIGIN);
}

async fn refresh(t: &TestTenant, rt: &str, scope: &str) -> reqwest::Response {
    let form = [
        ("client_id", APP),
        ("grant_type", "refresh_token"),
        ("refresh_token", rt),
        ("scope", scope),
        ("client_info", "1"),
    ];
    token_request(t, &form, Some(APP_ORIGIN)).await
}

#[tokio::test]
async fn a_refresh_token_is_rotated_and_the_old_one_stops_working() {
    let t = start().await;
    let first = tokens(&t, "maja@contoso.com", SCOPE).await;
    let rt1 = first["refresh_token"].as_str().unwrap();
    let r = refresh(&t, rt1, "User.Read openid profile offline_access").await;
    assert_eq!(r.status(), 200);
    let second: Value = r.json().await.unwrap();
    assert_eq!(second["scope"], "User.Read openid profile offline_access", "echoed as asked");
    let rt2 = second["refresh_token"].as_str().unwrap();
    assert_ne!(rt1, rt2);
    assert_eq!(claims(second["id_token"].as_str().unwrap())["oid"], claims(first["id_token"].as_str().unwrap())["oid"]);
    let body = token_error(refresh(&t, rt1, SCOPE).await, "invalid_grant", 70000).await;
    assert!(body["error_description"].as_str().unwrap().contains("already used"));
    assert_eq!(refresh(&t, rt2, SCOPE).await.status(), 200);
    token_error(refresh(&t, "garbage", SCOPE).await, "invalid_grant", 9002313).await;
}

#[tokio::test]
async fn a_spa_refresh_token_family_ends_24_hours_after_sign_in() {
    let t = start().await;
    let first = tokens(&t, "maja@contoso.com", SCOPE).await;
    t.advance_clock(23 * 3600).await;
    let r = refresh(&t, first["refresh_token"].as_str().unwrap(), SCOPE).await;
    let rotated: Value = r.json().await.unwrap();
    t.advance_clock(3600).await;
    // The rotated token inherits the first one's end.
    let body =
        token_error(refresh(&t, rotated["refresh_token"].as_str().unwrap(), SCOPE).await, "invalid_grant", 700084)
            .await;
    assert!(body["error_description"].as_str().unwrap().contains("1.00:00:00"));
}

#[tokio::test]
async fn refresh_cannot_widen_consent() {
    let t = start().await;
    let first = tokens(&t, "maja@contoso.com", SCOPE).await;
    let r = refresh(&t, first["refresh_token"].as_str().unwrap(), "openid User.ReadBasic.All").await;
    let body = token_error(r, "invalid_grant", 65001).await;
    assert_eq!(body["suberror"], "consent_required");
}

#[tokio::test]
async fn client_secrets_and_unknown_grants_are_refused() {
    let t = start().await;
    let form = [("client_id", APP), ("grant_type", "client_credentials"), ("client_secret", "s")];
    let r = token_request(&t, &form, Some(APP_ORIGIN)).await;
    assert_eq!(r.status(), 401);
    let form = [("client_id", APP), ("grant_type", "password")];
    token_error(token_request(&t, &form, Some(APP_ORIGIN)).await, "unsupported_grant_type", 70003).await;
}
