//! Graph's access reviews as a reviewer sees them: the reviews that list me as a reviewer, their
//! open instances and my decision items (the people I review), and recording my decisions.

mod api;
pub mod models;
pub mod review;

pub use api::AR;
pub use models::{Recommendation, ReviewAt, ReviewDecision, ReviewDefinition, ReviewInstance, Verdict};
pub use review::{Review, ReviewItem};
