//! Graph's directory over real HTTP: the token check, permissions, `/me`, `/users`, query
//! options, paging, CORS and error shapes.

mod common;

use common::*;
use devtenant::graph::schema::conformance;
use serde_json::{Value, json};

const PICKER: &str = "openid offline_access User.Read User.ReadBasic.All";

#[tokio::test]
async fn me_answers_graphs_default_properties_or_the_selected_ones() {
    let t = start().await;
    let token = access_token(&t, "maja@contoso.com", SCOPE).await;
    let r = graph_get(&t, &token, "/v1.0/me").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("request-id"));
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["displayName"], "Maja Holm");
    assert_eq!(me["userPrincipalName"], "maja@contoso.com");
    assert!(me["@odata.context"].as_str().unwrap().ends_with("/v1.0/$metadata#users/$entity"));
    assert!(me.get("userType").is_none(), "not in the default set");
    assert!(conformance(&me, "user").is_empty(), "{:?}", conformance(&me, "user"));
    let me: Value = graph_get(&t, &token, "/v1.0/me?$select=id,userType,companyName").await.json().await.unwrap();
    assert_eq!(me.as_object().unwrap().len(), 4, "three properties and the context: {me}");
    assert_eq!(me["userType"], "Member");
    let r = graph_get(&t, &token, "/v1.0/me?$select=id,colour").await;
    assert_graph_error(r, 400, "BadRequest").await;
    let r = graph_get(&t, &token, "/v1.0/me?$expand=manager").await;
    assert_graph_error(r, 400, "BadRequest").await;
}

#[tokio::test]
async fn tokens_are_checked_for_signature_audience_and_lifetime() {
    let t = start().await;
    let token = access_token(&t, "maja@contoso.com", SCOPE).await;
    let body = assert_graph_error(graph_get(&t, "", "/v1.0/me").await, 401, "InvalidAuthenticationToken").await;
    assert_eq!(body["error"]["message"], "Access token is empty.");
    // Tampered: another user's oid with the old signature.
    let parts: Vec<&str> = token.split('.').collect();
    let mut c = claims(&token);
    c["oid"] = json!(t.running.tenant.store.user_by_sign_in_name("sara@contoso.com").unwrap().id);
    use base64::Engine;
    let forged =
        format!("{}.{}.{}", parts[0], base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(c.to_string()), parts[2]);
    let r = graph_get(&t, &forged, "/v1.0/me").await;
    assert!(r.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer realm=\"\""));
    assert_graph_error(r, 401, "InvalidAuthenticationToken").await;
    assert_graph_error(graph_get(&t, "not.a.jwt", "/v1.0/me").await, 401, "InvalidAuthenticationToken").await;
    // An id token is signed by the tenant but is not for Graph.
    let id_token = tokens(&t, "maja@contoso.com", SCOPE).await["id_token"].as_str().unwrap().to_string();
    let body = assert_graph_error(graph_get(&t, &id_token, "/v1.0/me").await, 401, "InvalidAuthenticationToken").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("audience"));
    // Expired on the tenant's clock.
    t.advance_clock(3601).await;
    let body = assert_graph_error(graph_get(&t, &token, "/v1.0/me").await, 401, "InvalidAuthenticationToken").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn each_endpoint_wants_its_permission() {
    let t = start().await;
    let only_me = access_token(&t, "maja@contoso.com", SCOPE).await;
    assert_graph_error(graph_get(&t, &only_me, "/v1.0/users").await, 403, "Authorization_RequestDenied").await;
    let sara = t.running.tenant.store.user_by_sign_in_name("sara@contoso.com").unwrap().id;
    assert_graph_error(
        graph_get(&t, &only_me, &format!("/v1.0/users/{sara}")).await,
        403,
        "Authorization_RequestDenied",
    )
    .await;
    let maja = t.running.tenant.store.user_by_sign_in_name("maja@contoso.com").unwrap().id;
    assert_eq!(graph_get(&t, &only_me, &format!("/v1.0/users/{maja}")).await.status(), 200, "one's own object");
    let invite_only = access_token(&t, "sara@contoso.com", "openid User.Invite.All").await;
    assert_graph_error(graph_get(&t, &invite_only, "/v1.0/me").await, 403, "Authorization_RequestDenied").await;
}

#[tokio::test]
async fn people_pickers_filter_users_by_name_or_mail_and_page_through_them() {
    let t = start().await;
    let token = access_token(&t, "sara@contoso.com", PICKER).await;
    let r: Value =
        graph_get(&t, &token, "/v1.0/users?$filter=startswith(displayName,'ma')&$select=id,displayName,mail")
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(r["value"].as_array().unwrap().len(), 1);
    assert_eq!(r["value"][0]["displayName"], "Maja Holm");
    let r: Value = graph_get(&t, &token, "/v1.0/users?$filter=startswith(mail,'pat@')").await.json().await.unwrap();
    assert_eq!(r["value"][0]["displayName"], "Pat Jansen");
    let r: Value = graph_get(
        &t,
        &token,
        "/v1.0/users?$filter=startswith(displayName,'o') or startswith(mail,'maja')&$orderby=displayName",
    )
    .await
    .json()
    .await
    .unwrap();
    let names: Vec<&str> = r["value"].as_array().unwrap().iter().map(|u| u["displayName"].as_str().unwrap()).collect();
    assert_eq!(names, ["Maja Holm", "Oskar Berg"]);

    // Paging: follow @odata.nextLink as given until it is gone.
    let mut url = format!("{}/v1.0/users?$top=2&$select=displayName", t.graph);
    let mut seen = vec![];
    while !url.is_empty() {
        let page: Value = http().get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        seen.extend(page["value"].as_array().unwrap().iter().map(|u| u["displayName"].as_str().unwrap().to_string()));
        assert!(page["value"].as_array().unwrap().len() <= 2);
        url = page["@odata.nextLink"].as_str().unwrap_or_default().to_string();
        assert!(
            url.is_empty() || url.contains("%24select=displayName") || url.contains("$select=displayName"),
            "{url}"
        );
    }
    assert_eq!(seen.len(), 6, "the demo's four members and two guests");
    let r = graph_get(&t, &token, "/v1.0/users?$top=2&$skiptoken=forged").await;
    assert_graph_error(r, 400, "BadRequest").await;
}

#[tokio::test]
async fn unsupported_queries_are_refused_rather_than_answered_wrongly() {
    let t = start().await;
    let token = access_token(&t, "sara@contoso.com", PICKER).await;
    for (query, code) in [
        ("$filter=contains(displayName,'a')", "Request_UnsupportedQuery"),
        ("$filter=endswith(mail,'.com')", "Request_UnsupportedQuery"),
        ("$filter=companyName eq 'Fabrikam'", "Request_UnsupportedQuery"),
        ("$filter=displayName eq", "BadRequest"),
        ("$top=0", "BadRequest"),
        ("$top=1000", "BadRequest"),
        ("$search=\"displayName:ma\"", "BadRequest"),
        ("$orderby=mail", "Request_UnsupportedQuery"),
        ("$count=true", "Request_BadRequest"),
    ] {
        let r = graph_get(&t, &token, &format!("/v1.0/users?{query}")).await;
        assert_graph_error(r, 400, code).await;
    }
    // With ConsistencyLevel: eventual and $count, advanced queries work.
    let r: Value = http()
        .get(format!("{}/v1.0/users?$filter=endswith(mail,'@fabrikam.com')&$count=true", t.graph))
        .bearer_auth(&token)
        .header("ConsistencyLevel", "eventual")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["@odata.count"], 2, "pat and robin");
}

#[tokio::test]
async fn basic_read_sees_the_default_set_and_guests_may_not_list_the_directory() {
    let t = start().await;
    let sara = access_token(&t, "sara@contoso.com", PICKER).await;
    let pat_id = t.running.tenant.store.user_by_sign_in_name("pat@fabrikam.com").unwrap().id;
    let pat: Value =
        graph_get(&t, &sara, &format!("/v1.0/users/{pat_id}?$select=displayName,userType")).await.json().await.unwrap();
    assert_eq!(pat["displayName"], "Pat Jansen");
    assert!(pat["userType"].is_null(), "User.ReadBasic.All does not read userType");
    let by_upn = graph_get(&t, &sara, "/v1.0/users/maja@contoso.com").await;
    assert_eq!(by_upn.status(), 200);
    assert_graph_error(
        graph_get(&t, &sara, "/v1.0/users/00000000-0000-0000-0000-000000000000").await,
        404,
        "Request_ResourceNotFound",
    )
    .await;
    let guest = access_token(&t, "pat@fabrikam.com", PICKER).await;
    assert_graph_error(graph_get(&t, &guest, "/v1.0/users").await, 403, "Authorization_RequestDenied").await;
    let maja_id = t.running.tenant.store.user_by_sign_in_name("maja@contoso.com").unwrap().id;
    assert_eq!(
        graph_get(&t, &guest, &format!("/v1.0/users/{maja_id}")).await.status(),
        200,
        "a guest may look up one user"
    );
}

#[tokio::test]
async fn graph_cors_answers_any_origin_and_exposes_its_ids() {
    let t = start().await;
    let r = http()
        .request(reqwest::Method::OPTIONS, format!("{}/v1.0/me", t.graph))
        .header("origin", "https://intranet.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization,client-request-id")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], "https://intranet.example");
    let allowed = r.headers()["access-control-allow-headers"].to_str().unwrap().to_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("client-request-id"));
    let token = access_token(&t, "maja@contoso.com", SCOPE).await;
    let r = http()
        .get(format!("{}/v1.0/me", t.graph))
        .bearer_auth(&token)
        .header("origin", "https://intranet.example")
        .header("client-request-id", "0b9c4f8e-0000-4000-8000-000000000009")
        .send()
        .await
        .unwrap();
    let exposed = r.headers()["access-control-expose-headers"].to_str().unwrap().to_lowercase();
    for h in ["request-id", "client-request-id", "retry-after"] {
        assert!(exposed.contains(h), "{h}");
    }
    assert_eq!(r.headers()["client-request-id"], "0b9c4f8e-0000-4000-8000-000000000009");
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_graph_shaped_errors() {
    let t = start().await;
    let token = access_token(&t, "maja@contoso.com", SCOPE).await;
    let body = assert_graph_error(graph_get(&t, &token, "/v1.0/nothing").await, 400, "BadRequest").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("'nothing'"));
    let r = http().delete(format!("{}/v1.0/me", t.graph)).bearer_auth(&token).send().await.unwrap();
    assert_graph_error(r, 405, "BadRequest").await;
}
