//! JavaScript minified as production bundlers minify it (with oxc, the minifier of Rolldown and
//! Vite): the glue wasm-bindgen writes and the split step's chunk loader are sent on every first
//! visit, and as written they are half comments, whitespace and long local names.

use anyhow::{Result, bail};
use oxc_allocator::Allocator;
use oxc_codegen::{Codegen, CodegenOptions};
use oxc_minifier::{Minifier, MinifierOptions};
use oxc_parser::Parser;
use oxc_span::SourceType;

/// `source` (an ES module) minified: compressed, local names shortened, exports and imports kept.
pub fn module(name: &str, source: &str) -> Result<String> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::mjs()).parse();
    if parsed.panicked || !parsed.diagnostics.is_empty() {
        let first = parsed.diagnostics.first().map(|d| d.to_string()).unwrap_or_default();
        bail!("{name} is not a JavaScript module the minifier can read: {first}");
    }
    let mut program = parsed.program;
    let minified = Minifier::new(MinifierOptions::default()).minify(&allocator, &mut program);
    let code =
        Codegen::new().with_options(CodegenOptions::minify()).with_scoping(minified.scoping).build(&program).code;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::module;

    #[test]
    fn a_module_loses_comments_and_long_local_names_but_keeps_its_imports_and_exports() {
        let source = r#"
            import { initSync } from "./portier-0123.js";
            // Loads a chunk beside this file.
            function loadTheChunkBesideThisFile(fileName) {
                const resolvedAddress = new URL(fileName, import.meta.url);
                return fetch(resolvedAddress);
            }
            export function start(config) { return loadTheChunkBesideThisFile(config) && initSync; }
            export default loadTheChunkBesideThisFile;
        "#;
        let out = module("glue.js", source).unwrap();
        assert!(out.len() < source.len() / 2, "{out}");
        assert!(!out.contains("Loads a chunk") && !out.contains("resolvedAddress"), "{out}");
        for kept in ["\"./portier-0123.js\"", "initSync", "import.meta.url", "export", "start"] {
            assert!(out.contains(kept), "{kept} lost: {out}");
        }
    }

    #[test]
    fn a_file_that_is_not_javascript_is_refused_with_its_name() {
        let err = module("portier-split.js", "export function (").unwrap_err().to_string();
        assert!(err.contains("portier-split.js"), "{err}");
    }
}
