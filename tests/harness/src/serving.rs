//! A harness server on an already bound listener: serves a router until it is dropped.

use axum::Router;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// A running server; dropping it stops it.
pub struct Serving {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Serving {
    /// Starts serving `app` on `listener` (within a Tokio runtime).
    pub fn start(listener: TcpListener, app: Router) -> Serving {
        let addr = listener.local_addr().expect("bound listener");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Serving { addr, stop: Some(stop) }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}
