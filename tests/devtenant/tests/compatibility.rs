//! The README's compatibility table against the router: every route the tenant serves has a
//! row, every row names a route the tenant serves, and each answers over HTTP (not the
//! router's fallback).

mod common;

use common::*;
use devtenant::origin::Side;
use devtenant::routes::RouteInfo;
use std::collections::BTreeSet;

const START: &str = "<!-- compatibility-routes:start -->";
const END: &str = "<!-- compatibility-routes:end -->";

/// The rows of the README's route table: origin, method and path.
fn table_rows() -> BTreeSet<(Side, String, String)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find(START).expect("the README has the route table") + START.len();
    let table = &readme[start..readme[start..].find(END).expect("the route table ends") + start];
    let mut rows = BTreeSet::new();
    for line in table.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let side = match cells[0] {
            "sign-in" => Side::SignIn,
            "Graph" => Side::Graph,
            _ => continue,
        };
        let path = cells[2].trim_matches('`').to_string();
        assert!(
            ["emulated", "partial", "local tenant only"].iter().any(|s| cells[3].starts_with(s)),
            "a served route is emulated, partial or the local tenant's own: {line}"
        );
        for method in cells[1].split(',').map(str::trim) {
            assert!(rows.insert((side, method.to_string(), path.clone())), "a row appears twice: {line}");
        }
    }
    rows
}

fn served(routes: &[RouteInfo]) -> BTreeSet<(Side, String, String)> {
    routes.iter().map(|r| (r.side, r.method.to_string(), r.path.clone())).collect()
}

#[tokio::test]
async fn the_compatibility_table_names_every_route_and_nothing_else() {
    let t = start().await;
    let table = table_rows();
    let served = served(&t.running.routes);
    let missing: Vec<_> = served.difference(&table).collect();
    let extra: Vec<_> = table.difference(&served).collect();
    assert!(missing.is_empty(), "served but not in the README's table: {missing:#?}");
    assert!(extra.is_empty(), "in the README's table but not served: {extra:#?}");
}

/// A request to a route with its parameters filled in.
fn probe_path(path: &str) -> String {
    path.replace("{tenant}", TID)
        .replace("{id}", "00000000-0000-0000-0000-000000000000")
        .replace("{stage}", "x")
        .replace("{relation}", "internalSponsors")
        .replace("{instance}", "00000000-0000-0000-0000-000000000000")
        .replace("{decision}", "00000000-0000-0000-0000-000000000000")
}

#[tokio::test]
async fn every_route_in_the_table_answers_over_http() {
    let t = start().await;
    let client = http();
    for (side, method, path) in table_rows() {
        let base = match side {
            Side::SignIn => &t.signin,
            Side::Graph => &t.graph,
        };
        let url = format!("{base}{}", probe_path(&path));
        let r = client.request(method.parse().unwrap(), &url).send().await.unwrap();
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        // The fallbacks: axum's empty 404/405 on the sign-in origin, Graph's segment and method errors.
        let unrouted = (matches!(status, 404 | 405) && body.is_empty())
            || body.contains("Resource not found for the segment")
            || body.contains("Specified HTTP method is not allowed");
        assert!(!unrouted, "{method} {path} is not routed ({status}: {body})");
    }
}
