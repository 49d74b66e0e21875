//! The token cache, with MSAL.js's rules: access tokens per account and scopes, used until five
//! minutes before they expire (expiry counted on this machine's clock from `expires_in`), one
//! refresh token per account replaced on every refresh, everything under `portier.`.

use crate::storage::{KeyValue, clear_section};
use serde::{Deserialize, Serialize};

/// A cached access token is not served with this little time left (MSAL's renewal offset).
pub const RENEWAL_OFFSET_SECS: f64 = 300.0;

/// The signed-in person, as the id token and `client_info` describe them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// `<oid>.<tid>`, MSAL's home account id.
    pub home_account_id: String,
    pub oid: String,
    pub tid: String,
    /// `preferred_username`.
    pub username: String,
    pub name: String,
    /// The `login_hint` claim, for silent sign-in and sign-out without a picker.
    pub login_hint: Option<String>,
    /// The session id (`sid`) the authority gave.
    pub sid: Option<String>,
}

impl Account {
    /// The page's own signed-in user, known to Portier only through Graph's `/me`.
    pub fn from_host_page() -> Account {
        Account {
            home_account_id: String::new(),
            oid: String::new(),
            tid: String::new(),
            username: String::new(),
            name: String::new(),
            login_hint: None,
            sid: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessToken {
    pub secret: String,
    /// Seconds since the epoch on this machine's clock: request time + `expires_in`.
    pub expires_on: f64,
    /// The claims request it satisfies, if any.
    pub claims: Option<String>,
}

impl AccessToken {
    /// Whether it may still be handed out at `now`.
    pub fn usable(&self, now: f64) -> bool {
        now + RENEWAL_OFFSET_SECS < self.expires_on
    }
}

/// The cache over a key-value store.
pub struct TokenCache<'a> {
    store: &'a dyn KeyValue,
}

/// Scopes as a cache key: sorted, lower-case, OpenID scopes left out (MSAL strips them too).
pub fn scope_key(scopes: &[String]) -> String {
    // Inserted one by one: a set's `collect` (like `sort`) adds a sort routine of its own to
    // the bundle, and a few scopes do not need one.
    let mut s = std::collections::BTreeSet::new();
    for scope in scopes {
        let scope = scope.to_ascii_lowercase();
        let scope = scope.trim_start_matches("https://graph.microsoft.com/");
        if !matches!(scope, "openid" | "profile" | "offline_access" | "email") {
            s.insert(scope.to_string());
        }
    }
    s.into_iter().collect::<Vec<_>>().join(" ")
}

impl<'a> TokenCache<'a> {
    pub fn new(store: &'a dyn KeyValue) -> TokenCache<'a> {
        TokenCache { store }
    }

    fn read<T: for<'de> Deserialize<'de>>(&self, key: &str) -> Option<T> {
        self.store.get(key).and_then(|v| serde_json::from_str(&v).ok())
    }

    fn write<T: Serialize>(&self, key: &str, value: &T) {
        self.store.set(key, &serde_json::to_string(value).expect("serialisable"));
    }

    pub fn account(&self) -> Option<Account> {
        self.read("portier.account")
    }

    pub fn set_account(&self, account: &Account) {
        self.write("portier.account", account);
    }

    fn at_key(account: &Account, scopes: &[String]) -> String {
        format!("portier.token.{}.{}", account.home_account_id, scope_key(scopes))
    }

    /// A usable access token for these scopes (and claims), if one is cached.
    pub fn access_token(&self, scopes: &[String], claims: Option<&str>, now: f64) -> Option<AccessToken> {
        let account = self.account()?;
        let token: AccessToken = self.read(&Self::at_key(&account, scopes))?;
        let claims_ok = claims.is_none_or(|c| token.claims.as_deref() == Some(c));
        (token.usable(now) && claims_ok).then_some(token)
    }

    pub fn set_access_token(&self, scopes: &[String], token: &AccessToken) {
        if let Some(account) = self.account() {
            self.write(&Self::at_key(&account, scopes), token);
        }
    }

    /// Forgets one access token (Graph refused it, or a challenge asks for more).
    pub fn drop_access_token(&self, scopes: &[String]) {
        if let Some(account) = self.account() {
            self.store.remove(&Self::at_key(&account, scopes));
        }
    }

    pub fn refresh_token(&self) -> Option<String> {
        self.store.get("portier.refresh")
    }

    /// Replaces the refresh token: a rotated one makes the old one worthless.
    pub fn set_refresh_token(&self, token: Option<&str>) {
        match token {
            Some(t) => self.store.set("portier.refresh", t),
            None => self.store.remove("portier.refresh"),
        }
    }

    /// Everything the session wrote: account, tokens, pending sign-ins.
    pub fn clear(&self) {
        for section in ["account", "token.", "refresh", "request."] {
            clear_section(self.store, section);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Memory;

    pub(super) fn account() -> Account {
        Account {
            home_account_id: "oid.tid".into(),
            oid: "oid".into(),
            tid: "tid".into(),
            username: "maja@contoso.com".into(),
            name: "Maja".into(),
            login_hint: None,
            sid: None,
        }
    }

    fn scopes(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_token_is_served_until_five_minutes_before_it_expires() {
        let store = Memory::default();
        let cache = TokenCache::new(&store);
        cache.set_account(&account());
        cache.set_access_token(
            &scopes(&["User.Read"]),
            &AccessToken { secret: "at".into(), expires_on: 1000.0, claims: None },
        );
        assert!(cache.access_token(&scopes(&["User.Read"]), None, 699.0).is_some());
        assert!(cache.access_token(&scopes(&["User.Read"]), None, 700.0).is_none());
    }

    #[test]
    fn scopes_are_keyed_without_order_case_or_openid_scopes() {
        assert_eq!(
            scope_key(&scopes(&["User.Read", "openid", "https://graph.microsoft.com/User.Invite.All", "user.read"])),
            "user.invite.all user.read"
        );
        let store = Memory::default();
        let cache = TokenCache::new(&store);
        cache.set_account(&account());
        cache.set_access_token(
            &scopes(&["User.Read", "offline_access"]),
            &AccessToken { secret: "at".into(), expires_on: 1e12, claims: None },
        );
        assert!(cache.access_token(&scopes(&["user.read"]), None, 0.0).is_some());
        assert!(cache.access_token(&scopes(&["User.ReadBasic.All"]), None, 0.0).is_none());
    }

    #[test]
    fn a_claims_request_skips_tokens_that_do_not_carry_it() {
        let store = Memory::default();
        let cache = TokenCache::new(&store);
        cache.set_account(&account());
        cache.set_access_token(
            &scopes(&["User.Read"]),
            &AccessToken { secret: "at".into(), expires_on: 1e12, claims: None },
        );
        assert!(cache.access_token(&scopes(&["User.Read"]), Some("{\"x\":1}"), 0.0).is_none());
    }

    #[test]
    fn clearing_removes_only_the_sessions_entries() {
        let store = Memory::default();
        store.set("portier.draft.request", "keep me");
        store.set("other.app", "keep me too");
        let cache = TokenCache::new(&store);
        cache.set_account(&account());
        cache.set_refresh_token(Some("rt"));
        cache.set_access_token(
            &scopes(&["User.Read"]),
            &AccessToken { secret: "at".into(), expires_on: 1e12, claims: None },
        );
        store.set("portier.request.abc", "{}");
        cache.clear();
        assert_eq!(store.keys(), ["other.app", "portier.draft.request"]);
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::tests::account;
    use super::*;
    use crate::storage::{KeyValue, PREFIX, Web, clear_section};
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn the_session_survives_in_session_storage_for_a_new_page() {
        let first = Web::session().expect("sessionStorage");
        clear_section(&first, "");
        let cache = TokenCache::new(&first);
        cache.set_account(&account());
        cache.set_refresh_token(Some("rt-1"));
        cache.set_access_token(
            &["User.Read".into()],
            &AccessToken { secret: "at".into(), expires_on: 1e12, claims: None },
        );
        // What a reloaded page sees: a new handle on the same storage.
        let again = Web::session().unwrap();
        let restored = TokenCache::new(&again);
        assert_eq!(restored.account(), Some(account()));
        assert_eq!(restored.refresh_token().as_deref(), Some("rt-1"));
        assert_eq!(restored.access_token(&["user.read".into()], None, 0.0).map(|t| t.secret).as_deref(), Some("at"));
        clear_section(&again, "");
        assert!(again.keys().iter().all(|k| !k.starts_with(PREFIX)));
    }

    #[wasm_bindgen_test]
    fn tokens_stay_out_of_local_storage_by_default() {
        let session = Web::session().unwrap();
        clear_section(&session, "");
        let cache = TokenCache::new(&session);
        cache.set_account(&account());
        cache.set_refresh_token(Some("rt"));
        let local = Web::local().unwrap();
        assert!(
            local
                .keys()
                .iter()
                .all(|k| !k.starts_with("portier.token") && k != "portier.refresh" && k != "portier.account")
        );
        clear_section(&session, "");
    }
}
