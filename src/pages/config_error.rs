//! Shown instead of a blank page when `config.json` is wrong: each field and why.

use crate::components::MainArea;
use crate::config::ConfigProblem;
use crate::i18n::{tr, use_texts};
use leptos::prelude::*;

#[component]
pub fn ConfigError(
    /// What is wrong.
    problems: Vec<ConfigProblem>,
) -> impl IntoView {
    let t = use_texts();
    view! {
        <MainArea class="config-error">
            <h1>{tr(t, |t| t.config_title)}</h1>
            <p>{tr(t, |t| t.config_text)}</p>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{tr(t, |t| t.config_field)}</th>
                        <th scope="col">{tr(t, |t| t.config_reason)}</th>
                    </tr>
                </thead>
                <tbody>
                    {problems
                        .into_iter()
                        .map(|p| {
                            view! {
                                <tr>
                                    <td>
                                        <code>{p.field}</code>
                                    </td>
                                    <td>{p.reason}</td>
                                </tr>
                            }
                                .into_any()
                        })
                        .collect_view()}
                </tbody>
            </table>
        </MainArea>
    }
}
