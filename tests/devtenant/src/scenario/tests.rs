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
