//! Checks an id token before anyone is signed in: the RS256 signature against the provider's
//! keys (WebCrypto), then audience, nonce and lifetime (OpenID Connect Core §3.1.3.7, five
//! minutes of clock skew allowed) and the issuer against the token's own tenant, as Entra
//! requires; the account it names is what Portier keeps.

use super::cache::Account;
use super::error::AuthError;
use super::oidc::Jwks;
use super::signature;
use crate::config::ProtocolMode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use openidconnect::JsonWebKey;
use serde::Deserialize;

/// Clock skew allowed between this machine and the provider. MSAL.js never compares `exp` with
/// the local clock; five minutes keeps the check without refusing an ordinarily wrong clock.
const SKEW_SECS: i64 = 5 * 60;

/// What a sign-in needs to check a token against.
pub struct Expected<'a> {
    pub client_id: &'a str,
    pub nonce: &'a str,
    pub mode: ProtocolMode,
    /// The discovery document's issuer (Entra's may carry `{tenantid}`).
    pub issuer: &'a str,
    /// Seconds since the epoch on this machine's clock.
    pub now: i64,
}

/// The claims Portier reads: the checked ones and those naming the account. Only these are
/// parsed; any others in the token are skipped.
#[derive(Deserialize)]
struct Claims {
    iss: String,
    /// One audience or several.
    aud: serde_json::Value,
    azp: Option<String>,
    exp: i64,
    nonce: Option<String>,
    sub: String,
    tid: Option<String>,
    oid: Option<String>,
    sid: Option<String>,
    login_hint: Option<String>,
    name: Option<String>,
    preferred_username: Option<String>,
    email: Option<String>,
}

/// The issuer a token must name: Entra's template with the token's `tid` (`aad`), or the
/// discovery document's issuer exactly (`oidc`).
pub fn expected_issuer(mode: ProtocolMode, discovered: &str, tid: &str) -> String {
    match mode {
        ProtocolMode::Aad => discovered.replace("{tenantid}", tid),
        ProtocolMode::Oidc => discovered.to_string(),
    }
}

fn invalid(why: impl Into<String>) -> AuthError {
    AuthError::InvalidIdToken(why.into())
}

/// A compact JWS split into its three parts.
fn parts(raw: &str) -> Result<[&str; 3], AuthError> {
    let mut parts = raw.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(header), Some(payload), Some(sig), None) => Ok([header, payload, sig]),
        _ => Err(invalid("not a signed JWT")),
    }
}

/// Checks the signature, then the claims.
pub async fn verify(raw: &str, jwks: &Jwks, expected: &Expected<'_>) -> Result<Account, AuthError> {
    let [header_b64, payload, sig] = parts(raw)?;
    let header: serde_json::Value = B64
        .decode(header_b64)
        .ok()
        .and_then(|h| serde_json::from_slice(&h).ok())
        .ok_or_else(|| invalid("unreadable header"))?;
    if header["alg"] != "RS256" {
        return Err(invalid(format!("algorithm {} is not RS256", header["alg"])));
    }
    let kid = header["kid"].as_str();
    let key = jwks
        .keys()
        .iter()
        .find(|k| kid.is_none() || k.key_id().map(|id| id.as_str()) == kid)
        .ok_or_else(|| invalid("no published key matches the token's kid"))?;
    let signature_bytes = B64.decode(sig).map_err(|_| invalid("unreadable signature"))?;
    let signing_input = &raw[..header_b64.len() + 1 + payload.len()];
    if !signature::verify_rs256(key, signing_input.as_bytes(), &signature_bytes).await? {
        return Err(invalid("the signature does not match the provider's key"));
    }
    check_claims(raw, expected)
}

/// The claim checks alone (the signature was checked before).
pub fn check_claims(raw: &str, expected: &Expected<'_>) -> Result<Account, AuthError> {
    let [_, payload, _] = parts(raw)?;
    let bytes = B64.decode(payload).map_err(|_| invalid("unreadable payload"))?;
    let claims: Claims = serde_json::from_slice(&bytes).map_err(|e| invalid(format!("unreadable claims: {e}")))?;
    let audiences: Vec<&str> = match &claims.aud {
        serde_json::Value::String(one) => vec![one.as_str()],
        serde_json::Value::Array(many) => many.iter().filter_map(|a| a.as_str()).collect(),
        _ => return Err(invalid("the token has no audience")),
    };
    // This app must be the audience, and the only one: no other audience is trusted.
    if !audiences.contains(&expected.client_id) || audiences.iter().any(|a| *a != expected.client_id) {
        return Err(invalid(format!("the token is not for this app alone (audience {})", audiences.join(" "))));
    }
    if claims.azp.as_deref().is_some_and(|azp| azp != expected.client_id) {
        return Err(invalid("the token was issued to another party (azp)"));
    }
    if claims.nonce.as_deref() != Some(expected.nonce) {
        return Err(invalid("the nonce does not match this sign-in"));
    }
    if claims.exp + SKEW_SECS <= expected.now {
        return Err(invalid("the token has expired"));
    }
    let oid = claims.oid.unwrap_or_else(|| claims.sub.clone());
    let tid = claims.tid.unwrap_or_default();
    if expected.mode == ProtocolMode::Aad && !is_guid(&tid) {
        return Err(invalid("the token carries no tenant id (tid)"));
    }
    let issuer = expected_issuer(expected.mode, expected.issuer, &tid);
    if claims.iss != issuer {
        return Err(invalid(format!("issuer {} is not {issuer}", claims.iss)));
    }
    let username = claims.preferred_username.or(claims.email).unwrap_or_default();
    let name = claims.name.unwrap_or_else(|| username.clone());
    // The home account id is `<oid>.<tid>` until the sign-in's `client_info` says otherwise.
    Ok(Account {
        home_account_id: format!("{oid}.{tid}"),
        oid,
        tid,
        username,
        name,
        login_hint: claims.login_hint,
        sid: claims.sid,
    })
}

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.split('-').map(str::len).eq([8, 4, 4, 4, 12])
        && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const TID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const NOW: i64 = 1_800_000_000;

    fn expected(mode: ProtocolMode) -> Expected<'static> {
        Expected { client_id: "app", nonce: "n-1", mode, issuer: "https://login.example/{tenantid}/v2.0", now: NOW }
    }

    fn good() -> Value {
        json!({
            "iss": format!("https://login.example/{TID}/v2.0"), "aud": "app", "exp": NOW + 3600,
            "iat": NOW, "nonce": "n-1", "sub": "s", "tid": TID, "oid": "o", "sid": "sid-1",
            "name": "Ann Partner", "preferred_username": "ann@partner.example", "login_hint": "hint",
            "unknown_claim": {"nested": [1, 2]}
        })
    }

    fn token(claims: &Value) -> String {
        let part = |v: &Value| B64.encode(v.to_string());
        format!("{}.{}.c2ln", part(&json!({"alg": "RS256", "kid": "k"})), part(claims))
    }

    fn check(claims: Value) -> Result<Account, AuthError> {
        check_claims(&token(&claims), &expected(ProtocolMode::Aad))
    }

    fn with(field: &str, value: Value) -> Value {
        let mut claims = good();
        claims[field] = value;
        claims
    }

    fn without(fields: &[&str]) -> Value {
        let mut claims = good();
        for field in fields {
            claims.as_object_mut().unwrap().remove(*field);
        }
        claims
    }

    fn refusal(claims: Value) -> String {
        match check(claims) {
            Err(AuthError::InvalidIdToken(why)) => why,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_token_names_the_account() {
        let account = check(good()).unwrap();
        assert_eq!(account.home_account_id, format!("o.{TID}"));
        assert_eq!((account.oid.as_str(), account.tid.as_str()), ("o", TID));
        assert_eq!(account.name, "Ann Partner");
        assert_eq!(account.username, "ann@partner.example");
        assert_eq!(account.login_hint.as_deref(), Some("hint"));
        assert_eq!(account.sid.as_deref(), Some("sid-1"));
    }

    #[test]
    fn the_audience_must_be_this_app_alone() {
        assert!(refusal(with("aud", json!("other"))).contains("audience other"));
        assert!(refusal(with("aud", json!(["app", "other"]))).contains("not for this app alone"));
        assert!(check(with("aud", json!(["app"]))).is_ok());
        assert!(refusal(with("aud", json!(42))).contains("no audience"));
        assert!(refusal(with("azp", json!("other"))).contains("azp"));
        assert!(check(with("azp", json!("app"))).is_ok());
    }

    #[test]
    fn the_nonce_must_be_this_sign_ins() {
        assert!(refusal(with("nonce", json!("n-2"))).contains("nonce"));
        assert!(refusal(without(&["nonce"])).contains("nonce"));
    }

    #[test]
    fn expiry_allows_five_minutes_of_skew_and_no_more() {
        assert!(check(with("exp", json!(NOW - 299))).is_ok());
        assert!(refusal(with("exp", json!(NOW - 300))).contains("expired"));
        assert!(refusal(with("exp", json!("tomorrow"))).contains("unreadable claims"));
    }

    #[test]
    fn the_issuer_is_the_template_filled_with_the_tokens_own_tenant() {
        let other = "00000000-0000-0000-0000-000000000001";
        assert!(refusal(with("iss", json!(format!("https://login.example/{other}/v2.0")))).contains("issuer"));
        assert!(refusal(with("tid", json!("not-a-guid"))).contains("tenant id"));
        assert!(refusal(without(&["tid"])).contains("tenant id"));
    }

    #[test]
    fn in_oidc_mode_the_issuer_is_matched_exactly_and_no_tenant_is_needed() {
        let mut oidc = expected(ProtocolMode::Oidc);
        oidc.issuer = "https://op.example";
        let mut claims = without(&["tid", "oid"]);
        claims["iss"] = json!("https://op.example");
        let account = check_claims(&token(&claims), &oidc).unwrap();
        assert_eq!(account.home_account_id, "s.");
        claims["iss"] = json!("https://op.example/");
        assert!(check_claims(&token(&claims), &oidc).is_err());
    }

    #[test]
    fn without_a_name_the_username_is_shown_and_email_stands_in_for_it() {
        let mut claims = without(&["name", "preferred_username"]);
        claims["email"] = json!("ann@mail.example");
        let account = check(claims).unwrap();
        assert_eq!((account.name.as_str(), account.username.as_str()), ("ann@mail.example", "ann@mail.example"));
    }

    #[test]
    fn malformed_tokens_are_refused_with_a_reason() {
        let expected = expected(ProtocolMode::Aad);
        assert!(matches!(check_claims("a.b", &expected), Err(AuthError::InvalidIdToken(w)) if w.contains("JWT")));
        assert!(matches!(check_claims("a.b.c.d", &expected), Err(AuthError::InvalidIdToken(_))));
        assert!(
            matches!(check_claims("a.!!.c", &expected), Err(AuthError::InvalidIdToken(w)) if w.contains("payload"))
        );
    }
}
