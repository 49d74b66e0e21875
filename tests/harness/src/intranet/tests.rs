//! The intranet server's router, called directly: which file each path serves, what is filled
//! in, and that no path leaves the site's folder.

use super::*;
use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

/// A site in a fresh temporary folder: a page, its script, a stylesheet, a page in a folder, a
/// secret beside the folder, and a stand-in for the MSAL package.
fn site(name: &str, with_msal: bool) -> (Site, PathBuf) {
    let root = std::env::temp_dir().join(format!("portier-intranet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.join("site");
    std::fs::create_dir_all(dir.join("team")).unwrap();
    std::fs::write(dir.join("index.html"), "<script src=\"{{APP}}/portier-embed.js\"></script>{{CLIENT_ID}}").unwrap();
    std::fs::write(dir.join("page.js"), "const a = '{{SIGNIN}}/{{TENANT_ID}}', g = '{{GRAPH}}';").unwrap();
    std::fs::write(dir.join("intranet.css"), "a::after { content: '{{APP}}' }").unwrap();
    std::fs::write(dir.join("team/index.html"), "team {{APP}} {{HOST}}/portier-redirect.html").unwrap();
    std::fs::write(root.join("secret.txt"), "secret").unwrap();
    let lib = root.join("msal-lib");
    std::fs::create_dir_all(lib.join("redirect-bridge")).unwrap();
    std::fs::write(lib.join("msal-browser.min.js"), "var msal = '{{APP}}';").unwrap();
    std::fs::write(lib.join("redirect-bridge/msal-redirect-bridge.min.js"), "var bridge;").unwrap();
    let values = Values {
        app: "http://localhost:8080".into(),
        signin: "https://localhost:8443".into(),
        graph: "https://localhost:8444".into(),
        tenant_id: "tenant-guid".into(),
        client_id: "client-guid".into(),
    };
    (Site { dir, values, msal: with_msal.then_some(lib) }, root)
}

async fn get(site: &Site, path: &str) -> (StatusCode, String, String) {
    get_from(site, path, "127.0.0.1:8083").await
}

async fn get_from(site: &Site, path: &str, host: &str) -> (StatusCode, String, String) {
    let req = Request::get(path).header(header::HOST, host).body(Body::empty()).unwrap();
    let res = router(site.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let kind = res.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, kind, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn pages_and_their_scripts_get_this_runs_addresses() {
    let (site, root) = site("fill", false);
    let (status, kind, body) = get(&site, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "text/html; charset=utf-8");
    assert_eq!(body, "<script src=\"http://localhost:8080/portier-embed.js\"></script>client-guid");
    let (_, kind, body) = get(&site, "/page.js").await;
    assert_eq!(kind, "text/javascript; charset=utf-8");
    assert_eq!(body, "const a = 'https://localhost:8443/tenant-guid', g = 'https://localhost:8444';");
    assert_eq!(get(&site, "/index.html").await.2, get(&site, "/").await.2);
    assert_eq!(get(&site, "/team/").await.2, "team http://localhost:8080 http://127.0.0.1:8083/portier-redirect.html");
    let (_, _, body) = get_from(&site, "/team/", "localhost:8083").await;
    assert!(body.ends_with(" http://localhost:8083/portier-redirect.html"), "the origin the browser used: {body}");
    std::fs::remove_dir_all(root).unwrap();
}

#[tokio::test]
async fn stylesheets_are_served_as_written() {
    let (site, root) = site("css", false);
    let (status, kind, body) = get(&site, "/intranet.css").await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "text/css; charset=utf-8"));
    assert_eq!(body, "a::after { content: '{{APP}}' }");
    std::fs::remove_dir_all(root).unwrap();
}

#[tokio::test]
async fn nothing_is_cached() {
    let (site, root) = site("cache", false);
    let req = Request::get("/").header(header::HOST, "localhost:8083").body(Body::empty()).unwrap();
    let res = router(site).oneshot(req).await.unwrap();
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    std::fs::remove_dir_all(root).unwrap();
}

#[tokio::test]
async fn no_path_leaves_the_folder() {
    let (site, root) = site("escape", false);
    assert_eq!(get(&site, "/../secret.txt").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(get(&site, "/team/../../secret.txt").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(get(&site, "/team//index.html").await.0, StatusCode::BAD_REQUEST);
    let (status, _, body) = get(&site, "/%2e%2e/secret.txt").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("secret"), "{body}");
    assert_eq!(get(&site, "/missing.html").await.0, StatusCode::NOT_FOUND);
    std::fs::remove_dir_all(root).unwrap();
}

#[tokio::test]
async fn a_host_header_that_is_not_a_plain_host_is_never_written_into_a_page() {
    let (site, root) = site("host", false);
    let (status, _, body) = get_from(&site, "/", "evil\"><script>x()</script>").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!body.contains("script"), "{body}");
    assert_eq!(get_from(&site, "/intranet.css", "evil\">").await.0, StatusCode::OK, "a stylesheet has nothing to fill");
    std::fs::remove_dir_all(root).unwrap();
}

#[tokio::test]
async fn msal_is_served_from_its_package_untouched_when_given() {
    let (with, root) = site("msal", true);
    let (status, kind, body) = get(&with, "/msal-browser.min.js").await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "text/javascript; charset=utf-8"));
    assert_eq!(body, "var msal = '{{APP}}';", "a library is not a page: nothing filled in");
    assert_eq!(get(&with, "/msal-redirect-bridge.min.js").await.2, "var bridge;");
    let (without, root2) = site("nomsal", false);
    assert_eq!(get(&without, "/msal-browser.min.js").await.0, StatusCode::NOT_FOUND);
    std::fs::remove_dir_all(root).unwrap();
    std::fs::remove_dir_all(root2).unwrap();
}

#[test]
fn values_fill_every_placeholder_every_time() {
    let v =
        Values { app: "A".into(), signin: "S".into(), graph: "G".into(), tenant_id: "T".into(), client_id: "C".into() };
    let filled = v.fill("{{APP}}{{APP}} {{SIGNIN}} {{GRAPH}} {{TENANT_ID}} {{CLIENT_ID}} {{HOST}} {{OTHER}}", "H");
    assert_eq!(filled, "AA S G T C H {{OTHER}}");
}
