//! The tenant-wide collections as a directory role (alex) reads them: every catalog, policy,
//! request and assignment, with the `$filter`s Graph's pages document, `$select`, `$expand`,
//! `$count` and paging through `@odata.nextLink`, in Graph's v1.0 shapes.

mod common;
mod em;

use common::*;
use em::*;
use serde_json::Value;

fn admin(t: &TestTenant) -> String {
    minted_token(t, "alex@contoso.com", "EntitlementManagement.Read.All")
}

fn items(page: &Value) -> &Vec<Value> {
    page["value"].as_array().unwrap()
}

/// Every item of a list, following `@odata.nextLink`; checks the count on the first page.
async fn walk(t: &TestTenant, token: &str, path: &str) -> Vec<Value> {
    let first = json_ok(t, token, path).await;
    let mut out = items(&first).clone();
    let mut next = first["@odata.nextLink"].as_str().map(String::from);
    while let Some(url) = next {
        let page: Value = http().get(&url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        out.extend(items(&page).iter().cloned());
        next = page["@odata.nextLink"].as_str().map(String::from);
    }
    if let Some(count) = first["@odata.count"].as_u64() {
        assert_eq!(out.len() as u64, count, "{path}: the pages add up to the count");
    }
    out
}

#[tokio::test]
async fn collections_catalogs_filter_expand_and_select() {
    let t = start().await;
    let alex = admin(&t);
    let page = json_ok(&t, &alex, &format!("{EM}/catalogs?$filter=contains(tolower(displayName),'general')")).await;
    assert_eq!(items(&page).len(), 1);
    assert!(page["@odata.context"].as_str().unwrap().ends_with("#identityGovernance/entitlementManagement/catalogs"));
    let general = &items(&page)[0];
    conforms(general, "accessPackageCatalog");
    assert_eq!(general["isExternallyVisible"], false);
    let external =
        json_ok(&t, &alex, &format!("{EM}/catalogs?$filter=isExternallyVisible%20eq%20true&$select=id,displayName"))
            .await;
    assert_eq!(items(&external).len(), 1);
    assert_eq!(items(&external)[0].as_object().unwrap().len(), 2, "{external}");
    assert_eq!(items(&external)[0]["displayName"], "Partner collaboration");
    let expanded = json_ok(
        &t,
        &alex,
        &format!("{EM}/catalogs?$filter=displayName%20eq%20'General'&$expand=accessPackages($select=displayName)"),
    )
    .await;
    let packages = items(&expanded)[0]["accessPackages"].as_array().unwrap();
    assert_eq!(packages.len(), 26, "engineering tools, the build farm and 24 team sites");
    assert!(packages.iter().any(|p| p["displayName"] == "Build farm"));
    assert!(packages[0].get("description").is_none(), "the nested $select shapes them");
}

#[tokio::test]
async fn collections_policies_filter_page_and_expand_questions() {
    let t = start().await;
    let alex = admin(&t);
    let all = walk(&t, &alex, &format!("{EM}/assignmentPolicies?$count=true&$top=7")).await;
    assert_eq!(all.len(), 30, "six named policies and the 24 generated ones");
    for p in &all {
        assert!(p.get("questions").is_none(), "questions only when expanded");
    }
    let page = json_ok(
        &t,
        &alex,
        &format!(
            "{EM}/assignmentPolicies?$filter=displayName%20eq%20'Fabrikam%20partners'&$expand=questions,accessPackage"
        ),
    )
    .await;
    let policy = &items(&page)[0];
    conforms(policy, "accessPackageAssignmentPolicy");
    assert_eq!(policy["questions"].as_array().unwrap().len(), 2);
    assert_eq!(policy["accessPackage"]["displayName"], FABRIKAM);
    let scoped = json_ok(
        &t,
        &alex,
        &format!("{EM}/assignmentPolicies?$filter=accessPackage/id%20eq%20'{}'", package_id("Fabrikam workspace")),
    )
    .await;
    assert_eq!(items(&scoped).len(), 1);
    assert_eq!(items(&scoped)[0]["requestorSettings"]["allowCustomAssignmentSchedule"], true);
    assert_eq!(items(&scoped)[0]["requestorSettings"]["enableTargetsToSelfUpdateAccess"], true);
}

#[tokio::test]
async fn collections_requests_across_the_tenant_filter_and_page() {
    let t = start().await;
    let alex = admin(&t);
    let all = walk(&t, &alex, &format!("{EM}/assignmentRequests?$count=true&$top=4")).await;
    assert_eq!(all.len(), 16, "pat's 12, maja's, lena's, alex's and robin's");
    let pilot = json_ok(
        &t,
        &alex,
        &format!(
            "{EM}/assignmentRequests?$filter=accessPackage/id%20eq%20'{}'%20and%20state%20eq%20'canceled'&$count=true",
            package_id(PILOT)
        ),
    )
    .await;
    assert_eq!(pilot["@odata.count"], 9);
    let pending = json_ok(
        &t,
        &alex,
        &format!("{EM}/assignmentRequests?$filter=state%20eq%20'pendingApproval'&$expand=requestor,accessPackage"),
    )
    .await;
    assert_eq!(items(&pending).len(), 1, "lena's");
    let lena = &items(&pending)[0];
    conforms(lena, "accessPackageAssignmentRequest");
    assert_eq!(lena["requestor"]["email"], "lena@fabrikam.com");
    assert_eq!(lena["accessPackage"]["displayName"], FABRIKAM);
    let failed =
        json_ok(&t, &alex, &format!("{EM}/assignmentRequests?$filter=state%20eq%20'partiallyDelivered'")).await;
    assert_eq!(items(&failed).len(), 1);
    assert_eq!(items(&failed)[0]["status"], "PartiallyDelivered");
    let newest = json_ok(&t, &alex, &format!("{EM}/assignmentRequests?$orderby=createdDateTime%20desc&$top=1")).await;
    assert_eq!(newest["value"][0]["id"], lena["id"], "lena's, a day old, is the newest");
}

#[tokio::test]
async fn collections_assignments_across_the_tenant_filter_by_target_and_state() {
    let t = start().await;
    let alex = admin(&t);
    let all = walk(&t, &alex, &format!("{EM}/assignments?$count=true&$top=2")).await;
    assert_eq!(all.len(), 5, "pat's two, maja's, alex's and robin's");
    let pat = user_id("pat_fabrikam.com#EXT#@contoso.onmicrosoft.com");
    let mine = json_ok(
        &t,
        &alex,
        &format!("{EM}/assignments?$expand=target,accessPackage&$filter=target/objectid%20eq%20'{pat}'"),
    )
    .await;
    let mut names: Vec<&str> =
        items(&mine).iter().map(|a| a["accessPackage"]["displayName"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["Fabrikam workspace", PORTAL]);
    for a in items(&mine) {
        conforms(a, "accessPackageAssignment");
        assert_eq!(a["target"]["objectId"], pat.as_str());
    }
    let delivered =
        json_ok(&t, &alex, &format!("{EM}/assignments?$filter=state%20eq%20'Delivered'&$select=id,state")).await;
    assert_eq!(items(&delivered).len(), 4, "all but alex's partially delivered one");
    assert!(items(&delivered).iter().all(|a| a.as_object().unwrap().len() == 2 && a["state"] == "delivered"));
    let partial =
        json_ok(&t, &alex, &format!("{EM}/assignments?$filter=accessPackage/id%20eq%20'{}'", package_id("Build farm")))
            .await;
    assert_eq!(items(&partial)[0]["state"], "partiallyDelivered");
}
