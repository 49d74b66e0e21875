//! What a person typed, kept for the tab until it is sent, so that a reload, a new sign-in or a
//! failed send loses nothing. Sign-out clears it with the session.

use crate::storage;
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn key(subject: &str) -> String {
    format!("portier.draft.{subject}")
}

pub fn load<T: DeserializeOwned>(subject: &str) -> Option<T> {
    storage::read_json(storage::tab().as_ref(), &key(subject))
}

pub fn save<T: Serialize>(subject: &str, value: &T) {
    storage::write_json(storage::tab().as_ref(), &key(subject), value);
}

pub fn forget(subject: &str) {
    storage::tab().remove(&key(subject));
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
