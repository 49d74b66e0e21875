//! The checks `cargo xtask test` runs before any test: the format (rustfmt, and leptosfmt for the
//! `view!` blocks rustfmt leaves alone) and clippy on the app as the browser builds it, where
//! `clippy.toml` keeps storage and DOM queries to their one module each.

use anyhow::{Result, bail};
use std::process::Command;

/// leptosfmt, pinned like the other tools; installed on first use.
const LEPTOSFMT_VERSION: &str = "0.1.33";

pub fn run() -> Result<()> {
    ensure_leptosfmt()?;
    step("rustfmt", Command::new(env!("CARGO")).args(["fmt", "--all", "--check"]))?;
    step("leptosfmt", Command::new("leptosfmt").args(["--check", "--quiet", "src"]))?;
    let clippy =
        ["clippy", "-p", "portier", "--target", "wasm32-unknown-unknown", "--all-targets", "--", "-D", "warnings"];
    step("clippy", Command::new(env!("CARGO")).args(clippy))
}

fn step(what: &str, cmd: &mut Command) -> Result<()> {
    let status = cmd.current_dir(harness::repo_root()).env("PATH", harness::tools::path_with_tools()).status()?;
    if !status.success() {
        let fix = match what {
            "rustfmt" => "cargo fmt --all",
            "leptosfmt" => "cargo fmt --all && leptosfmt src",
            _ => "see the warnings above",
        };
        bail!("{what} found problems (to fix: {fix})");
    }
    Ok(())
}

fn ensure_leptosfmt() -> Result<()> {
    let installed = Command::new("leptosfmt")
        .arg("--version")
        .env("PATH", harness::tools::path_with_tools())
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(LEPTOSFMT_VERSION));
    if installed {
        return Ok(());
    }
    eprintln!("xtask: installing leptosfmt {LEPTOSFMT_VERSION} (cargo install, a few minutes, once)");
    let status = Command::new(env!("CARGO"))
        .args(["install", "leptosfmt", "--version", LEPTOSFMT_VERSION, "--locked"])
        .status()?;
    if !status.success() {
        bail!("installing leptosfmt failed");
    }
    Ok(())
}
