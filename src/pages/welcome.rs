//! The page for someone not signed in: what Portier is for, and the way in.

use crate::i18n::{tr, use_texts};
use crate::routing::use_router;
use crate::state::{sign_in, sign_in_popup};
use leptos::prelude::*;

#[component]
pub fn Welcome() -> impl IntoView {
    let t = use_texts();
    let router = use_router();
    view! {
        <h1>{tr(t, |t| t.welcome_title)}</h1>
        <p>{tr(t, |t| t.welcome_text)}</p>
        <div class="actions">
            <button class="primary" data-testid="sign-in" on:click=move |_| sign_in(router.current(), None)>
                {tr(t, |t| t.sign_in)}
            </button>
            <button type="button" data-testid="sign-in-popup" on:click=move |_| sign_in_popup(router.current(), None)>
                {tr(t, |t| t.sign_in_popup)}
            </button>
        </div>
    }
}
