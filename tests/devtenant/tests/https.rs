//! https over real connections: both origins serve the local CA's certificate, the CA and the
//! server key survive a restart, the binary says how to trust them, the session cookie's
//! attributes follow the scheme, and bad TLS or public-URL flags end in one clear line.

mod common;

use common::*;
use devtenant::Serving;
use devtenant::tls::{CA_CERT_FILE, TlsSource};
use std::process::Command;

/// A client that trusts only `ca_pem`.
fn trusting(ca_pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn local_ca(dir: &std::path::Path) -> Serving {
    Serving { tls: Some(TlsSource::LocalCa { dir: dir.to_path_buf() }), ..Serving::default() }
}

#[tokio::test]
async fn both_origins_serve_https_from_a_ca_that_survives_a_restart() {
    let scratch = temp_dir("restart");
    let dir = scratch.path();
    let db = dir.join("tenant.db").display().to_string();
    let first = start_served(&db, local_ca(dir)).await;
    assert!(first.signin.starts_with("https://localhost:") && first.graph.starts_with("https://localhost:"));
    let tls = first.running.tls.clone().expect("https is on");
    let ca_pem = std::fs::read_to_string(dir.join(CA_CERT_FILE)).unwrap();
    assert_eq!(tls.ca_pem.as_deref(), Some(ca_pem.as_str()));
    let client = trusting(&ca_pem);
    let d: serde_json::Value =
        client.get(first.url("/v2.0/.well-known/openid-configuration")).send().await.unwrap().json().await.unwrap();
    assert_eq!(d["issuer"], format!("{}/{TID}/v2.0", first.signin));
    let r = client.get(format!("{}/v1.0/me", first.graph)).send().await.unwrap();
    assert_eq!(r.status(), 401);
    drop(first);

    let second = start_served(&db, local_ca(dir)).await;
    let again = second.running.tls.clone().unwrap();
    assert_eq!(again.ca_pem, tls.ca_pem, "the same CA");
    assert_eq!(again.spki_sha256, tls.spki_sha256, "the same server key");
    // A client that trusted the first run's CA trusts the second run.
    let r = client.get(second.url("/discovery/v2.0/keys")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

/// The `Set-Cookie` of a sign-in, made with `client` against `t`.
async fn session_cookie_of_a_sign_in(t: &TestTenant, client: &reqwest::Client) -> String {
    let html = client.get(authorize_url(t, &pkce(), &[])).send().await.unwrap().text().await.unwrap();
    let form =
        [("flow", hidden(&html, "flow")), ("username", "maja@contoso.com".into()), ("password", PASSWORD.into())];
    let r = client.post(t.url("/login")).form(&form).send().await.unwrap();
    r.headers()["set-cookie"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn the_session_cookie_is_samesite_none_and_secure_over_https_and_lax_over_http() {
    let scratch = temp_dir("cookie");
    let dir = scratch.path();
    let secure = start_served(":memory:", local_ca(dir)).await;
    let ca = secure.running.tls.as_ref().unwrap().ca_pem.clone().unwrap();
    let cookie = session_cookie_of_a_sign_in(&secure, &trusting(&ca)).await;
    for attribute in ["devtenant_session=", "HttpOnly", "SameSite=None", "Secure", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} missing from {cookie}");
    }
    let plain = start().await;
    let cookie = session_cookie_of_a_sign_in(&plain, &http()).await;
    assert!(cookie.contains("SameSite=Lax") && cookie.contains("HttpOnly"), "{cookie}");
    assert!(!cookie.contains("Secure"), "a browser drops a Secure cookie set over http: {cookie}");
}

#[test]
fn the_binary_prints_the_ca_how_to_trust_it_and_the_same_spki_hash_each_run() {
    let scratch = temp_dir("binary");
    let dir = scratch.path();
    let db = dir.join("tenant.db").display().to_string();
    let args =
        ["--scenario", &demo(), "--db", &db, "--signin-port", "0", "--graph-port", "0", "--tls", "--fault-seed", "7"];
    let first = run_until_ready(&args);
    assert!(first.contains(&dir.join(CA_CERT_FILE).display().to_string()), "{first}");
    assert!(first.contains("update-ca-certificates") && first.contains("Authorities"), "{first}");
    assert!(first.contains("sign-in (authority): https://localhost:"), "{first}");
    assert!(first.contains("fault seed:          7"), "{first}");
    let hash = |out: &str| {
        out.lines().find_map(|l| l.split("--ignore-certificate-errors-spki-list=").nth(1)).map(String::from)
    };
    let spki = hash(&first).unwrap_or_else(|| panic!("no SPKI hash in {first}"));
    assert_eq!(spki.len(), 44, "base64 of 32 bytes");
    assert_eq!(hash(&run_until_ready(&args)), Some(spki));
}

#[test]
fn bad_tls_and_public_url_flags_end_in_one_clear_line() {
    let demo = demo();
    let base = ["--scenario", demo.as_str(), "--db", ":memory:", "--signin-port", "0", "--graph-port", "0"];
    let cases: [(&[&str], i32, &str); 4] = [
        (&["--cert", "/nonexistent.pem", "--key", "/nonexistent.key"], 1, "cannot read --cert /nonexistent.pem"),
        (&["--signin-public-url", "https://login.example/tenant"], 1, "must be an origin only"),
        (&["--graph-public-url", "graph.example"], 1, "is not a URL"),
        (&["--tls", "--cert", "/x.pem", "--key", "/x.key"], 2, "cannot be used with"),
    ];
    for (extra, code, says) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_devtenant")).args(base).args(extra).output().unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(code), "{extra:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("devtenant: ") && err.contains(says), "{extra:?}: {err}");
    }
}
