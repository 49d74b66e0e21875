//! The refusals of entitlement management, in one place. Graph's exact codes for these cases are
//! not documented; these are the local tenant's choice, in Graph's style, so that the app has a
//! stable `error.code` to branch on (and a message a developer can read).

use crate::graph::error::GraphError;
use axum::http::StatusCode;

fn bad(code: &str, message: impl Into<String>) -> GraphError {
    GraphError::new(StatusCode::BAD_REQUEST, code, message)
}

pub fn not_found(what: &str, id: &str) -> GraphError {
    GraphError::new(StatusCode::NOT_FOUND, "ResourceNotFound", format!("The {what} '{id}' was not found."))
}

/// The caller may not see or act on this object (not its requestor or an approver).
pub fn forbidden(message: impl Into<String>) -> GraphError {
    GraphError::new(StatusCode::FORBIDDEN, "Forbidden", message)
}

pub fn not_in_policy_scope() -> GraphError {
    bad(
        "RequestorNotInPolicyScope",
        "The requestor is not allowed to request this access package by any of its policies.",
    )
}

pub fn not_allowed_by_policy(request_type: &str) -> GraphError {
    bad(
        "RequestTypeNotAllowedByPolicy",
        format!("The policy does not let requestors submit '{request_type}' requests."),
    )
}

pub fn existing_open_request() -> GraphError {
    bad("ExistingOpenRequest", "There is already an open request for this access package for this user.")
}

pub fn already_assigned() -> GraphError {
    bad("AccessPackageAlreadyAssigned", "The user already has an assignment to this access package.")
}

pub fn no_assignment() -> GraphError {
    bad("AccessPackageAssignmentNotFound", "The user has no assignment to this access package to change or remove.")
}

pub fn justification_required() -> GraphError {
    bad("RequestorJustificationRequired", "The policy requires a justification from the requestor.")
}

pub fn missing_answer(question: &str) -> GraphError {
    bad("MissingRequiredAnswer", format!("The question '{question}' requires an answer."))
}

pub fn invalid_answer(question: &str, why: &str) -> GraphError {
    bad("InvalidAnswer", format!("The answer to '{question}' {why}."))
}

pub fn schedule_not_allowed(why: &str) -> GraphError {
    bad("InvalidRequestSchedule", format!("The requested schedule is not allowed: {why}."))
}

pub fn not_cancelable(state: &str) -> GraphError {
    bad("RequestNotCancelable", format!("A request in state '{state}' cannot be canceled."))
}

pub fn approver_justification_required() -> GraphError {
    bad("ApproverJustificationRequired", "This approval stage requires a justification from the approver.")
}

/// Another approver of the stage decided first (or the stage is over).
pub fn already_decided() -> GraphError {
    GraphError::new(StatusCode::CONFLICT, "Conflict", "This approval stage has already been completed.")
}

/// `reprocess` of a request or assignment in a state it does not apply to.
pub fn not_reprocessable(why: &str) -> GraphError {
    bad("RequestNotReprocessable", format!("This cannot be reprocessed: {why}."))
}

/// A caller whose entitlement-management roles do not reach what they asked for.
pub fn no_role(message: impl Into<String>) -> GraphError {
    forbidden(message)
}
