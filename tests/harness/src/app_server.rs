//! Serves the built app as a static host would: files from `dist/`, `index.html` for every
//! route (the app routes in the browser), and a `config.json` of the caller's.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};

pub struct AppServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl AppServer {
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
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
    let addr = listener.local_addr().expect("bound listener");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = router(dist, config);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    AppServer { addr, stop: Some(stop) }
}
