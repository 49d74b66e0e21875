//! The query options of one Graph request, read once: which ones came, each checked, and the
//! paging they ask for (`$top`, `$skiptoken`, `@odata.nextLink`).

use super::error::GraphError;
use crate::Tenant;
use crate::odata;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};

/// Query options as sent, in order.
#[derive(Debug, Clone, Default)]
pub struct GraphQuery {
    pairs: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for GraphQuery {
    type Rejection = GraphError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<GraphQuery, GraphError> {
        Ok(GraphQuery::parse(parts.uri.query().unwrap_or_default()))
    }
}

impl GraphQuery {
    pub fn parse(raw: &str) -> GraphQuery {
        GraphQuery { pairs: url::form_urlencoded::parse(raw.as_bytes()).into_owned().collect() }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Refuses any `$` option the endpoint does not support, and any option given twice.
    pub fn only(&self, allowed: &[&str]) -> Result<(), GraphError> {
        for (i, (k, _)) in self.pairs.iter().enumerate() {
            if self.pairs[..i].iter().any(|(p, _)| p.eq_ignore_ascii_case(k)) {
                return Err(GraphError::bad_request(format!(
                    "Query option '{k}' was specified more than once, but it must be specified at most once."
                )));
            }
            if k.starts_with('$') && !allowed.iter().any(|a| a.eq_ignore_ascii_case(k)) {
                return Err(GraphError::bad_request(format!("Query option '{k}' is not supported on this request.")));
            }
        }
        Ok(())
    }

    pub fn select(&self, known: impl Fn(&str) -> bool) -> Result<Option<Vec<String>>, GraphError> {
        self.get("$select").map(|s| odata::parse_select(s, known).map_err(GraphError::bad_request)).transpose()
    }

    pub fn filter(&self) -> Result<Option<odata::Expr>, GraphError> {
        self.get("$filter")
            .map(|f| odata::parse_filter(f).map_err(|e| GraphError::bad_request(format!("Invalid filter clause: {e}"))))
            .transpose()
    }

    pub fn orderby(&self, allowed: &[&str]) -> Result<Option<(String, bool)>, GraphError> {
        self.get("$orderby")
            .map(|o| odata::parse_orderby(o, allowed).map_err(GraphError::unsupported_query))
            .transpose()
    }

    pub fn count(&self) -> Result<bool, GraphError> {
        match self.get("$count").map(str::to_ascii_lowercase).as_deref() {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(GraphError::bad_request(format!("'{other}' is not a valid count option."))),
        }
    }

    /// The query without `$skiptoken`, for building the next page's link.
    fn without_skiptoken(&self) -> Vec<(String, String)> {
        self.pairs.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("$skiptoken")).cloned().collect()
    }
}

/// One page of `items` as Graph sends it: `value`, and `@odata.nextLink` (absolute, on the Graph
/// origin, carrying every original option and an opaque `$skiptoken`) when more remain.
pub fn page(
    t: &Tenant,
    path: &str,
    q: &GraphQuery,
    items: Vec<Value>,
    default_size: usize,
    max_size: usize,
) -> Result<Value, GraphError> {
    let size = q
        .get("$top")
        .map(|v| odata::parse_top(v, max_size).map_err(GraphError::bad_request))
        .transpose()?
        .unwrap_or(default_size);
    let total = items.len();
    // A token past the end was never issued: forged, or from a list that has since shrunk.
    let offset = match q.get("$skiptoken") {
        None => 0,
        Some(token) => decode_skiptoken(token)
            .filter(|offset| *offset <= total)
            .ok_or_else(|| GraphError::bad_request("The $skiptoken is invalid or has expired."))?,
    };
    let value: Vec<Value> = items.into_iter().skip(offset).take(size).collect();
    let mut body = json!({ "value": value });
    let next = offset + size;
    if next < total {
        let mut pairs = q.without_skiptoken();
        pairs.push(("$skiptoken".into(), encode_skiptoken(next)));
        let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        body["@odata.nextLink"] = json!(format!("{}{path}?{query}", t.graph_url()));
    }
    Ok(body)
}

fn encode_skiptoken(offset: usize) -> String {
    B64.encode(format!("devtenant-page:{offset}"))
}

fn decode_skiptoken(token: &str) -> Option<usize> {
    let text = String::from_utf8(B64.decode(token).ok()?).ok()?;
    text.strip_prefix("devtenant-page:")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skiptokens_round_trip_and_refuse_garbage() {
        assert_eq!(decode_skiptoken(&encode_skiptoken(40)), Some(40));
        assert_eq!(decode_skiptoken("garbage"), None);
        assert_eq!(decode_skiptoken(&B64.encode("other:1")), None);
    }

    #[test]
    fn repeated_and_unknown_options_are_refused() {
        assert!(GraphQuery::parse("$select=id&$select=mail").only(&["$select"]).is_err());
        assert!(GraphQuery::parse("$expand=manager").only(&["$select"]).is_err());
        assert!(GraphQuery::parse("$select=id&other=1").only(&["$select"]).is_ok());
    }
}
