//! Claims challenges: Graph's `WWW-Authenticate: Bearer …, claims="<base64 JSON>"` when a token is
//! no longer enough (continuous access evaluation, step-up).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// The decoded `claims` of a challenge, or `None` when the header carries none. Parameters may
/// come in any order, quoted or not.
pub fn claims_challenge(header: &str) -> Option<String> {
    let rest = header.trim().strip_prefix("Bearer").or_else(|| header.trim().strip_prefix("bearer"))?;
    let value = params(rest).into_iter().find(|(k, _)| k.eq_ignore_ascii_case("claims")).map(|(_, v)| v)?;
    let bytes = STANDARD.decode(&value).or_else(|_| URL_SAFE_NO_PAD.decode(value.trim_end_matches('='))).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    serde_json::from_str::<serde_json::Value>(&text).ok()?;
    Some(text)
}

/// `key="value", key=value` pairs.
fn params(s: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut rest = s.trim();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_once('=') else { break };
        let key = key.trim().trim_start_matches(',').trim().to_string();
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (quoted[..end].to_string(), &quoted[end + 1..]),
                None => (quoted.to_string(), ""),
            }
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        out.push((key, value));
        rest = remaining.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_graphs_cae_challenge() {
        let claims =
            r#"{"access_token":{"nbf":{"essential":true,"value":"1726077595"},"xms_caeerror":{"value":"10012"}}}"#;
        let header = format!(
            r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="{}""#,
            STANDARD.encode(claims)
        );
        assert_eq!(claims_challenge(&header).as_deref(), Some(claims));
    }

    #[test]
    fn order_and_quoting_do_not_matter_and_plain_challenges_have_no_claims() {
        let claims = r#"{"access_token":{"acrs":{"essential":true,"value":"c25"}}}"#;
        let header = format!(r#"Bearer claims={}, error="invalid_token""#, STANDARD.encode(claims));
        assert_eq!(claims_challenge(&header).as_deref(), Some(claims));
        assert_eq!(claims_challenge(r#"Bearer realm="", error="invalid_token""#), None);
        assert_eq!(claims_challenge(r#"Bearer claims="not base64!""#), None);
        assert_eq!(claims_challenge("Basic realm=x"), None);
    }
}
