//! What an access package grants: each resource and the role in it.

use crate::graph::entitlement::models::ResourceRoleScope;
use leptos::prelude::*;

/// The grants as a list; nothing when there are none.
#[component]
pub fn Grants(
    /// The package's resource role scopes (expanded with role and scope).
    scopes: Vec<ResourceRoleScope>,
) -> impl IntoView {
    (!scopes.is_empty()).then(|| {
        view! {
            <ul class="grants">
                {scopes
                    .into_iter()
                    .map(|g| {
                        let role = g.role.clone().and_then(|r| r.display_name).unwrap_or_default();
                        let resource = g
                            .role
                            .and_then(|r| r.resource)
                            .and_then(|r| r.display_name)
                            .or(g.scope.and_then(|s| s.display_name))
                            .unwrap_or_default();
                        view! {
                            <li>
                                <strong>
                                    <bdi>{resource}</bdi>
                                </strong>
                                " — "
                                <bdi>{role}</bdi>
                            </li>
                        }
                            .into_any()
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    })
}
