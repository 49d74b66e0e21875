//! The mails entitlement management sends, as Entra words them: approvers are asked to decide,
//! requestors hear of approval, denial, delivery and of access that is about to expire.

use super::Ctx;
use crate::clock::iso;
use crate::store::entitlement::{RequestRow, package};
use crate::store::{Mail, insert_mail};
use rusqlite::{Connection, OptionalExtension};

/// What a requestor is told.
pub enum ToRequestor<'a> {
    Approved,
    /// With the approver's reason, or why nobody decided.
    Denied(&'a str),
    Delivered,
    ExpiresSoon {
        days: i64,
        end: i64,
    },
}

fn package_name(c: &Connection, id: &str) -> rusqlite::Result<String> {
    Ok(package(c, id)?.and_then(|p| p.data["displayName"].as_str().map(String::from)).unwrap_or_default())
}

fn address_of(c: &Connection, user_id: &str) -> rusqlite::Result<Option<String>> {
    c.query_row("SELECT COALESCE(mail, upn) FROM users WHERE id = ?1", [user_id], |r| r.get(0)).optional()
}

fn send(c: &Connection, ctx: &Ctx, kind: &str, to: Vec<String>, subject: String, body: String) -> rusqlite::Result<()> {
    if ctx.quiet || to.is_empty() {
        return Ok(());
    }
    let mail = Mail {
        id: 0,
        kind: kind.into(),
        to,
        cc: vec![],
        subject,
        body,
        language: "en-US".into(),
        link: None,
        sent_date_time: iso(ctx.now),
    };
    insert_mail(c, &mail).map(|_| ())
}

/// Asks a stage's approvers (or the ones it escalated to) to decide.
pub fn approvers(c: &Connection, ctx: &Ctx, r: &RequestRow, approver_ids: &[String], by: i64) -> rusqlite::Result<()> {
    let mut to = vec![];
    for id in approver_ids {
        to.extend(address_of(c, id)?);
    }
    let package = package_name(c, &r.package_id)?;
    let who = &r.target_name;
    let justification = r.data["justification"].as_str().unwrap_or("(none given)");
    let subject = format!("Action required: Approve or deny {who}'s request for {package} by {}", &iso(by)[..10]);
    let body = format!(
        "{who} ({}) requested access to the access package {package}.\n\nBusiness justification: {justification}\n\nApprove or deny the request by {}; if no one decides by then, it is denied automatically.\nRequest: {}",
        r.target_email,
        iso(by),
        r.id
    );
    send(c, ctx, "approvalRequired", to, subject, body)
}

/// Tells the person a request or assignment is for (by their address: they may not be a user yet).
pub fn requestor(c: &Connection, ctx: &Ctx, to: &str, package_id: &str, what: ToRequestor) -> rusqlite::Result<()> {
    let package = package_name(c, package_id)?;
    let (kind, subject, body) = match what {
        ToRequestor::Approved => (
            "requestApproved",
            format!("Your request for {package} has been approved"),
            format!(
                "Your request for access to {package} has been approved. You will get a mail when your access is ready."
            ),
        ),
        ToRequestor::Denied(reason) => (
            "requestDenied",
            format!("Your request for {package} has been denied"),
            format!("Your request for access to {package} has been denied.\n\nReason: {reason}"),
        ),
        ToRequestor::Delivered => (
            "accessDelivered",
            format!("You now have access to {package}"),
            format!("Your access to {package} is ready. You can start using its resources now."),
        ),
        ToRequestor::ExpiresSoon { days, end } => (
            "accessExpiringSoon",
            format!("Your access to {package} expires in {days} day{}", if days == 1 { "" } else { "s" }),
            format!("Your access to {package} ends on {}. Request an extension if you still need it.", iso(end)),
        ),
    };
    send(c, ctx, kind, vec![to.to_string()], subject, body)
}
