//! The access review calls a reviewer makes; the only place that writes these Graph paths.
//! Graph v1.0 has no "my pending reviews" call, so the page's data comes in a fixed number of
//! round trips however many reviews there are: the reviews, their open instances (one `$batch`),
//! my items in each (one `$batch`), the people (one `$batch` per 20).

use super::models::{ReviewAt, ReviewDecision, ReviewDefinition, ReviewInstance, Verdict};
use super::review::{Review, ReviewItem};
use crate::graph::GraphClient;
use crate::graph::batch::{BatchItem, MAX_BATCH, take};
use crate::graph::error::GraphError;
use crate::graph::models::{Page, User};
use crate::graph::write::{Refusals, at_most_once};
use crate::net::Cancel;
use http::Method;
use serde::de::DeserializeOwned;

pub const AR: &str = "/identityGovernance/accessReviews";
/// Pages of a list followed at most.
const PAGES: usize = 20;

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl ReviewAt {
    fn path(&self) -> String {
        format!("{AR}/definitions/{}/instances/{}", enc(&self.definition_id), enc(&self.instance_id))
    }

    fn decision(&self, id: &str) -> String {
        format!("{}/decisions/{}", self.path(), enc(id))
    }

    fn my_decisions(&self) -> String {
        format!("{}/decisions/filterByCurrentUser(on='reviewer')?$expand=insights", self.path())
    }
}

impl GraphClient {
    /// GETs in `$batch`es of [`MAX_BATCH`]; each list's further pages followed. An item Graph
    /// no longer has (404: a review deleted meanwhile) is left out; any other error fails all.
    async fn lists<T: DeserializeOwned>(
        &self,
        paths: &[String],
        cancel: Option<&Cancel>,
    ) -> Result<Vec<Option<Vec<T>>>, GraphError> {
        let mut out = vec![];
        for chunk in paths.chunks(MAX_BATCH) {
            let items = chunk.iter().enumerate().map(|(i, p)| BatchItem::get(&i.to_string(), p)).collect();
            let mut results = self.batch(items, cancel).await?;
            for i in 0..chunk.len() {
                match take::<Page<T>>(&mut results, &i.to_string()) {
                    Ok(page) => out.push(Some(self.rest_of(page, PAGES, cancel).await?)),
                    Err(e) if e.status() == Some(404) => out.push(None),
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(out)
    }

    /// The open reviews in which I decide on someone (myself included), with my items; no
    /// directory look-ups (what my own self-reviews need, e.g. beside my access).
    pub async fn open_reviews(&self, cancel: Option<&Cancel>) -> Result<Vec<Review>, GraphError> {
        let path = format!(
            "{AR}/definitions/filterByCurrentUser(on='reviewer')?$select=id,displayName,descriptionForReviewers,settings"
        );
        let definitions: Vec<ReviewDefinition> = self.all_pages(&path, PAGES, cancel).await?;
        if definitions.is_empty() {
            return Ok(vec![]);
        }
        let instance_paths: Vec<String> = definitions
            .iter()
            .map(|d| {
                format!(
                    "{AR}/definitions/{}/instances/filterByCurrentUser(on='reviewer')?$filter=status%20eq%20'InProgress'",
                    enc(&d.id)
                )
            })
            .collect();
        let instances = self.lists::<ReviewInstance>(&instance_paths, cancel).await?;
        let mut open: Vec<(ReviewDefinition, ReviewInstance)> = vec![];
        for (d, found) in definitions.into_iter().zip(instances) {
            for i in found.unwrap_or_default() {
                open.push((d.clone(), i));
            }
        }
        let decision_paths: Vec<String> = open
            .iter()
            .map(|(d, i)| ReviewAt { definition_id: d.id.clone(), instance_id: i.id.clone() }.my_decisions())
            .collect();
        let decisions = self.lists::<ReviewDecision>(&decision_paths, cancel).await?;
        Ok(open
            .into_iter()
            .zip(decisions)
            .filter_map(|((definition, instance), found)| {
                let items: Vec<ReviewItem> =
                    found?.into_iter().map(|decision| ReviewItem { decision, person: None }).collect();
                (!items.is_empty()).then_some(Review { definition, instance, items })
            })
            .collect())
    }

    /// The open reviews I take part in, with my items and what the directory says of each
    /// person (organisation, guest or member).
    pub async fn my_reviews(&self, cancel: Option<&Cancel>) -> Result<Vec<Review>, GraphError> {
        let mut reviews = self.open_reviews(cancel).await?;
        let mut ids: Vec<String> = vec![];
        for r in &reviews {
            for i in &r.items {
                if let Some(id) = &i.decision.principal.id
                    && !ids.contains(id)
                {
                    ids.push(id.clone());
                }
            }
        }
        let mut people: Vec<User> = vec![];
        for chunk in ids.chunks(MAX_BATCH) {
            people.extend(self.users_by_id(chunk, cancel).await?);
        }
        for r in &mut reviews {
            for i in &mut r.items {
                let id = i.decision.principal.id.as_deref().unwrap_or_default();
                i.person = people.iter().find(|p| p.id.eq_ignore_ascii_case(id)).cloned();
            }
        }
        Ok(reviews)
    }

    /// Whether an open review lists me as a reviewer (what the navigation offers the page for).
    pub async fn reviews_waiting(&self, cancel: Option<&Cancel>) -> Result<bool, GraphError> {
        Ok(!self.open_reviews(cancel).await?.is_empty())
    }

    /// Records my decision on a person's access (the last decision recorded wins until the review
    /// ends). A lost answer: the item is read back, and the decision sent again only if it is
    /// not there.
    pub async fn record_review_decision(
        &self,
        at: &ReviewAt,
        decision_id: &str,
        verdict: Verdict,
        justification: &str,
        cancel: Option<&Cancel>,
    ) -> Result<(), GraphError> {
        let path = at.decision(decision_id);
        let body = serde_json::json!({ "decision": verdict.as_str(), "justification": justification });
        let send =
            || async { self.send(Method::PATCH, &path, Some(body.to_string().into_bytes()), cancel).await.map(|_| ()) };
        let check = || async {
            let now: ReviewDecision = self.get(&format!("{path}?$select=id,decision,justification"), cancel).await?;
            let mine = now.verdict() == verdict && now.justification.as_deref().unwrap_or_default() == justification;
            Ok(mine.then_some(()))
        };
        at_most_once(send, check, Refusals::Stand).await
    }

    /// Accepts Graph's recommendation for each of my items nobody has decided. A lost answer:
    /// my items are read back, and the call sent again only if some still wait with a
    /// recommendation.
    pub async fn accept_recommendations(&self, at: &ReviewAt, cancel: Option<&Cancel>) -> Result<(), GraphError> {
        let path = format!("{}/acceptRecommendations", at.path());
        let send = || async { self.send(Method::POST, &path, None, cancel).await.map(|_| ()) };
        let check = || async {
            let mine: Vec<ReviewDecision> = self.all_pages(&at.my_decisions(), PAGES, cancel).await?;
            let waiting =
                mine.iter().any(|d| d.verdict() == Verdict::NotReviewed && d.recommendation().verdict().is_some());
            Ok((!waiting).then_some(()))
        };
        at_most_once(send, check, Refusals::Stand).await
    }
}

#[cfg(test)]
mod tests;
