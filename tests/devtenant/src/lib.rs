//! The local tenant: Entra ID sign-in and the Microsoft Graph endpoints Portier calls, served on
//! two origins of this machine, with their documented behaviour and errors.
//!
//! [`start`] runs both origins in the current Tokio runtime (plain http on the bound addresses);
//! [`start_with`] adds https and public URLs. The `devtenant` binary wraps them.

pub mod clock;
pub mod dev;
pub mod entitlement;
pub mod entra;
pub mod faults;
pub mod graph;
pub mod keys;
pub mod odata;
pub mod origin;
pub mod reviews;
pub mod routes;
pub mod scenario;
pub mod scopes;
pub mod store;
pub mod tls;

use anyhow::Context;
use clock::Clock;
use keys::SigningKey;
use origin::{Origins, Side};
use scenario::Scenario;
use std::collections::BTreeSet;
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
    /// The sign-in origin as browsers reach it when no request says otherwise: its public URL,
    /// else `http(s)://<public host>:<port>`, e.g. `http://localhost:8081`.
    pub signin_origin: String,
    /// The Graph origin, the same way, e.g. `http://localhost:8082`.
    pub graph_origin: String,
    /// What each request's public origin is worked out from.
    pub origins: Origins,
    /// Every `iss` this tenant has written into a token: Graph accepts these.
    issuers: Mutex<BTreeSet<String>>,
    pub faults: faults::Faults,
    pub log: faults::log::RequestLog,
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
    /// `<sign-in origin>/<tenant id>/v2.0`: the `iss` of tokens made for the current request
    /// (its public origin; see [`origin`]).
    pub fn issuer(&self) -> String {
        format!("{}/{}/v2.0", self.signin_url(), self.scenario.tenant.id)
    }

    /// The sign-in origin as the current request sees it.
    pub fn signin_url(&self) -> String {
        self.origins.now(Side::SignIn)
    }

    /// The Graph origin as the current request sees it.
    pub fn graph_url(&self) -> String {
        self.origins.now(Side::Graph)
    }

    /// Notes an issuer written into a token, so that Graph accepts tokens from every public
    /// origin the sign-in side has answered as.
    pub fn note_issuer(&self, issuer: &str) {
        self.issuers.lock().unwrap_or_else(|p| p.into_inner()).insert(issuer.to_string());
    }

    /// Whether `iss` is one this tenant writes.
    pub fn is_own_issuer(&self, iss: &str) -> bool {
        let default = format!("{}/{}/v2.0", self.signin_origin, self.scenario.tenant.id);
        iss == default || self.issuers.lock().unwrap_or_else(|p| p.into_inner()).contains(iss)
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

impl Options {
    /// A tenant on this machine only, on free ports, named `localhost`, in memory: what tests
    /// and tools start beside the app.
    pub fn local(scenario: Scenario) -> Options {
        Options {
            scenario,
            db: ":memory:".into(),
            host: std::net::Ipv4Addr::LOCALHOST.into(),
            signin_port: 0,
            graph_port: 0,
            public_host: "localhost".into(),
            switches: Switches::default(),
            key: None,
        }
    }
}

/// How the two origins are served and named, beyond [`Options`]; the default is plain http,
/// named by the bound addresses.
#[derive(Debug, Clone, Default)]
pub struct Serving {
    /// Serve both origins over https with this certificate.
    pub tls: Option<tls::TlsSource>,
    /// The public origin of each (`--public-url`), for a tenant behind a TLS-terminating proxy.
    pub signin_public_url: Option<String>,
    pub graph_public_url: Option<String>,
}

/// A started tenant. Dropping it does not stop it; call [`Running::shutdown`].
pub struct Running {
    pub tenant: Arc<Tenant>,
    pub signin_addr: SocketAddr,
    pub graph_addr: SocketAddr,
    /// Whether this start seeded the scenario (a new or reset database).
    pub seeded: bool,
    /// The certificate both origins serve, with `--tls` or `--cert`.
    pub tls: Option<tls::Tls>,
    /// Every route each origin serves (for the compatibility table).
    pub routes: Vec<routes::RouteInfo>,
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

/// Opens the database, seeds it if new, binds both origins and serves them over plain http.
pub async fn start(opts: Options) -> anyhow::Result<Running> {
    start_with(opts, Serving::default()).await
}

/// [`start`], served as `serving` says.
pub async fn start_with(opts: Options, serving: Serving) -> anyhow::Result<Running> {
    let signin = bind(opts.host, opts.signin_port, "sign-in").await?;
    let graph = bind(opts.host, opts.graph_port, "Graph").await?;
    let (signin_addr, graph_addr) = (signin.local_addr()?, graph.local_addr()?);
    let origins = Origins {
        signin_bound: bound_origin(&serving, &opts.public_host, signin_addr.port()),
        graph_bound: bound_origin(&serving, &opts.public_host, graph_addr.port()),
        signin_public: public_origin(serving.signin_public_url.as_deref())?,
        graph_public: public_origin(serving.graph_public_url.as_deref())?,
    };
    let tls = match &serving.tls {
        Some(source) => Some(tls::prepare(source, &certificate_hosts(&opts.public_host, &origins))?),
        None => None,
    };

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
        signin_origin: origins.default_of(Side::SignIn),
        graph_origin: origins.default_of(Side::Graph),
        origins,
        issuers: Mutex::new(BTreeSet::new()),
        scenario: opts.scenario,
        store,
        clock,
        key,
        faults: faults::Faults::default(),
        log: faults::log::RequestLog::default(),
        switches: Mutex::new(opts.switches),
    });

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let signin_routes = entra::router(tenant.clone()).merge(dev::router(tenant.clone()));
    let graph_routes = graph::router(tenant.clone());
    let mut routes = signin_routes.list(Side::SignIn);
    routes.extend(graph_routes.list(Side::Graph));
    let config = tls.as_ref().map(|t| t.server_config.clone());
    serve(signin, signin_routes.into_router(), config.clone(), stopped.clone())?;
    serve(graph, graph_routes.into_router(), config, stopped)?;
    Ok(Running { tenant, signin_addr, graph_addr, seeded, tls, routes, stop })
}

/// A configured public URL, checked and reduced to its origin.
fn public_origin(url: Option<&str>) -> anyhow::Result<Option<String>> {
    url.map(origin::parse_public_url).transpose().map_err(anyhow::Error::msg)
}

/// `http(s)://<public host>:<port>`.
fn bound_origin(serving: &Serving, public_host: &str, port: u16) -> String {
    let scheme = if serving.tls.is_some() { "https" } else { "http" };
    format!("{scheme}://{public_host}:{port}")
}

/// The names the server certificate is issued for: this machine's, and the public host's.
fn certificate_hosts(public_host: &str, origins: &Origins) -> Vec<String> {
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
    let public = [origins.signin_public.as_deref(), origins.graph_public.as_deref()];
    let named = public.into_iter().flatten().filter_map(|o| url::Url::parse(o).ok()?.host_str().map(String::from));
    for host in std::iter::once(public_host.to_string()).chain(named) {
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        if !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    hosts
}

/// Serves `router` on `listener`, over https when given a TLS configuration, until `stopped`.
fn serve(
    listener: TcpListener,
    router: axum::Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let app = router.into_make_service_with_connect_info::<SocketAddr>();
    let Some(config) = tls else {
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
                eprintln!("devtenant: server error: {e}");
            }
        });
        return Ok(());
    };
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        let _ = stopped.wait_for(|s| *s).await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(1)));
    });
    let listener = listener.into_std()?;
    let server = axum_server::from_tcp_rustls(listener, axum_server::tls_rustls::RustlsConfig::from_config(config));
    tokio::spawn(async move {
        if let Err(e) = server.handle(handle).serve(app).await {
            eprintln!("devtenant: server error: {e}");
        }
    });
    Ok(())
}
