//! The tools a fresh machine lacks, installed on first use: the wasm target, Trunk, the
//! wasm-bindgen CLI at exactly the `Cargo.lock` version, the split step's CLI, binaryen's wasm-opt from npm (Debian's
//! is too old and breaks the module), and Debian's Chromium with its driver.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const BINARYEN_VERSION: &str = "132";
/// The split step's CLI; 0.2.4 reads wasm-bindgen 0.2.128+'s describe symbol and matches the
/// `wasm_split_helpers` 0.2.3 that Leptos locks.
pub const WASM_SPLIT_VERSION: &str = "0.2.4";

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
    // The CLI has no --version: cargo's list of what it installed says which.
    let split = format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}:");
    if !output("cargo", &["install", "--list"]).is_some_and(|l| l.lines().any(|l| l == split)) {
        let args = ["install", "wasm_split_cli_support", "--version", WASM_SPLIT_VERSION, "--features", "build-binary"];
        run("wasm-split-cli", "cargo", &args)?;
    }
    let wasm_opt = tools_dir().join("node_modules/.bin/wasm-opt");
    let has = output(wasm_opt.to_str().unwrap_or_default(), &["--version"])
        .is_some_and(|v| v.contains(&format!("version {BINARYEN_VERSION}")));
    if !has {
        let _one = one_npm_at_a_time();
        npm_install(&tools_dir(), &format!("binaryen@{BINARYEN_VERSION}"))?;
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

/// Two npm installs into one folder undo each other's work (each rewrites `node_modules` from its
/// own reading of `package.json`), and tests running side by side ask for packages at once.
fn one_npm_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static NPM: std::sync::Mutex<()> = std::sync::Mutex::new(());
    NPM.lock().unwrap_or_else(|p| p.into_inner())
}

fn npm_install(dir: &Path, spec: &str) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    run(spec, "npm", &["install", "--no-audit", "--no-fund", "--prefix", dir.to_str().unwrap_or_default(), spec])
}

/// npm packages the tests drive, installed (pinned) once into the tools folder.
pub fn ensure_npm_package(spec: &str) -> Result<PathBuf> {
    ensure_npm_package_in(&tools_dir(), spec, npm_install)
}

/// [`ensure_npm_package`] into `dir`, installing with `install` (tests give their own): the
/// version check and the install happen under one lock, so a package is installed once.
fn ensure_npm_package_in(dir: &Path, spec: &str, install: impl FnOnce(&Path, &str) -> Result<()>) -> Result<PathBuf> {
    let name = spec.rsplit_once('@').map(|(n, _)| n).filter(|n| !n.is_empty()).unwrap_or(spec);
    let version = spec.rsplit_once('@').map(|(_, v)| v).unwrap_or_default();
    let installed = dir.join("node_modules").join(name).join("package.json");
    let _one = one_npm_at_a_time();
    let current =
        std::fs::read_to_string(&installed).ok().and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    if current.as_ref().and_then(|v| v["version"].as_str()) != Some(version) {
        install(dir, spec)?;
    }
    Ok(dir.join("node_modules"))
}

/// Microsoft's MSAL.js, pinned: what the interop tests and the intranet's own sign-in run.
pub const MSAL_BROWSER: &str = "@azure/msal-browser@5.30.0";

/// The `lib` folder of the pinned MSAL.js (its browser bundle and redirect bridge), installed
/// on first use.
pub fn msal_browser_lib() -> Result<PathBuf> {
    Ok(ensure_npm_package(MSAL_BROWSER)?.join("@azure/msal-browser/lib"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn packages_asked_for_at_once_are_installed_once_and_one_at_a_time() {
        let dir = std::env::temp_dir().join(format!("portier-npm-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (running, most, installs) = (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
        let fake_npm = |dir: &Path, spec: &str| -> Result<()> {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            installs.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(50));
            let (name, version) = spec.rsplit_once('@').unwrap();
            let folder = dir.join("node_modules").join(name);
            std::fs::create_dir_all(&folder)?;
            std::fs::write(folder.join("package.json"), format!(r#"{{"version": "{version}"}}"#))?;
            running.fetch_sub(1, Ordering::SeqCst);
            Ok(())
        };
        std::thread::scope(|s| {
            for spec in ["axe-core@4.14.1", "axe-core@4.14.1", "@azure/msal-browser@5.30.0", "axe-core@4.14.1"] {
                s.spawn(|| ensure_npm_package_in(&dir, spec, fake_npm).unwrap());
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 1, "two installs ran at once");
        assert_eq!(installs.load(Ordering::SeqCst), 2, "one install per package");
        ensure_npm_package_in(&dir, "axe-core@4.15.0", fake_npm).unwrap();
        assert_eq!(installs.load(Ordering::SeqCst), 3, "another version is installed");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
