//! The packages a partner picks while browsing, to request together; kept for the tab so that a
//! reload or a sign-in loses nothing.

use crate::storage;
use leptos::prelude::*;

const KEY: &str = "portier.draft.selection";

/// The selection: (package id, name) pairs, in the order picked.
#[derive(Clone, Copy)]
pub struct Selection(RwSignal<Vec<(String, String)>>);

impl Selection {
    pub fn provide() -> Selection {
        let stored = storage::read_json(storage::tab().as_ref(), KEY).unwrap_or_default();
        let selection = Selection(RwSignal::new(stored));
        provide_context(selection);
        Effect::new(move || {
            let items = selection.0.get();
            // An empty selection leaves nothing behind (sign-out must find no trace).
            let tab = storage::tab();
            if items.is_empty() { tab.remove(KEY) } else { storage::write_json(tab.as_ref(), KEY, &items) }
        });
        selection
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.with(|items| items.iter().any(|(i, _)| i == id))
    }

    pub fn toggle(&self, id: &str, name: &str) {
        self.0.update(|items| match items.iter().position(|(i, _)| i == id) {
            Some(i) => {
                items.remove(i);
            }
            None => items.push((id.to_string(), name.to_string())),
        });
    }

    pub fn items(&self) -> Vec<(String, String)> {
        self.0.get()
    }

    pub fn items_untracked(&self) -> Vec<(String, String)> {
        self.0.get_untracked()
    }

    pub fn replace(&self, items: Vec<(String, String)>) {
        self.0.set(items);
    }

    pub fn clear(&self) {
        self.0.set(vec![]);
    }
}

pub fn use_selection() -> Selection {
    expect_context::<Selection>()
}
