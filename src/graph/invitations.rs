//! Graph's invitation manager (`POST /invitations`): invite a partner, or invite again with
//! `resetRedemption`, and get the `inviteRedeemUrl` to hand over.

use super::GraphClient;
use super::error::GraphError;
use crate::net::Cancel;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct NewInvitation {
    pub invited_user_email_address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invited_user_display_name: Option<String>,
    pub invite_redirect_url: String,
    pub send_invitation_message: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invited_user_message_info: Option<MessageInfo>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reset_redemption: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invited_user: Option<UserRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct MessageInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customized_message_body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_language: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub cc_recipients: Vec<Recipient>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    pub email_address: Address,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRef {
    pub id: String,
}

/// Graph's answer: the redeem link and the guest it is for.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub id: String,
    #[serde(default)]
    pub invite_redeem_url: Option<String>,
    #[serde(default)]
    pub invited_user: Option<UserRef>,
    #[serde(default)]
    pub status: Option<String>,
}

impl GraphClient {
    /// Invites a guest. When the answer was lost, the directory says whether the guest was
    /// created: if so, the invitation is asked for again without a second mail (Graph answers
    /// an invitation to a known address with the same guest and a valid redemption link).
    pub async fn invite(&self, invitation: &NewInvitation, cancel: Option<&Cancel>) -> Result<Invitation, GraphError> {
        match self.post("/invitations", invitation, cancel).await {
            Err(e) if e.maybe_applied() && !invitation.reset_redemption => {
                let address = crate::graph::api::literal(&invitation.invited_user_email_address);
                let found: crate::graph::models::Page<UserRef> = self
                    .get(&format!("/users?$filter=mail%20eq%20{address}&$select=id"), cancel)
                    .await
                    .map_err(|_| e)?;
                let quiet = NewInvitation { send_invitation_message: false, ..invitation.clone() };
                let again = if found.value.is_empty() { invitation } else { &quiet };
                self.post("/invitations", again, cancel).await
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_has_graphs_documented_shape() {
        let i = NewInvitation {
            invited_user_email_address: "kim@fabrikam.com".into(),
            invite_redirect_url: "https://portal/request?packages=a".into(),
            invited_user_message_info: Some(MessageInfo {
                customized_message_body: Some("Welcome".into()),
                message_language: Some("sv-SE".into()),
                cc_recipients: vec![Recipient { email_address: Address { address: "sara@contoso.com".into() } }],
            }),
            ..Default::default()
        };
        let v = serde_json::to_value(&i).unwrap();
        assert_eq!(v["invitedUserMessageInfo"]["ccRecipients"][0]["emailAddress"]["address"], "sara@contoso.com");
        assert_eq!(v["sendInvitationMessage"], false);
        assert!(v.get("resetRedemption").is_none() && v.get("invitedUser").is_none());
        let answer: Invitation = serde_json::from_str(r#"{"id": "i", "inviteRedeemUrl": "https://login/redeem?x", "invitedUser": {"id": "u"}, "status": "PendingAcceptance"}"#).unwrap();
        assert_eq!(answer.invited_user.unwrap().id, "u");
    }
}
