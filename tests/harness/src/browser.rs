//! A headless Chromium for each test, driven over WebDriver (Debian's chromedriver, its own
//! process group, and a profile folder of its own, so nothing outlives the test).

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
    /// The browser's profile and the temporary folder of chromedriver and Chromium, ours:
    /// chromedriver deletes its own only when the session ends cleanly, and a test that fails or
    /// is killed left ~100 MB behind each time. Dropped after the browser (fields drop after
    /// `Drop::drop`), so removed once it is gone.
    scratch: tempfile::TempDir,
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
        let scratch =
            tempfile::Builder::new().prefix("portier-chromium-").tempdir().context("cannot make a temporary folder")?;
        let temp = scratch.path().join("tmp");
        std::fs::create_dir(&temp).context("cannot make a temporary folder")?;
        let mut cmd = Command::new(crate::tools::CHROMEDRIVER);
        cmd.arg(format!("--port={port}")).env("TMPDIR", &temp).stdout(Stdio::null()).stderr(Stdio::null());
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let driver = cmd.spawn().context("cannot start chromedriver")?;
        let url = format!("http://127.0.0.1:{port}");
        let profile_arg = format!("--user-data-dir={}", scratch.path().join("profile").display());
        let mut args: Vec<&str> = CHROMIUM_ARGS.to_vec();
        args.extend_from_slice(extra_args);
        args.push(&profile_arg);
        let caps = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": crate::tools::CHROMIUM, "args": args, "prefs": prefs },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let serde_json::Value::Object(caps) = caps else { unreachable!() };
        let mut browser = Browser { client: connect_retrying(&url, caps).await?, driver, scratch };
        browser.driver.try_wait().ok();
        Ok(browser)
    }

    /// The browser's profile and temporary folders, removed when the browser is dropped.
    pub fn scratch(&self) -> &std::path::Path {
        self.scratch.path()
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
        // The whole group: chromedriver and the Chromium it started. Waits until the group is
        // gone (killed outright after two seconds), so the profile is removed after Chromium's
        // last write to it.
        let group = format!("-{}", self.driver.id());
        let signal = |s: &str| Command::new("kill").args([s, "--", &group]).stderr(Stdio::null()).status();
        let _ = signal("-TERM");
        for _ in 0..40 {
            // chromedriver is our child: reaped here, or its zombie would keep the group alive.
            let _ = self.driver.try_wait();
            if !signal("-0").is_ok_and(|s| s.success()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = signal("-KILL");
        let _ = self.driver.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_browser_keeps_its_profile_and_temporary_files_in_one_folder_removed_with_it() {
        let browser = Browser::start(&[]).await.unwrap();
        let scratch = browser.scratch().to_path_buf();
        // Chromium writes this file into the profile it was given once it listens.
        assert!(scratch.join("profile/DevToolsActivePort").exists(), "Chromium did not use {}", scratch.display());
        // chromedriver's own temporary folder, which it removes only on a clean session end.
        assert!(std::fs::read_dir(scratch.join("tmp")).unwrap().next().is_some(), "chromedriver wrote nothing there");
        drop(browser);
        assert!(!scratch.exists(), "{} outlived the browser", scratch.display());
    }
}
