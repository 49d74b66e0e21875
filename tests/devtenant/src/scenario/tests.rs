//! Scenario parsing: the demo file, strictness and cross-reference errors with their lines.

use super::*;

const MINIMAL: &str = r#"
[tenant]
id = "8b1f4d5e-2c3a-4e6f-9a7b-1c2d3e4f5a6b"
display_name = "Contoso"
domains = ["contoso.onmicrosoft.com"]
"#;

#[test]
fn the_demo_scenario_is_valid() {
    let text = include_str!("../../scenarios/demo.toml");
    let s = Scenario::parse(text, "demo.toml").unwrap();
    assert!(s.users.len() >= 4);
    assert!(s.app("7c9f3f10-5b7e-4e4e-9d6a-2f1c0b8e4a21").is_some());
}

#[test]
fn an_unknown_key_names_its_line() {
    let text = format!(
        "{MINIMAL}\n[[users]]\nuser_principal_name = \"a@contoso.com\"\ndisplay_name = \"A\"\ncolour = \"red\"\n"
    );
    let err = Scenario::parse(&text, "s.toml").unwrap_err();
    assert_eq!(err.line, 10, "{err}");
    assert!(err.reason.contains("colour"), "{err}");
}

#[test]
fn a_manager_who_does_not_exist_is_refused_at_the_user() {
    let text = format!(
        "{MINIMAL}\n[[users]]\nuser_principal_name = \"a@contoso.com\"\ndisplay_name = \"A\"\nmanager = \"ghost@contoso.com\"\n"
    );
    let err = Scenario::parse(&text, "s.toml").unwrap_err();
    assert_eq!(err.line, 7, "{err}");
    assert!(err.reason.contains("ghost@contoso.com"), "{err}");
}

#[test]
fn a_tenant_id_must_be_a_guid() {
    let err =
        Scenario::parse(&MINIMAL.replace("8b1f4d5e-2c3a-4e6f-9a7b-1c2d3e4f5a6b", "contoso"), "s.toml").unwrap_err();
    assert!(err.reason.contains("GUID"), "{err}");
}

#[test]
fn broken_toml_names_its_line() {
    let err = Scenario::parse("[tenant]\nid = \n", "s.toml").unwrap_err();
    assert_eq!(err.line, 2, "{err}");
}

#[test]
fn domain_lists_decide_who_may_join() {
    let c = ExternalCollaboration {
        allowed_domains: vec!["fabrikam.com".into()],
        blocked_domains: vec!["blocked.example".into()],
        ..Default::default()
    };
    assert!(c.domain_allowed("nils@Fabrikam.com"));
    assert!(!c.domain_allowed("eve@blocked.example"));
    assert!(!c.domain_allowed("x@elsewhere.com"));
    let open = ExternalCollaboration { blocked_domains: vec!["blocked.example".into()], ..Default::default() };
    assert!(open.domain_allowed("x@elsewhere.com"));
}

const ENTITLEMENT: &str = r#"
[[users]]
user_principal_name = "a@contoso.com"
display_name = "A"

[[catalogs]]
display_name = "General"

[[access_packages]]
display_name = "Tools"
catalog = "General"

[[access_packages.policies]]
display_name = "Everyone"
allowed_target_scope = "allMemberUsers"
"#;

#[test]
fn the_entitlement_tables_parse_and_the_demo_has_its_packages() {
    let s = Scenario::parse(&format!("{MINIMAL}{ENTITLEMENT}"), "s.toml").unwrap();
    assert_eq!(s.access_packages.len(), 1);
    let demo = Scenario::parse(include_str!("../../scenarios/demo.toml"), "demo.toml").unwrap();
    assert!(demo.package_names().len() >= 28, "four packages and the generated ones");
    assert!(demo.graph.page_size <= 10, "small enough that lists page");
}

#[test]
fn entitlement_mistakes_name_their_line() {
    let cases = [
        (ENTITLEMENT.replace("allMemberUsers", "everybody"), "allowed_target_scope"),
        (ENTITLEMENT.replace("catalog = \"General\"\n\n[[access", "catalog = \"Nope\"\n\n[[access"), "catalog 'Nope'"),
        (
            format!(
                "{ENTITLEMENT}\n[access_packages.policies.approval]\nstages = [{{ duration_before_automatic_denial = \"P1M\", primary_approvers = [{{ type = \"internalSponsors\" }}] }}]\n"
            ),
            "ISO 8601",
        ),
        (
            format!(
                "{ENTITLEMENT}\n[access_packages.policies.approval]\nstages = [{{ duration_before_automatic_denial = \"P1D\", primary_approvers = [{{ type = \"singleUser\", user = \"ghost@contoso.com\" }}] }}]\n"
            ),
            "ghost@contoso.com",
        ),
        (
            format!(
                "{ENTITLEMENT}\n[[access_packages.policies.questions]]\ntype = \"text\"\ntext = \"Code\"\nregex = \"[\"\n"
            ),
            "bad regex",
        ),
        (
            format!("{ENTITLEMENT}\n[[requests]]\nrequestor = \"a@contoso.com\"\naccess_package = \"Nothing\"\n"),
            "Nothing",
        ),
    ];
    for (text, why) in cases {
        let err = Scenario::parse(&format!("{MINIMAL}{text}"), "s.toml").unwrap_err();
        assert!(err.reason.contains(why), "{why}: {err}");
        assert!(err.line > 5, "{err}");
    }
    let unknown = format!(
        "{MINIMAL}{}",
        ENTITLEMENT.replace("display_name = \"Everyone\"", "display_name = \"Everyone\"\ncolour = 1")
    );
    let err = Scenario::parse(&unknown, "s.toml").unwrap_err();
    assert!(err.reason.contains("colour"), "{err}");
    let subject = format!(
        "{MINIMAL}{}",
        ENTITLEMENT.replace(
            "allMemberUsers\"",
            "specificDirectoryUsers\"\nspecific_allowed_targets = [{ type = \"everyone\" }]"
        )
    );
    assert!(Scenario::parse(&subject, "s.toml").is_err());
}

#[test]
fn catalog_roles_name_users_of_the_scenario_and_seeded_states_are_checked() {
    let catalog = "\n[[catalogs]]\ndisplay_name = \"C\"\nowners = [\"ghost@contoso.com\"]\n";
    let err = Scenario::parse(&format!("{MINIMAL}{catalog}"), "s.toml").unwrap_err();
    assert_eq!(err.line, 7, "{err}");
    assert!(err.reason.contains("owner 'ghost@contoso.com'"), "{err}");
    let demo = include_str!("../../scenarios/demo.toml");
    let bad_state = demo.replace("state = \"partiallyDelivered\"", "state = \"halfDone\"");
    let err = Scenario::parse(&bad_state, "demo.toml").unwrap_err();
    assert!(err.reason.contains("halfDone") && err.reason.contains("deliveryFailed"), "{err}");
    let repeated =
        demo.replace("state = \"partiallyDelivered\"\ndays_ago = 2", "state = \"partiallyDelivered\"\ncount = 2");
    assert!(Scenario::parse(&repeated, "demo.toml").unwrap_err().reason.contains("cannot repeat"));
}
