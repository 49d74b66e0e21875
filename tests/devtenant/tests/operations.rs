//! Running the tenant: the command line, persistence across restarts, and the developer
//! endpoints (reset, clock, faults, outbox, switches).

mod common;

use common::*;
use serde_json::{Value, json};
use std::process::Command;

fn devtenant(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_devtenant")).args(args).output().unwrap()
}

#[test]
fn bad_command_lines_end_in_one_clear_line_and_a_failure_code() {
    let out = devtenant(&["--scenario", &demo(), "--db", ":memory:", "--colour"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--colour"), "{err}");

    let out = devtenant(&["--scenario", "/nonexistent.toml", "--db", ":memory:"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("devtenant: cannot read scenario '/nonexistent.toml'"), "{err}");

    let dir = temp_dir("bad");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[tenant]\nid = \"8b1f4d5e-2c3a-4e6f-9a7b-1c2d3e4f5a6b\"\ndisplay_name = \"C\"\ndomains = [\"c.example\"]\n\n[[users]]\nuser_principal_name = \"a@c.example\"\ndisplay_name = \"A\"\nmanager = \"b@c.example\"\n").unwrap();
    let out = devtenant(&["--scenario", bad.to_str().unwrap(), "--db", ":memory:"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("line 6:") && err.contains("b@c.example"), "{err}");
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn a_busy_port_is_reported() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = devtenant(&["--scenario", &demo(), "--db", ":memory:", "--signin-port", &port, "--graph-port", "0"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("127.0.0.1:{port}")) && err.contains("in use"), "{err}");
}

#[test]
fn the_binary_prints_its_urls_and_accounts_and_keeps_state_between_runs() {
    let dir = temp_dir("run");
    let db = dir.path().join("tenant.db");
    for expected in ["seeded from the scenario", "state kept from before"] {
        let seen = run_until_ready(&[
            "--scenario",
            &demo(),
            "--db",
            db.to_str().unwrap(),
            "--signin-port",
            "0",
            "--graph-port",
            "0",
        ]);
        assert!(seen.contains("/v2.0/.well-known/openid-configuration") && seen.contains("/v1.0"), "{seen}");
        assert!(
            seen.contains("sara@contoso.com") && seen.contains("pat@fabrikam.com") && seen.contains("Portier-demo-1"),
            "{seen}"
        );
        assert!(seen.contains(expected), "{seen}");
    }
}

#[tokio::test]
async fn users_the_signing_key_and_the_clock_survive_a_restart() {
    let dir = temp_dir("persist");
    let db = dir.path().join("tenant.db");
    let db = db.to_str().unwrap();
    let first = start_keyed(&demo_scenario_text(), db, None).await;
    let sara = access_token(&first, "sara@contoso.com", "openid User.Invite.All").await;
    let r = graph_post(
        &first,
        &sara,
        "/v1.0/invitations",
        &json!({"invitedUserEmailAddress": "ann@northwind.example", "inviteRedirectUrl": "http://localhost:8080/"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    first.advance_clock(3600).await;
    let kid = first.running.tenant.key.kid.clone();
    let offset = first.running.tenant.clock.offset();
    drop(first);

    let second = start_keyed(&demo_scenario_text(), db, None).await;
    assert!(!second.running.seeded);
    assert_eq!(second.running.tenant.key.kid, kid);
    assert_eq!(second.running.tenant.clock.offset(), offset);
    assert!(second.running.tenant.store.user_by_mail("ann@northwind.example").is_some());
    // Reset brings the scenario back.
    let r = http().post(format!("{}/_dev/reset", second.signin)).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert!(second.running.tenant.store.user_by_mail("ann@northwind.example").is_none());
    assert_eq!(second.running.tenant.clock.offset(), 0);
    assert_eq!(second.running.tenant.key.kid, kid, "reset keeps the key");
}

async fn add_fault(t: &TestTenant, fault: Value) -> reqwest::Response {
    http().post(format!("{}/_dev/faults", t.signin)).json(&fault).send().await.unwrap()
}

#[tokio::test]
async fn injected_faults_strike_the_given_path_the_given_number_of_times() {
    let t = start().await;
    let token = access_token(&t, "maja@contoso.com", SCOPE).await;
    let r =
        add_fault(&t, json!({"path": "/v1.0/me", "method": "GET", "status": 429, "retryAfter": 7, "times": 2})).await;
    assert_eq!(r.status(), 201);
    for _ in 0..2 {
        let r = graph_get(&t, &token, "/v1.0/me").await;
        assert_eq!(r.headers()["retry-after"], "7");
        assert_graph_error(r, 429, "TooManyRequests").await;
    }
    assert_eq!(graph_get(&t, &token, "/v1.0/me").await.status(), 200);
    // Patterns, delays, listing and clearing.
    add_fault(&t, json!({"path": "/v1.0/users*", "status": 503})).await;
    assert_graph_error(graph_get(&t, &token, "/v1.0/users/x").await, 503, "ServiceUnavailable").await;
    let delayed = add_fault(&t, json!({"path": "/v1.0/me", "delayMs": 300, "times": 1})).await;
    assert_eq!(delayed.status(), 201);
    let started = std::time::Instant::now();
    assert_eq!(graph_get(&t, &token, "/v1.0/me").await.status(), 200);
    assert!(started.elapsed().as_millis() >= 300, "the delay was applied");
    let list: Value = http().get(format!("{}/_dev/faults", t.signin)).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["value"].as_array().unwrap().len(), 1, "only the unlimited 503 is left: {list}");
    http().delete(format!("{}/_dev/faults", t.signin)).send().await.unwrap();
    assert_eq!(graph_get(&t, &token, "/v1.0/users/sara@contoso.com").await.status(), 403, "no fault, the real answer");
    // Nonsense is refused.
    for bad in [
        json!({"path": "/x"}),
        json!({"path": "x", "status": 500}),
        json!({"path": "/x", "status": 200}),
        json!({"path": "/x", "status": 500, "colour": 1}),
    ] {
        assert_eq!(add_fault(&t, bad).await.status(), 400);
    }
    let r = http()
        .post(format!("{}/_dev/faults", t.signin))
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn a_dropped_connection_carries_the_write_out_and_a_claims_challenge_names_its_claims() {
    let t = start().await;
    let token = access_token(&t, "maja@contoso.com", SCOPE).await;
    let r = add_fault(&t, json!({"path": "/v1.0/me", "method": "GET", "dropConnection": true, "times": 1})).await;
    assert_eq!(r.status(), 201);
    let lost = http().get(format!("{}/v1.0/me", t.graph)).bearer_auth(&token).send().await;
    let whole = match lost {
        Ok(r) => r.bytes().await.is_ok(),
        Err(_) => false,
    };
    assert!(!whole, "the answer never arrives whole");
    let log: Value = http().get(format!("{}/_dev/log", t.signin)).send().await.unwrap().json().await.unwrap();
    let entry = log["value"].as_array().unwrap().iter().rev().find(|e| e["path"] == "/v1.0/me").unwrap().clone();
    assert_eq!((entry["status"].as_u64(), entry["fault"]["dropped"].as_bool()), (Some(200), Some(true)), "{entry}");
    assert_eq!(graph_get(&t, &token, "/v1.0/me").await.status(), 200, "worn out after one");
    add_fault(&t, json!({"path": "/v1.0/me", "dropBeforeAnswer": true, "times": 1})).await;
    let cut = http().get(format!("{}/v1.0/me", t.graph)).bearer_auth(&token).send().await;
    assert!(cut.is_err(), "not even the status arrives");

    add_fault(&t, json!({"path": "/v1.0/me", "claimsChallenge": true, "times": 1})).await;
    let r = graph_get(&t, &token, "/v1.0/me").await;
    let challenge = r.headers()["www-authenticate"].to_str().unwrap().to_string();
    assert_graph_error(r, 401, "InvalidAuthenticationToken").await;
    assert!(challenge.contains(r#"error="insufficient_claims""#), "{challenge}");
    let claims = challenge.split("claims=\"").nth(1).unwrap().trim_end_matches('"');
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD.decode(claims).unwrap();
    let decoded: Value = serde_json::from_slice(&decoded).unwrap();
    assert_eq!(decoded["access_token"]["nbf"]["essential"], true, "{decoded}");
    for bad in [
        json!({"path": "/x", "status": 503, "dropConnection": true}),
        json!({"path": "/x", "claimsChallenge": true, "rate": 0.5}),
    ] {
        assert_eq!(add_fault(&t, bad).await.status(), 400);
    }
}

#[tokio::test]
async fn the_clock_moves_only_forward() {
    let t = start().await;
    let r = http().post(format!("{}/_dev/clock", t.signin)).json(&json!({"advanceSeconds": -5})).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r: Value = http()
        .post(format!("{}/_dev/clock", t.signin))
        .json(&json!({"advanceSeconds": 90}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["offsetSeconds"], 90);
}

#[tokio::test]
async fn the_coop_switch_cuts_popups_off_from_their_opener() {
    let t = start().await;
    let page = Browser::new().get(&authorize_url(&t, &pkce(), &[])).await;
    assert!(page.headers().get("cross-origin-opener-policy").is_none());
    let r = http().post(format!("{}/_dev/switches", t.signin)).json(&json!({"coop": true})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = Browser::new().get(&authorize_url(&t, &pkce(), &[])).await;
    assert_eq!(page.headers()["cross-origin-opener-policy"], "same-origin");
    let r = http().post(format!("{}/_dev/switches", t.signin)).json(&json!({"cop": true})).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn developer_endpoints_refuse_other_machines() {
    use axum::extract::ConnectInfo;
    use tower::ServiceExt;
    let t = start().await;
    let request = |peer: &str| {
        let mut req = axum::http::Request::get("/_dev/clock").body(axum::body::Body::empty()).unwrap();
        req.extensions_mut().insert(ConnectInfo(peer.parse::<std::net::SocketAddr>().unwrap()));
        req
    };
    let app = devtenant::dev::router(t.running.tenant.clone()).into_router();
    assert_eq!(app.clone().oneshot(request("192.0.2.7:5000")).await.unwrap().status(), 403);
    assert_eq!(app.oneshot(request("127.0.0.1:5000")).await.unwrap().status(), 200);
}
