//! Why the session could not give what was asked, typed so the app can say what to do next.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// The person must sign in (again): no session, an expired refresh token (AADSTS700084),
    /// consent missing, or a claims challenge that needs interaction. `code` is the server's
    /// error (or AADSTS code) that led here; `claims` what must be asked for.
    InteractionRequired { code: String, claims: Option<String> },
    /// The browser blocked the sign-in window.
    PopupBlocked,
    /// The sign-in window gave no answer in time.
    PopupTimedOut,
    /// The person closed or cancelled the sign-in, or the app was removed while it waited.
    Cancelled,
    /// The browser would not go to the sign-in page (`location.assign` refused, no window).
    BrowserRefused(String),
    /// The identity provider refused: OAuth `error`, its description (with the AADSTS code),
    /// and the correlation id for a helpdesk.
    Refused { error: String, description: String, correlation_id: Option<String> },
    /// The id token did not check out (signature, issuer, audience, nonce, time).
    InvalidIdToken(String),
    /// The token service's access token cannot be sent in an HTTP header.
    InvalidAccessToken(String),
    /// An answer came back that matches no request this tab made.
    UnexpectedResponse(String),
    /// The identity provider could not be reached or read.
    Unreachable(String),
    /// The page's own sign-in (its token provider) gave no token; its words.
    HostProvider(String),
    /// Portier's own sign-in part (a chunk of the module) did not load: offline, cut, or gone
    /// after a new version was deployed. The error view says which, as for any chunk.
    PartNotLoaded,
}

impl AuthError {
    /// Whether signing in again is the way forward.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, AuthError::InteractionRequired { .. })
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::InteractionRequired { code, .. } => write!(f, "sign-in required ({code})"),
            AuthError::PopupBlocked => write!(f, "the sign-in window was blocked"),
            AuthError::PopupTimedOut => write!(f, "the sign-in window did not answer in time"),
            AuthError::Cancelled => write!(f, "sign-in was cancelled"),
            AuthError::BrowserRefused(why) => write!(f, "the browser did not open the sign-in page: {why}"),
            AuthError::InvalidAccessToken(why) => write!(f, "the access token cannot be used: {why}"),
            AuthError::Refused { error, description, .. } => write!(f, "{error}: {description}"),
            AuthError::InvalidIdToken(why) => write!(f, "the id token is not valid: {why}"),
            AuthError::UnexpectedResponse(why) => write!(f, "unexpected sign-in response: {why}"),
            AuthError::Unreachable(why) => write!(f, "the sign-in service could not be reached: {why}"),
            AuthError::HostProvider(why) => write!(f, "the page's sign-in gave no token: {why}"),
            AuthError::PartNotLoaded => write!(f, "the sign-in part of Portier could not be loaded"),
        }
    }
}

impl std::error::Error for AuthError {}

/// Errors and sub-errors that mean "ask the person", as MSAL.js classifies them.
const INTERACTION: [&str; 9] = [
    "interaction_required",
    "login_required",
    "consent_required",
    "bad_token",
    "message_only",
    "additional_action",
    "basic_action",
    "user_password_expired",
    "no_tokens_found",
];

/// Classifies a server error: interaction needed (by code, sub-error, or a code inside the
/// description, as MSAL.js does), or a plain refusal.
pub fn classify(error: &str, description: &str, suberror: Option<&str>, correlation_id: Option<String>) -> AuthError {
    let aadsts = description.split(':').next().filter(|s| s.starts_with("AADSTS")).unwrap_or(error).to_string();
    let interaction = INTERACTION.contains(&error)
        || suberror.is_some_and(|s| INTERACTION.contains(&s))
        || INTERACTION.iter().any(|c| description.contains(c))
        // An expired or unusable refresh token: a new sign-in is the only way on.
        || error == "invalid_grant";
    if interaction {
        AuthError::InteractionRequired { code: aadsts, claims: None }
    } else {
        AuthError::Refused { error: error.into(), description: description.into(), correlation_id }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_spa_refresh_tokens_and_silent_failures_need_a_sign_in() {
        let e =
            classify("invalid_grant", "AADSTS700084: The refresh token was issued to a single page app", None, None);
        assert_eq!(e, AuthError::InteractionRequired { code: "AADSTS700084".into(), claims: None });
        assert!(classify("login_required", "AADSTS50058: no user", None, None).needs_sign_in());
        assert!(classify("invalid_request", "x", Some("consent_required"), None).needs_sign_in());
    }

    #[test]
    fn configuration_mistakes_are_refusals() {
        let e = classify("invalid_scope", "AADSTS70011: bad scope", None, Some("c".into()));
        assert!(matches!(e, AuthError::Refused { ref error, .. } if error == "invalid_scope"));
        assert!(!e.needs_sign_in());
    }
}
