//! An action that asks first, in place (no modal to trap focus): the button turns into a
//! question with "yes" and "no".

use leptos::prelude::*;

#[component]
pub fn ConfirmAction(
    /// The button's label.
    #[prop(into)]
    label: Signal<&'static str>,
    /// The question asked before acting.
    #[prop(into)]
    question: Signal<&'static str>,
    /// The label that confirms.
    #[prop(into)]
    yes: Signal<&'static str>,
    /// The label that backs out.
    #[prop(into)]
    no: Signal<&'static str>,
    /// Runs on "yes".
    on_confirm: Callback<()>,
    /// While true, the action is running and cannot be started again.
    #[prop(into)]
    busy: Signal<bool>,
    /// For tests and styling.
    #[prop(optional, into)]
    testid: String,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let ask_id = format!("{testid}-question");
    view! {
        <span class="confirm" data-testid=testid.clone()>
            <Show
                when=move || asking.get()
                fallback=move || {
                    view! {
                        <button type="button" disabled=move || busy.get() on:click=move |_| asking.set(true)>
                            {move || label.get()}
                        </button>
                    }
                        .into_any()
                }
            >
                <span role="group" aria-labelledby=ask_id.clone()>
                    <span id=ask_id.clone()>{move || question.get()}</span>
                    " "
                    <button
                        type="button"
                        class="danger"
                        data-role="yes"
                        disabled=move || busy.get()
                        on:click=move |_| {
                            asking.set(false);
                            on_confirm.run(());
                        }
                    >
                        {move || yes.get()}
                    </button>
                    " "
                    <button type="button" data-role="no" on:click=move |_| asking.set(false)>
                        {move || no.get()}
                    </button>
                </span>
            </Show>
        </span>
    }
}
