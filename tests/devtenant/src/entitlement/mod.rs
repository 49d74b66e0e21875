//! Entitlement management as Entra runs it: who may request what, request validation, the
//! approval and delivery lifecycle on the tenant's clock, and the mails it sends. Graph's HTTP
//! surface for it lives in `graph::entitlement`; this is the part both it and seeding use.

pub mod approvers;
pub mod codes;
pub mod delivery;
pub mod lifecycle;
pub mod notify;
pub mod requests;
pub mod roles;

use crate::scenario::Scenario;
use crate::store::UserRecord;

/// What a lifecycle step needs besides the database: the time it happens at and the tenant.
pub struct Ctx<'a> {
    pub now: i64,
    pub scenario: &'a Scenario,
    /// Seeding replays history without mailing anyone.
    pub quiet: bool,
}

/// The person an access request is for: a directory user, or someone of a connected
/// organization who is not in the directory yet (no `id`).
#[derive(Debug, Clone)]
pub struct Person {
    pub id: Option<String>,
    pub email: String,
    pub display_name: String,
    pub is_guest: bool,
    pub manager_id: Option<String>,
}

impl Person {
    pub fn from_user(u: &UserRecord) -> Person {
        Person {
            id: Some(u.id.clone()),
            email: u.mail.clone().unwrap_or_else(|| u.upn.clone()),
            display_name: u.display_name().to_string(),
            is_guest: u.is_guest,
            manager_id: u.manager_id.clone(),
        }
    }

    pub fn outsider(email: &str, display_name: Option<&str>) -> Person {
        let name = display_name.map(str::to_string).unwrap_or_else(|| email.split('@').next().unwrap_or(email).into());
        Person { id: None, email: email.to_string(), display_name: name, is_guest: true, manager_id: None }
    }

    /// External people are guests and outsiders; their mail's domain finds their organization.
    pub fn domain(&self) -> Option<&str> {
        self.email.rsplit_once('@').map(|(_, d)| d)
    }
}

/// Seconds in an ISO 8601 duration of days, hours, minutes, seconds (`P90D`, `PT12H`, `P1DT2H`);
/// years and months are refused, as their length depends on the calendar.
pub fn duration_seconds(text: &str) -> Option<i64> {
    let rest = text.strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    if rest.is_empty() || (rest.contains('T') && time.is_empty()) {
        return None;
    }
    let mut total = 0i64;
    for (part, units) in [(date, &[('W', 604_800), ('D', 86_400)][..]), (time, &[('H', 3600), ('M', 60), ('S', 1)][..])]
    {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let (_, secs) = units.iter().find(|(u, _)| *u == c)?;
            total = total.checked_add(number.parse::<i64>().ok()?.checked_mul(*secs)?)?;
            number.clear();
        }
        if !number.is_empty() {
            return None;
        }
    }
    Some(total)
}

/// An ISO 8601 / RFC 3339 instant as Unix seconds.
pub fn parse_instant(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text).ok().map(|d| d.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_days_and_hours() {
        assert_eq!(duration_seconds("P90D"), Some(90 * 86_400));
        assert_eq!(duration_seconds("PT12H"), Some(12 * 3600));
        assert_eq!(duration_seconds("P1DT2H30M"), Some(86_400 + 2 * 3600 + 1800));
        assert_eq!(duration_seconds("P2W"), Some(14 * 86_400));
        for bad in ["", "P", "90D", "P1Y", "P1M", "PT", "P1DT", "PxD"] {
            assert_eq!(duration_seconds(bad), None, "{bad}");
        }
    }
}
