//! Where the session keeps its state: `sessionStorage` (the default, one tab), `localStorage`
//! when the configuration asks, or memory (tests, and when the browser refuses storage).

use std::cell::RefCell;
use std::collections::BTreeMap;

/// Every key Portier writes starts with this, so sign-out can clear exactly its own entries.
pub const PREFIX: &str = "portier.";

pub trait KeyValue {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&self, key: &str, value: &str);
    fn remove(&self, key: &str);
    fn keys(&self) -> Vec<String>;
}

#[derive(Default)]
pub struct Memory {
    map: RefCell<BTreeMap<String, String>>,
}

impl KeyValue for Memory {
    fn get(&self, key: &str) -> Option<String> {
        self.map.borrow().get(key).cloned()
    }
    fn set(&self, key: &str, value: &str) {
        self.map.borrow_mut().insert(key.into(), value.into());
    }
    fn remove(&self, key: &str) {
        self.map.borrow_mut().remove(key);
    }
    fn keys(&self) -> Vec<String> {
        self.map.borrow().keys().cloned().collect()
    }
}

/// A Web Storage area.
pub struct Web {
    storage: web_sys::Storage,
}

impl Web {
    pub fn session() -> Option<Web> {
        web_sys::window()?.session_storage().ok().flatten().map(|storage| Web { storage })
    }

    pub fn local() -> Option<Web> {
        web_sys::window()?.local_storage().ok().flatten().map(|storage| Web { storage })
    }
}

impl KeyValue for Web {
    fn get(&self, key: &str) -> Option<String> {
        self.storage.get_item(key).ok().flatten()
    }
    fn set(&self, key: &str, value: &str) {
        // A full or refused storage leaves the session in memory for this page only.
        let _ = self.storage.set_item(key, value);
    }
    fn remove(&self, key: &str) {
        let _ = self.storage.remove_item(key);
    }
    fn keys(&self) -> Vec<String> {
        let n = self.storage.length().unwrap_or(0);
        (0..n).filter_map(|i| self.storage.key(i).ok().flatten()).collect()
    }
}

/// Removes every entry Portier wrote whose key starts with `PREFIX` + `section`.
pub fn clear_section(store: &dyn KeyValue, section: &str) {
    let prefix = format!("{PREFIX}{section}");
    for key in store.keys().into_iter().filter(|k| k.starts_with(&prefix)) {
        store.remove(&key);
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::*;
    use crate::auth::cache::{AccessToken, Account, TokenCache};
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn account() -> Account {
        Account {
            home_account_id: "oid.tid".into(),
            oid: "oid".into(),
            tid: "tid".into(),
            username: "maja@contoso.com".into(),
            name: "Maja Holm".into(),
            login_hint: Some("hint".into()),
            sid: None,
        }
    }

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
