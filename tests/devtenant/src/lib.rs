//! The local tenant: Entra ID sign-in and the Microsoft Graph endpoints Portier calls, served on
//! two origins of this machine, with their documented behaviour and errors.
//!
//! [`start`] runs both origins in the current Tokio runtime; the `devtenant` binary wraps it.

pub mod clock;
pub mod dev;
pub mod entitlement;
pub mod entra;
pub mod faults;
pub mod graph;
pub mod keys;
pub mod odata;
pub mod scenario;
pub mod scopes;
pub mod store;

use anyhow::Context;
use clock::Clock;
use keys::SigningKey;
use scenario::Scenario;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use store::Store;
use tokio::net::TcpListener;

/// Everything the handlers share.
pub struct Tenant {
    pub scenario: Scenario,
    pub store: Store,
    pub clock: Clock,
    pub key: SigningKey,
    /// The sign-in origin as browsers reach it, e.g. `http://localhost:8081`.
    pub signin_origin: String,
    /// The Graph origin as browsers reach it, e.g. `http://localhost:8082`.
    pub graph_origin: String,
    pub faults: faults::Faults,
    pub switches: Mutex<Switches>,
}

/// Behaviour a test may switch at run time through `/_dev/switches`.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Switches {
    /// Send `Cross-Origin-Opener-Policy: same-origin` on the sign-in pages, as Entra will for new
    /// apps: a popup then loses its opener.
    #[serde(default)]
    pub coop: bool,
}

impl Tenant {
    /// `<sign-in origin>/<tenant id>/v2.0`: the `iss` of every token.
    pub fn issuer(&self) -> String {
        format!("{}/{}/v2.0", self.signin_origin, self.scenario.tenant.id)
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    pub fn switches(&self) -> Switches {
        self.switches.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// How to run a tenant.
pub struct Options {
    pub scenario: Scenario,
    /// A SQLite path, or `:memory:`.
    pub db: String,
    pub host: IpAddr,
    /// Ports for the two origins; 0 picks a free one.
    pub signin_port: u16,
    pub graph_port: u16,
    /// The host name that browsers use in URLs (`localhost`).
    pub public_host: String,
    pub switches: Switches,
    /// A signing key to use instead of the stored (or a new) one; tests share one to save time.
    pub key: Option<SigningKey>,
}

/// A started tenant. Dropping it does not stop it; call [`Running::shutdown`].
pub struct Running {
    pub tenant: Arc<Tenant>,
    pub signin_addr: SocketAddr,
    pub graph_addr: SocketAddr,
    /// Whether this start seeded the scenario (a new or reset database).
    pub seeded: bool,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Running {
    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }
}

async fn bind(host: IpAddr, port: u16, what: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind((host, port))
        .await
        .with_context(|| format!("cannot listen on {host}:{port} for the {what} origin (is the port in use?)"))
}

/// Opens the database, seeds it if new, binds both origins and serves them.
pub async fn start(opts: Options) -> anyhow::Result<Running> {
    let signin = bind(opts.host, opts.signin_port, "sign-in").await?;
    let graph = bind(opts.host, opts.graph_port, "Graph").await?;
    let (signin_addr, graph_addr) = (signin.local_addr()?, graph.local_addr()?);

    let store = Store::open(&opts.db)?;
    let key = match (opts.key, store.meta("signing_key")) {
        (Some(k), _) => k,
        (None, Some(pem)) => SigningKey::from_pem(&pem).context("the stored signing key is unreadable")?,
        (None, None) => SigningKey::generate(),
    };
    store.set_meta("signing_key", key.pem());
    let offset = store.meta("clock_offset").and_then(|v| v.parse().ok()).unwrap_or(0);
    let clock = Clock::with_offset(offset);
    let seeded = store.seed_if_empty(&opts.scenario, clock.now())?;

    let tenant = Arc::new(Tenant {
        signin_origin: format!("http://{}:{}", opts.public_host, signin_addr.port()),
        graph_origin: format!("http://{}:{}", opts.public_host, graph_addr.port()),
        scenario: opts.scenario,
        store,
        clock,
        key,
        faults: faults::Faults::default(),
        switches: Mutex::new(opts.switches),
    });

    let (stop, stopped) = tokio::sync::watch::channel(false);
    serve(signin, entra::router(tenant.clone()).merge(dev::router(tenant.clone())), stopped.clone());
    serve(graph, graph::router(tenant.clone()), stopped);
    Ok(Running { tenant, signin_addr, graph_addr, seeded, stop })
}

fn serve(listener: TcpListener, router: axum::Router, mut stopped: tokio::sync::watch::Receiver<bool>) {
    let app = router.into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
            eprintln!("devtenant: server error: {e}");
        }
    });
}
