//! Serves the built app as a static host would: files from `dist/`, `index.html` for every
//! route (the app routes in the browser), and a `config.json` of the caller's.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

pub struct AppServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    reports: Reports,
}

/// Content-Security-Policy violation reports the browser sent.
type Reports = Arc<Mutex<Vec<String>>>;

impl AppServer {
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The CSP violations reported so far (each report's JSON).
    pub fn csp_reports(&self) -> Vec<String> {
        self.reports.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// The policy a deployment sends (see the README): no inline script, no eval but WebAssembly's,
/// network only to this site, the authority and Graph.
pub fn content_security_policy(config: &serde_json::Value) -> String {
    let origin = |field: &str| {
        config[field]
            .as_str()
            .and_then(|u| url::Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default()
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self' {} {}; frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'; report-uri /csp-report",
        origin("authority"),
        origin("graphBaseUrl")
    )
}

impl Drop for AppServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// The router: `config` at `/config.json`, the files of `dist`, `index.html` for the rest.
pub fn router(dist: PathBuf, config: String) -> Router {
    let index = dist.join("index.html");
    let config_json = move || {
        let body = config.clone();
        async move {
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
                body,
            )
                .into_response()
        }
    };
    Router::new()
        .route("/config.json", get(config_json))
        .fallback_service(ServeDir::new(&dist).fallback(ServeFile::new(index)))
}

/// Serves on an already bound listener until the returned server is dropped.
pub fn serve(listener: TcpListener, dist: PathBuf, config: String) -> AppServer {
    serve_with(listener, router(dist, config), Reports::default())
}

/// Serves the app as a deployment should: with its Content-Security-Policy, collecting the
/// browser's violation reports.
pub fn serve_with_csp(listener: TcpListener, dist: PathBuf, config: String) -> AppServer {
    let policy = content_security_policy(&serde_json::from_str(&config).unwrap_or_default());
    let reports = Reports::default();
    let sink = reports.clone();
    let app = router(dist, config)
        .route(
            "/csp-report",
            axum::routing::post(move |body: String| {
                let sink = sink.clone();
                async move {
                    sink.lock().expect("reports").push(body);
                    axum::http::StatusCode::NO_CONTENT
                }
            }),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&policy).expect("policy"),
        ));
    serve_with(listener, app, reports)
}

fn serve_with(listener: TcpListener, app: Router, reports: Reports) -> AppServer {
    let addr = listener.local_addr().expect("bound listener");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    AppServer { addr, stop: Some(stop), reports }
}
