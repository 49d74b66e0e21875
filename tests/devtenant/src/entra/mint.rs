//! Making tokens: id tokens and Graph access tokens (RS256 JWTs), opaque refresh tokens, and
//! Entra's `client_info`.

use crate::Tenant;
use crate::scopes::{GRAPH_RESOURCE, ScopeRequest};
use crate::store::{RefreshToken, UserRecord};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use rand::RngCore;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A SPA's refresh tokens live 24 hours from the sign-in, however often they are rotated.
pub const SPA_REFRESH_LIFETIME: i64 = 24 * 3600;

pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    B64.encode(buf)
}

fn hashed(parts: &[&str]) -> String {
    B64.encode(Sha256::digest(parts.join("|").as_bytes()))
}

/// The session id given to apps (`sid`, `session_state`): derived from, never equal to, the cookie.
pub fn public_sid(session: &str) -> String {
    let h = hashed(&["sid", session]);
    h[..32].to_string()
}

/// Base64url of `{"uid":"<oid>","utid":"<tenant>"}`, so MSAL's `homeAccountId` is `<oid>.<tid>`.
pub fn client_info(t: &Tenant, user: &UserRecord) -> String {
    B64.encode(json!({"uid": user.id, "utid": t.scenario.tenant.id}).to_string())
}

/// What a grant ends in: the fields of a token response.
pub struct Issued {
    pub access_token: String,
    pub expires_in: i64,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
}

/// The sign-in a token set comes from.
pub struct Grant<'a> {
    pub user: &'a UserRecord,
    pub client_id: &'a str,
    pub scopes: &'a ScopeRequest,
    pub nonce: Option<&'a str>,
    pub session_id: &'a str,
    pub auth_time: i64,
    /// The refresh-token family's end; `None` starts a new family (a fresh sign-in).
    pub family_expires: Option<i64>,
    /// The `claims` request, as sent on authorize or token.
    pub claims: Option<&'a str>,
}

pub fn issue(t: &Tenant, g: &Grant) -> Issued {
    let now = t.now();
    let lifetime = t.scenario.tokens.access_token_lifetime_seconds;
    let user = g.user;
    let issuer = t.issuer();
    t.note_issuer(&issuer);
    let mut access = json!({
        "aud": GRAPH_RESOURCE, "iss": issuer, "iat": now, "nbf": now, "exp": now + lifetime,
        "oid": user.id, "tid": t.scenario.tenant.id, "sub": pairwise_sub(&user.id, GRAPH_RESOURCE),
        "scp": g.scopes.scp(), "appid": g.client_id, "azp": g.client_id, "name": user.display_name(),
        "upn": user.upn, "idtyp": "user", "ver": "1.0", "uti": random_token(16),
    });
    if asks_for_cp1(g.claims) {
        access["xms_cc"] = json!(["cp1"]);
    }
    let id_token = g.scopes.openid.then(|| t.key.sign(&id_claims(t, g, now, lifetime)));
    let refresh_token = g.scopes.offline_access.then(|| {
        let token = random_token(64);
        let family_expires = g.family_expires.unwrap_or(now + SPA_REFRESH_LIFETIME);
        let rt = RefreshToken {
            user_id: user.id.clone(),
            client_id: g.client_id.to_string(),
            session_id: g.session_id.to_string(),
            family_expires,
            issued: now,
            auth_time: g.auth_time,
        };
        t.store.save_refresh_token(&token, &rt);
        token
    });
    Issued { access_token: t.key.sign(&access), expires_in: lifetime, id_token, refresh_token }
}

fn id_claims(t: &Tenant, g: &Grant, now: i64, lifetime: i64) -> Value {
    let user = g.user;
    let preferred =
        if user.is_guest { user.mail.clone().unwrap_or_else(|| user.upn.clone()) } else { user.upn.clone() };
    let mut claims = json!({
        "aud": g.client_id, "iss": t.issuer(), "iat": now, "nbf": now, "exp": now + lifetime,
        "oid": user.id, "tid": t.scenario.tenant.id, "sub": pairwise_sub(&user.id, g.client_id),
        "name": user.display_name(), "preferred_username": preferred, "email": user.mail,
        "login_hint": login_hint_claim(&user.id), "ver": "2.0", "auth_time": g.auth_time,
    });
    if !g.session_id.is_empty() {
        claims["sid"] = json!(public_sid(g.session_id));
    }
    if let Some(nonce) = g.nonce {
        claims["nonce"] = json!(nonce);
    }
    if user.is_guest {
        // A guest's home identity provider; the local tenant stands in for it with one-time mail codes.
        claims["idp"] = json!("mail");
        claims["acct"] = json!(1);
    }
    claims
}

/// Whether a `claims` request declares client capability `cp1` (CAE).
fn asks_for_cp1(claims: Option<&str>) -> bool {
    let parsed: Option<Value> = claims.and_then(|c| serde_json::from_str(c).ok());
    let values = parsed.as_ref().and_then(|v| v.pointer("/access_token/xms_cc/values")).and_then(Value::as_array);
    values.is_some_and(|vs| vs.iter().any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("cp1"))))
}

/// `sub`: pairwise, the same user has another `sub` in each app.
pub fn pairwise_sub(user_id: &str, audience: &str) -> String {
    hashed(&["sub", user_id, audience])
}

/// The `login_hint` claim a user's id tokens carry, for matching a hint sent back to authorize.
pub fn login_hint_claim(user_id: &str) -> String {
    hashed(&["login_hint", user_id])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp1_is_read_from_the_claims_request() {
        assert!(asks_for_cp1(Some(r#"{"access_token":{"xms_cc":{"values":["CP1"]}}}"#)));
        assert!(!asks_for_cp1(Some(r#"{"id_token":{"login_hint":{"essential":true}}}"#)));
        assert!(!asks_for_cp1(Some("not json")));
        assert!(!asks_for_cp1(None));
    }

    #[test]
    fn the_public_sid_does_not_reveal_the_cookie() {
        let sid = public_sid("cookie-value");
        assert_eq!(sid.len(), 32);
        assert!(!sid.contains("cookie"));
        assert_eq!(sid, public_sid("cookie-value"));
    }
}
