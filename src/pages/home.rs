//! The signed-in start page: who you are, as Graph knows you.

use crate::state::use_me;
use crate::components::{ErrorView, Loading};
use crate::i18n::{tr, use_texts};
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let t = use_texts();
    let me = use_me();
    view! {
        <h1>{tr(t, |t| t.home_title)}</h1>
        {move || match me.0.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorView error=e on_retry=Callback::new(move |_| me.0.refetch())/> }.into_any(),
            Some(Ok(None)) => view! { <Loading/> }.into_any(),
            Some(Ok(Some(user))) => {
                let kind = if user.is_guest() { t.get().guest } else { t.get().member };
                view! {
                    <dl class="facts" data-testid="who-am-i">
                        <dt>{tr(t, |t| t.home_signed_in_as)}</dt>
                        <dd class="display-name"><bdi>{user.display_name.clone()}</bdi></dd>
                        <dt>{tr(t, |t| t.home_email)}</dt>
                        <dd><bdi>{user.mail.clone().or(user.user_principal_name.clone())}</bdi></dd>
                        <dt>{tr(t, |t| t.home_organisation)}</dt>
                        <dd><bdi>{user.company_name.clone()}</bdi></dd>
                        <dt>{tr(t, |t| t.home_account_kind)}</dt>
                        <dd class="account-kind">{kind}</dd>
                    </dl>
                }
                .into_any()
            }
        }}
    }
}
