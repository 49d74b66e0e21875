//! `POST /invitations`: invites a guest (or re-invites one with `resetRedemption`), with the
//! tenant's external collaboration settings applied, and puts the mail in the outbox when asked.

use super::GraphJson;
use super::auth::Caller;
use super::error::GraphError;
use crate::Tenant;
use crate::entra::random_token;
use crate::scenario::InviteRestriction;
use crate::store::{Invitation, Mail, NewUser, UserRecord};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InvitationRequest {
    invited_user_email_address: Option<String>,
    invite_redirect_url: Option<String>,
    invited_user_display_name: Option<String>,
    invited_user_type: Option<String>,
    #[serde(default)]
    send_invitation_message: bool,
    invited_user_message_info: Option<MessageInfo>,
    #[serde(default)]
    reset_redemption: bool,
    invited_user: Option<UserRef>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MessageInfo {
    customized_message_body: Option<String>,
    message_language: Option<String>,
    #[serde(default)]
    cc_recipients: Vec<Recipient>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Recipient {
    email_address: EmailAddress,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EmailAddress {
    address: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct UserRef {
    id: String,
}

/// Graph's refusal when the caller may not invite (observed code `Unauthorized`).
fn may_not_invite(t: &Tenant, caller: &Caller) -> GraphError {
    let msg = format!(
        "Insufficient privileges to perform requested operation by the application '{}'. ControllerName=MSGraphInviteAPI, ActionName=CreateInvite, URL absolute path=/{}/invites",
        caller.client_id, t.scenario.tenant.id
    );
    GraphError::new(StatusCode::FORBIDDEN, "Unauthorized", msg)
}

/// An address Graph accepts for an invitation (its documented character rules).
pub fn valid_email(address: &str) -> bool {
    const FORBIDDEN: &str = "~!#$%^&*()+=[]{}\\/|;:\"<>?, ";
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let edge = |s: &str| s.starts_with(['.', '-']) || s.ends_with(['.', '-']);
    !local.is_empty()
        && !address.chars().any(char::is_control)
        && !edge(local)
        && !local.chars().any(|c| FORBIDDEN.contains(c) || c == '@')
        && domain.contains('.')
        && !edge(domain)
        && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-')
        && address.len() <= 254
}

pub async fn create(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    GraphJson(req): GraphJson<InvitationRequest>,
) -> Result<(StatusCode, Json<Value>), GraphError> {
    caller
        .require_any(&["User.Invite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"])
        .map_err(|_| may_not_invite(&t, &caller))?;
    let may = match t.scenario.external_collaboration.guest_invite_restrictions {
        InviteRestriction::Everyone => true,
        InviteRestriction::Members => !caller.user.is_guest,
        InviteRestriction::Admins => caller.user.admin,
        InviteRestriction::Nobody => false,
    };
    if !may {
        return Err(may_not_invite(&t, &caller));
    }
    let email = req.invited_user_email_address.as_deref().map(str::trim).unwrap_or_default();
    if email.is_empty() {
        return Err(GraphError::bad_request("The property 'invitedUserEmailAddress' is required."));
    }
    if !valid_email(email) {
        return Err(GraphError::bad_request(format!("The invited user email address '{email}' is not valid.")));
    }
    let redirect = req.invite_redirect_url.as_deref().unwrap_or_default();
    let redirect_ok = url::Url::parse(redirect).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    if !redirect_ok {
        return Err(GraphError::bad_request(
            "The property 'inviteRedirectUrl' is required and must be an absolute http or https URL.",
        ));
    }
    match req.invited_user_type.as_deref() {
        None | Some("Guest") => {}
        Some("Member") if caller.user.admin => {}
        Some("Member") => return Err(may_not_invite(&t, &caller)),
        Some(other) => {
            return Err(GraphError::bad_request(format!(
                "'{other}' is not a valid invitedUserType; use 'Guest' or 'Member'."
            )));
        }
    }
    let info = req.invited_user_message_info.unwrap_or_default();
    if info.cc_recipients.len() > 1 {
        return Err(GraphError::bad_request("Only one cc recipient is supported."));
    }
    let cc: Vec<(String, Option<String>)> = info
        .cc_recipients
        .into_iter()
        .map(|r| (r.email_address.address.unwrap_or_default(), r.email_address.name))
        .collect();
    if let Some((bad, _)) = cc.iter().find(|(a, _)| !valid_email(a)) {
        return Err(GraphError::bad_request(format!("The cc recipient address '{bad}' is not valid.")));
    }
    let language = info.message_language.clone().unwrap_or_else(|| "en-US".into());
    if !valid_language(&language) {
        return Err(GraphError::bad_request(format!("'{language}' is not a valid messageLanguage.")));
    }
    let (_, domain) = email.rsplit_once('@').unwrap_or_default();
    if t.scenario.is_tenant(domain) {
        return Err(GraphError::bad_request(format!(
            "The invited user's domain '{domain}' is a verified domain of this directory; invite external addresses only."
        )));
    }
    if !t.scenario.external_collaboration.domain_allowed(email) {
        return Err(GraphError::bad_request(format!(
            "The invitation to '{email}' is blocked: its domain is not allowed by this organization's external collaboration settings."
        )));
    }
    let user = if req.reset_redemption {
        reset(&t, req.invited_user.as_ref(), email)?
    } else {
        match t.store.user_by_mail(email) {
            Some(u) if !u.is_guest => {
                return Err(GraphError::bad_request(format!(
                    "The invited user '{email}' is already a member of this directory."
                )));
            }
            Some(u) => u,
            None => {
                let new = NewUser::guest(
                    email,
                    req.invited_user_display_name.as_deref(),
                    t.scenario.initial_domain(),
                    "Invitation",
                    "PendingAcceptance",
                    t.now(),
                );
                t.store.create_user(&new).map_err(|e| {
                    GraphError::new(StatusCode::CONFLICT, "Request_MultipleObjectsWithSameKeyValue", e.to_string())
                })?
            }
        }
    };
    t.store.add_sponsor(&user.id, &caller.user.id);
    let invitation = Invitation {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: user.id.clone(),
        ticket: random_token(32),
        redirect_url: redirect.to_string(),
        inviter_id: caller.user.id.clone(),
        inviter_tenant: t.scenario.tenant.id.clone(),
    };
    t.store.save_invitation(&invitation);
    let redeem_url = format!(
        "{}/redeem?tenant={}&user={}&ticket={}",
        t.signin_url(),
        t.scenario.tenant.id,
        user.id,
        invitation.ticket
    );
    if req.send_invitation_message {
        let custom = info.customized_message_body.as_deref().filter(|b| !b.trim().is_empty());
        t.store.send_mail(&invitation_mail(&t, &caller.user, email, &cc, &language, custom, &redeem_url));
    }
    let body = json!({
        "@odata.context": format!("{}/v1.0/$metadata#invitations/$entity", t.graph_url()),
        "id": invitation.id,
        "inviteRedeemUrl": redeem_url,
        "inviteRedirectUrl": redirect,
        "invitedUserDisplayName": req.invited_user_display_name,
        "invitedUserEmailAddress": email,
        "invitedUserType": req.invited_user_type.unwrap_or_else(|| "Guest".into()),
        "resetRedemption": req.reset_redemption,
        "sendInvitationMessage": req.send_invitation_message,
        // Graph says PendingAcceptance here even for a guest who already redeemed.
        "status": "PendingAcceptance",
        "invitedUser": { "id": user.id },
        "invitedUserMessageInfo": {
            "messageLanguage": info.message_language,
            "customizedMessageBody": info.customized_message_body,
            "ccRecipients": cc.iter().map(|(a, n)| json!({"emailAddress": {"address": a, "name": n}})).collect::<Vec<_>>(),
        },
    });
    Ok((StatusCode::CREATED, Json(body)))
}

/// `resetRedemption`: the same guest object, redeemed again from (possibly) a new address.
fn reset(t: &Tenant, target: Option<&UserRef>, email: &str) -> Result<UserRecord, GraphError> {
    let id = target.map(|u| u.id.as_str()).ok_or_else(|| {
        GraphError::bad_request("'invitedUser' with an 'id' is required when 'resetRedemption' is true.")
    })?;
    let user = t.store.user(id).ok_or_else(|| GraphError::not_found(id))?;
    if !user.is_guest {
        return Err(GraphError::bad_request("Redemption can only be reset for external users."));
    }
    if t.store.user_by_mail(email).is_some_and(|other| other.id != user.id) {
        return Err(GraphError::bad_request(format!("Another user already has the address '{email}'.")));
    }
    let mut data = user.data.clone();
    data["mail"] = json!(email);
    data["otherMails"] = json!([email]);
    data["externalUserState"] = json!("PendingAcceptance");
    data["externalUserStateChangeDateTime"] = json!(crate::clock::iso(t.now()));
    t.store.update_user_data(&user.id, &data);
    t.store.clear_password(&user.id);
    Ok(t.store.user(&user.id).expect("user just updated"))
}

fn valid_language(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or_default();
    (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The invitation mail. Graph ignores `messageLanguage` for a customized body; the words around
/// it (subject, the link's text) still follow the language.
fn invitation_mail(
    t: &Tenant,
    inviter: &UserRecord,
    to: &str,
    cc: &[(String, Option<String>)],
    language: &str,
    custom: Option<&str>,
    link: &str,
) -> Mail {
    let org = &t.scenario.tenant.display_name;
    let who = inviter.display_name();
    let swedish = language.to_ascii_lowercase().starts_with("sv");
    let (subject, default_body, accept) = if swedish {
        (
            format!("{who} bjöd in dig att komma åt program i {org}"),
            format!("{who} ({org}) har bjudit in dig."),
            "Acceptera inbjudan",
        )
    } else {
        (
            format!("{who} invited you to access applications within their organization"),
            format!("{who} ({org}) invited you."),
            "Accept invitation",
        )
    };
    let message = custom.map(str::to_string).unwrap_or(default_body);
    Mail {
        id: 0,
        kind: "invitation".into(),
        to: vec![to.to_string()],
        cc: cc.iter().map(|(a, _)| a.clone()).collect(),
        subject,
        body: format!("{message}\n\n{accept}: {link}"),
        language: if swedish { "sv-SE".into() } else { language.to_string() },
        link: Some(link.to_string()),
        sent_date_time: crate::clock::iso(t.now()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_rules_follow_graphs_documented_characters() {
        for ok in ["nils@fabrikam.com", "ann_p@partner.co.uk", "a.b-c@x.io"] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "nils",
            "@fabrikam.com",
            "nils@",
            "ni ls@x.com",
            "n!ls@x.com",
            ".nils@x.com",
            "nils-@x.com",
            "nils@x",
            "a@b@c.com",
            "nils@-x.com",
            "ni\u{0}ls@x.com",
            "nils@x.com\r\n",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn language_tags() {
        assert!(valid_language("en-US") && valid_language("sv-SE") && valid_language("sv"));
        assert!(!valid_language("swedish!") && !valid_language("") && !valid_language("e"));
    }
}
