//! The built app for tests and benchmarks: `PORTIER_DIST` when the caller built it already,
//! else a release build of our own in `target/e2e-dist`, redone only when a source changed, one
//! builder at a time across test processes. Every build is split by route (see [`crate::split`]).

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

/// Builds the app in release into `out`: Trunk for the page, styles and public files, the styles
/// joined into one file, the split step for the module (a first module and one chunk per route),
/// then the loader's tags and the header files its host needs.
pub fn build(out: &Path) -> Result<()> {
    crate::tools::ensure_build_tools()?;
    let root = crate::repo_root();
    // Trunk reads a copy of the page whose Rust link it skips; the copy lies two folders down.
    let page_dir = root.join("target/split-page");
    std::fs::create_dir_all(&page_dir)?;
    let index = std::fs::read_to_string(root.join("index.html")).context("reading index.html")?;
    std::fs::write(page_dir.join("index.html"), crate::split::trunk_page(&index, "../../"))?;
    let _ = std::fs::remove_dir_all(out);
    let status = Command::new("trunk")
        .args(["build", "--release", "--offline", "--dist"])
        .arg(out)
        .arg(page_dir.join("index.html"))
        .current_dir(&root)
        .env("PATH", crate::tools::path_with_tools())
        .status()
        .context("cannot run trunk")?;
    if !status.success() {
        bail!("trunk build failed");
    }
    crate::styles::bundle(out)?;
    let module = crate::split::build(out)?;
    let trunk_toml = std::fs::read_to_string(root.join("Trunk.toml")).context("reading Trunk.toml")?;
    let tags = crate::split::head_tags(&module, &crate::split::pattern_script(&trunk_toml)?);
    let page = std::fs::read_to_string(out.join("index.html")).context("reading the built index.html")?;
    // Where Trunk would have put them: in place of the (skipped) Rust link, which it leaves.
    let at = page.find("<link data-trunk rel=\"rust\"").context("the built index.html has no Rust link")?;
    let end = at + page[at..].find('>').context("the Rust link does not end")? + 1;
    std::fs::write(out.join("index.html"), format!("{}{tags}{}", &page[..at], &page[end..]))?;
    write_embed_file_names(out)?;
    crate::policy::write_deploy_files(out)
}

/// The marker of the line in `portier-embed.js` that names the build's files.
const FILES_MARKER: &str = "// portier:files";

/// The value of the first `name="…"` attribute in `html` (a tag, or a whole page).
pub fn attribute(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("{name}=\""))? + name.len() + 2;
    Some(html[start..].split('"').next()?.to_string())
}

/// Writes the build's (hashed) file names into `portier-embed.js`, read from `index.html`: the
/// module and WebAssembly the loader starts, and the stylesheets.
pub fn write_embed_file_names(dist: &Path) -> Result<()> {
    let index = std::fs::read_to_string(dist.join("index.html")).context("reading index.html")?;
    let tags: Vec<&str> = index.split('<').collect();
    let loader = tags.iter().find(|t| t.starts_with("script") && t.contains("data-js=")).context("no loader script")?;
    let js = attribute(loader, "data-js").context("the loader names no module")?;
    let wasm = attribute(loader, "data-wasm").context("the loader names no WebAssembly")?;
    let css: Vec<String> = tags
        .iter()
        .filter(|t| t.starts_with("link") && t.contains("rel=\"stylesheet\""))
        .filter_map(|t| attribute(t, "href"))
        .collect();
    let path = dist.join("portier-embed.js");
    let script = std::fs::read_to_string(&path).context("reading portier-embed.js")?;
    let files = serde_json::json!({ "js": js, "wasm": wasm, "css": css });
    let mut found = false;
    let lines: Vec<String> = script
        .lines()
        .map(|line| {
            if line.trim_end().ends_with(FILES_MARKER) {
                found = true;
                format!("  var FILES = {files}; {FILES_MARKER}")
            } else {
                line.to_string()
            }
        })
        .collect();
    if !found {
        bail!("portier-embed.js has no line ending in {FILES_MARKER}");
    }
    std::fs::write(&path, lines.join("\n") + "\n")?;
    Ok(())
}

fn newest(path: &Path) -> SystemTime {
    let Ok(meta) = std::fs::metadata(path) else { return SystemTime::UNIX_EPOCH };
    if !meta.is_dir() {
        return meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    }
    let entries = std::fs::read_dir(path).into_iter().flatten().flatten();
    entries.map(|e| newest(&e.path())).max().unwrap_or(SystemTime::UNIX_EPOCH)
}

/// Builds into `out` unless it is already newer than every source.
pub fn ensure_built(out: &Path) -> Result<()> {
    if stale(out) { build(out) } else { Ok(()) }
}

/// Whether `out` is older than any of the app's sources.
fn stale(out: &Path) -> bool {
    let root = crate::repo_root();
    let built = std::fs::metadata(out.join("index.html")).and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH);
    let sources = [
        "src",
        "style",
        "public",
        "index.html",
        "Trunk.toml",
        "Cargo.toml",
        "Cargo.lock",
        // The build steps of our own, after cargo's.
        "tests/harness/src/split.rs",
        "tests/harness/src/split_fetch.js",
        "tests/harness/src/imports.rs",
        "tests/harness/src/minify.rs",
        "tests/harness/src/styles.rs",
    ];
    sources.iter().map(|s| newest(&root.join(s))).max().unwrap_or(SystemTime::UNIX_EPOCH) > built
}

/// The app's `dist` folder, built if need be.
pub fn dist() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("PORTIER_DIST") {
        return Ok(PathBuf::from(d));
    }
    static DIST: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIST.get_or_init(|| fresh_build().map_err(|e| format!("{e:#}"))).clone().map_err(anyhow::Error::msg)
}

fn fresh_build() -> Result<PathBuf> {
    let target = crate::repo_root().join("target");
    let out = target.join("e2e-dist");
    let lock = target.join("e2e-dist.lock");
    std::fs::create_dir_all(&target)?;
    let started = SystemTime::now();
    // One builder at a time; a lock older than 30 minutes is left from a crash.
    loop {
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&lock) {
            Ok(_) => break,
            Err(_) => {
                let age = std::fs::metadata(&lock).and_then(|m| m.modified()).ok().and_then(|m| m.elapsed().ok());
                if age.is_some_and(|a| a > Duration::from_secs(1800)) {
                    let _ = std::fs::remove_file(&lock);
                }
                if started.elapsed().unwrap_or_default() > Duration::from_secs(1800) {
                    bail!("waited 30 minutes for another build of the app");
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    }
    let result = if stale(&out) { build(&out) } else { Ok(()) };
    let _ = std::fs::remove_file(&lock);
    result.map(|_| out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_element_script_learns_the_builds_file_names() {
        let dir = std::env::temp_dir().join(format!("portier-embed-names-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.html"),
            r#"<head><link rel="stylesheet" href="/main-1.css" integrity="x"/><link rel="modulepreload" href="/p-2.js">
               <script src="/loader.js" data-js="/p-2.js" data-wasm="/p-2_bg.wasm" defer></script></head>"#,
        )
        .unwrap();
        let source = crate::repo_root().join("public/portier-embed.js");
        std::fs::copy(source, dir.join("portier-embed.js")).unwrap();
        super::write_embed_file_names(&dir).unwrap();
        let script = std::fs::read_to_string(dir.join("portier-embed.js")).unwrap();
        assert!(
            script.contains(
                r#"var FILES = {"js":"/p-2.js","wasm":"/p-2_bg.wasm","css":["/main-1.css"]}; // portier:files"#
            ),
            "{script}"
        );
        std::fs::write(dir.join("portier-embed.js"), "nothing here").unwrap();
        assert!(super::write_embed_file_names(&dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
