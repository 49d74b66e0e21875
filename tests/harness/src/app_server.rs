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
    cut: Cut,
}

/// Files whose downloads are cut off (the connection dropped before the body), by name prefix.
type Cut = Arc<Mutex<Option<String>>>;

/// Content-Security-Policy violation reports the browser sent.
type Reports = Arc<Mutex<Vec<String>>>;

impl AppServer {
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Cuts every download of a file whose name starts with `prefix` until called with `None`,
    /// as a failing network would (a `HEAD` still answers).
    pub fn cut_downloads(&self, prefix: Option<&str>) {
        *self.cut.lock().expect("cut") = prefix.map(|p| format!("/{p}"));
    }

    /// The CSP violations reported so far (each report's JSON).
    pub fn csp_reports(&self) -> Vec<String> {
        self.reports.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// The router: `config` at `/config.json`, the files of `dist`, `index.html` for the rest.
pub fn router(dist: PathBuf, config: String) -> Router {
    router_cutting(dist, config, Cut::default())
}

/// A body that fails at once: the connection is dropped, as a cut network does.
fn cut_off() -> axum::response::Response {
    let failing = futures_util::stream::once(async { Err::<axum::body::Bytes, _>(std::io::Error::other("cut")) });
    ([(header::CONTENT_TYPE, "application/wasm")], axum::body::Body::from_stream(failing)).into_response()
}

fn router_cutting(dist: PathBuf, config: String, cut: Cut) -> Router {
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
        // A file's `.br` beside it, when there is one, goes to browsers that take brotli.
        .fallback_service(ServeDir::new(&dist).precompressed_br().fallback(ServeFile::new(index).precompressed_br()))
        .layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
            let prefix = cut.lock().map(|c| c.clone()).unwrap_or_default();
            async move {
                let cut = prefix.is_some_and(|p| req.uri().path().starts_with(&p));
                if cut && req.method() == axum::http::Method::GET { cut_off() } else { next.run(req).await }
            }
        }))
}

/// Serves on an already bound listener until the returned server is dropped.
pub fn serve(listener: TcpListener, dist: PathBuf, config: String) -> AppServer {
    serve_with(listener, router(dist, config), Reports::default(), Cut::default())
}

/// Serves the app as a deployment should: with the headers of [`crate::policy`], collecting the
/// browser's Content-Security-Policy violation reports.
pub fn serve_with_csp(listener: TcpListener, dist: PathBuf, config: String) -> AppServer {
    let headers = crate::policy::security_headers(&serde_json::from_str(&config).unwrap_or_default());
    let reports = Reports::default();
    let sink = reports.clone();
    let cut = Cut::default();
    let app = router_cutting(dist, config, cut.clone()).route(
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
    serve_with(listener, app, reports, cut)
}

fn serve_with(listener: TcpListener, app: Router, reports: Reports, cut: Cut) -> AppServer {
    let serving = Serving::start(listener, app);
    AppServer { addr: serving.addr, _serving: serving, reports, cut }
}

/// Serves a folder of static files as a static host does (`index.html` for unknown paths, the
/// `.br` beside a file for browsers that take brotli), with no headers of its own.
pub fn serve_static(listener: TcpListener, dir: PathBuf) -> Serving {
    let index = dir.join("index.html");
    let files = ServeDir::new(&dir).precompressed_br().fallback(ServeFile::new(index).precompressed_br());
    Serving::start(listener, Router::new().fallback_service(files))
}

/// Writes `<file>.br` (brotli, quality 11) beside every file of `dir` and its folders, as a
/// production host compresses.
pub fn precompress(dir: &std::path::Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            precompress(&path)?;
        } else if path.extension().is_none_or(|e| e != "br") {
            let bytes = std::fs::read(&path)?;
            let mut out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams { quality: 11, ..Default::default() };
            brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(".br");
            std::fs::write(path.with_file_name(name), out)?;
        }
    }
    Ok(())
}
