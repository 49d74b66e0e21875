//! The calls an approver's inbox makes: what waits for my decision (the requests and their
//! approvals, in one `$batch`), and deciding a stage (`409` when someone else was first).

use super::models::{Approval, ApprovalStage, AssignmentRequest};
use crate::graph::GraphClient;
use crate::graph::batch::{BatchItem, take};
use crate::graph::error::GraphError;
use crate::graph::models::Page;
use crate::graph::write::{Refusals, at_most_once};
use crate::net::Cancel;
use http::Method;

const EM: &str = "/identityGovernance/entitlementManagement";

/// One request waiting for me, with its approval (the stage that is mine).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub request: AssignmentRequest,
    pub approval: Approval,
}

impl Decision {
    /// The stage I may decide now.
    pub fn my_stage(&self) -> Option<&super::models::ApprovalStage> {
        self.approval
            .stages
            .iter()
            .find(|s| s.assigned_to_me == Some(true) && s.status.as_deref() == Some("InProgress"))
    }
}

/// Pairs requests with their approvals (same id), keeping those with a stage of mine.
pub fn pair(requests: Vec<AssignmentRequest>, approvals: Vec<Approval>) -> Vec<Decision> {
    let mut out: Vec<Decision> = requests
        .into_iter()
        .filter_map(|r| {
            approvals
                .iter()
                .find(|a| a.id.eq_ignore_ascii_case(&r.id))
                .cloned()
                .map(|approval| Decision { request: r, approval })
        })
        .collect();
    out.retain(|d| d.my_stage().is_some());
    out
}

impl GraphClient {
    /// The requests waiting for my decision, with their packages (and policies' questions),
    /// requestors and approvals: one round trip.
    pub async fn pending_decisions(&self, cancel: Option<&Cancel>) -> Result<Vec<Decision>, GraphError> {
        let requests = format!(
            "{EM}/assignmentRequests/filterByCurrentUser(on='approver')?$expand=accessPackage($expand=assignmentPolicies($expand=questions),resourceRoleScopes($expand=role,scope)),requestor($expand=connectedOrganization)"
        );
        let approvals =
            format!("{EM}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')?$expand=stages");
        let mut results = self
            .batch(vec![BatchItem::get("requests", &requests), BatchItem::get("approvals", &approvals)], cancel)
            .await?;
        let requests: Page<AssignmentRequest> = take(&mut results, "requests")?;
        let approvals: Page<Approval> = take(&mut results, "approvals")?;
        // One round trip unless the inbox is longer than a page.
        let requests = self.rest_of(requests, 50, cancel).await?;
        let approvals = self.rest_of(approvals, 50, cancel).await?;
        Ok(pair(requests, approvals))
    }

    /// Records my decision on a stage. Graph answers 409 when another approver decided first.
    pub async fn decide(
        &self,
        request_id: &str,
        stage_id: &str,
        approve: bool,
        justification: &str,
        cancel: Option<&Cancel>,
    ) -> Result<(), GraphError> {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let path = format!("{EM}/accessPackageAssignmentApprovals/{}/stages/{}", enc(request_id), enc(stage_id));
        let body = serde_json::json!({ "reviewResult": if approve { "Approve" } else { "Deny" }, "justification": justification });
        let send =
            || async { self.send(Method::PATCH, &path, Some(body.to_string().into_bytes()), cancel).await.map(|_| ()) };
        // A lost answer: the stage says whether my decision was recorded. Decided by someone
        // else, sending again gets Graph's own 409.
        let check = || async {
            let stage: ApprovalStage = self.get(&path, cancel).await?;
            let mine = stage.justification.as_deref() == Some(justification)
                && stage
                    .review_result
                    .as_deref()
                    .is_some_and(|r| r.starts_with(if approve { "Approve" } else { "Den" }));
            Ok(mine.then_some(()))
        };
        at_most_once(send, check, Refusals::MayBeCopies).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_requests_with_a_stage_of_mine_in_progress_are_kept() {
        let requests: Vec<AssignmentRequest> =
            serde_json::from_value(serde_json::json!([{"id": "A"}, {"id": "b"}, {"id": "c"}])).unwrap();
        let approvals: Vec<Approval> = serde_json::from_value(serde_json::json!([
            {"id": "a", "stages": [{"id": "1", "assignedToMe": true, "status": "InProgress"}]},
            {"id": "b", "stages": [{"id": "1", "assignedToMe": false, "status": "InProgress"}]},
        ]))
        .unwrap();
        let d = pair(requests, approvals);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].my_stage().unwrap().id, "1");
    }
}
