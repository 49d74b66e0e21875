//! The query options of one Graph request, read once: which ones came, each checked, and the
//! paging they ask for (`$top`, `$skiptoken`, `@odata.nextLink`, and `$skip` where an endpoint
//! takes it).

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

    /// `$skip`: how many items to pass over, a whole number (`None` when not given).
    pub fn skip(&self) -> Result<Option<usize>, GraphError> {
        let Some(raw) = self.get("$skip") else { return Ok(None) };
        let digits = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
        match raw.parse::<usize>() {
            Ok(n) if digits => Ok(Some(n)),
            _ => Err(GraphError::bad_request(format!(
                "Invalid value '{raw}' for $skip: it must be a whole number, 0 or more."
            ))),
        }
    }

    /// The query without `name` (`$skiptoken`, `$skip`), for building the next page's link.
    fn without(&self, name: &str) -> Vec<(String, String)> {
        self.pairs.iter().filter(|(k, _)| !k.eq_ignore_ascii_case(name)).cloned().collect()
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
    paged(t, path, q, items, default_size, max_size, false)
}

/// [`page`], taking `$skip` too where `skip` (the endpoint supports it): the page then starts
/// after that many items and links to the next with `$skip` again, as Graph's access review
/// lists do; `$skip` past the end is an empty page. `$skip` and `$skiptoken` together are a 400.
pub fn paged(
    t: &Tenant,
    path: &str,
    q: &GraphQuery,
    items: Vec<Value>,
    default_size: usize,
    max_size: usize,
    skip: bool,
) -> Result<Value, GraphError> {
    let size = q
        .get("$top")
        .map(|v| odata::parse_top(v, max_size).map_err(GraphError::bad_request))
        .transpose()?
        .unwrap_or(default_size);
    let total = items.len();
    let skipped = if skip { q.skip()? } else { None };
    // A token past the end was never issued: forged, or from a list that has since shrunk.
    let offset = match (skipped, q.get("$skiptoken")) {
        (Some(_), Some(_)) => return Err(GraphError::bad_request("$skip and $skiptoken cannot be used together.")),
        (Some(n), None) => n,
        (None, None) => 0,
        (None, Some(token)) => decode_skiptoken(token)
            .filter(|offset| *offset <= total)
            .ok_or_else(|| GraphError::bad_request("The $skiptoken is invalid or has expired."))?,
    };
    let value: Vec<Value> = items.into_iter().skip(offset).take(size).collect();
    let mut body = json!({ "value": value });
    let next = offset.saturating_add(size);
    if next < total {
        let pairs = match skipped {
            Some(_) => [q.without("$skip"), vec![("$skip".into(), next.to_string())]].concat(),
            None => [q.without("$skiptoken"), vec![("$skiptoken".into(), encode_skiptoken(next))]].concat(),
        };
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
    fn skip_is_a_whole_number() {
        assert_eq!(GraphQuery::parse("$skip=0").skip().unwrap(), Some(0));
        assert_eq!(GraphQuery::parse("$SKIP=25").skip().unwrap(), Some(25));
        assert_eq!(GraphQuery::parse("$top=2").skip().unwrap(), None);
        for bad in ["", "-1", "+1", "1.5", "x", " 1", "99999999999999999999999"] {
            assert!(GraphQuery::parse(&format!("$skip={bad}")).skip().is_err(), "{bad}");
        }
    }

    #[test]
    fn repeated_and_unknown_options_are_refused() {
        assert!(GraphQuery::parse("$select=id&$select=mail").only(&["$select"]).is_err());
        assert!(GraphQuery::parse("$expand=manager").only(&["$select"]).is_err());
        assert!(GraphQuery::parse("$select=id&other=1").only(&["$select"]).is_ok());
    }
}
