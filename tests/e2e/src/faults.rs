//! The fault matrix's parts: the pages where a fault can strike (how to reach the moment before
//! the call, make the call, and see it succeed), the faults (set through the local tenant's
//! `/_dev` faults and clock, or the browser's network), and the tenant's own log, which says how
//! many writes were carried out.

use crate::*;
use anyhow::{Result, ensure};
use fantoccini::Client;
use harness::devtenant::faults::glob;
use std::time::{Duration, Instant};

const EM: &str = "/v1.0/identityGovernance/entitlementManagement";
pub const FABRIKAM: &str = "Fabrikam delivery project";
const PILOT: &str = "Fabrikam pilot program";
const PAT: &str = "pat@fabrikam.com";
const SARA: &str = "sara@contoso.com";
const LENA_ITEM: &str = "[data-testid=decision][data-requestor='lena@fabrikam.com']";
const PAT_ITEM: &str = "[data-testid=decision][data-requestor='pat@fabrikam.com']";
const AR: &str = "/v1.0/identityGovernance/accessReviews";
const REVIEW_REASON: &str = "[data-testid=review-item] [data-testid=review-reason]";
const SELF_REVIEW_REASON: &str = "[data-testid=self-review] [data-testid=self-review-reason]";
/// What the person searches the catalog for.
const SEARCH: &str = "delivery";
/// What the person types, looked for again after every fault.
pub const TYPED: &str = "Typed before the fault";

/// A page, and the one Graph call on it that the fault strikes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Page {
    Catalog,
    RequestSubmit,
    MyRequests,
    RequestDetails,
    CancelRequest,
    AccessRemove,
    ApprovalsInbox,
    Decision,
    BulkDecision,
    Invite,
    /// Sara denies Noor's access in a review.
    ReviewDecision,
    /// Sara accepts the recommendations of her review.
    AcceptRecommendations,
    /// Pat says he still needs the partner portal.
    SelfReview,
}

impl Page {
    pub(crate) fn user(self) -> &'static str {
        match self {
            Page::ApprovalsInbox
            | Page::Decision
            | Page::BulkDecision
            | Page::Invite
            | Page::ReviewDecision
            | Page::AcceptRecommendations => SARA,
            _ => PAT,
        }
    }

    pub(crate) fn start(self) -> String {
        match self {
            Page::RequestSubmit => package_path(FABRIKAM),
            Page::RequestDetails | Page::CancelRequest => "/requests".into(),
            Page::AccessRemove => "/access".into(),
            Page::Decision | Page::BulkDecision => "/approvals".into(),
            Page::Invite => "/invite".into(),
            Page::ReviewDecision | Page::AcceptRecommendations | Page::SelfReview => "/reviews".into(),
            Page::Catalog | Page::MyRequests | Page::ApprovalsInbox => "/".into(),
        }
    }

    /// The call a fault strikes: method and path pattern.
    pub fn call(self) -> (&'static str, String) {
        match self {
            Page::Catalog => ("GET", format!("{EM}/accessPackages/filterByCurrentUser*")),
            Page::RequestSubmit | Page::AccessRemove => ("POST", format!("{EM}/assignmentRequests")),
            Page::MyRequests => ("GET", format!("{EM}/assignmentRequests/filterByCurrentUser*")),
            Page::RequestDetails | Page::ApprovalsInbox => ("POST", "/v1.0/$batch".into()),
            Page::CancelRequest => ("POST", format!("{EM}/assignmentRequests/*/cancel")),
            Page::Decision | Page::BulkDecision => {
                ("PATCH", format!("{EM}/accessPackageAssignmentApprovals/*/stages/*"))
            }
            Page::Invite => ("POST", "/v1.0/invitations".into()),
            Page::ReviewDecision | Page::SelfReview => ("PATCH", format!("{AR}/definitions/*/instances/*/decisions/*")),
            Page::AcceptRecommendations => ("POST", format!("{AR}/definitions/*/instances/*/acceptRecommendations")),
        }
    }

    /// The item of the page's `$batch` that a fault inside the batch strikes.
    pub(crate) fn batch_item(self) -> (&'static str, String) {
        match self {
            Page::ApprovalsInbox => ("GET", format!("{EM}/accessPackageAssignmentApprovals/filterByCurrentUser*")),
            _ => ("GET", format!("{EM}/accessPackageAssignmentApprovals/*")),
        }
    }

    pub fn is_write(self) -> bool {
        self.call().0 != "GET" && !matches!(self, Page::RequestDetails | Page::ApprovalsInbox)
    }

    /// Writes a success carries out.
    pub(crate) fn writes_expected(self) -> usize {
        if self == Page::BulkDecision { 2 } else { 1 }
    }

    /// Graph shows no trace of an invitation but the guest, so a lost answer is followed by a
    /// second invitation (without a second mail) for its redemption link: by design.
    pub(crate) fn writes_after_a_lost_answer(self) -> usize {
        if self == Page::Invite { 2 } else { self.writes_expected() }
    }

    /// Where Graph's refusal of a copy of the write shows: requests for access, whose refusals
    /// always stand (decisions and cancellations look for their own effect instead).
    /// (where the refusal shows, where success shows)
    pub(crate) fn copy_refusal(self) -> Option<(&'static str, &'static str)> {
        match self {
            Page::RequestSubmit => Some((".form-error", "[data-testid=request-sent]")),
            Page::AccessRemove => Some(("[data-testid=assignment] .error-view", "[data-testid=access-done]")),
            _ => None,
        }
    }

    /// What shows, at once, that the write is under way.
    pub(crate) fn sending(self) -> String {
        match self {
            Page::CancelRequest => "[data-testid=cancel] button[disabled]".into(),
            Page::AccessRemove => "[data-testid=remove] button[disabled]".into(),
            _ => format!("{}[disabled]", self.send_button()),
        }
    }

    /// The button whose click sends the write.
    pub(crate) fn send_button(self) -> &'static str {
        match self {
            Page::RequestSubmit => "[data-testid=submit]",
            Page::CancelRequest | Page::AccessRemove => "[data-role=yes]",
            Page::Decision => "[data-testid=decision][data-requestor='lena@fabrikam.com'] [data-testid=approve]",
            Page::BulkDecision => "[data-testid=approve-selected]",
            Page::Invite => "[data-testid=invite]",
            Page::ReviewDecision => "[data-testid=review-item] [data-testid=review-deny]",
            Page::AcceptRecommendations => "[data-testid=accept-recommendations]",
            Page::SelfReview => "[data-testid=self-review] [data-testid=self-review-yes]",
            _ => "",
        }
    }

    /// Scenario lines the page needs beyond the demo's: someone for Sara to review.
    pub(crate) fn scenario_extra(self) -> String {
        match self {
            Page::ReviewDecision | Page::AcceptRecommendations => crate::reviews::noor_only(),
            _ => String::new(),
        }
    }

    /// Data the page needs beyond the demo's, made through Graph.
    pub(crate) async fn setup(self, w: &World) -> Result<()> {
        match self {
            Page::CancelRequest | Page::RequestDetails => {
                request_through_graph(w, PAT, PILOT, "PRJ-3333", "Pat joins.").await
            }
            Page::BulkDecision => request_through_graph(w, PAT, FABRIKAM, "PRJ-3333", "Pat joins.").await,
            _ => Ok(()),
        }
    }

    /// From signed in at the start page to the moment before the call: open, fill in, choose.
    pub(crate) async fn ready(self, w: &World) -> Result<()> {
        let c = w.client();
        match self {
            Page::Catalog => {
                shows(c, ".display-name").await?;
                w.open("/packages").await?;
                shows(c, "[data-testid=package-card]").await?
            }
            Page::RequestSubmit => {
                type_into(c, "[data-question] input[type=text]", "PRJ-5150").await?;
                click(c, "[data-question] input[type=radio]").await?;
                type_into(c, "#justification", TYPED).await?;
            }
            Page::Decision => type_into(c, &format!("{LENA_ITEM} [data-testid=reason]"), TYPED).await?,
            Page::BulkDecision => type_into(c, "#bulk-reason", TYPED).await?,
            Page::Invite => {
                type_into(c, "#invite-email", "quinn@fabrikam.com").await?;
                type_into(c, "#invite-name", TYPED).await?;
            }
            Page::ReviewDecision => type_into(c, REVIEW_REASON, TYPED).await?,
            Page::SelfReview => type_into(c, SELF_REVIEW_REASON, TYPED).await?,
            Page::AcceptRecommendations => shows(c, "[data-testid=review-item]").await?,
            Page::MyRequests | Page::ApprovalsInbox => shows(c, ".display-name").await?,
            _ => {}
        }
        self.choose(w).await
    }

    /// What is chosen rather than typed (kept only on the page): done again after a sign-in.
    pub(crate) async fn choose(self, w: &World) -> Result<()> {
        let c = w.client();
        match self {
            // After a failed send the form is still at its review; after a new sign-in, at its fields.
            Page::RequestSubmit => match c.find(fantoccini::Locator::Css("[data-testid=review]")).await {
                Ok(review) => Ok(review.click().await?),
                Err(_) => shows(c, "[data-testid=submit]").await,
            },
            Page::CancelRequest => {
                let item = format!("[data-testid=request][data-package='{PILOT}'][data-state=pendingApproval]");
                click(c, &format!("{item} [data-testid=cancel] button")).await
            }
            Page::AccessRemove => {
                click(c, "[data-testid=assignment][data-package='Partner portal'] [data-testid=remove] button").await
            }
            Page::BulkDecision => {
                for item in [LENA_ITEM, PAT_ITEM] {
                    let tick = wait_for(c, &format!("{item} input[type=checkbox]")).await?;
                    // A failed decision keeps its item chosen.
                    if tick.prop("checked").await?.as_deref() != Some("true") {
                        tick.click().await?;
                    }
                }
                Ok(())
            }
            Page::RequestDetails => shows(c, "[data-testid=request][data-state=pendingApproval]").await,
            _ => Ok(()),
        }
    }

    /// Makes the call.
    pub(crate) async fn act(self, w: &World) -> Result<()> {
        let c = w.client();
        match self {
            Page::Catalog => type_into(c, "[data-testid=catalog-search]", SEARCH).await,
            // Through the app's own navigation, as a person moves between pages.
            Page::MyRequests => click(c, "header nav a[href='/requests']").await,
            Page::ApprovalsInbox => click(c, "header nav a[href='/approvals']").await,
            Page::RequestDetails => {
                click(c, "[data-testid=request][data-state=pendingApproval] [data-testid=details]").await
            }
            _ => click(c, self.send_button()).await,
        }
    }

    /// Waits for the end state of a call that succeeded.
    pub(crate) async fn done(self, w: &World) -> Result<()> {
        let c = w.client();
        match self {
            // The search's own answer: only the package it names (the full list shows several).
            Page::Catalog => {
                wait_until(c, "the search's one result", |c| async move {
                    let cards = c.find_all(fantoccini::Locator::Css("[data-testid=package-card]")).await?;
                    Ok(cards.len() == 1 && cards[0].text().await?.contains(FABRIKAM))
                })
                .await
            }
            Page::RequestSubmit => shows(c, "[data-testid=request-sent]").await,
            Page::MyRequests => shows(c, "[data-testid=request]").await,
            Page::RequestDetails => shows(c, "[data-testid=stage-1]").await,
            Page::CancelRequest => {
                // The demo's nine cancelled requests for the pilot, and this one.
                let canceled = format!("[data-testid=request][data-package='{PILOT}'][data-state=canceled]");
                wait_until(c, "ten cancelled pilot requests", |c| {
                    let canceled = canceled.clone();
                    async move { Ok(c.find_all(fantoccini::Locator::Css(&canceled)).await?.len() == 10) }
                })
                .await
            }
            Page::AccessRemove => shows(c, "[data-testid=access-done]").await,
            Page::ApprovalsInbox => shows(c, LENA_ITEM).await,
            Page::Decision | Page::BulkDecision => {
                let done = "[data-testid=decision-outcome][data-result=approved]";
                wait_until(c, &format!("{} decisions approved", self.writes_expected()), |c| async move {
                    Ok(c.find_all(fantoccini::Locator::Css(done)).await?.len() == self.writes_expected())
                })
                .await
            }
            Page::Invite => shows(c, "[data-testid=redeem-url]").await,
            Page::ReviewDecision => shows(c, "[data-testid=review-outcome][data-result=denied]").await,
            Page::AcceptRecommendations => shows(c, "[data-testid=review-outcome][data-result=accepted]").await,
            Page::SelfReview => shows(c, "[data-testid=self-review-answer][data-answer=yes]").await,
        }
    }

    /// What the person typed is still there (in the field, or in the review of it).
    pub(crate) async fn typed_is_kept(self, w: &World) -> Result<()> {
        let field = match self {
            Page::Catalog => "[data-testid=catalog-search]".to_string(),
            Page::RequestSubmit => "#justification".into(),
            Page::Decision => format!("{LENA_ITEM} [data-testid=reason]"),
            Page::BulkDecision => "#bulk-reason".into(),
            Page::Invite => "#invite-name".into(),
            Page::ReviewDecision => REVIEW_REASON.into(),
            Page::SelfReview => SELF_REVIEW_REASON.into(),
            _ => return Ok(()),
        };
        let expected = if self == Page::Catalog { SEARCH } else { TYPED };
        let c = w.client();
        if self == Page::BulkDecision {
            for item in [LENA_ITEM, PAT_ITEM] {
                let tick = wait_for(c, &format!("{item} input[type=checkbox]")).await?;
                ensure!(tick.prop("checked").await?.as_deref() == Some("true"), "{item} is no longer chosen");
            }
        }
        match c.find(fantoccini::Locator::Css(&field)).await {
            Ok(e) => ensure!(e.prop("value").await?.as_deref() == Some(expected), "{field} lost what was typed"),
            // The request form's review shows the answers instead of the fields.
            Err(_) => ensure!(c.source().await?.contains(expected), "{expected:?} is nowhere on the page"),
        }
        Ok(())
    }

    /// Writes the tenant carried out for this page's call since `since`.
    pub(crate) fn writes(self, w: &World, since: u64) -> usize {
        let (method, pattern) = self.call();
        let log = w.stack.tenant.tenant.log.since(since);
        log.iter().filter(|e| e.method == method && glob(&pattern, &e.path) && (200..300).contains(&e.status)).count()
    }
}

/// Waits until something matching `css` is on the page.
async fn shows(c: &Client, css: &str) -> Result<()> {
    wait_for(c, css).await.map(|_| ())
}

/// Polls `check` until it holds (up to 20 s).
async fn wait_until<F, Fut>(c: &Client, what: &str, check: F) -> Result<()>
where
    F: Fn(Client) -> Fut,
    Fut: std::future::Future<Output = Result<bool>>,
{
    let started = Instant::now();
    while !check(c.clone()).await.unwrap_or(false) {
        ensure!(started.elapsed() < Duration::from_secs(20), "never {what}; the page was:\n{}", c.source().await?);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}
