//! A headless Chromium for each test, driven over WebDriver (Debian's chromedriver, its own
//! process group, so nothing outlives the test).

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Chromium's flags for this machine: headless, and no attempts to reach the internet.
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
];

pub struct Browser {
    pub client: Client,
    driver: Child,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl Browser {
    /// Starts chromedriver and a browser session; `extra_args` add Chromium flags.
    pub async fn start(extra_args: &[&str]) -> Result<Browser> {
        Self::start_with_prefs(extra_args, serde_json::json!({})).await
    }

    /// [`Browser::start`] with Chromium profile preferences (`goog:chromeOptions.prefs`), e.g.
    /// `{"profile.cookie_controls_mode": 0}` to allow third-party cookies.
    pub async fn start_with_prefs(extra_args: &[&str], prefs: serde_json::Value) -> Result<Browser> {
        crate::tools::ensure_browser()?;
        let port = free_port();
        let mut cmd = Command::new(crate::tools::CHROMEDRIVER);
        cmd.arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null());
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let driver = cmd.spawn().context("cannot start chromedriver")?;
        let url = format!("http://127.0.0.1:{port}");
        let mut args: Vec<&str> = CHROMIUM_ARGS.to_vec();
        args.extend_from_slice(extra_args);
        let caps = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": crate::tools::CHROMIUM, "args": args, "prefs": prefs },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let serde_json::Value::Object(caps) = caps else { unreachable!() };
        let mut browser = Browser { client: connect_retrying(&url, caps).await?, driver };
        browser.driver.try_wait().ok();
        Ok(browser)
    }

    /// Ends the session and the browser.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

async fn connect_retrying(url: &str, caps: serde_json::Map<String, serde_json::Value>) -> Result<Client> {
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    for _ in 0..100 {
        match ClientBuilder::new(connector.clone()).capabilities(caps.clone()).connect(url).await {
            Ok(c) => return Ok(c),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    bail!("chromedriver did not start at {url}")
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group: chromedriver and the Chromium it started.
        let _ = Command::new("kill").args(["-TERM", "--", &format!("-{}", self.driver.id())]).status();
        let _ = self.driver.wait();
    }
}
