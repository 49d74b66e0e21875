//! What pages share while the app runs, each behind a `use_…` accessor: the signed-in person and
//! what waits for them, decisions and access reviews ([`account`]), how a sign-in starts and how
//! it is going ([`sign_in`]), the packages picked to request together ([`selection`]), drafts of
//! what was typed ([`draft`]) and what is kept beside Graph ([`kept`]). The shell provides them;
//! pages and components read them here, never from the shell.

pub mod account;
pub mod draft;
pub mod kept;
pub mod reading;
pub mod selection;
pub mod sign_in;

pub use account::{DECISIONS_AHEAD, Inbox, Me, REVIEWS_AHEAD, Waiting, shown_with_ahead, use_inbox, use_me};
pub use kept::{Kept, use_kept};
pub use reading::Reading;
pub use selection::{Selection, use_selection};
pub use sign_in::{PopupWait, SignInFailure, SignInKind, sign_in, sign_in_popup, use_popup_wait, use_sign_in_failure};
