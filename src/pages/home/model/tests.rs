//! The home page's model from batch answers as Graph gives them.

use super::*;
use serde_json::json;

fn now() -> DateTime<Utc> {
    time("2026-12-05T12:00:00Z").unwrap()
}

fn from<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

fn two_stage_policy() -> serde_json::Value {
    json!({"id": "p2", "requestApprovalSettings": {"stages": [
        {"durationBeforeAutomaticDenial": "P14D", "primaryApprovers": [{"@odata.type": "#microsoft.graph.internalSponsors"}]},
        {"durationBeforeAutomaticDenial": "P7D", "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "description": "Oskar Berg"}]}]}})
}

fn one_stage_policy() -> serde_json::Value {
    json!({"id": "p1", "requestApprovalSettings": {"stages": [
        {"durationBeforeAutomaticDenial": "P2D", "primaryApprovers": [{"@odata.type": "#microsoft.graph.groupMembers", "description": "Partner approvers"}]}]}})
}

fn data() -> HomeData {
    HomeData { decisions: None, requests: Ok(vec![]), assignments: Ok(vec![]), invited: None }
}

#[test]
fn decisions_count_and_the_nearest_deadline() {
    let request = |id: &str, created: &str| {
        from::<AssignmentRequest>(json!({"id": id, "state": "pendingApproval", "createdDateTime": created,
            "accessPackage": {"id": "x", "displayName": "Fabrikam", "assignmentPolicies": [two_stage_policy()]}}))
    };
    let approval = |id: &str| {
        from::<Approval>(
            json!({"id": id, "stages": [{"id": "1", "assignedToMe": true, "status": "InProgress", "reviewResult": "NotReviewed"}]}),
        )
    };
    let decisions = vec![
        Decision { request: request("a", "2026-12-04T10:00:00Z"), approval: approval("a") },
        Decision { request: request("b", "2026-12-01T09:30:00Z"), approval: approval("b") },
    ];
    let model = HomeModel::build(HomeData { decisions: Some(Ok(decisions)), ..data() }, now(), false);
    let w = model.decisions.shown().unwrap();
    assert_eq!(w.count, 2);
    assert_eq!(w.nearest.as_deref(), Some("2026-12-15T09:30:00Z"), "the older request's stage ends first");
    assert_eq!(model.count(), 2);
    let none = HomeModel::build(HomeData { decisions: Some(Ok(vec![])), ..data() }, now(), false);
    assert_eq!(none.decisions, Part::Nothing, "no decision, no section");
    assert!(none.all_quiet());
}

#[test]
fn a_request_in_flight_says_who_decides_and_by_when_where_graph_lets_us_know() {
    let requests: Vec<AssignmentRequest> = from(json!([
        {"id": "r1", "state": "pendingApproval", "createdDateTime": "2026-12-04T08:00:00Z",
         "accessPackage": {"id": "x", "displayName": "Fabrikam pilot program", "assignmentPolicies": [one_stage_policy()]}},
        {"id": "r2", "state": "pendingApproval", "createdDateTime": "2026-12-03T08:00:00Z",
         "accessPackage": {"id": "y", "displayName": "Fabrikam delivery project", "assignmentPolicies": [two_stage_policy()]}},
        {"id": "r3", "state": "delivering", "accessPackage": {"id": "z", "displayName": "Partner portal"}},
        {"id": "r4", "state": "delivered"}, {"id": "r5", "state": "denied"}, {"id": "r6", "state": "canceled"},
    ]));
    let model = HomeModel::build(HomeData { requests: Ok(requests), ..data() }, now(), true);
    let list = model.requests.shown().unwrap();
    assert_eq!(list.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["r1", "r2", "r3"]);
    assert_eq!(list[0].approvers, [Approver::Named("Partner approvers".into())]);
    assert_eq!(list[0].deadline.as_deref(), Some("2026-12-06T08:00:00Z"));
    // Two stages: which one is open is the approval's to say, which the request does not carry.
    assert_eq!((list[1].approvers.len(), &list[1].deadline), (0, &None));
    assert_eq!((list[2].state.as_str(), list[2].approvers.len()), ("delivering", 0));
    assert_eq!(model.count(), 0, "requests in flight wait for others, not for me");
    assert!(!model.new_partner);
}

#[test]
fn access_ending_within_fourteen_days_soonest_first_with_extension_where_the_policy_allows() {
    let assignment = |id: &str, end: &str, extend: bool| {
        json!({"id": id, "state": "delivered", "accessPackage": {"id": id, "displayName": format!("P{id}")},
            "schedule": {"expiration": {"type": "afterDateTime", "endDateTime": end}},
            "assignmentPolicy": {"id": "p", "requestorSettings": {"enableTargetsToSelfUpdateAccess": extend}}})
    };
    let all: Vec<Assignment> = from(json!([
        assignment("a", "2026-12-15T12:00:00Z", true),
        assignment("b", "2026-12-08T12:00:00Z", false),
        assignment("c", "2027-03-01T12:00:00Z", true),
        assignment("d", "2026-12-01T12:00:00Z", true),
        {"id": "e", "state": "delivered"},
    ]));
    let model = HomeModel::build(HomeData { assignments: Ok(all), ..data() }, now(), true);
    let list = model.ending.shown().unwrap();
    assert_eq!(list.iter().map(|e| e.assignment_id.as_str()).collect::<Vec<_>>(), ["b", "a"]);
    assert_eq!((list[0].extendable, list[1].extendable), (false, true));
    assert_eq!(model.count(), 2);
    assert!(!model.new_partner, "a partner holding access is not new");
}

#[test]
fn people_who_have_not_accepted_are_listed_to_invite_again() {
    let people: Vec<User> = from(json!([
        {"id": "1", "displayName": "Quinn", "mail": "quinn@fabrikam.com", "userType": "Guest", "externalUserState": "PendingAcceptance"},
        {"id": "2", "displayName": "Pat", "mail": "pat@fabrikam.com", "userType": "Guest", "externalUserState": "Accepted"},
    ]));
    let model = HomeModel::build(HomeData { invited: Some(Ok(people)), ..data() }, now(), false);
    let list = model.invited.shown().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].user_id.as_str(), list[0].mail.as_str()), ("1", "quinn@fabrikam.com"));
    assert_eq!(model.count(), 1);
}

#[test]
fn a_failing_part_is_its_own_error_and_the_others_show() {
    let failed = GraphError::Unreadable { status: 500, detail: "x".into() };
    let requests: Vec<AssignmentRequest> = from(json!([{"id": "r", "state": "submitted"}]));
    let model =
        HomeModel::build(HomeData { requests: Ok(requests), assignments: Err(failed.clone()), ..data() }, now(), true);
    assert_eq!(model.ending, Part::Failed(failed));
    assert!(model.requests.shown().is_some());
    assert!(!model.new_partner, "an unknown part is not nothing");
    assert!(!model.all_quiet());
}

#[test]
fn a_partner_with_nothing_yet_is_new_and_a_member_never_is() {
    let expired: Vec<Assignment> = from(json!([{"id": "a", "state": "expired"}]));
    assert!(HomeModel::build(HomeData { assignments: Ok(expired), ..data() }, now(), true).new_partner);
    assert!(!HomeModel::build(data(), now(), false).new_partner);
}

#[test]
fn the_title_carries_the_count() {
    assert_eq!(titled(0, "Portier"), "Portier");
    assert_eq!(titled(2, "Portier"), "(2) Portier");
}
