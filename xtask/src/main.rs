//! `cargo xtask`: the project's commands, so that a fresh machine needs nothing but cargo.
//!
//! - `demo`: the whole product on the local tenant, on http://localhost:8080.
//! - `test`: the format and lint checks, then every test tier (native, in-browser, end to end).
//! - `bench`: bundle sizes, the first module by crate, Portier beside the React peer (`bench
//!   first`: only the first page side by side, and its timeline).
//! - `build`: the app, in release, into `dist/`.
//! - `screenshots`: the README's pictures of the demo, into `docs/screenshots/`.

mod bench;
mod checks;
mod demo;
mod journeys;
#[cfg(test)]
mod layers;
mod screenshots;
mod side;
mod weigh;

use anyhow::{Result, bail};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo::run(),
        Some("test") => test(&args[1..]),
        Some("bench") => bench::run(args.get(1).map(String::as_str) == Some("first")),
        Some("build") => build(),
        Some("screenshots") => screenshots::run(),
        _ => {
            eprintln!("usage: cargo xtask <demo | test | bench | build | screenshots>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn build() -> Result<()> {
    harness::dist::build(&harness::repo_root().join("dist"))
}

fn cargo(args: &[&str], envs: &[(&str, String)]) -> Result<()> {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(args).current_dir(harness::repo_root()).env("PATH", harness::tools::path_with_tools());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    if !cmd.status()?.success() {
        bail!("cargo {} failed", args.join(" "));
    }
    Ok(())
}

/// Every tier, with cargo's usual summary lines; stops at the first tier that fails.
fn test(extra: &[String]) -> Result<()> {
    harness::tools::ensure_build_tools()?;
    // Format and lints first: seconds, where a test run takes minutes.
    checks::run()?;
    harness::tools::ensure_browser()?;
    let dist = harness::repo_root().join("target/e2e-dist");
    harness::dist::ensure_built(&dist)?;
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    // Native: the app's logic, the local tenant, the harness.
    cargo(&[&["test", "--no-fail-fast", "--workspace", "--exclude", "portier-e2e"][..], &extra].concat(), &[])?;
    // In the browser: wasm-bindgen-test in headless Chromium. Its chromedriver makes the
    // browser's profile in the temporary folder and keeps it (~100 MB a run): ours, removed here.
    let scratch = tempfile::Builder::new().prefix("portier-in-browser-").tempdir()?;
    let runner = [
        ("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner".to_string()),
        ("CHROMEDRIVER", harness::tools::CHROMEDRIVER.to_string()),
        ("WASM_BINDGEN_TEST_TIMEOUT", "120".to_string()),
        ("TMPDIR", scratch.path().display().to_string()),
    ];
    cargo(&["test", "-p", "portier", "--target", "wasm32-unknown-unknown"], &runner)?;
    // End to end, against the build made above.
    cargo(
        &[&["test", "--no-fail-fast", "-p", "portier-e2e"][..], &extra].concat(),
        &[("PORTIER_DIST", dist.display().to_string())],
    )?;
    Ok(())
}
