//! The sign-in banner: while a popup sign-in runs, what to do and a way out; then why the last
//! sign-in (popup or redirect) could not go on, if it could not.

use super::ErrorView;
use crate::i18n::{tr, use_texts};
use crate::state::{use_popup_wait, use_sign_in_failure};
use leptos::prelude::*;

/// While a popup sign-in runs: what to do, and a way out; then why the last sign-in (popup or
/// redirect) could not go on, if it could not.
#[component]
pub fn SignInBanner() -> impl IntoView {
    let t = use_texts();
    let wait = use_popup_wait();
    let failure = use_sign_in_failure();
    let cancel = move |_| wait.stop();
    // Where a new tab continues: this very page, as Portier's own page or the host's.
    let here = StoredValue::new(web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default());
    view! {
        <Show when=move || wait.cancel.with(Option::is_some)>
            <div class="popup-wait" role="status">
                <Show
                    when=move || wait.cut.get()
                    fallback=move || view! { <span>{tr(t, |t| t.popup_waiting)}</span> }.into_any()
                >
                    <span>{tr(t, |t| t.popup_link_cut)}</span>
                    <a class="new-tab button primary" href=move || here.get_value() target="_blank" rel="noopener">
                        {tr(t, |t| t.continue_new_tab)}
                    </a>
                </Show>
                <button type="button" on:click=cancel>
                    {tr(t, |t| t.cancel)}
                </button>
            </div>
        </Show>
        {move || failure.0.get().map(|e| view! { <ErrorView error=e /> })}
    }
}
