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
