//! The fault matrix, in the browser against the built app: each fault on each page where it can
//! strike ends in a state a person understands, keeps what they typed, and never carries a write
//! out twice (the local tenant's own log counts them). Half the rows run in Swedish.

use portier_e2e::faults::Page;
use portier_e2e::matrix::Fault;
use portier_e2e::matrix::run;

macro_rules! cells {
    ($($name:ident: $fault:ident on $page:ident;)*) => {
        $(
            #[tokio::test(flavor = "multi_thread")]
            async fn $name() -> anyhow::Result<()> {
                run(Fault::$fault, Page::$page).await
            }
        )*
    };
}

cells! {
    fault_429_with_retry_after_catalog: Throttled on Catalog;
    fault_429_with_retry_after_request_submit: Throttled on RequestSubmit;
    fault_429_with_retry_after_my_requests: Throttled on MyRequests;
    fault_429_with_retry_after_cancel_request: Throttled on CancelRequest;
    fault_429_with_retry_after_access_remove: Throttled on AccessRemove;
    fault_429_with_retry_after_approvals_inbox: Throttled on ApprovalsInbox;
    fault_429_with_retry_after_decision: Throttled on Decision;
    fault_429_with_retry_after_bulk_decision: Throttled on BulkDecision;
    fault_429_with_retry_after_invite: Throttled on Invite;

    fault_429_without_retry_after_catalog: ThrottledWithoutRetryAfter on Catalog;
    fault_429_without_retry_after_request_submit: ThrottledWithoutRetryAfter on RequestSubmit;
    fault_429_without_retry_after_my_requests: ThrottledWithoutRetryAfter on MyRequests;
    fault_429_without_retry_after_cancel_request: ThrottledWithoutRetryAfter on CancelRequest;
    fault_429_without_retry_after_access_remove: ThrottledWithoutRetryAfter on AccessRemove;
    fault_429_without_retry_after_approvals_inbox: ThrottledWithoutRetryAfter on ApprovalsInbox;
    fault_429_without_retry_after_decision: ThrottledWithoutRetryAfter on Decision;
    fault_429_without_retry_after_bulk_decision: ThrottledWithoutRetryAfter on BulkDecision;
    fault_429_without_retry_after_invite: ThrottledWithoutRetryAfter on Invite;

    fault_429_in_batch_request_details: ThrottledInBatch on RequestDetails;
    fault_429_in_batch_approvals_inbox: ThrottledInBatch on ApprovalsInbox;

    fault_503_thrice_catalog: UnavailableThrice on Catalog;
    fault_503_thrice_request_submit: UnavailableThrice on RequestSubmit;
    fault_503_thrice_my_requests: UnavailableThrice on MyRequests;
    fault_503_thrice_cancel_request: UnavailableThrice on CancelRequest;
    fault_503_thrice_access_remove: UnavailableThrice on AccessRemove;
    fault_503_thrice_approvals_inbox: UnavailableThrice on ApprovalsInbox;
    fault_503_thrice_decision: UnavailableThrice on Decision;
    fault_503_thrice_bulk_decision: UnavailableThrice on BulkDecision;
    fault_503_thrice_invite: UnavailableThrice on Invite;

    fault_504_catalog: GatewayTimeout on Catalog;
    fault_504_request_submit: GatewayTimeout on RequestSubmit;
    fault_504_my_requests: GatewayTimeout on MyRequests;
    fault_504_cancel_request: GatewayTimeout on CancelRequest;
    fault_504_access_remove: GatewayTimeout on AccessRemove;
    fault_504_approvals_inbox: GatewayTimeout on ApprovalsInbox;
    fault_504_decision: GatewayTimeout on Decision;
    fault_504_bulk_decision: GatewayTimeout on BulkDecision;
    fault_504_invite: GatewayTimeout on Invite;

    fault_slow_catalog: Slow on Catalog;
    fault_slow_request_submit: Slow on RequestSubmit;
    fault_slow_my_requests: Slow on MyRequests;
    fault_slow_cancel_request: Slow on CancelRequest;
    fault_slow_access_remove: Slow on AccessRemove;
    fault_slow_approvals_inbox: Slow on ApprovalsInbox;
    fault_slow_decision: Slow on Decision;
    fault_slow_bulk_decision: Slow on BulkDecision;
    fault_slow_invite: Slow on Invite;

    fault_connection_dropped_catalog: ConnectionDropped on Catalog;
    fault_connection_dropped_request_submit: ConnectionDropped on RequestSubmit;
    fault_connection_dropped_my_requests: ConnectionDropped on MyRequests;
    fault_connection_dropped_cancel_request: ConnectionDropped on CancelRequest;
    fault_connection_dropped_access_remove: ConnectionDropped on AccessRemove;
    fault_connection_dropped_approvals_inbox: ConnectionDropped on ApprovalsInbox;
    fault_connection_dropped_decision: ConnectionDropped on Decision;
    fault_connection_dropped_bulk_decision: ConnectionDropped on BulkDecision;
    fault_connection_dropped_invite: ConnectionDropped on Invite;

    fault_connection_dropped_before_the_answer_request_submit: ConnectionDroppedBeforeAnswer on RequestSubmit;
    fault_connection_dropped_before_the_answer_cancel_request: ConnectionDroppedBeforeAnswer on CancelRequest;
    fault_connection_dropped_before_the_answer_access_remove: ConnectionDroppedBeforeAnswer on AccessRemove;
    fault_connection_dropped_before_the_answer_decision: ConnectionDroppedBeforeAnswer on Decision;
    fault_connection_dropped_before_the_answer_bulk_decision: ConnectionDroppedBeforeAnswer on BulkDecision;
    fault_connection_dropped_before_the_answer_invite: ConnectionDroppedBeforeAnswer on Invite;

    fault_access_token_expired_catalog: AccessTokenExpired on Catalog;
    fault_access_token_expired_request_submit: AccessTokenExpired on RequestSubmit;
    fault_access_token_expired_my_requests: AccessTokenExpired on MyRequests;
    fault_access_token_expired_cancel_request: AccessTokenExpired on CancelRequest;
    fault_access_token_expired_access_remove: AccessTokenExpired on AccessRemove;
    fault_access_token_expired_approvals_inbox: AccessTokenExpired on ApprovalsInbox;
    fault_access_token_expired_decision: AccessTokenExpired on Decision;
    fault_access_token_expired_bulk_decision: AccessTokenExpired on BulkDecision;
    fault_access_token_expired_invite: AccessTokenExpired on Invite;

    fault_session_expired_catalog: SessionExpired on Catalog;
    fault_session_expired_request_submit: SessionExpired on RequestSubmit;
    fault_session_expired_my_requests: SessionExpired on MyRequests;
    fault_session_expired_cancel_request: SessionExpired on CancelRequest;
    fault_session_expired_access_remove: SessionExpired on AccessRemove;
    fault_session_expired_approvals_inbox: SessionExpired on ApprovalsInbox;
    fault_session_expired_decision: SessionExpired on Decision;
    fault_session_expired_bulk_decision: SessionExpired on BulkDecision;
    fault_session_expired_invite: SessionExpired on Invite;

    fault_claims_challenge_catalog: ClaimsChallenge on Catalog;
    fault_claims_challenge_request_submit: ClaimsChallenge on RequestSubmit;
    fault_claims_challenge_my_requests: ClaimsChallenge on MyRequests;
    fault_claims_challenge_cancel_request: ClaimsChallenge on CancelRequest;
    fault_claims_challenge_access_remove: ClaimsChallenge on AccessRemove;
    fault_claims_challenge_approvals_inbox: ClaimsChallenge on ApprovalsInbox;
    fault_claims_challenge_decision: ClaimsChallenge on Decision;
    fault_claims_challenge_bulk_decision: ClaimsChallenge on BulkDecision;
    fault_claims_challenge_invite: ClaimsChallenge on Invite;

    fault_409_decided_first_decision: DecidedFirst on Decision;
    fault_409_decided_first_bulk_decision: DecidedFirst on BulkDecision;

    fault_double_click_request_submit: DoubleClick on RequestSubmit;
    fault_double_click_cancel_request: DoubleClick on CancelRequest;
    fault_double_click_access_remove: DoubleClick on AccessRemove;
    fault_double_click_decision: DoubleClick on Decision;
    fault_double_click_bulk_decision: DoubleClick on BulkDecision;
    fault_double_click_invite: DoubleClick on Invite;

    fault_offline_catalog: Offline on Catalog;
    fault_offline_request_submit: Offline on RequestSubmit;
    fault_offline_my_requests: Offline on MyRequests;
    fault_offline_cancel_request: Offline on CancelRequest;
    fault_offline_access_remove: Offline on AccessRemove;
    fault_offline_approvals_inbox: Offline on ApprovalsInbox;
    fault_offline_decision: Offline on Decision;
    fault_offline_bulk_decision: Offline on BulkDecision;
    fault_offline_invite: Offline on Invite;

    fault_429_with_retry_after_review_decision: Throttled on ReviewDecision;
    fault_503_thrice_review_decision: UnavailableThrice on ReviewDecision;
    fault_504_review_decision: GatewayTimeout on ReviewDecision;
    fault_connection_dropped_review_decision: ConnectionDropped on ReviewDecision;
    fault_access_token_expired_review_decision: AccessTokenExpired on ReviewDecision;
    fault_double_click_review_decision: DoubleClick on ReviewDecision;
    fault_offline_review_decision: Offline on ReviewDecision;
    fault_session_expired_review_decision: SessionExpired on ReviewDecision;

    fault_504_accept_recommendations: GatewayTimeout on AcceptRecommendations;
    fault_connection_dropped_accept_recommendations: ConnectionDropped on AcceptRecommendations;
    fault_double_click_accept_recommendations: DoubleClick on AcceptRecommendations;
    fault_offline_accept_recommendations: Offline on AcceptRecommendations;

    fault_connection_dropped_self_review: ConnectionDropped on SelfReview;
    fault_double_click_self_review: DoubleClick on SelfReview;
    fault_offline_self_review: Offline on SelfReview;
    fault_session_expired_self_review: SessionExpired on SelfReview;
}
