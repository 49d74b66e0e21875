//! Graph's resources as Portier reads them: names as in Graph (camelCase on the wire), only the
//! properties Portier uses, every one optional where Graph may leave it out.

use serde::{Deserialize, Serialize};

/// `microsoft.graph.user`, as `/me?$select=…` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    /// `Member` or `Guest`.
    #[serde(default)]
    pub user_type: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    /// `PendingAcceptance` or `Accepted` for guests.
    #[serde(default)]
    pub external_user_state: Option<String>,
}

impl User {
    pub fn is_guest(&self) -> bool {
        self.user_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("guest"))
    }
}

/// A page of a collection: `value` and the link to the next page.
#[derive(Debug, Clone, Deserialize)]
pub struct Page<T> {
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    pub next_link: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_me_response() {
        // The shape of the example answer in Graph's "Get user" documentation.
        let json = r#"{
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
            "businessPhones": ["+1 412 555 0109"], "displayName": "Megan Bowen", "givenName": "Megan",
            "jobTitle": "Auditor", "mail": "MeganB@contoso.com", "mobilePhone": null, "officeLocation": "12/1110",
            "preferredLanguage": "en-US", "surname": "Bowen", "userPrincipalName": "MeganB@contoso.com",
            "id": "48d31887-5fad-4d73-a9f5-3c356e68a038"}"#;
        let u: User = serde_json::from_str(json).unwrap();
        assert_eq!(u.display_name.as_deref(), Some("Megan Bowen"));
        assert!(!u.is_guest());
        let guest: User =
            serde_json::from_str(r#"{"id": "x", "userType": "Guest", "externalUserState": "PendingAcceptance"}"#)
                .unwrap();
        assert!(guest.is_guest());
    }

    #[test]
    fn reads_a_page_with_and_without_a_next_link() {
        let p: Page<User> = serde_json::from_str(
            r#"{"value": [{"id": "a"}], "@odata.nextLink": "https://graph/v1.0/users?$skiptoken=x"}"#,
        )
        .unwrap();
        assert_eq!(p.value.len(), 1);
        assert!(p.next_link.is_some());
        let p: Page<User> = serde_json::from_str(r#"{"value": []}"#).unwrap();
        assert!(p.next_link.is_none());
    }
}
