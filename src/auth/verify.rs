//! Checks an id token before anyone is signed in: the RS256 signature against the provider's
//! keys (WebCrypto), then audience, nonce and lifetime (openidconnect's verifier, five minutes
//! of clock skew allowed) and the issuer against the token's own tenant, as Entra requires; the
//! account it names is what Portier keeps.

use super::cache::Account;
use super::error::AuthError;
use super::oidc::{Client, EntraClaims, IdToken, Jwks};
use super::signature;
use crate::config::ProtocolMode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, Duration, Utc};
use openidconnect::{JsonWebKey, Nonce};
use std::str::FromStr;

/// The issuer a token must name: Entra's template with the token's `tid` (`aad`), or the
/// discovery document's issuer exactly (`oidc`).
pub fn expected_issuer(mode: ProtocolMode, discovered: &str, tid: &str) -> String {
    match mode {
        ProtocolMode::Aad => discovered.replace("{tenantid}", tid),
        ProtocolMode::Oidc => discovered.to_string(),
    }
}

/// Checks the signature, then the claims.
pub async fn verify(
    raw: &str,
    client: &Client,
    jwks: &Jwks,
    nonce: &str,
    mode: ProtocolMode,
    issuer: &str,
    now: DateTime<Utc>,
) -> Result<Account, AuthError> {
    let invalid = |why: String| AuthError::InvalidIdToken(why);
    let mut parts = raw.split('.');
    let (Some(header), Some(payload), Some(sig), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("not a signed JWT".into()));
    };
    let header: serde_json::Value = B64
        .decode(header)
        .ok()
        .and_then(|h| serde_json::from_slice(&h).ok())
        .ok_or_else(|| invalid("unreadable header".into()))?;
    if header["alg"] != "RS256" {
        return Err(invalid(format!("algorithm {} is not RS256", header["alg"])));
    }
    let kid = header["kid"].as_str();
    let key = jwks
        .keys()
        .iter()
        .find(|k| kid.is_none() || k.key_id().map(|id| id.as_str()) == kid)
        .ok_or_else(|| invalid("no published key matches the token's kid".into()))?;
    let signature_bytes = B64.decode(sig).map_err(|_| invalid("unreadable signature".into()))?;
    let signing_input = format!("{}.{payload}", raw.split('.').next().unwrap_or_default());
    if !signature::verify_rs256(key, signing_input.as_bytes(), &signature_bytes).await? {
        return Err(invalid("the signature does not match the provider's key".into()));
    }
    check_claims(raw, client, nonce, mode, issuer, now)
}

/// The claim checks alone (the signature was checked before).
pub fn check_claims(
    raw: &str,
    client: &Client,
    nonce: &str,
    mode: ProtocolMode,
    issuer: &str,
    now: DateTime<Utc>,
) -> Result<Account, AuthError> {
    let invalid = |why: String| AuthError::InvalidIdToken(why);
    let token = IdToken::from_str(raw).map_err(|e| invalid(e.to_string()))?;
    let skewed = now - Duration::minutes(5);
    let verifier = client
        .id_token_verifier()
        // The signature was checked with WebCrypto above; the issuer is checked below against `tid`.
        .insecure_disable_signature_check()
        .require_issuer_match(false)
        .set_time_fn(move || skewed);
    let claims = token.claims(&verifier, &Nonce::new(nonce.to_string())).map_err(|e| invalid(e.to_string()))?;
    let extra: &EntraClaims = claims.additional_claims();
    let oid = extra.oid.clone().unwrap_or_else(|| claims.subject().to_string());
    let tid = extra.tid.clone().unwrap_or_default();
    if mode == ProtocolMode::Aad && !is_guid(&tid) {
        return Err(invalid("the token carries no tenant id (tid)".into()));
    }
    let expected = expected_issuer(mode, issuer, &tid);
    if claims.issuer().as_str() != expected {
        return Err(invalid(format!("issuer {} is not {expected}", claims.issuer().as_str())));
    }
    let username = claims
        .preferred_username()
        .map(|u| u.to_string())
        .or_else(|| claims.email().map(|e| e.to_string()))
        .unwrap_or_default();
    let name = claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()).unwrap_or_else(|| username.clone());
    // The home account id is `<oid>.<tid>` until the sign-in's `client_info` says otherwise.
    Ok(Account {
        home_account_id: format!("{oid}.{tid}"),
        oid,
        tid,
        username,
        name,
        login_hint: extra.login_hint.clone(),
        sid: extra.sid.clone(),
    })
}

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.split('-').map(str::len).eq([8, 4, 4, 4, 12])
        && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}
