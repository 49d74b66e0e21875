//! Invite a partner through Graph's invitation manager, then hand over the redeem link one's own
//! way: copy it, show it as a QR code, or send an own message (copy or the mail program). Packages
//! attached to the invitation become the partner's pre-filled request after they accept.

mod handover;

use crate::auth::Session;
use crate::components::ErrorView;
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::entitlement::models::AccessPackage;
use crate::graph::invitations::{Address, Invitation, MessageInfo, NewInvitation, Recipient, UserRef};
use crate::i18n::{I18n, tr, use_page_texts};
use crate::routing::Route;
use crate::state::draft;
use crate::state::kept::{self, Invited, List};
use crate::state::use_kept;
use crate::state::use_me;
use handover::{Handover, isolated};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeSet;

/// An address Graph's invitation manager takes (its documented forbidden characters).
pub fn valid_email(address: &str) -> bool {
    const FORBIDDEN: &str = "~!#$%^&*()+=[]{}\\/|;:\"<>?, ";
    let Some((local, domain)) = address.rsplit_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !address.chars().any(|c| FORBIDDEN.contains(c))
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

#[component]
pub fn Invite() -> impl IntoView {
    let t = use_page_texts();
    let i18n = expect_context::<I18n>();
    let graph = expect_context::<GraphClient>();
    let me = use_me();
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    // Kept as drafts: a new sign-in or a failed send loses nothing typed.
    let email = draft::use_draft::<String>("invite.email".into());
    let name = draft::use_draft::<String>("invite.name".into());
    let send_mail = RwSignal::new(false);
    let message = draft::use_draft::<String>("invite.message".into());
    let cc = draft::use_draft::<String>("invite.cc".into());
    let language = RwSignal::new(if i18n.language.get_untracked().tag() == "sv" {
        "sv-SE".to_string()
    } else {
        "en-US".to_string()
    });
    let attached = RwSignal::new(BTreeSet::<String>::new());
    let redirect_to = RwSignal::new(format!("{origin}/"));
    let invalid = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let other_failure = RwSignal::new(None::<AppError>);
    let result = RwSignal::new(None::<Invitation>);
    let packages = {
        let graph = graph.clone();
        LocalResource::new(move || {
            let graph = graph.clone();
            async move {
                graph
                    .packages_to_attach(None)
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|p| !p.is_hidden.unwrap_or(false))
                    .collect::<Vec<AccessPackage>>()
            }
        })
    };
    let session = expect_context::<Session>();
    let config = session.config().clone();
    let kept = use_kept();
    let allowed_origins = config.redirect_origins.join(", ");
    let redirect_refused = RwSignal::new(false);
    // Where the partner lands after accepting: this portal's request page for attached packages,
    // else the address typed, if the configuration allows it (no open redirect); `None` when not.
    let redirect = {
        let origin = origin.clone();
        move || {
            let ids = attached.get_untracked();
            if ids.is_empty() {
                config.allowed_redirect(&redirect_to.get_untracked()).map(String::from)
            } else {
                Some(format!(
                    "{origin}{}?packages={}",
                    Route::RequestSelection.path(),
                    ids.into_iter().collect::<Vec<_>>().join(",")
                ))
            }
        }
    };
    // The people I invited, their state fetched fresh from Graph each time they are shown.
    let invited = {
        let (graph, kept) = (graph.clone(), kept.clone());
        LocalResource::new(move || {
            let (graph, kept) = (graph.clone(), kept.clone());
            async move {
                let ids: Vec<String> = kept.read::<Invited>(List::Invited).into_iter().map(|i| i.user_id).collect();
                if ids.is_empty() {
                    return Vec::new();
                }
                graph.users_by_id(&ids, None).await.unwrap_or_default()
            }
        })
    };
    let send = {
        let graph = graph.clone();
        let kept = kept.clone();
        move |reset: Option<String>| {
            if busy.get_untracked() {
                return;
            }
            let address = email.get_untracked().trim().to_string();
            if !valid_email(&address) {
                invalid.set(true);
                return;
            }
            let Some(invite_redirect_url) = redirect() else {
                redirect_refused.set(true);
                return;
            };
            let cc_address = cc.get_untracked().trim().to_string();
            let info = MessageInfo {
                customized_message_body: Some(message.get_untracked()).filter(|m| !m.trim().is_empty()),
                message_language: Some(language.get_untracked()),
                cc_recipients: (!cc_address.is_empty())
                    .then_some(Recipient { email_address: Address { address: cc_address } })
                    .into_iter()
                    .collect(),
            };
            let body = NewInvitation {
                invited_user_email_address: address,
                invited_user_display_name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()),
                invite_redirect_url,
                send_invitation_message: send_mail.get_untracked(),
                invited_user_message_info: Some(info),
                reset_redemption: reset.is_some(),
                invited_user: reset.map(|id| UserRef { id }),
            };
            let (graph, kept) = (graph.clone(), kept.clone());
            let reset_kept = body.reset_redemption;
            let email_kept = body.invited_user_email_address.clone();
            busy.set(true);
            failure.set(None);
            other_failure.set(None);
            spawn_local(async move {
                match graph.invite(&body, None).await {
                    Ok(i) => {
                        if let (false, Some(u)) = (reset_kept, i.invited_user.clone()) {
                            let at = kept::now_iso();
                            kept.push(List::Invited, Invited { user_id: u.id, email: email_kept, at });
                        }
                        for field in ["invite.email", "invite.name", "invite.message", "invite.cc"] {
                            draft::forget(field);
                        }
                        result.set(Some(i));
                        invited.refetch();
                    }
                    Err(e) if e.status() == Some(400) => failure.set(Some(t.get_untracked().invite_refused.into())),
                    Err(e) if e.status() == Some(403) => failure.set(Some(t.get_untracked().invite_forbidden.into())),
                    Err(e) => other_failure.set(Some(e.into())),
                }
                busy.set(false);
            });
        }
    };
    let send_new = send.clone();
    let again = Callback::new(move |_| {
        if let Some(id) = result.get_untracked().and_then(|r| r.invited_user).map(|u| u.id) {
            send(Some(id));
        }
    });
    let sponsor = Signal::derive(move || {
        me.0.get().and_then(|r| r.ok()).flatten().and_then(|u| u.display_name).unwrap_or_default()
    });
    let package_names = Signal::derive(move || {
        let ids = attached.get();
        packages
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|p| ids.contains(&p.id))
            .map(|p| isolated(&p.display_name))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let link = Signal::derive(move || result.get().and_then(|r| r.invite_redeem_url).unwrap_or_default());
    view! {
        <h1>{tr(t, |t| t.invite_title)}</h1>
        {move || {
            failure
                .get()
                .map(|f| {
                    view! {
                        <p class="form-error" role="alert" data-testid="invite-refused">
                            {f}
                        </p>
                    }
                        .into_any()
                })
        }}
        {move || other_failure.get().map(|e| view! { <ErrorView error=e /> })}
        <Show
            when=move || result.get().is_none()
            fallback=move || {
                view! {
                    <Handover
                        link=link
                        name=name
                        sponsor=sponsor
                        packages=package_names
                        email=email
                        busy=busy
                        on_again=again
                    />
                }
                    .into_any()
            }
        >
            <form class="request-form" novalidate on:submit=move |e| e.prevent_default()>
                <div class="field" class:invalid=move || invalid.get()>
                    <label for="invite-email">{tr(t, |t| t.invite_email)}</label>
                    <input
                        id="invite-email"
                        type="email"
                        autocomplete="off"
                        prop:value=move || email.get()
                        on:input=move |e| {
                            email.set(event_target_value(&e));
                            invalid.set(false);
                        }
                    />
                    {move || {
                        invalid
                            .get()
                            .then(|| {
                                view! {
                                    <p class="field-error" role="alert">
                                        {tr(t, |t| t.invalid_email)}
                                    </p>
                                }
                                    .into_any()
                            })
                    }}
                </div>
                <div class="field">
                    <label for="invite-name">{tr(t, |t| t.invite_name)}</label>
                    <input
                        id="invite-name"
                        type="text"
                        prop:value=move || name.get()
                        on:input=move |e| name.set(event_target_value(&e))
                    />
                </div>
                <div class="field" class:invalid=move || redirect_refused.get()>
                    <label for="invite-redirect">{tr(t, |t| t.invite_redirect)}</label>
                    <input
                        id="invite-redirect"
                        type="url"
                        prop:value=move || redirect_to.get()
                        on:input=move |e| {
                            redirect_to.set(event_target_value(&e));
                            redirect_refused.set(false);
                        }
                    />
                    {
                        let allowed = allowed_origins.clone();
                        move || {
                            redirect_refused
                                .get()
                                .then(|| {
                                    view! {
                                        <p class="field-error" role="alert" data-testid="redirect-refused">
                                            {tr(t, |t| t.invite_redirect_refused)}
                                            " "
                                            {allowed.clone()}
                                        </p>
                                    }
                                        .into_any()
                                })
                        }
                    }
                </div>
                <fieldset class="field">
                    <legend>{tr(t, |t| t.invite_attach)}</legend>
                    {move || {
                        packages
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|p| {
                                let id = p.id.clone();
                                let checked = {
                                    let id = id.clone();
                                    move || attached.with(|a| a.contains(&id))
                                };
                                view! {
                                    <label class="choice">
                                        <input
                                            type="checkbox"
                                            data-package=p.display_name.clone()
                                            prop:checked=checked
                                            on:change=move |_| {
                                                attached
                                                    .update(|a| {
                                                        if !a.remove(&id) {
                                                            a.insert(id.clone());
                                                        }
                                                    })
                                            }
                                        />
                                        <span>
                                            <bdi>{p.display_name.clone()}</bdi>
                                        </span>
                                    </label>
                                }
                                    .into_any()
                            })
                            .collect_view()
                    }}
                </fieldset>
                <label class="choice">
                    <input
                        type="checkbox"
                        id="invite-send-mail"
                        prop:checked=move || send_mail.get()
                        on:change=move |_| send_mail.update(|s| *s = !*s)
                    />
                    <span>{tr(t, |t| t.invite_send_mail)}</span>
                </label>
                <Show when=move || send_mail.get()>
                    <div class="field">
                        <label for="invite-message">{tr(t, |t| t.invite_message)}</label>
                        <textarea
                            id="invite-message"
                            rows="3"
                            prop:value=move || message.get()
                            on:input=move |e| message.set(event_target_value(&e))
                        ></textarea>
                    </div>
                    <div class="field">
                        <label for="invite-cc">{tr(t, |t| t.invite_cc)}</label>
                        <input
                            id="invite-cc"
                            type="email"
                            prop:value=move || cc.get()
                            on:input=move |e| cc.set(event_target_value(&e))
                        />
                    </div>
                    <div class="field">
                        <label for="invite-language">{tr(t, |t| t.invite_language)}</label>
                        <select id="invite-language" on:change=move |e| language.set(event_target_value(&e))>
                            <option value="en-US" selected=move || language.get() == "en-US">
                                "English"
                            </option>
                            <option value="sv-SE" selected=move || language.get() == "sv-SE">
                                "Svenska"
                            </option>
                        </select>
                    </div>
                </Show>
                <div class="actions">
                    <button
                        type="button"
                        class="primary"
                        data-testid="invite"
                        disabled=move || busy.get()
                        on:click={
                            let s = send_new.clone();
                            move |_| s(None)
                        }
                    >
                        {tr(t, |t| t.invite_send)}
                    </button>
                </div>
            </form>
        </Show>
        {move || {
            let people = invited.get().unwrap_or_default();
            (!people.is_empty())
                .then(|| {
                    view! {
                        <section aria-labelledby="invited-title" data-testid="invited">
                            <h2 id="invited-title">{tr(t, |t| t.invited_title)}</h2>
                            <ul>
                                {people
                                    .into_iter()
                                    .map(|u| {
                                        let accepted = u.external_user_state.as_deref() == Some("Accepted");
                                        view! {
                                            <li
                                                data-testid="invited-person"
                                                data-mail=u.mail.clone().unwrap_or_default()
                                                data-accepted=accepted.to_string()
                                            >
                                                <strong>
                                                    <bdi>{u.display_name.clone()}</bdi>
                                                </strong>
                                                " <"
                                                <bdi>{u.mail.clone()}</bdi>
                                                "> — "
                                                {move || {
                                                    if accepted {
                                                        t.get().invited_accepted
                                                    } else {
                                                        t.get().invited_pending
                                                    }
                                                }}
                                            </li>
                                        }
                                            .into_any()
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                        .into_any()
                })
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_graphs_invitation_manager_takes() {
        assert!(valid_email("kim@fabrikam.com"));
        for bad in ["kim", "kim@", "kim@fabrikam", "k im@fabrikam.com", "kim(x)@fabrikam.com"] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
