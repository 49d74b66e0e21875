//! Routers that remember their routes. Every route of both origins is added through [`Routes`]
//! (a test makes sure no `.route(` is written anywhere else), so the list the README's
//! compatibility table is checked against is the list the server really answers.

use crate::origin::Side;
use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodFilter, on};

/// One route: origin, method and path pattern (axum's `{param}` syntax).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct RouteInfo {
    pub side: Side,
    pub method: &'static str,
    pub path: String,
}

/// An axum router and the (method, path) pairs routed on it.
#[derive(Clone)]
pub struct Routes<S = ()> {
    router: Router<S>,
    list: Vec<(&'static str, String)>,
}

impl<S: Clone + Send + Sync + 'static> Default for Routes<S> {
    fn default() -> Self {
        Routes { router: Router::new(), list: vec![] }
    }
}

impl<S: Clone + Send + Sync + 'static> Routes<S> {
    pub fn new() -> Self {
        Self::default()
    }

    fn on<H: Handler<T, S>, T: 'static>(
        mut self,
        method: &'static str,
        filter: MethodFilter,
        path: &str,
        h: H,
    ) -> Self {
        self.router = self.router.route(path, on(filter, h));
        self.list.push((method, path.to_string()));
        self
    }

    pub fn get<H: Handler<T, S>, T: 'static>(self, path: &str, h: H) -> Self {
        self.on("GET", MethodFilter::GET, path, h)
    }

    pub fn post<H: Handler<T, S>, T: 'static>(self, path: &str, h: H) -> Self {
        self.on("POST", MethodFilter::POST, path, h)
    }

    pub fn patch<H: Handler<T, S>, T: 'static>(self, path: &str, h: H) -> Self {
        self.on("PATCH", MethodFilter::PATCH, path, h)
    }

    pub fn delete<H: Handler<T, S>, T: 'static>(self, path: &str, h: H) -> Self {
        self.on("DELETE", MethodFilter::DELETE, path, h)
    }

    /// `other`'s routes under `prefix`.
    pub fn nest(mut self, prefix: &str, other: Routes<S>) -> Self {
        self.router = self.router.nest(prefix, other.router);
        self.list.extend(other.list.into_iter().map(|(m, p)| (m, format!("{prefix}{p}"))));
        self
    }

    /// Both routers' routes together.
    pub fn merge(mut self, other: Routes<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self
    }

    /// Changes the router without adding routes: layers, state, fallbacks.
    pub fn map<S2>(self, f: impl FnOnce(Router<S>) -> Router<S2>) -> Routes<S2> {
        Routes { router: f(self.router), list: self.list }
    }

    /// The routes, sorted, as served on `side`.
    pub fn list(&self, side: Side) -> Vec<RouteInfo> {
        let mut v: Vec<RouteInfo> =
            self.list.iter().map(|(method, path)| RouteInfo { side, method, path: path.clone() }).collect();
        v.sort();
        v
    }

    pub fn into_router(self) -> Router<S> {
        self.router
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Source files that add routes to an axum router by hand, bypassing the list.
    fn files_routing_by_hand(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files_routing_by_hand(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("routes.rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                if [".route(", ".route_service(", ".nest_service(", "Router::new()"].iter().any(|p| text.contains(p)) {
                    found.push(path.display().to_string());
                }
            }
        }
    }

    #[test]
    fn every_route_is_added_through_the_recording_router() {
        let mut found = vec![];
        files_routing_by_hand(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        assert!(
            found.is_empty(),
            "these files route without `Routes` (the compatibility table would miss them): {found:?}"
        );
    }
}
