//! OData on the entitlement lists as the app uses it: paging with `@odata.nextLink`, `$count`,
//! `$filter`, `$orderby`, `$select`, `$expand`, Graph's 400 for what is not supported, the
//! shapes of Graph's documented examples, and a 10 000-package catalog that stays fast.

mod common;
mod em;

use common::*;
use em::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const REQUESTABLE: &str =
    "/v1.0/identityGovernance/entitlementManagement/accessPackages/filterByCurrentUser(on='allowedRequestor')";

async fn get(t: &TestTenant, token: &str, path_and_query: &str) -> Value {
    json_ok(t, token, path_and_query).await
}

fn names(page: &Value) -> Vec<String> {
    page["value"].as_array().unwrap().iter().map(|p| p["displayName"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn lists_page_through_next_links_with_the_count_on_the_first_page() {
    let t = start().await;
    let pat = access_token(&t, "pat@fabrikam.com", REQUESTOR).await;
    let first = get(&t, &pat, &format!("{REQUESTABLE}?$count=true")).await;
    assert_eq!(first["@odata.count"], 28, "4 partner packages (the workspace is pat's alone) and 24 team sites");
    assert_eq!(first["value"].as_array().unwrap().len(), 10, "the demo's page size");
    assert!(
        first["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("$metadata#identityGovernance/entitlementManagement/accessPackages")
    );
    let mut seen = names(&first);
    let mut next = first["@odata.nextLink"].as_str().map(String::from);
    while let Some(url) = next {
        assert!(url.contains("count=true") && url.contains("skiptoken="), "{url}");
        let page: Value = http().get(&url).bearer_auth(&pat).send().await.unwrap().json().await.unwrap();
        assert!(page.get("@odata.count").is_none_or(|c| c == 28));
        seen.extend(names(&page));
        next = page["@odata.nextLink"].as_str().map(String::from);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 28);
    // `$top` sets the page size; pat's history (12 requests) pages too.
    assert_eq!(get(&t, &pat, &format!("{REQUESTABLE}?$top=4")).await["value"].as_array().unwrap().len(), 4);
    let mine = get(&t, &pat, &format!("{EM}/assignmentRequests/filterByCurrentUser(on='target')")).await;
    assert_eq!(mine["value"].as_array().unwrap().len(), 10);
    assert!(mine["@odata.nextLink"].is_string());
}

#[tokio::test]
async fn filter_orderby_select_and_expand_answer_as_asked() {
    let t = start().await;
    let pat = access_token(&t, "pat@fabrikam.com", REQUESTOR).await;
    let page =
        get(&t, &pat, &format!("{REQUESTABLE}?$filter=startswith(displayName,'Team site 1')&$count=true&$top=20"))
            .await;
    assert_eq!(page["@odata.count"], 11, "1 and 10–19");
    let page =
        get(&t, &pat, &format!("{REQUESTABLE}?$filter=contains(displayName,'fabrikam') and isHidden eq false")).await;
    assert_eq!(names(&page), [FABRIKAM]);
    let page = get(
        &t,
        &pat,
        &format!(
            "{REQUESTABLE}?$filter=contains(displayName,'team')&$orderby=displayName desc&$top=1&$select=id,displayName"
        ),
    )
    .await;
    assert_eq!(page["value"][0], json!({"id": package_id("Team site 9"), "displayName": "Team site 9"}));

    let mine = format!("{EM}/assignmentRequests/filterByCurrentUser(on='target')");
    let canceled = get(
        &t,
        &pat,
        &format!("{mine}?$filter=state eq 'canceled' and accessPackage/id eq '{}'&$count=true", package_id(PILOT)),
    )
    .await;
    assert_eq!(canceled["@odata.count"], 9);
    let newest = get(
        &t,
        &pat,
        &format!("{mine}?$orderby=createdDateTime desc&$top=1&$expand=accessPackage($select=displayName)"),
    )
    .await;
    let r = &newest["value"][0];
    assert_eq!(r["accessPackage"], json!({"displayName": PILOT}), "the last canceled ones are the newest");
    let oldest =
        get(&t, &pat, &format!("{mine}?$orderby=createdDateTime&$top=1&$select=id,state&$expand=accessPackage")).await;
    let r = oldest["value"][0].as_object().unwrap();
    assert_eq!(r.keys().filter(|k| !k.starts_with('@')).count(), 3, "id, state and the expanded relation: {r:?}");
    assert_eq!(r["accessPackage"]["displayName"], PORTAL);
    let by_name = get(&t, &pat, &format!("{EM}/assignments/filterByCurrentUser(on='target')?$filter=startswith(accessPackage/displayName,'partner')&$expand=assignmentPolicy")).await;
    assert_eq!(by_name["value"][0]["assignmentPolicy"]["displayName"], "Connected organizations");
    conforms(&by_name["value"][0], "accessPackageAssignment");

    let orgs = get(&t, &pat, &format!("{EM}/connectedOrganizations?$filter=startswith(displayName,'fab')")).await;
    assert_eq!(orgs["value"][0]["displayName"], "Fabrikam");
    let org_id = orgs["value"][0]["id"].as_str().unwrap();
    let org =
        get(&t, &pat, &format!("{EM}/connectedOrganizations/{org_id}?$expand=internalSponsors,externalSponsors")).await;
    conforms(&org, "connectedOrganization");
    assert_eq!(org["internalSponsors"][0]["displayName"], "Sara Lindqvist");
    assert_eq!(org["externalSponsors"][0]["displayName"], "Pat Jansen");
    let sponsors = get(&t, &pat, &format!("{EM}/connectedOrganizations/{org_id}/internalSponsors")).await;
    conforms(&sponsors["value"][0], "directoryObject");
    let pkg = get(
        &t,
        &pat,
        &format!("{EM}/accessPackages/{}?$expand=resourceRoleScopes($expand=role,scope),catalog", package_id(FABRIKAM)),
    )
    .await;
    conforms(&pkg, "accessPackage");
    let scopes = pkg["resourceRoleScopes"].as_array().unwrap();
    assert_eq!(scopes.len(), 2);
    assert_eq!(scopes[0]["scope"]["originId"], group_id("Fabrikam project team"));
    assert_eq!(scopes[1]["scope"]["originSystem"], "SharePointOnline");
    assert_eq!(pkg["catalog"]["displayName"], "Partner collaboration");
    let policy = get(
        &t,
        &pat,
        &format!(
            "{EM}/assignmentPolicies/{}?$expand=questions,accessPackage",
            policy_id(FABRIKAM, "Fabrikam partners")
        ),
    )
    .await;
    conforms(&policy, "accessPackageAssignmentPolicy");
    assert_eq!(policy["specificAllowedTargets"][0]["@odata.type"], "#microsoft.graph.connectedOrganizationMembers");
    assert_eq!(
        policy["requestApprovalSettings"]["stages"][0]["primaryApprovers"][0]["@odata.type"],
        "#microsoft.graph.internalSponsors"
    );
    assert_eq!(policy["accessPackage"]["displayName"], FABRIKAM);
    let plain = get(&t, &pat, &format!("{EM}/assignmentPolicies/{}", policy_id(FABRIKAM, "Fabrikam partners"))).await;
    assert!(plain.get("questions").is_none(), "a navigation property comes only when expanded");
    let reqs = graph_post(
        &t,
        &pat,
        &format!("{EM}/accessPackages/{}/getApplicablePolicyRequirements", package_id(FABRIKAM)),
        &json!({}),
    )
    .await;
    let reqs: Value = reqs.json().await.unwrap();
    conforms(&reqs["value"][0], "accessPackageAssignmentRequestRequirements");
    assert_eq!(reqs["value"][0]["isRequestorJustificationRequired"], true);
}

#[tokio::test]
async fn unsupported_query_options_answer_graphs_400_instead_of_a_wrong_answer() {
    let t = start().await;
    let pat = access_token(&t, "pat@fabrikam.com", REQUESTOR).await;
    let mine = format!("{EM}/assignmentRequests/filterByCurrentUser(on='target')");
    for path in [
        format!("{REQUESTABLE}?$search=team"),
        format!("{REQUESTABLE}?$skip=2"),
        format!("{REQUESTABLE}?$filter=displayName ne 'x'"),
        format!("{REQUESTABLE}?$filter=colour eq 'red'"),
        format!("{REQUESTABLE}?$filter=not isHidden eq true"),
        format!("{REQUESTABLE}?$filter=startswith(displayName"),
        format!("{REQUESTABLE}?$orderby=description"),
        format!("{REQUESTABLE}?$expand=owners"),
        format!("{REQUESTABLE}?$expand=*"),
        format!("{REQUESTABLE}?$select=colour"),
        format!("{REQUESTABLE}?$top=0"),
        format!("{REQUESTABLE}?$skiptoken=forged"),
        format!("{REQUESTABLE}?$count=maybe"),
        format!("{EM}/accessPackages/filterByCurrentUser(on='everyone')"),
        format!("{EM}/accessPackages/filterByCurrentUser()"),
        format!("{mine}?$filter=justification eq 'x'"),
        format!("{mine}?$expand=assignment($expand=owner)"),
        format!("{EM}/assignmentRequests/filterByCurrentUser(on='allowedRequestor')"),
        format!("{EM}/accessPackages/{}?$top=1", package_id(PORTAL)),
    ] {
        assert_graph_error(graph_get(&t, &pat, &path).await, 400, "BadRequest").await;
    }
}

/// Every property of a documented example, with the same JSON kind (or null, where the schema
/// allows it), is in our answer.
fn has_shape_of(ours: &Value, example: &Value) {
    for (key, want) in example.as_object().unwrap() {
        let got = ours.get(key).unwrap_or_else(|| panic!("'{key}' missing from {ours}"));
        let kind = |v: &Value| match v {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        assert!(want.is_null() || got.is_null() || kind(got) == kind(want), "'{key}': {got} vs the example's {want}");
        if want.is_object() && got.is_object() {
            has_shape_of(got, want);
        }
    }
}

#[tokio::test]
async fn responses_have_the_shapes_of_graphs_documented_examples() {
    let t = start().await;
    let pat = access_token(&t, "pat@fabrikam.com", &format!("{REQUESTOR} EntitlementManagement.ReadWrite.All")).await;
    // From Microsoft's v1.0 pages (values shortened): Get accessPackage, accessPackageAssignment
    // (a live answer quoted in microsoft-graph-docs-contrib#2664), accessPackageAssignmentRequest
    // (filterByCurrentUser), approvalStage (Get approvalStage) and connectedOrganization.
    let package = json!({"id": "56ff43fd-6b05-48e2-a1d3-d8ad6eb5ea2e", "displayName": "Sales and Marketing",
        "description": "Sales and Marketing", "isHidden": false, "createdDateTime": "2021-01-26T22:30:57.37Z",
        "modifiedDateTime": "2021-01-26T22:30:57.37Z"});
    let assignment = json!({"id": "78f1fdfd-4d01-4e20-9e7d-792f1f0cba47", "state": "delivered", "status": "Delivered",
        "expiredDateTime": null, "schedule": {"startDateTime": "2021-12-12T20:08:52.82Z", "recurrence": null,
        "expiration": {"endDateTime": null, "duration": null, "type": "noExpiration"}}});
    let request = json!({"id": "d3a7d5b3-a1f4-4d0d-9ea5-9c9c8e0e8d5e", "requestType": "userAdd", "state": "delivered",
        "status": "Delivered", "createdDateTime": "2019-10-25T22:55:11.623Z", "completedDateTime": "2019-10-26T22:55:11.623Z",
        "schedule": {"startDateTime": "2019-10-25T22:55:11.623Z", "recurrence": null,
        "expiration": {"endDateTime": null, "duration": null, "type": "noExpiration"}}});
    let stage = json!({"id": "d4fa4045-4716-436d-aec5-57b0a713f095", "displayName": null, "reviewedDateTime": null,
        "reviewResult": "NotReviewed", "status": "InProgress", "assignedToMe": true, "justification": "", "reviewedBy": null});
    let org = json!({"id": "922c86cb-1ba0-4f10-b2c8-c3a82f5e1e5c", "displayName": "Contoso", "description": "Contoso",
        "identitySources": [{"@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": "contoso.com",
        "displayName": "Contoso"}], "state": "configured", "createdDateTime": "2021-01-14T20:25:25.633Z",
        "modifiedDateTime": "2021-01-14T20:25:25.633Z"});
    let ours = get(&t, &pat, &format!("{EM}/accessPackages/{}", package_id(PORTAL))).await;
    has_shape_of(&ours, &package);
    let mine = get(&t, &pat, &format!("{EM}/assignments/filterByCurrentUser(on='target')")).await;
    has_shape_of(&mine["value"][0], &assignment);
    let reqs = get(
        &t,
        &pat,
        &format!("{EM}/assignmentRequests/filterByCurrentUser(on='target')?$filter=state eq 'delivered'"),
    )
    .await;
    has_shape_of(&reqs["value"][0], &request);
    let nils = sign_up(&t, "nils@fabrikam.com", "Nils Ek", REQUESTOR).await;
    let pending = submit(&t, &nils, &add_request(PILOT)).await;
    let approval = get(&t, &pat, &format!("{EM}/accessPackageAssignmentApprovals/{pending}")).await;
    has_shape_of(&approval["stages"][0], &stage);
    let orgs = get(&t, &pat, &format!("{EM}/connectedOrganizations")).await;
    has_shape_of(&orgs["value"][0], &org);
    for (v, ty) in [
        (&ours, "accessPackage"),
        (&mine["value"][0], "accessPackageAssignment"),
        (&reqs["value"][0], "accessPackageAssignmentRequest"),
        (&approval, "approval"),
        (&orgs["value"][0], "connectedOrganization"),
    ] {
        conforms(v, ty);
    }
}

#[tokio::test]
async fn a_catalog_of_ten_thousand_packages_lists_and_filters_quickly() {
    let text = include_str!("../scenarios/catalog-10k.toml");
    let started = Instant::now();
    let t = start_with(text, ":memory:").await;
    let seeded = started.elapsed();
    assert!(seeded < Duration::from_secs(20), "seeding took {seeded:?}");
    let maja = access_token(&t, "maja@contoso.com", REQUESTOR).await;
    let started = Instant::now();
    let first = get(&t, &maja, &format!("{REQUESTABLE}?$count=true&$top=50")).await;
    let filtered = get(
        &t,
        &maja,
        &format!("{REQUESTABLE}?$filter=startswith(displayName,'Package 99')&$count=true&$orderby=displayName"),
    )
    .await;
    let listed = get(&t, &maja, &format!("{EM}/accessPackages?$filter=contains(displayName,'12')&$count=true")).await;
    let took = started.elapsed();
    assert_eq!(first["@odata.count"], 10_000);
    assert_eq!(first["value"].as_array().unwrap().len(), 50);
    assert_eq!(filtered["@odata.count"], 111, "99, 990–999, 9900–9999");
    assert_eq!(filtered["value"][0]["displayName"], "Package 99");
    assert_eq!(listed["@odata.count"], 299, "every number with a 12 in it");
    // Three full scans of 10 000 packages, unoptimised build included.
    assert!(took < Duration::from_secs(6), "listing took {took:?}");
}
