//! A checkbox that puts one item in a set of picked items or takes it out: how the approvals
//! inbox and the reviews page pick several people to decide for at once.

use leptos::prelude::*;
use std::collections::BTreeSet;

#[component]
pub fn PickBox(
    /// The checkbox's id, for its label's `for`.
    id: String,
    /// The item it picks.
    item: String,
    /// What is picked.
    picked: RwSignal<BTreeSet<String>>,
    /// The checkbox's `data-testid`, where tests look for it.
    #[prop(optional)]
    testid: Option<&'static str>,
) -> impl IntoView {
    let checked = {
        let item = item.clone();
        move || picked.with(|s| s.contains(&item))
    };
    let toggle = move |_| {
        picked.update(|s| {
            if !s.remove(&item) {
                s.insert(item.clone());
            }
        })
    };
    view! { <input type="checkbox" id=id data-testid=testid prop:checked=checked on:change=toggle /> }
}
