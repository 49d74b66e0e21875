//! What the home page reads, in one `$batch`: the decisions waiting for me, my requests, the
//! access I hold and the people I invited. Each part keeps its own answer, so a part that fails
//! is that part's error while the others show.

use super::approver::{Decision, pair};
use super::models::{Approval, Assignment, AssignmentRequest};
use crate::graph::GraphClient;
use crate::graph::batch::{BatchItem, BatchResults, MAX_BATCH, take};
use crate::graph::error::GraphError;
use crate::graph::models::{Page, User};
use crate::net::Cancel;

const EM: &str = "/identityGovernance/entitlementManagement";
/// The batch's items beside the people I invited.
const PARTS: usize = 4;
/// The people I invited looked up in the same batch (the newest first): what is left of it.
pub const INVITED_AT_MOST: usize = MAX_BATCH - PARTS;

/// The home page's data, part by part. A part not asked for (a partner approves nothing and
/// invites nobody) is `None`.
#[derive(Debug, Clone)]
pub struct HomeData {
    pub decisions: Option<Result<Vec<Decision>, GraphError>>,
    pub requests: Result<Vec<AssignmentRequest>, GraphError>,
    pub assignments: Result<Vec<Assignment>, GraphError>,
    pub invited: Option<Result<Vec<User>, GraphError>>,
}

/// The batch's requests: `member` asks for decisions too, and `invited` are user ids.
pub fn home_items(member: bool, invited: &[String]) -> Vec<BatchItem> {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let mut items = vec![
        BatchItem::get(
            "requests",
            &format!(
                "{EM}/assignmentRequests/filterByCurrentUser(on='target')?$expand=accessPackage($expand=assignmentPolicies),assignment($expand=assignmentPolicy)&$orderby=createdDateTime%20desc"
            ),
        ),
        BatchItem::get(
            "assignments",
            &format!("{EM}/assignments/filterByCurrentUser(on='target')?$expand=accessPackage,assignmentPolicy"),
        ),
    ];
    if member {
        items.push(BatchItem::get(
            "decisions",
            &format!(
                "{EM}/assignmentRequests/filterByCurrentUser(on='approver')?$expand=accessPackage($expand=assignmentPolicies),requestor"
            ),
        ));
        items.push(BatchItem::get(
            "approvals",
            &format!("{EM}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')?$expand=stages"),
        ));
        for (i, id) in invited.iter().rev().take(INVITED_AT_MOST).enumerate() {
            items.push(BatchItem::get(
                &format!("user{i}"),
                &format!("/users/{}?$select=id,displayName,mail,userType,externalUserState", enc(id)),
            ));
        }
    }
    items
}

/// Reads the batch's answers into the parts (what [`home_items`] asked for).
pub fn read_home(mut results: BatchResults, member: bool, invited: usize) -> HomeData {
    let requests = take::<Page<AssignmentRequest>>(&mut results, "requests").map(|p| p.value);
    let assignments = take::<Page<Assignment>>(&mut results, "assignments").map(|p| p.value);
    let decisions = member.then(|| {
        let requests = take::<Page<AssignmentRequest>>(&mut results, "decisions")?;
        let approvals = take::<Page<Approval>>(&mut results, "approvals")?;
        Ok(pair(requests.value, approvals.value))
    });
    let invited = (member && invited > 0).then(|| {
        let mut people = vec![];
        for i in 0..invited.min(INVITED_AT_MOST) {
            match take::<User>(&mut results, &format!("user{i}")) {
                Ok(u) => people.push(u),
                // Someone deleted since: nobody to invite again.
                Err(e) if e.status() == Some(404) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(people)
    });
    HomeData { decisions, requests, assignments, invited }
}

impl GraphClient {
    /// Everything the home page shows, in one round trip. Only the batch itself failing (the
    /// network, a session that ended) is an error here; each part carries its own.
    pub async fn home(
        &self,
        member: bool,
        invited: &[String],
        cancel: Option<&Cancel>,
    ) -> Result<HomeData, GraphError> {
        let items = home_items(member, invited);
        let count = invited.len().min(INVITED_AT_MOST);
        let results = self.batch(items, cancel).await?;
        Ok(read_home(results, member, count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_asks_for_every_part_in_one_batch_and_a_partner_for_their_own() {
        let ids: Vec<String> = (0..30).map(|i| format!("u{i}")).collect();
        let items = home_items(true, &ids);
        assert_eq!(items.len(), MAX_BATCH, "at most one batch");
        // The newest invitations first (kept in the order they were sent).
        assert!(items[PARTS].url.starts_with("/users/u29?"));
        assert_eq!(home_items(false, &ids).len(), 2, "a partner decides nothing and invites nobody");
        assert!(items.iter().all(|i| i.method == "GET"));
    }

    #[test]
    fn one_round_trip_a_throttled_item_sent_again_alone_and_a_failed_one_kept_as_its_parts_error() {
        use crate::graph::fake::{answer, batch_answer, client, graph_error};
        use serde_json::json;
        let empty = json!({"value": []});
        let (c, net, _) = client(vec![
            answer(
                200,
                &[],
                json!({"responses": [
                    {"id": "requests", "status": 500, "body": graph_error("InternalServerError")},
                    {"id": "assignments", "status": 429, "headers": {"Retry-After": "1"}, "body": graph_error("TooManyRequests")},
                    {"id": "decisions", "status": 200, "body": empty},
                    {"id": "approvals", "status": 200, "body": empty},
                    {"id": "user0", "status": 200, "body": {"id": "g", "externalUserState": "PendingAcceptance"}},
                ]}),
            ),
            batch_answer(&[("assignments", 200, json!({"value": [{"id": "a", "state": "delivered"}]}))]),
        ]);
        let data = futures::executor::block_on(c.home(true, &["g".into()], None)).unwrap();
        let sent = net.sent.borrow();
        assert_eq!(sent.len(), 2, "the batch, then its throttled item alone");
        let again: serde_json::Value = serde_json::from_slice(sent[1].body()).unwrap();
        assert_eq!(again["requests"].as_array().unwrap().len(), 1);
        assert_eq!(*net.slept.borrow(), [1000], "after the item's own Retry-After");
        assert_eq!(data.requests.unwrap_err().status(), Some(500));
        assert_eq!(data.assignments.unwrap().len(), 1);
        assert_eq!(data.invited.unwrap().unwrap().len(), 1);
    }

    #[test]
    fn a_failing_part_is_that_parts_error_and_the_others_are_read() {
        let mut results = BatchResults::new();
        results.insert("requests".into(), Ok(br#"{"value":[{"id":"r","state":"pendingApproval"}]}"#.to_vec()));
        results.insert("assignments".into(), Err(GraphError::Unreadable { status: 500, detail: "boom".into() }));
        results.insert("decisions".into(), Ok(br#"{"value":[{"id":"a"}]}"#.to_vec()));
        results.insert(
            "approvals".into(),
            Ok(br#"{"value":[{"id":"a","stages":[{"id":"1","assignedToMe":true,"status":"InProgress"}]}]}"#.to_vec()),
        );
        results.insert("user0".into(), Ok(br#"{"id":"g","externalUserState":"PendingAcceptance"}"#.to_vec()));
        let data = read_home(results, true, 1);
        assert_eq!(data.requests.unwrap().len(), 1);
        assert!(data.assignments.is_err());
        assert_eq!(data.decisions.unwrap().unwrap().len(), 1);
        assert_eq!(data.invited.unwrap().unwrap()[0].id, "g");
    }
}
