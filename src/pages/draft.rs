//! What a person typed, kept for the tab in `sessionStorage` until it is sent, so that a reload,
//! a new sign-in or a failed send loses nothing. Sign-out clears it with the session.

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn key(subject: &str) -> String {
    format!("portier.draft.{subject}")
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub fn load<T: DeserializeOwned>(subject: &str) -> Option<T> {
    session()?.get_item(&key(subject)).ok().flatten().and_then(|v| serde_json::from_str(&v).ok())
}

pub fn save<T: Serialize>(subject: &str, value: &T) {
    if let Some(s) = session() {
        let _ = s.set_item(&key(subject), &serde_json::to_string(value).unwrap_or_default());
    }
}

pub fn forget(subject: &str) {
    if let Some(s) = session() {
        let _ = s.remove_item(&key(subject));
    }
}

/// A signal holding a draft: it starts from what was kept and keeps every change; an empty
/// draft (the type's default) leaves nothing behind.
pub fn use_draft<T>(subject: String) -> RwSignal<T>
where
    T: Clone + Default + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let value = RwSignal::new(load(&subject).unwrap_or_default());
    Effect::new(move || {
        value.with(|v| if *v == T::default() { forget(&subject) } else { save(&subject, v) });
    });
    value
}
