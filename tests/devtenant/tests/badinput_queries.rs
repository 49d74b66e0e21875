//! Hostile query options and path segments on every Graph GET: each is Graph's 400 (or 404 for
//! an id that names nothing), never a 5xx or a dropped connection, and no read writes anything.

mod ar;
mod common;
mod em;
mod refused;

use ar::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use common::*;
use em::*;
use refused::*;

/// Percent-encodes a query value, so that the tenant receives the text byte for byte.
fn enc(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn option(name: &str, value: &str) -> String {
    format!("{name}={}", enc(value))
}

/// `$filter` values that are not OData, or use what no list supports.
fn bad_filters() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        " ",
        "id eq",
        "id eq 'x' OR 1=1 --",
        "' OR 1=1 --",
        "id eq 'x' ; DROP TABLE users; --",
        "id eq 'unterminated",
        "((id eq 'x')",
        "id eq 'x')",
        ")(",
        "id\u{0}eq 'x'",
        "id eq 'x' and",
        "not",
        "startswith(id)",
        "unknownfn(id,'x')",
        "id eq 'x' xor id eq 'y'",
        "id eq $it",
        "colour eq 'x'",
        "id eq 'a' or colour eq 'b'",
        "id in ()",
        "id in ('a',)",
        "id eq \"double\"",
    ]
    .map(String::from)
    .to_vec();
    out.push(format!("id eq '{}'", "A".repeat(5000)));
    out.push(format!("{}id eq 'x'{}", "(".repeat(200), ")".repeat(200)));
    out.push("not ".repeat(100) + "id eq 'x'");
    out
}

fn bad_selects() -> Vec<String> {
    let mut out: Vec<String> =
        ["", ",", "id,,displayName", "colour", "id;DROP TABLE users", "' OR 1=1 --", "id)", "id\u{0}", "id\u{1b}[2J"]
            .map(String::from)
            .to_vec();
    out.push("a".repeat(5000));
    out.push(vec!["id"; 2000].join(",") + ",colour");
    out
}

/// A `$expand` nested `depth` deep, a hostile client's way to exhaust a recursive parser: left
/// unencoded (OData's characters are legal in a query) so that a deep one fits in a URL.
fn deep_expand(depth: usize) -> String {
    format!("$expand={}a{}", "a($expand=".repeat(depth), ")".repeat(depth))
}

fn bad_expands() -> Vec<String> {
    ["", "nothing", "catalog(", "catalog)", "(", "catalog($top=1)", "' OR 1=1 --", "catalog($expand=)", "*"]
        .map(String::from)
        .to_vec()
}

/// `$expand` options: the bad values encoded, and a deep one as it is.
fn bad_expand_options() -> Vec<String> {
    let mut out: Vec<String> = bad_expands().iter().map(|e| option("$expand", e)).collect();
    out.push(deep_expand(5000));
    out
}

/// Options every list refuses, whatever it supports: bad values and options Graph has but the
/// tenant does not.
fn bad_list_options() -> Vec<String> {
    let mut out = vec![];
    out.extend(bad_filters().iter().map(|f| option("$filter", f)));
    out.extend(bad_selects().iter().map(|s| option("$select", s)));
    for top in ["0", "-1", "abc", "1.5", "99999999999999999999999", "1000", "", "' OR 1=1"] {
        out.push(option("$top", top));
    }
    let orderby = ["", "displayName sideways", "colour", "displayName desc extra", "' OR 1=1 --", "id; DROP TABLE x"];
    out.extend(orderby.iter().map(|o| option("$orderby", o)));
    out.extend(bad_expand_options());
    let huge_offset = B64.encode(format!("devtenant-page:{}", usize::MAX));
    for token in ["garbage", "' OR 1=1 --", huge_offset.as_str(), &B64.encode("devtenant-page:-1")] {
        out.push(option("$skiptoken", token));
    }
    out.extend(["maybe", "1"].iter().map(|c| option("$count", c)));
    for other in ["$search=%22x%22", "$format=xml", "$levels=2", "$apply=x", "$top=1&$top=2", "$TOP=1&$top=2"] {
        out.push(other.to_string());
    }
    out
}

/// `$skip` as a list refuses it: the access review lists take a whole number (not with a
/// `$skiptoken`), the others none at all.
fn bad_skips(path: &str) -> Vec<String> {
    if !path.starts_with(AR) {
        return vec!["$skip=1".into(), "$skip=0".into()];
    }
    let mut out: Vec<String> = ["-1", "x", "1.5", "", "+1", "99999999999999999999999", "' OR 1=1"]
        .iter()
        .map(|s| option("$skip", s))
        .collect();
    out.push("$skip=1&$skip=2".into());
    out.push(format!("$skip=1&$skiptoken={}", B64.encode("devtenant-page:1")));
    out
}

fn list_paths() -> Vec<String> {
    vec![
        "/v1.0/users".into(),
        format!("{EM}/accessPackages"),
        format!("{EM}/accessPackages/filterByCurrentUser(on='allowedRequestor')"),
        format!("{EM}/assignmentRequests/filterByCurrentUser(on='target')"),
        format!("{EM}/assignments/filterByCurrentUser(on='target')"),
        format!("{EM}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')"),
        format!("{EM}/connectedOrganizations"),
        format!("{EM}/catalogs"),
        format!("{EM}/assignmentPolicies"),
        format!("{EM}/assignmentRequests"),
        format!("{EM}/assignments"),
        format!("{AR}/definitions/{MINE}"),
        format!("{AR}/definitions/{}/instances/{MINE}", portal_review().definition),
        format!("{}/decisions/{MINE}", portal_review().instance_path()),
        format!("{}/contactedReviewers", portal_review().instance_path()),
    ]
}

#[tokio::test]
async fn badinput_list_query_options_are_refused_with_graphs_400() {
    let t = start().await;
    let mut p = Prober::new(&t, minted_token(&t, "alex@contoso.com", ALL_SCOPES));
    for path in list_paths() {
        for query in bad_list_options().into_iter().chain(bad_skips(&path)) {
            p.refused(Bad::get(format!("{path}?{query}")), &[400]).await;
        }
    }
    p.assert_nothing_written();
}

#[tokio::test]
async fn badinput_injections_written_as_filter_literals_are_data_and_match_nothing() {
    let t = start().await;
    let mut p = Prober::new(&t, minted_token(&t, "alex@contoso.com", ALL_SCOPES));
    let literals = [
        "id eq ''' OR 1=1 --'",
        "id eq 'x'' OR ''1''=''1'",
        "id eq '; DROP TABLE users; --'",
        "id eq 'a\u{0}b\u{1b}[31m\u{7f}'",
        "id eq ''')--'",
        "id eq '<script>alert(1)</script>'",
        "id eq '%00%27'",
    ];
    for path in list_paths() {
        for f in literals {
            p.matches_nothing(Bad::get(format!("{path}?{}", option("$filter", f)))).await;
        }
    }
    p.assert_nothing_written();
}

#[tokio::test]
async fn badinput_entity_query_options_and_path_segments_are_refused() {
    let t = start().await;
    let pat = minted_token(&t, "pat@fabrikam.com", ALL_SCOPES);
    let requests = json_ok(&t, &pat, &format!("{EM}/assignmentRequests/filterByCurrentUser(on='target')")).await;
    let request_id = requests["value"][0]["id"].as_str().expect("pat has requests").to_string();
    let assignments = json_ok(&t, &pat, &format!("{EM}/assignments/filterByCurrentUser(on='target')")).await;
    let assignment_id = assignments["value"][0]["id"].as_str().expect("pat has access").to_string();
    let orgs = json_ok(&t, &pat, &format!("{EM}/connectedOrganizations")).await;
    let org_id = orgs["value"][0]["id"].as_str().unwrap().to_string();
    // A nested `$select` of real properties is read, and shapes what is expanded.
    let org_path = format!("{EM}/connectedOrganizations/{org_id}?$expand=internalSponsors($select=displayName)");
    let sponsor = &json_ok(&t, &pat, &org_path).await["internalSponsors"][0];
    assert_eq!(sponsor["displayName"], "Sara Lindqvist", "{sponsor}");
    assert!(sponsor.get("mail").is_none(), "{sponsor}");

    let mut p = Prober::new(&t, minted_token(&t, "alex@contoso.com", ALL_SCOPES));
    // Each entity with a relation it expands (none for users), for a nested `$select`.
    let entities = [
        ("/v1.0/me".to_string(), None),
        (format!("/v1.0/users/{}", user_id("sara@contoso.com")), None),
        (format!("{EM}/accessPackages/{}", package_id(FABRIKAM)), Some("catalog")),
        (format!("{EM}/assignmentPolicies/{}", policy_id(FABRIKAM, "Fabrikam partners")), Some("questions")),
        (format!("{EM}/assignmentRequests/{request_id}"), Some("requestor")),
        (format!("{EM}/assignments/{assignment_id}"), Some("target")),
        (format!("{EM}/connectedOrganizations/{org_id}"), Some("internalSponsors")),
        (format!("{AR}/definitions/{}", portal_review().definition), None),
        (portal_review().instance_path(), None),
        (portal_review().item_path(), Some("insights")),
    ];
    for (path, relation) in &entities {
        let mut queries: Vec<String> = bad_selects().iter().map(|s| option("$select", s)).collect();
        queries.extend(bad_expand_options());
        for inner in relation.iter().flat_map(|r| [format!("{r}($select=colour)"), format!("{r}($select=)")]) {
            queries.push(option("$expand", &inner));
        }
        queries.extend(["$filter=id%20eq%20'x'", "$top=1", "$orderby=id", "$select=id&$select=id"].map(String::from));
        for query in queries {
            p.refused(Bad::get(format!("{path}?{query}")), &[400]).await;
        }
    }
    let sponsors = format!("{EM}/connectedOrganizations/{org_id}/internalSponsors");
    for query in ["$top=0", "$top=x", "$skiptoken=garbage", "$filter=id%20eq%20'x'", "$select=id"] {
        p.refused(Bad::get(format!("{sponsors}?{query}")), &[400]).await;
    }
    let long_id = "x".repeat(10_000);
    let segments = [
        "/v1.0/users/%FF".to_string(),
        "/v1.0/users/%00".to_string(),
        format!("/v1.0/users/{}", enc("' OR 1=1 --")),
        format!("/v1.0/users/{long_id}"),
        format!("{EM}/accessPackages/%FF%FE"),
        format!("{EM}/accessPackages/{}", enc("'; DROP TABLE em_packages; --")),
        format!("{EM}/accessPackages/filterByCurrentUser(on='nobody')"),
        format!("{EM}/accessPackages/filterByCurrentUser("),
        format!("{EM}/accessPackages/filterByCurrentUser(on=allowedRequestor)"),
        format!("{EM}/assignmentRequests/filterByCurrentUser(on='target'%20or%201=1)"),
        format!("{EM}/assignmentRequests/{long_id}"),
        format!("{EM}/connectedOrganizations/{org_id}/owners"),
        format!("{EM}/accessPackageAssignmentApprovals/{request_id}/stages/%FF"),
        format!("{EM}/nothingHere"),
        format!("{AR}/definitions/%FF"),
        format!("{AR}/definitions/{}", enc("'; DROP TABLE ar_decisions; --")),
        format!("{AR}/definitions/filterByCurrentUser(on='approver')"),
        format!("{AR}/definitions/filterByCurrentUser(on=reviewer)"),
        format!("{AR}/definitions/{long_id}/instances/{MINE}"),
        format!("{}/decisions/filterByCurrentUser(", portal_review().instance_path()),
        format!("{}/stages", portal_review().instance_path()),
        format!("{}/contactedReviewers/{}", portal_review().instance_path(), user_id(PAT_UPN)),
        format!("{AR}/definitions/{}/instances/{long_id}/contactedReviewers", portal_review().definition),
        format!("{AR}/definitions/{}/instances/%FF/contactedReviewers", portal_review().definition),
        format!("{AR}/nothingHere"),
    ];
    for path in segments {
        p.refused(Bad::get(path), &[400, 404]).await;
    }
    p.assert_nothing_written();
}
