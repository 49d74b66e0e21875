//! The public origin over real HTTP: discovery, the keys, `iss`, redeem links, `@odata.nextLink`s
//! and `WWW-Authenticate` follow `--*-public-url` and the forwarded headers of a proxy on this
//! machine, and ignore forwarded headers from other machines.

mod common;

use common::*;
use devtenant::Serving;
use serde_json::{Value, json};

const SIGNIN: &str = "https://login.example:8443";
const GRAPH: &str = "https://graph.example";
const SCOPES: &str = "openid profile offline_access User.Read User.ReadBasic.All User.Invite.All";

async fn discovery(url: String, forwarded: Option<&str>) -> Value {
    let mut req = http().get(url);
    if let Some(host) = forwarded {
        req = req.header("x-forwarded-proto", "https").header("x-forwarded-host", host);
    }
    req.send().await.unwrap().json().await.unwrap()
}

fn assert_endpoints_under(d: &Value, base: &str) {
    for k in ["authorization_endpoint", "token_endpoint", "end_session_endpoint", "jwks_uri"] {
        assert!(d[k].as_str().unwrap().starts_with(base), "{k} is not under {base}: {d}");
    }
}

#[tokio::test]
async fn discovery_tokens_and_links_name_the_configured_public_urls() {
    let serving = Serving {
        signin_public_url: Some(format!("{SIGNIN}/")),
        graph_public_url: Some(GRAPH.into()),
        ..Serving::default()
    };
    let mut t = start_served(":memory:", serving).await;
    assert_eq!((t.signin.as_str(), t.graph.as_str()), (SIGNIN, GRAPH));
    // Reach it where it is bound, as the proxy would.
    t.signin = bound_signin(&t);
    t.graph = bound_graph(&t);
    let issuer = format!("{SIGNIN}/{TID}/v2.0");
    for segment in [TID, "contoso.com"] {
        let d = discovery(format!("{}/{segment}/v2.0/.well-known/openid-configuration", t.signin), None).await;
        assert_eq!(d["issuer"], issuer.as_str());
        assert_endpoints_under(&d, &format!("{SIGNIN}/{segment}/"));
        assert_eq!(d["userinfo_endpoint"], format!("{GRAPH}/oidc/userinfo"));
        assert_eq!(d["msgraph_host"], "graph.example");
    }
    let keys: Value = http().get(t.url("/discovery/v2.0/keys")).send().await.unwrap().json().await.unwrap();
    assert_eq!(keys["keys"][0]["issuer"], issuer.as_str());

    let tokens = tokens(&t, "sara@contoso.com", SCOPES).await;
    assert_eq!(claims(tokens["id_token"].as_str().unwrap())["iss"], issuer.as_str());
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(claims(access)["iss"], issuer.as_str());
    let page: Value = graph_get(&t, access, "/v1.0/users?$top=1").await.json().await.unwrap();
    assert!(page["@odata.nextLink"].as_str().unwrap().starts_with(&format!("{GRAPH}/v1.0/users?")), "{page}");
    let invite =
        json!({"invitedUserEmailAddress": "ann@northwind.example", "inviteRedirectUrl": "http://localhost:8080/"});
    let r: Value = graph_post(&t, access, "/v1.0/invitations", &invite).await.json().await.unwrap();
    assert!(r["inviteRedeemUrl"].as_str().unwrap().starts_with(&format!("{SIGNIN}/redeem?")), "{r}");
    let denied = http().get(format!("{}/v1.0/me", t.graph)).send().await.unwrap();
    let challenge = denied.headers()["www-authenticate"].to_str().unwrap().to_string();
    assert!(challenge.contains(&format!("authorization_uri=\"{SIGNIN}/{TID}/oauth2/authorize\"")), "{challenge}");
}

#[tokio::test]
async fn forwarded_headers_from_this_machine_name_the_origin_and_graph_accepts_its_tokens() {
    let t = start().await;
    let url = t.url("/v2.0/.well-known/openid-configuration");
    let d = discovery(url.clone(), Some("login.proxy.example")).await;
    let issuer = format!("https://login.proxy.example/{TID}/v2.0");
    assert_eq!(d["issuer"], issuer.as_str());
    assert_endpoints_under(&d, &format!("https://login.proxy.example/{TID}/"));
    let plain = discovery(url, None).await;
    assert_eq!(plain["issuer"], format!("{}/{TID}/v2.0", t.signin));
    assert_endpoints_under(&plain, &t.signin);

    // A token redeemed through the proxy carries the proxy's issuer, and Graph takes it.
    let b = Browser::new();
    let (code, p) = sign_in(&b, &t, "sara@contoso.com", SCOPES).await;
    let form = [
        ("client_id", APP),
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", p.verifier.as_str()),
    ];
    let r = http()
        .post(t.url("/oauth2/v2.0/token"))
        .form(&form)
        .header("origin", APP_ORIGIN)
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-host", "login.proxy.example")
        .send()
        .await
        .unwrap();
    let tokens: Value = r.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(claims(access)["iss"], issuer.as_str());
    let page: Value = http()
        .get(format!("{}/v1.0/users?$top=1", t.graph))
        .bearer_auth(access)
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-host", "graph.proxy.example:444")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let next = page["@odata.nextLink"].as_str().unwrap_or_else(|| panic!("Graph took the token: {page}"));
    assert!(next.starts_with("https://graph.proxy.example:444/v1.0/users?"), "{next}");
}

#[tokio::test]
async fn forwarded_headers_from_other_machines_are_ignored() {
    use axum::extract::ConnectInfo;
    use tower::ServiceExt;
    // This machine may send traffic only over loopback, so a remote peer cannot connect for real:
    // the tenant's own sign-in router is driven with such a peer's address instead.
    let t = start().await;
    let app = devtenant::entra::router(t.running.tenant.clone()).into_router();
    let issuer_seen_from = |peer: &str| {
        let app = app.clone();
        let peer: std::net::SocketAddr = peer.parse().unwrap();
        async move {
            let mut req = axum::http::Request::get(format!("/{TID}/v2.0/.well-known/openid-configuration"))
                .header("x-forwarded-proto", "https")
                .header("x-forwarded-host", "evil.example")
                .body(axum::body::Body::empty())
                .unwrap();
            req.extensions_mut().insert(ConnectInfo(peer));
            let body = axum::body::to_bytes(app.oneshot(req).await.unwrap().into_body(), 1 << 20).await.unwrap();
            serde_json::from_slice::<Value>(&body).unwrap()["issuer"].as_str().unwrap().to_string()
        }
    };
    assert_eq!(issuer_seen_from("192.0.2.7:5000").await, format!("{}/{TID}/v2.0", t.signin));
    assert_eq!(issuer_seen_from("[2001:db8::7]:5000").await, format!("{}/{TID}/v2.0", t.signin));
    assert_eq!(issuer_seen_from("127.0.0.1:5000").await, format!("https://evil.example/{TID}/v2.0"));
}
