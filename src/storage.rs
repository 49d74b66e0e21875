//! Browser storage, through one door: `sessionStorage` (this tab), `localStorage` (this
//! browser), or memory (tests, and when the browser refuses storage). Which area holds what the
//! session keeps is chosen once, from the configuration's `cacheLocation` ([`Stores`]).

use crate::config::CacheLocation;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

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
    /// This tab's `sessionStorage`.
    #[allow(clippy::disallowed_methods)] // the one door to it
    pub fn session() -> Option<Web> {
        web_sys::window()?.session_storage().ok().flatten().map(|storage| Web { storage })
    }

    /// This browser's `localStorage`.
    #[allow(clippy::disallowed_methods)] // the one door to it
    pub fn local() -> Option<Web> {
        web_sys::window()?.local_storage().ok().flatten().map(|storage| Web { storage })
    }
}

/// A store that is always there: the area asked for, else memory for this page only.
fn or_memory(area: Option<Web>) -> Rc<dyn KeyValue> {
    match area {
        Some(web) => Rc::new(web),
        None => Rc::new(Memory::default()),
    }
}

/// The stores Portier writes while a session lasts, chosen once from the configuration.
#[derive(Clone)]
pub struct Stores {
    /// This tab only (`sessionStorage`): drafts, the selection, a sign-in under way.
    pub tab: Rc<dyn KeyValue>,
    /// Where `cacheLocation` says (`sessionStorage` by default): tokens, and what is kept beside
    /// Graph for the signed-in person, so that sign-out removes both together.
    pub cache: Rc<dyn KeyValue>,
}

impl Stores {
    pub fn chosen(location: CacheLocation) -> Stores {
        let cache = match location {
            CacheLocation::LocalStorage => Web::local(),
            CacheLocation::SessionStorage => Web::session(),
        };
        Stores { tab: or_memory(Web::session()), cache: or_memory(cache) }
    }

    /// Memory only: tests, and anywhere no browser storage should be touched.
    pub fn memory() -> Stores {
        Stores { tab: Rc::new(Memory::default()), cache: Rc::new(Memory::default()) }
    }
}

/// This tab's store, before any configuration is known (the host page's query kept across a
/// sign-in redirect).
pub fn tab() -> Rc<dyn KeyValue> {
    or_memory(Web::session())
}

/// This browser's store, for a person's own choices that outlive a session (the language).
pub fn device() -> Rc<dyn KeyValue> {
    or_memory(Web::local())
}

/// A JSON value kept under `key`; `None` when absent or no longer readable.
pub fn read_json<T: serde::de::DeserializeOwned>(store: &dyn KeyValue, key: &str) -> Option<T> {
    store.get(key).and_then(|v| serde_json::from_str(&v).ok())
}

/// Keeps `value` as JSON under `key`.
pub fn write_json<T: serde::Serialize>(store: &dyn KeyValue, key: &str, value: &T) {
    if let Ok(text) = serde_json::to_string(value) {
        store.set(key, &text);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_come_back_as_kept_and_unreadable_ones_as_none() {
        let store = Memory::default();
        write_json(&store, "portier.draft.x", &vec!["a".to_string(), "b".to_string()]);
        assert_eq!(read_json::<Vec<String>>(&store, "portier.draft.x"), Some(vec!["a".into(), "b".into()]));
        store.set("portier.draft.y", "{not json");
        assert_eq!(read_json::<Vec<String>>(&store, "portier.draft.y"), None);
        assert_eq!(read_json::<Vec<String>>(&store, "portier.draft.z"), None);
    }

    #[test]
    fn a_section_is_cleared_and_nothing_else() {
        let store = Memory::default();
        for key in ["portier.kept.a", "portier.kept.b", "portier.draft.c", "other.app"] {
            store.set(key, "v");
        }
        clear_section(&store, "kept.");
        assert_eq!(store.keys(), ["other.app", "portier.draft.c"]);
    }
}
