//! The app's module graph, read from its sources: which module refers to which (`crate::…`,
//! `super::…`), so that tests can hold the layering the README describes. Nothing here runs the
//! app; it reads `src/` as text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`auth::cache`) → the modules its file refers to.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The module a file under `src/` defines: `auth/cache.rs` → `auth::cache`, `auth/mod.rs` →
/// `auth`; `lib.rs` and `main.rs` are the crate itself (`""`).
fn module_of(relative: &Path) -> String {
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts.join("::")
}

/// Every path that follows `crate::` or `super::` in `text`, with `{a, b::c}` lists opened.
fn paths_in(text: &str, module: &str) -> Vec<Vec<String>> {
    let mut out = vec![];
    let parent: Vec<String> = module.split("::").filter(|s| !s.is_empty()).map(String::from).collect::<Vec<_>>();
    for (anchor, base) in [("crate::", vec![]), ("super::", parent[..parent.len().saturating_sub(1)].to_vec())] {
        let mut rest = text;
        while let Some(i) = rest.find(anchor) {
            // `$crate::` and `foo_super::` are not paths of ours.
            let before = rest[..i].chars().last();
            rest = &rest[i + anchor.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            for tail in expand(rest) {
                let mut path = base.clone();
                path.extend(tail);
                out.push(path);
            }
        }
    }
    out
}

/// The path segments at the start of `text`, one list per alternative of a `{…}` group.
fn expand(text: &str) -> Vec<Vec<String>> {
    let ident: String = text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if ident.is_empty() {
        if let Some(group) = text.strip_prefix('{') {
            let mut depth = 0;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth < 0
                })
                .map_or(group.len(), |(i, _)| i);
            return split_top(&group[..end]).into_iter().flat_map(|item| expand(item.trim())).collect();
        }
        return vec![];
    }
    let after = &text[ident.len()..];
    match after.strip_prefix("::") {
        Some(more) => {
            let tails = expand(more);
            if tails.is_empty() {
                return vec![vec![ident]];
            }
            tails.into_iter().map(|t| std::iter::once(ident.clone()).chain(t).collect()).collect()
        }
        None => vec![vec![ident]],
    }
}

/// Splits a `{…}` list at its top-level commas.
fn split_top(list: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (vec![], 0, 0);
    for (i, c) in list.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts
}

/// Reads `src` into the graph of module references (each file's own module left out).
pub fn read(src: &Path) -> std::io::Result<Graph> {
    let mut files = vec![];
    collect(src, &mut files)?;
    let mut modules = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(src).unwrap_or(file);
        // Comments name modules without importing them (a doc line's link, say).
        let text = std::fs::read_to_string(file)?;
        let code: Vec<&str> = text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect();
        modules.insert(module_of(relative), code.join("\n"));
    }
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    let mut graph = Graph::new();
    for (module, text) in &modules {
        let refs = graph.entry(module.clone()).or_default();
        for path in paths_in(text, module) {
            // The longest prefix that is a module of ours (an item's path ends in the item).
            let target = (1..=path.len()).rev().map(|n| path[..n].join("::")).find(|p| known.contains(p));
            if let Some(t) = target.filter(|t| t != module) {
                refs.insert(t);
            }
        }
    }
    Ok(graph)
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The first segment of a module path: the layer it belongs to.
fn layer(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// Cycles among the app's top-level modules (a file in `auth` refers to `graph` and one in
/// `graph` to `auth`), and among sibling files of one folder (a parent referring to its children
/// is how Rust declares them, so edges to or from a folder's own module are left out).
pub fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let mut layers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut siblings: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in graph {
        for to in tos {
            let (a, b) = (layer(from), layer(to));
            if !a.is_empty() && !b.is_empty() && a != b {
                layers.entry(a.into()).or_default().insert(b.into());
            }
            let parent = |m: &str| m.rsplit_once("::").map(|(p, _)| p.to_string());
            if a == b && from.contains("::") && parent(from) == parent(to) {
                siblings.entry(from.clone()).or_default().insert(to.clone());
            }
        }
    }
    let mut found = find_cycles(&layers);
    found.extend(find_cycles(&siblings));
    found
}

/// Each cycle once, as the modules along it.
fn find_cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut found = vec![];
    let mut seen = BTreeSet::new();
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        while let Some((node, path)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if next == start {
                    let mut key = path.clone();
                    key.sort();
                    if seen.insert(key) {
                        found.push(path.clone());
                    }
                } else if !path.contains(next) && next > start {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app_graph() -> Graph {
        read(&harness::repo_root().join("src")).expect("reading src/")
    }

    #[test]
    fn the_apps_modules_import_no_module_that_imports_them_back() {
        let cycles = cycles(&app_graph());
        assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
    }

    #[test]
    fn pages_and_components_do_not_reach_into_the_shell() {
        let graph = app_graph();
        let offenders: Vec<_> = graph
            .iter()
            .filter(|(m, _)| matches!(layer(m), "pages" | "components" | "state"))
            .filter(|(_, tos)| tos.iter().any(|t| matches!(layer(t), "app" | "mount")))
            .map(|(m, _)| m.clone())
            .collect();
        assert!(offenders.is_empty(), "import the shell: {offenders:?}");
    }

    #[test]
    fn references_are_read_through_groups_super_and_items() {
        let text = "use crate::{auth::{Session, storage::Memory}, graph};\nuse super::cache::Account;\nlet x = $crate::app::X; crate::net::fetch()";
        let paths = paths_in(text, "auth::session");
        let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
        assert!(joined.contains(&"auth::Session".to_string()), "{joined:?}");
        assert!(joined.contains(&"auth::storage::Memory".to_string()), "{joined:?}");
        assert!(joined.contains(&"graph".to_string()), "{joined:?}");
        assert!(joined.contains(&"auth::cache::Account".to_string()), "{joined:?}");
        assert!(joined.contains(&"net::fetch".to_string()), "{joined:?}");
        assert!(!joined.iter().any(|p| p.starts_with("app")), "{joined:?}");
    }

    #[test]
    fn a_cycle_between_layers_or_siblings_is_found_and_a_parent_child_pair_is_not() {
        let graph: Graph = [
            ("auth::session", &["graph::client", "auth"][..]),
            ("graph::client", &["auth"]),
            ("auth", &["auth::session"]),
            ("embed::a", &["embed::b"]),
            ("embed::b", &["embed::a"]),
        ]
        .into_iter()
        .map(|(m, tos)| (m.to_string(), tos.iter().map(|t| t.to_string()).collect()))
        .collect();
        let found = cycles(&graph);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.contains(&vec!["auth".to_string(), "graph".to_string()]), "{found:?}");
        assert!(found.iter().any(|c| c.contains(&"embed::a".to_string())), "{found:?}");
    }
}
