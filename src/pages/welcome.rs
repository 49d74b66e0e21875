//! The page for someone not signed in: what Portier is for, and the way in.

use crate::app::{sign_in, sign_in_popup};
use crate::i18n::use_texts;
use crate::routing::use_router;
use leptos::prelude::*;

#[component]
pub fn Welcome() -> impl IntoView {
    let t = use_texts();
    let router = use_router();
    view! {
        <h1>{move || t.get().welcome_title}</h1>
        <p>{move || t.get().welcome_text}</p>
        <div class="actions">
            <button class="primary" data-testid="sign-in" on:click=move |_| sign_in(router.current(), None)>{move || t.get().sign_in}</button>
            <button type="button" data-testid="sign-in-popup" on:click=move |_| sign_in_popup(router.current(), None)>{move || t.get().sign_in_popup}</button>
        </div>
    }
}
