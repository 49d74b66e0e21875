//! Recording one decision, the same way for a person I review and for my own self-review: sent
//! to Graph (read back before being sent again after a lost answer), then remembered on the page
//! as the decision that now stands, and in what I decided.

use super::model::{Mine, Outcome, Recorded, Target};
use crate::graph::GraphClient;
use crate::graph::reviews::Verdict;
use crate::state::Kept;
use crate::state::kept::{self, List, Reviewed};
use leptos::prelude::*;

/// Sends `verdict` with `reason` for `target`; `by` is my name, for the decision as it stands.
pub(super) async fn record(
    graph: &GraphClient,
    kept: &Kept,
    target: &Target,
    verdict: Verdict,
    reason: &str,
    by: &str,
    mine: RwSignal<Mine>,
) -> Outcome {
    let result = graph.record_review_decision(&target.at, &target.item_id, verdict, reason, None).await;
    let outcome = Outcome::of(result, verdict);
    if !outcome.failed() {
        let at = kept::now_iso();
        kept.push(
            List::Reviewed,
            Reviewed {
                review: target.review.clone(),
                person: target.person.clone(),
                holds: target.holds.clone(),
                verdict,
                reason: reason.to_string(),
                accepted: false,
                at: at.clone(),
            },
        );
        mine.update(|m| {
            m.insert(target.item_id.clone(), Recorded { verdict, reason: reason.to_string(), by: by.to_string(), at });
        });
    }
    outcome
}
