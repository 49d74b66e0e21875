//! What I decided, kept by the app (Graph lists only what still waits): filtered, and as CSV.

use super::model::{HistoryFilter, history_rows};
use crate::components::{DecidedLine, csv, download};
use crate::i18n::{tr, use_page_texts};
use crate::state::kept::Decided;
use leptos::prelude::*;

/// What I decided (kept by the app: Graph lists only what still waits), filtered, as CSV.
#[component]
pub(super) fn History(history: RwSignal<Vec<Decided>>) -> impl IntoView {
    let t = use_page_texts();
    let filter = RwSignal::new(HistoryFilter::All);
    let shown = move || history.with(|h| filter.get().shown(h));
    let export = move |_| {
        let rows = history_rows(t.get_untracked(), shown());
        download("my-decisions.csv", "text/csv;charset=utf-8", &csv(&rows));
    };
    view! {
        <Show when=move || history.with(|h| !h.is_empty())>
            <details class="history" data-testid="history">
                <summary>{tr(t, |t| t.history_title)}</summary>
                <div class="actions">
                    <label for="history-filter">{tr(t, |t| t.history_filter)}</label>
                    <select
                        id="history-filter"
                        on:change=move |e| filter.set(HistoryFilter::from_value(&event_target_value(&e)))
                    >
                        {HistoryFilter::ALL
                            .into_iter()
                            .map(|f| view! { <option value=f.value()>{move || f.label(t.get())}</option> }.into_any())
                            .collect_view()}
                    </select>
                    <button type="button" data-testid="history-csv" on:click=export>
                        {tr(t, |t| t.export_csv)}
                    </button>
                </div>
                <ul>
                    {move || {
                        shown()
                            .into_iter()
                            .map(|d| {
                                view! {
                                    <li data-testid="history-item" data-approved=d.approved.to_string()>
                                        <DecidedLine
                                            what=d.package.clone()
                                            who=d.requester.clone()
                                            outcome=Signal::derive(move || {
                                                if d.approved { t.get().stage_approved } else { t.get().stage_denied }
                                                    .to_string()
                                            })
                                            reason=d.reason.clone()
                                        />
                                    </li>
                                }
                                    .into_any()
                            })
                            .collect_view()
                    }}
                </ul>
            </details>
        </Show>
    }
}
