//! The OData readers against the filters, selections and orderings the app and Graph's pages send.

use super::*;
use serde_json::json;

#[test]
fn parses_and_evaluates_the_filters_the_app_sends() {
    let item = json!({"displayName": "Sara Lind", "mail": "sara@contoso.com", "state": "delivered", "accessPackage": {"id": "abc"}});
    let yes = [
        "startswith(displayName,'sa')",
        "startswith(displayName,'SA') or startswith(mail,'x')",
        "state eq 'Delivered' and accessPackage/id eq 'abc'",
        "not (state eq 'denied')",
        "state in ('pendingApproval', 'delivered')",
        "contains(displayName, 'lin')",
    ];
    for f in yes {
        assert!(parse_filter(f).unwrap().matches(&item), "{f}");
    }
    assert!(!parse_filter("mail eq 'o''brien@contoso.com'").unwrap().matches(&item));
    assert_eq!(
        parse_filter("mail eq 'o''brien'").unwrap(),
        Expr::Compare("mail".into(), Op::Eq, Literal::Str("o'brien".into()))
    );
}

#[test]
fn refuses_what_it_cannot_read() {
    for bad in [
        "",
        "state eq",
        "state equals 'x'",
        "startswith(displayName)",
        "foo('x')",
        "(state eq 'x'",
        "state eq 'x' garbage",
        "state eq 'unterminated",
    ] {
        assert!(parse_filter(bad).is_err(), "{bad}");
    }
    let deep = format!("{}state eq 'x'{}", "(".repeat(100), ")".repeat(100));
    assert!(parse_filter(&deep).is_err());
}

#[test]
fn tolower_and_property_names_without_case() {
    let item = json!({"displayName": "Staff tools", "target": {"objectId": "abc"}});
    assert!(parse_filter("contains(tolower(displayName),'staff')").unwrap().matches(&item));
    assert!(parse_filter("target/objectid eq 'ABC'").unwrap().matches(&item));
    assert!(parse_filter("contains(tolower(displayName,'x')").is_err());
}

#[test]
fn pinned_values_of_a_property() {
    let pins = |f: &str| parse_filter(f).unwrap().pinned("accessPackage/id");
    assert_eq!(pins("accessPackage/id eq 'a'"), Some(vec!["a".into()]));
    assert_eq!(pins("state eq 'x' and accessPackage/id in ('a', 'b')"), Some(vec!["a".into(), "b".into()]));
    assert_eq!(pins("accessPackage/id eq 'a' or accessPackage/id eq 'b'"), Some(vec!["a".into(), "b".into()]));
    assert_eq!(pins("accessPackage/id eq 'a' or state eq 'x'"), None);
    assert_eq!(pins("not (accessPackage/id eq 'a')"), None);
    assert_eq!(pins("accessPackage/id ne 'a'"), None);
}

#[test]
fn reports_what_a_filter_uses() {
    let e = parse_filter("startswith(displayName,'a') or mail eq 'b'").unwrap();
    assert_eq!(e.uses(), [("displayName".into(), "startswith".into()), ("mail".into(), "eq".into())]);
}

#[test]
fn select_top_and_orderby() {
    let known = |p: &str| ["id", "displayName"].contains(&p);
    assert_eq!(parse_select("id, displayName", known).unwrap(), ["id", "displayName"]);
    assert!(parse_select("id,colour", known).is_err());
    assert!(parse_select("id,,displayName", known).is_err());
    assert_eq!(project(&json!({"id": 1, "displayName": "a", "mail": "m"}), &["id".into()]), json!({"id": 1}));
    assert_eq!(parse_top("5", 999), Ok(5));
    assert!(parse_top("0", 999).is_err() && parse_top("1000", 999).is_err() && parse_top("x", 999).is_err());
    assert_eq!(parse_orderby("displayName desc", &["displayName"]), Ok(("displayName".into(), true)));
    assert!(parse_orderby("mail", &["displayName"]).is_err());
}
