//! The sign-in pages a person sees: sign in, create a guest account, pick an account, consent,
//! accept an invitation, errors. Plain HTML forms (no script), escaped by `maud`.

use maud::{DOCTYPE, Markup, PreEscaped, html};

const STYLE: &str = "
body{font-family:system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
main{max-width:26rem;margin:3rem auto;background:#fff;padding:2rem 2.5rem;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5rem;font-weight:600;margin:.5rem 0 1rem}
.tenant{color:#555;font-size:.9rem}
label{display:block;margin:.8rem 0 .2rem}
input[type=email],input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #666;font-size:1rem}
button{min-height:2.25rem;padding:.4rem 1.2rem;margin:1rem .5rem 0 0;font-size:1rem;border:1px solid #0067b8;background:#0067b8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0067b8}
:focus-visible{outline:3px solid #000;outline-offset:2px}
.error{color:#a80000;background:#fde7e9;padding:.6rem;margin:.5rem 0}
.code{font-family:monospace;font-size:.85rem;color:#555;white-space:pre-wrap;word-break:break-all}
ul.accounts{list-style:none;padding:0} ul.accounts button{width:100%;text-align:left;background:#fff;color:#1b1b1b;border:1px solid #ccc}
";

fn layout(title: &str, tenant_name: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { main {
                p.tenant { (tenant_name) " · local tenant" }
                h1 { (title) }
                (body)
            } }
        }
    }
}

fn error_banner(error: Option<&str>) -> Markup {
    html! { @if let Some(e) = error { p.error role="alert" { (e) } } }
}

/// The sign-in form.
pub struct Login<'a> {
    pub action: &'a str,
    pub flow: &'a str,
    pub tenant_name: &'a str,
    pub app_name: &'a str,
    pub username: &'a str,
    pub placeholder: &'a str,
    pub error: Option<&'a str>,
    pub sign_up_link: bool,
}

pub fn login(p: &Login) -> Markup {
    layout(
        "Sign in",
        p.tenant_name,
        html! {
            p { "to continue to " strong { (p.app_name) } }
            (error_banner(p.error))
            form method="post" action=(p.action) {
                input type="hidden" name="flow" value=(p.flow);
                label for="username" { "Email or username" }
                input #username type="email" name="username" autocomplete="username" required value=(p.username) placeholder=(p.placeholder);
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password";
                button type="submit" { "Sign in" }
            }
            @if p.sign_up_link {
                p { "No account? Type your work email and sign in: if your organisation may join, you can create a guest account." }
            }
        },
    )
}

/// The self-service sign-up form (a guest account for an outside address).
pub struct SignUp<'a> {
    pub action: &'a str,
    pub flow: &'a str,
    pub tenant_name: &'a str,
    pub email: &'a str,
    pub error: Option<&'a str>,
}

pub fn sign_up(p: &SignUp) -> Markup {
    layout(
        "Create your account",
        p.tenant_name,
        html! {
            p { "You are joining " strong { (p.tenant_name) } " as a guest." }
            (error_banner(p.error))
            form method="post" action=(p.action) {
                input type="hidden" name="flow" value=(p.flow);
                label for="email" { "Email" }
                input #email type="email" name="email" autocomplete="email" required value=(p.email);
                label for="display_name" { "Your name" }
                input #display_name type="text" name="display_name" autocomplete="name" required;
                label for="password" { "Choose a password" }
                input #password type="password" name="password" autocomplete="new-password" required minlength="8";
                button type="submit" { "Create account" }
            }
        },
    )
}

/// One account on the picker: id, display name, sign-in name.
pub type PickerAccount = (String, String, String);

pub fn picker(action: &str, flow: &str, tenant_name: &str, accounts: &[PickerAccount]) -> Markup {
    layout(
        "Pick an account",
        tenant_name,
        html! {
            form method="post" action=(action) {
                input type="hidden" name="flow" value=(flow);
                ul.accounts {
                    @for (id, name, sign_in) in accounts {
                        li { button type="submit" name="account" value=(id) { strong { (name) } br; (sign_in) } }
                    }
                    li { button type="submit" name="account" value="other" { "Use another account" } }
                }
            }
        },
    )
}

/// The consent page; `scopes` are (permission, description).
pub fn consent(
    action: &str,
    flow: &str,
    tenant_name: &str,
    app_name: &str,
    user: &str,
    scopes: &[(String, String)],
) -> Markup {
    layout(
        "Permissions requested",
        tenant_name,
        html! {
            p { strong { (app_name) } " would like to:" }
            ul { @for (name, text) in scopes { li { (text) " " span.code { "(" (name) ")" } } } }
            p { "Signed in as " (user) "." }
            form method="post" action=(action) {
                input type="hidden" name="flow" value=(flow);
                button type="submit" name="decision" value="accept" { "Accept" }
                button.secondary type="submit" name="decision" value="cancel" { "Cancel" }
            }
        },
    )
}

/// An error shown on the page; `back` lets the person return to the app with the error.
pub fn error(tenant_name: &str, headline: &str, detail: &str, back: Option<&str>) -> Markup {
    layout(
        "Sign-in failed",
        tenant_name,
        html! {
            p.error role="alert" { (headline) }
            p.code { (detail) }
            @if let Some(url) = back { p { a href=(url) { "Back to the application" } } }
        },
    )
}

pub fn message(tenant_name: &str, title: &str, text: &str) -> Markup {
    layout(title, tenant_name, html! { p { (text) } })
}

/// The invitation's "Review permissions" page.
pub struct Redeem<'a> {
    pub tenant_name: &'a str,
    pub ticket: &'a str,
    pub email: &'a str,
    pub inviter: &'a str,
    pub needs_password: bool,
    pub error: Option<&'a str>,
}

pub fn redeem(p: &Redeem) -> Markup {
    layout(
        "Review permissions",
        p.tenant_name,
        html! {
            p { (p.inviter) " invited " strong { (p.email) } " to " (p.tenant_name) "." }
            p { (p.tenant_name) " will be able to: receive your profile data (name, email address and photo), and use it as described in its privacy statement." }
            (error_banner(p.error))
            form method="post" action="/redeem" {
                input type="hidden" name="ticket" value=(p.ticket);
                @if p.needs_password {
                    p { "Your own organisation's sign-in is not part of this local tenant: choose a password to sign in with from now on." }
                    label for="password" { "Choose a password" }
                    input #password type="password" name="password" autocomplete="new-password" required minlength="8";
                }
                button type="submit" name="decision" value="accept" { "Accept" }
                button.secondary type="submit" name="decision" value="cancel" { "Cancel" }
            }
        },
    )
}
