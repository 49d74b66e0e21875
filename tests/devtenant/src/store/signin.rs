//! Sign-in state: browser sessions, authorize requests waiting for the user, codes, refresh
//! tokens and consent.

use super::Store;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// An authorize request that passed its checks and now waits for the user (sign-in, picker, consent).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingAuthorization {
    pub client_id: String,
    pub redirect_uri: String,
    /// `fragment` or `query`.
    pub response_mode: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub scope: String,
    pub code_challenge: String,
    pub prompt: Option<String>,
    pub login_hint: Option<String>,
    pub domain_hint: Option<String>,
    pub claims: Option<String>,
    pub client_info: bool,
    pub correlation_id: Option<String>,
    /// The account chosen in this flow (signed in, signed up or picked).
    #[serde(default)]
    pub user_id: Option<String>,
    /// Whether the consent page was shown in this flow (`prompt=consent` shows it once).
    #[serde(default)]
    pub consent_shown: bool,
}

/// What an authorization code stands for; single use, bound to client, redirect URI and PKCE.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub user_id: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub session_id: String,
    pub claims: Option<String>,
    pub auth_time: i64,
}

/// A refresh token's grant. Rotation keeps `family_expires`: a SPA's refresh tokens all end 24 h
/// after the sign-in that started the family.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshToken {
    pub user_id: String,
    pub client_id: String,
    pub session_id: String,
    pub family_expires: i64,
    pub issued: i64,
    pub auth_time: i64,
}

/// Outcome of presenting a code.
pub enum CodeRedemption {
    Redeemable(AuthCode),
    AlreadyRedeemed,
    Expired,
    Unknown,
}

/// Outcome of presenting a refresh token.
pub enum RefreshRedemption {
    Valid(RefreshToken),
    Rotated,
    Unknown,
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    pub fn save_pending(&self, id: &str, p: &PendingAuthorization, now: i64) {
        let conn = self.conn();
        let data = serde_json::to_string(p).expect("serialise");
        conn.execute(
            "INSERT INTO pending_authorizations (id, data, created) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO UPDATE SET data = ?2",
            params![id, data, now],
        )
        .expect("pending");
    }

    /// A waiting authorize request; they live one hour, as a sign-in page left open does.
    pub fn pending(&self, id: &str, now: i64) -> Option<PendingAuthorization> {
        let conn = self.conn();
        let row: Option<(String, i64)> = conn
            .query_row("SELECT data, created FROM pending_authorizations WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .ok()
            .flatten();
        row.filter(|(_, created)| now - created < 3600).and_then(|(d, _)| serde_json::from_str(&d).ok())
    }

    pub fn drop_pending(&self, id: &str) {
        self.conn().execute("DELETE FROM pending_authorizations WHERE id = ?1", [id]).expect("pending");
    }

    /// Accounts signed in within a browser session, most recent first.
    pub fn session_accounts(&self, session_id: &str) -> Vec<String> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT user_id FROM session_accounts WHERE session_id = ?1 ORDER BY signed_in DESC, rowid DESC")
            .expect("q");
        stmt.query_map([session_id], |r| r.get(0)).expect("q").filter_map(Result::ok).collect()
    }

    pub fn add_session_account(&self, session_id: &str, user_id: &str, now: i64) {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO session_accounts (session_id, user_id, signed_in) VALUES (?1, ?2, ?3)
             ON CONFLICT(session_id, user_id) DO UPDATE SET signed_in = ?3",
            params![session_id, user_id, now],
        )
        .expect("session");
    }

    pub fn remove_session_account(&self, session_id: &str, user_id: &str) {
        self.conn()
            .execute("DELETE FROM session_accounts WHERE session_id = ?1 AND user_id = ?2", [session_id, user_id])
            .expect("session");
    }

    pub fn end_session(&self, session_id: &str) {
        self.conn().execute("DELETE FROM session_accounts WHERE session_id = ?1", [session_id]).expect("session");
    }

    pub fn save_code(&self, code: &str, c: &AuthCode, expires: i64) {
        let conn = self.conn();
        let data = serde_json::to_string(c).expect("serialise");
        conn.execute("INSERT INTO auth_codes (code, data, expires) VALUES (?1, ?2, ?3)", params![code, data, expires])
            .expect("code");
    }

    /// A code's grant, whatever its state, for the token endpoint to check before redeeming it.
    pub fn peek_code(&self, code: &str, now: i64) -> CodeRedemption {
        let conn = self.conn();
        let row: Option<(String, i64, bool)> = conn
            .query_row("SELECT data, expires, redeemed FROM auth_codes WHERE code = ?1", [code], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .expect("code");
        match row {
            None => CodeRedemption::Unknown,
            Some((_, _, true)) => CodeRedemption::AlreadyRedeemed,
            Some((_, expires, _)) if now >= expires => CodeRedemption::Expired,
            Some((data, _, _)) => {
                serde_json::from_str(&data).map(CodeRedemption::Redeemable).unwrap_or(CodeRedemption::Unknown)
            }
        }
    }

    /// Marks a code redeemed; `false` when another redemption got there first.
    pub fn mark_code_redeemed(&self, code: &str) -> bool {
        self.conn()
            .execute("UPDATE auth_codes SET redeemed = 1 WHERE code = ?1 AND redeemed = 0", [code])
            .expect("code")
            == 1
    }

    pub fn save_refresh_token(&self, token: &str, rt: &RefreshToken) {
        let conn = self.conn();
        let data = serde_json::to_string(rt).expect("serialise");
        conn.execute(
            "INSERT INTO refresh_tokens (token_hash, family_expires, data) VALUES (?1, ?2, ?3)",
            params![token_hash(token), rt.family_expires, data],
        )
        .expect("rt");
    }

    /// Presents a refresh token and retires it in one step: the caller gets it once.
    pub fn take_refresh_token(&self, token: &str) -> RefreshRedemption {
        let mut conn = self.conn();
        let tx = conn.transaction().expect("tx");
        let hash = token_hash(token);
        let row: Option<(String, bool)> = tx
            .query_row("SELECT data, rotated FROM refresh_tokens WHERE token_hash = ?1", [&hash], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .expect("rt");
        let outcome = match row {
            None => RefreshRedemption::Unknown,
            Some((_, true)) => RefreshRedemption::Rotated,
            Some((data, false)) => {
                tx.execute("UPDATE refresh_tokens SET rotated = 1 WHERE token_hash = ?1", [&hash]).expect("rt");
                serde_json::from_str(&data).map(RefreshRedemption::Valid).unwrap_or(RefreshRedemption::Unknown)
            }
        };
        tx.commit().expect("tx");
        outcome
    }

    pub fn consented(&self, user_id: &str, client_id: &str) -> Vec<String> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT scope FROM consents WHERE user_id = ?1 AND client_id = ?2").expect("q");
        stmt.query_map([user_id, client_id], |r| r.get(0)).expect("q").filter_map(Result::ok).collect()
    }

    pub fn grant_consent(&self, user_id: &str, client_id: &str, scopes: &[String]) {
        let conn = self.conn();
        for s in scopes {
            conn.execute(
                "INSERT OR IGNORE INTO consents (user_id, client_id, scope) VALUES (?1, ?2, ?3)",
                params![user_id, client_id, s],
            )
            .expect("consent");
        }
    }
}
