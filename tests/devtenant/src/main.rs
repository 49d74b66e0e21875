//! `devtenant`: runs the local tenant from a scenario file until Ctrl-C.

use clap::Parser;
use devtenant::scenario::Scenario;
use devtenant::tls::TlsSource;
use devtenant::{Options, Serving, Switches};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// A local stand-in for Entra ID sign-in and the Microsoft Graph endpoints Portier calls.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// The scenario (TOML) that describes the tenant; used to seed a new database.
    #[arg(long, value_name = "FILE")]
    scenario: String,
    /// The SQLite database that keeps the tenant's state across restarts (`:memory:` keeps nothing).
    #[arg(long, value_name = "PATH")]
    db: String,
    /// Port of the sign-in origin (Entra ID's part).
    #[arg(long, default_value_t = 8081)]
    signin_port: u16,
    /// Port of the Graph origin.
    #[arg(long, default_value_t = 8082)]
    graph_port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Host name that browsers use for both origins (it appears in issuer and endpoint URLs).
    #[arg(long, default_value = "localhost")]
    public_host: String,
    /// Send `Cross-Origin-Opener-Policy: same-origin` on the sign-in pages (popups lose their opener).
    #[arg(long)]
    coop: bool,
    /// Serve both origins over https with a certificate from a local CA kept in the data directory.
    #[arg(long, conflicts_with_all = ["cert", "key"])]
    tls: bool,
    /// Serve https with this certificate (PEM, the chain) instead of the local CA's.
    #[arg(long, value_name = "FILE", requires = "key")]
    cert: Option<PathBuf>,
    /// The private key (PEM) of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Option<PathBuf>,
    /// Where the local CA is kept (default: beside --db; a temporary one per run with `:memory:`).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The sign-in origin as browsers reach it through a proxy, e.g. https://login.example.
    #[arg(long, value_name = "URL")]
    signin_public_url: Option<String>,
    /// The Graph origin as browsers reach it through a proxy, e.g. https://graph.example.
    #[arg(long, value_name = "URL")]
    graph_public_url: Option<String>,
    /// Seed of the faults' draws (failure rates, statuses, latency); random when left out.
    #[arg(long, value_name = "N")]
    fault_seed: Option<u64>,
}

/// Where the local CA lives: `--data-dir`, else beside the database; with `:memory:`, a
/// directory of this run only (a new CA every run).
fn data_dir(cli: &Cli) -> PathBuf {
    if let Some(dir) = &cli.data_dir {
        return dir.clone();
    }
    if cli.db == ":memory:" {
        return std::env::temp_dir().join(format!("devtenant-{}", std::process::id()));
    }
    let parent = std::path::Path::new(&cli.db).parent().map(PathBuf::from).unwrap_or_default();
    if parent.as_os_str().is_empty() { PathBuf::from(".") } else { parent }
}

fn tls_source(cli: &Cli) -> Option<TlsSource> {
    match (&cli.cert, &cli.key) {
        (Some(cert), Some(key)) => Some(TlsSource::Files { cert: cert.clone(), key: key.clone() }),
        _ if cli.tls => Some(TlsSource::LocalCa { dir: data_dir(cli) }),
        _ => None,
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("devtenant: {message}");
    ExitCode::FAILURE
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default().trim_start_matches("error: ");
            eprintln!("devtenant: {first} (see --help)");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(&cli.scenario) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read scenario '{}': {e}", cli.scenario)),
    };
    let scenario = match Scenario::parse(&text, &cli.scenario) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let accounts: Vec<(String, String, String, String)> = scenario
        .users
        .iter()
        .map(|u| u.get_ref())
        .map(|u| {
            let sign_in = if u.user_type == devtenant::scenario::UserType::Guest {
                u.mail.clone().unwrap_or(u.user_principal_name.clone())
            } else {
                u.user_principal_name.clone()
            };
            (sign_in, u.user_type.as_str().to_string(), u.display_name.clone(), u.password.clone().unwrap_or_default())
        })
        .collect();
    let tenant_id = scenario.tenant.id.clone();
    let serving = Serving {
        tls: tls_source(&cli),
        signin_public_url: cli.signin_public_url.clone(),
        graph_public_url: cli.graph_public_url.clone(),
    };
    let opts = Options {
        scenario,
        db: cli.db.clone(),
        host: cli.host,
        signin_port: cli.signin_port,
        graph_port: cli.graph_port,
        public_host: cli.public_host,
        switches: Switches { coop: cli.coop },
        key: None,
    };
    let running = match devtenant::start_with(opts, serving).await {
        Ok(r) => r,
        Err(e) => return fail(format!("{e:#}")),
    };
    if let Some(seed) = cli.fault_seed {
        running.tenant.faults.reseed(seed);
    }
    let t = &running.tenant;
    println!("Local tenant {} ({tenant_id}) is running.", t.scenario.tenant.display_name);
    println!("  sign-in (authority): {}/{tenant_id}", t.signin_origin);
    println!("  discovery:           {}/{tenant_id}/v2.0/.well-known/openid-configuration", t.signin_origin);
    println!("  Graph:               {}/v1.0", t.graph_origin);
    println!("  outbox:              {}/_dev/outbox.html", t.signin_origin);
    println!(
        "  database:            {} ({})",
        cli.db,
        if running.seeded { "seeded from the scenario" } else { "state kept from before" }
    );
    for line in running.tls.iter().flat_map(|tls| tls.how_to_trust()) {
        println!("{line}");
    }
    println!("  fault seed:          {}", t.faults.seed());
    println!("Accounts:");
    for (name, kind, display, password) in &accounts {
        println!("  {name:<28} {kind:<7} {display:<20} {password}");
    }
    println!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    running.shutdown();
    println!("Stopped.");
    ExitCode::SUCCESS
}
