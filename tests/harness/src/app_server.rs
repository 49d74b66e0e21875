//! Serves the built app as a static host would: files from `dist/`, `index.html` for every
//! route (the app routes in the browser), and a `config.json` of the caller's.

use crate::serving::Serving;
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
    /// Stops serving when the app server is dropped.
    _serving: Serving,
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

/// Serves the app as a deployment should: with the headers of [`crate::policy`], collecting the
/// browser's Content-Security-Policy violation reports.
pub fn serve_with_csp(listener: TcpListener, dist: PathBuf, config: String) -> AppServer {
    let headers = crate::policy::security_headers(&serde_json::from_str(&config).unwrap_or_default());
    let reports = Reports::default();
    let sink = reports.clone();
    let app = router(dist, config).route(
        "/csp-report",
        axum::routing::post(move |body: String| {
            let sink = sink.clone();
            async move {
                sink.lock().expect("reports").push(body);
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let app = headers.into_iter().fold(app, |app, (name, value)| {
        // The test server also asks for violation reports, which the suite fails on.
        let value = if name == "Content-Security-Policy" { format!("{value}; report-uri /csp-report") } else { value };
        app.layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(&value).expect("header value"),
        ))
    });
    serve_with(listener, app, reports)
}

fn serve_with(listener: TcpListener, app: Router, reports: Reports) -> AppServer {
    let serving = Serving::start(listener, app);
    AppServer { addr: serving.addr, _serving: serving, reports }
}
