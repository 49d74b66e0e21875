//! The tools a fresh machine lacks, installed on first use: the wasm target, Trunk, the
//! wasm-bindgen CLI at exactly the `Cargo.lock` version, binaryen's wasm-opt from npm (Debian's
//! is too old and breaks the module), and Debian's Chromium with its driver.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const BINARYEN_VERSION: &str = "132";

/// Where npm-installed tools live, shared by every clone on this machine.
pub fn tools_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).unwrap_or_else(|| home().join(".cache"));
    base.join("portier/tools")
}

fn home() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/root"))
}

/// `PATH` with the installed tools first.
pub fn path_with_tools() -> String {
    let mut parts = vec![tools_dir().join("node_modules/.bin"), home().join(".cargo/bin")];
    parts.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    std::env::join_paths(parts).expect("PATH").to_string_lossy().into_owned()
}

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).env("PATH", path_with_tools()).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn run(what: &str, cmd: &str, args: &[&str]) -> Result<()> {
    eprintln!("xtask: installing {what}: {cmd} {}", args.join(" "));
    let status = Command::new(cmd)
        .args(args)
        .env("PATH", path_with_tools())
        .status()
        .with_context(|| format!("cannot run {cmd}"))?;
    if !status.success() {
        bail!("installing {what} failed ({cmd} {})", args.join(" "));
    }
    Ok(())
}

/// The wasm-bindgen version the lock file pins (the CLI must match it exactly).
pub fn wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(crate::repo_root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            let v = lines.next().unwrap_or_default();
            return Ok(v.trim_start_matches("version = \"").trim_end_matches('"').to_string());
        }
    }
    bail!("Cargo.lock names no wasm-bindgen")
}

/// Everything needed to build the app.
pub fn ensure_build_tools() -> Result<()> {
    let targets = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !targets.lines().any(|t| t.trim() == "wasm32-unknown-unknown") {
        run("the wasm32 target", "rustup", &["target", "add", "wasm32-unknown-unknown"])?;
    }
    if !output("trunk", &["--version"]).is_some_and(|v| v.contains(TRUNK_VERSION)) {
        run("Trunk", "cargo", &["install", "trunk", "--version", TRUNK_VERSION, "--locked"])?;
    }
    let wb = wasm_bindgen_version()?;
    if !output("wasm-bindgen", &["--version"]).is_some_and(|v| v.trim().ends_with(&wb)) {
        // Not --locked: its lock file names a webpki-roots release the registry does not serve.
        run("wasm-bindgen-cli", "cargo", &["install", "wasm-bindgen-cli", "--version", &wb, "--force"])?;
    }
    let wasm_opt = tools_dir().join("node_modules/.bin/wasm-opt");
    let has = output(wasm_opt.to_str().unwrap_or_default(), &["--version"])
        .is_some_and(|v| v.contains(&format!("version {BINARYEN_VERSION}")));
    if !has {
        std::fs::create_dir_all(tools_dir())?;
        let dir = tools_dir();
        run(
            "binaryen (wasm-opt)",
            "npm",
            &[
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                dir.to_str().unwrap_or_default(),
                &format!("binaryen@{BINARYEN_VERSION}"),
            ],
        )?;
    }
    Ok(())
}

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Debian's Chromium and ChromeDriver (never a test tool's own browser download).
pub fn ensure_browser() -> Result<()> {
    if std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    let apt = |args: &[&str]| run("Chromium", "apt-get", args);
    apt(&["update", "-qq"])?;
    apt(&["install", "-y", "-qq", "chromium", "chromium-driver"])
        .context("installing Chromium needs root (apt-get)")?;
    Ok(())
}

/// npm packages the interop tests drive, installed (pinned) once into the tools folder.
pub fn ensure_npm_package(spec: &str) -> Result<PathBuf> {
    let name = spec.rsplit_once('@').map(|(n, _)| n).filter(|n| !n.is_empty()).unwrap_or(spec);
    let dir = tools_dir();
    let installed = dir.join("node_modules").join(name).join("package.json");
    let version = spec.rsplit_once('@').map(|(_, v)| v).unwrap_or_default();
    let current =
        std::fs::read_to_string(&installed).ok().and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    if current.as_ref().and_then(|v| v["version"].as_str()) != Some(version) {
        std::fs::create_dir_all(&dir)?;
        run(spec, "npm", &["install", "--no-audit", "--no-fund", "--prefix", dir.to_str().unwrap_or_default(), spec])?;
    }
    Ok(dir.join("node_modules"))
}

/// Microsoft's MSAL.js, pinned: what the interop tests and the intranet's own sign-in run.
pub const MSAL_BROWSER: &str = "@azure/msal-browser@5.30.0";

/// The `lib` folder of the pinned MSAL.js (its browser bundle and redirect bridge), installed
/// on first use; one npm at a time in this process.
pub fn msal_browser_lib() -> Result<PathBuf> {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_npm_at_a_time = INSTALL.lock().unwrap_or_else(|p| p.into_inner());
    Ok(ensure_npm_package(MSAL_BROWSER)?.join("@azure/msal-browser/lib"))
}
