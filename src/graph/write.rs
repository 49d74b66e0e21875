//! Writes that must not happen twice. A request for access, a decision or a cancellation is not
//! idempotent: when its answer was lost (no answer, or a gateway timeout), Graph is asked
//! whether it was carried out before the write is sent once more.

use super::error::GraphError;
use std::future::Future;

/// A refusal that may be Graph refusing this very write a second time: a browser quietly sends
/// a request again when its connection dropped before any byte of the answer, and Graph then
/// answers the copy with "already open", "already decided" or "cannot cancel".
fn may_be_a_copy(e: &GraphError) -> bool {
    matches!(e.status(), Some(400 | 409))
}

/// What a refusal of the write means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusals {
    /// It stands: a request for access may match an earlier one with the same words.
    Stand,
    /// It may concern a copy of the write: checked, and it stands unless the effect is found.
    /// Only for writes whose effect is unmistakably the person's own (a decision with their
    /// words, a cancellation).
    MayBeCopies,
}

/// Sends a write; when its fate is unknown, `check` looks for its effect. Found, that is the
/// answer; not found, the write is sent once more; the check itself failing leaves the first
/// error (the person sees it and decides). A refusal is never sent again.
pub async fn at_most_once<T, Send, Sent, Check, Checked>(
    send: Send,
    check: Check,
    refusals: Refusals,
) -> Result<T, GraphError>
where
    Send: Fn() -> Sent,
    Sent: Future<Output = Result<T, GraphError>>,
    Check: FnOnce() -> Checked,
    Checked: Future<Output = Result<Option<T>, GraphError>>,
{
    match send().await {
        Err(e) if e.maybe_applied() => match check().await {
            Ok(Some(done)) => Ok(done),
            Ok(None) => send().await,
            Err(_) => Err(e),
        },
        Err(e) if refusals == Refusals::MayBeCopies && may_be_a_copy(&e) => match check().await {
            Ok(Some(done)) => Ok(done),
            _ => Err(e),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use std::cell::Cell;

    fn lost() -> GraphError {
        GraphError::Network { detail: "reset".into(), maybe_applied: true }
    }

    #[test]
    fn a_lost_write_that_was_carried_out_is_not_sent_again() {
        let sent = Cell::new(0);
        let result = block_on(at_most_once(
            || async {
                sent.set(sent.get() + 1);
                Err::<u8, _>(lost())
            },
            || async { Ok(Some(7)) },
            Refusals::Stand,
        ));
        assert_eq!((result, sent.get()), (Ok(7), 1));
    }

    #[test]
    fn a_lost_write_that_did_not_happen_is_sent_once_more() {
        let sent = Cell::new(0);
        let result = block_on(at_most_once(
            || async {
                sent.set(sent.get() + 1);
                if sent.get() == 1 { Err(lost()) } else { Ok(1u8) }
            },
            || async { Ok(None) },
            Refusals::Stand,
        ));
        assert_eq!((result, sent.get()), (Ok(1), 2));
    }

    #[test]
    fn a_refusal_stands_unless_the_write_is_found_and_a_failed_check_keeps_the_first_error() {
        let sent = Cell::new(0);
        let refused = GraphError::Unreadable { status: 400, detail: "already open".into() };
        let send = || async {
            sent.set(sent.get() + 1);
            Err::<u8, _>(refused.clone())
        };
        assert_eq!(block_on(at_most_once(send, || async { Ok(None) }, Refusals::MayBeCopies)), Err(refused.clone()));
        // The browser sent it twice and Graph refused the copy: the first went through.
        assert_eq!(block_on(at_most_once(send, || async { Ok(Some(3)) }, Refusals::MayBeCopies)), Ok(3));
        assert_eq!(
            block_on(at_most_once(send, || async { Ok(Some(3)) }, Refusals::Stand)),
            Err(refused.clone()),
            "not checked"
        );
        assert_eq!(sent.get(), 3, "a refusal is never sent again");
        let forbidden = GraphError::Unreadable { status: 403, detail: "no".into() };
        let checked = Cell::new(false);
        let r = block_on(at_most_once(
            || async { Err::<u8, _>(forbidden.clone()) },
            || async {
                checked.set(true);
                Ok(Some(1))
            },
            Refusals::MayBeCopies,
        ));
        assert_eq!((r, checked.get()), (Err(forbidden), false));
        let check = || async { Err(GraphError::Cancelled) };
        let r = block_on(at_most_once(|| async { Err::<u8, _>(lost()) }, check, Refusals::Stand));
        assert_eq!(r, Err(lost()));
    }
}
