//! What I decided in access reviews, kept by the app (Graph lists only reviews still open):
//! newest first, and as CSV.

use super::model::{history_rows, history_text, newest_first};
use crate::components::{DecidedLine, csv, download};
use crate::i18n::{tr, use_page_texts};
use crate::state::kept::Reviewed;
use leptos::prelude::*;

#[component]
pub(super) fn History(history: Signal<Vec<Reviewed>>) -> impl IntoView {
    let t = use_page_texts();
    let export = move |_| {
        let rows = history.with(|h| history_rows(t.get_untracked(), h));
        download("my-review-decisions.csv", "text/csv;charset=utf-8", &csv(&rows));
    };
    view! {
        <Show when=move || history.with(|h| !h.is_empty())>
            <details class="history" data-testid="review-history">
                <summary>{tr(t, |t| t.history_title)}</summary>
                <div class="actions">
                    <button type="button" data-testid="review-history-csv" on:click=export>
                        {tr(t, |t| t.export_csv)}
                    </button>
                </div>
                <ul>
                    {move || {
                        history
                            .with(|h| newest_first(h))
                            .into_iter()
                            .map(|r| {
                                let verdict = r.verdict.as_str();
                                view! {
                                    <li data-testid="review-history-item" data-verdict=verdict>
                                        <DecidedLine
                                            what=r.holds.clone()
                                            who=r.person.clone()
                                            outcome={
                                                let r = r.clone();
                                                Signal::derive(move || history_text(t.get(), &r))
                                            }
                                            reason=r.reason.clone()
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
