//! Hostile data for the `hostile_*` journeys: what a person may write into any field Graph hands
//! back (markup, script, `javascript:` URLs, attribute break-outs, CSS, right-to-left overrides,
//! unbroken strings, spreadsheet formulas), the local tenant seeded with it, and one inspection of
//! a page that says whether any of it ran, became markup, escaped its box or reordered the page.

use crate::World;
use anyhow::{Context, Result, ensure};
use fantoccini::Client;
use serde::Deserialize;
use serde_json::json;

/// The kinds of payload, in the order [`payloads`] gives them.
pub const KINDS: [&str; 8] =
    ["markup", "script", "javascript-url", "attribute", "css", "rtl-override", "long", "formula"];

/// One payload of each kind for the field `field` (its name is in each, so every value is
/// distinct and found where that field is shown). Markup, script, URL, attribute and CSS ones,
/// were they to run or become markup, set `window.__pwned` or add an element with
/// `data-hostile`; the override must stay isolated, the long one inside its box, the formula
/// inert in exports.
pub fn payloads(field: &str) -> Vec<String> {
    let pwn = format!("window.__pwned='{field}'");
    vec![
        format!("{field} <img src=x onerror=\"{pwn}\" data-hostile><b data-hostile>bold</b>"),
        format!("{field} <script data-hostile>{pwn}</script>"),
        format!("javascript:{pwn}//{field} <a data-hostile href=\"javascript:{pwn}\">link</a>"),
        format!("{field}\" data-hostile=\"1\" onmouseover=\"{pwn}\" x='"),
        format!(
            "{field} </style><style data-hostile>*{{display:none!important}}</style><div data-hostile style=\"position:fixed;inset:0\">{field}</div>"
        ),
        format!("{field} \u{202E}gpj.exe"),
        format!("{field}-{}", "W".repeat(2000)),
        format!("=HYPERLINK(\"https://evil.example\",\"{field}\")"),
    ]
}

/// All of a field's payloads in one value, for fields a person has once (their own name).
pub fn combined(field: &str) -> String {
    payloads(field).join(" ")
}

/// A TOML basic string (JSON's escapes are TOML's).
pub fn toml(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// The approver of the hostile packages: a member whose own name is hostile.
pub const APPROVER: &str = "hz@contoso.com";
/// A partner whose own name, company and connected organization are hostile.
pub const PARTNER: &str = "hx@hostile.example";

/// The scenario lines: a catalog with one package per payload kind (name, description, the
/// resource and role it grants, its policy's name and description, a text question, a choice),
/// approved by [`APPROVER`]; the partner, their connected organization, and the approver.
pub fn scenario() -> String {
    let mut s = String::from("\n[[catalogs]]\ndisplay_name = \"Hostile catalog\"\n");
    let field = |name: &str, k: usize| toml(&payloads(name)[k]);
    for k in 0..KINDS.len() {
        s += &format!(
            r#"
[[resources]]
catalog = "Hostile catalog"
display_name = {resource}
kind = "application"
roles = [{role}]

[[access_packages]]
display_name = {name}
description = {description}
catalog = "Hostile catalog"
grants = [{{ resource = {resource}, role = {role} }}]

[[access_packages.policies]]
display_name = {policy}
description = {policy_description}
allowed_target_scope = "allConfiguredConnectedOrganizationUsers"
self_remove = true

[access_packages.policies.approval]
requestor_justification_required = true
stages = [{{ duration_before_automatic_denial = "P14D", primary_approvers = [{{ type = "singleUser", user = "{APPROVER}" }}] }}]

[[access_packages.policies.questions]]
type = "text"
text = {question}
required = true

[[access_packages.policies.questions]]
type = "choice"
text = "Hostile choice"
required = true
choices = [{{ value = "picked", text = {choice} }}]
"#,
            resource = field("Resource", k),
            role = field("Role", k),
            name = field("Package", k),
            description = field("Description", k),
            policy = field("Policy", k),
            policy_description = field("PolicyText", k),
            question = field("Question", k),
            choice = field("Choice", k),
        );
    }
    s += &format!(
        r#"
[[users]]
user_principal_name = "hx_hostile.example#EXT#@contoso.onmicrosoft.com"
mail = "{PARTNER}"
display_name = {partner}
company_name = {company}
user_type = "Guest"
external_user_state = "Accepted"
password = "Portier-demo-1"

[[connected_organizations]]
display_name = {organisation}
domains = ["hostile.example"]

[[users]]
user_principal_name = "{APPROVER}"
display_name = {approver}
company_name = "Contoso"
password = "Portier-demo-1"
"#,
        partner = toml(&combined("Partner")),
        company = toml(&combined("Company")),
        organisation = toml(&combined("Organisation")),
        approver = toml(&combined("Approver")),
    );
    s
}

/// Scenario lines for the review journey (with [`scenario`]): one package per payload kind, its
/// policy's name hostile too, reviewed by [`APPROVER`] in a review that began 10 days ago, and
/// held by [`PARTNER`] for 40 days.
pub fn review_scenario() -> String {
    let field = |name: &str, k: usize| toml(&payloads(name)[k]);
    let mut s = String::new();
    for k in 0..KINDS.len() {
        s += &format!(
            r#"
[[access_packages]]
display_name = {name}
description = "Reviewed every quarter."
catalog = "Hostile catalog"
grants = [{{ resource = {resource}, role = {role} }}]

[[access_packages.policies]]
display_name = {policy}
allowed_target_scope = "allConfiguredConnectedOrganizationUsers"

[access_packages.policies.review]
started_days_ago = 10
duration = "P30D"
reviewers = [{{ type = "singleUser", user = "{APPROVER}" }}]

[[requests]]
requestor = "{PARTNER}"
access_package = {name}
state = "delivered"
days_ago = 40
"#,
            name = field("Reviewed", k),
            policy = field("ReviewPolicy", k),
            resource = field("Resource", k),
            role = field("Role", k),
        );
    }
    s
}

/// Sets a form control's value as typing would (an `input` event), for values too long to type.
pub async fn set_value(c: &Client, css: &str, text: &str) -> Result<()> {
    let script = "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                  e.dispatchEvent(new Event('input', { bubbles: true })); return true;";
    let found = c.execute(script, vec![json!(css), json!(text)]).await?;
    ensure!(found == json!(true), "no {css}");
    Ok(())
}

/// What [`inspect`] found on a page.
#[derive(Debug, Deserialize)]
pub struct Inspection {
    /// Payloads not shown literally.
    pub missing: Vec<String>,
    /// `window.__pwned`, if any payload ran.
    pub pwned: Option<String>,
    /// Elements with `data-hostile`: payloads that became markup.
    pub hostile: usize,
    /// Links that point anywhere but `https:`, `mailto:`, this site or the tenant.
    pub links: Vec<String>,
    /// How far the page scrolls sideways.
    pub overflow: i64,
    /// Text with a right-to-left override that is not isolated from the text around it.
    pub unisolated: Vec<String>,
}

const INSPECT: &str = r#"
const [texts, origins] = arguments;
const shown = document.body.innerText;
const missing = texts.filter(t => !shown.includes(t)).map(t => t.slice(0, 80));
const pwned = window.__pwned === undefined ? null : String(window.__pwned);
const hostile = document.querySelectorAll('[data-hostile]').length;
const links = [...document.querySelectorAll('a[href]')].map(a => a.href).filter(h => {
  let u; try { u = new URL(h); } catch (e) { return true; }
  return !(u.protocol === 'https:' || u.protocol === 'mailto:' || u.origin === location.origin || origins.includes(u.origin));
});
const overflow = document.documentElement.scrollWidth - window.innerWidth;
const unisolated = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  // Overrides inside Unicode isolates (LRI, RLI, FSI … PDI) stay there.
  if (!n.data.replace(/[\u2066-\u2068][^\u2069]*\u2069/g, '').includes('\u202E')) continue;
  const p = n.parentElement;
  const isolating = ['isolate', 'isolate-override', 'plaintext'].includes(getComputedStyle(p).unicodeBidi);
  if (!isolating || p.textContent !== n.data) unisolated.push(p.outerHTML.slice(0, 160));
}
return { missing, pwned, hostile, links, overflow, unisolated };
"#;

/// Inspects the page for the payloads `texts`, which must all be shown.
pub async fn inspect(w: &World, c: &Client, texts: &[String]) -> Result<Inspection> {
    let origins = json!([w.stack.signin, w.stack.graph]);
    Ok(serde_json::from_value(c.execute(INSPECT, vec![json!(texts), origins]).await?)?)
}

/// Fails unless every payload of `texts` is shown as text, none ran or became markup, every
/// link is safe, nothing scrolls sideways and every right-to-left override is isolated.
pub async fn assert_inert(w: &World, c: &Client, page: &str, texts: &[String]) -> Result<()> {
    let found = inspect(w, c, texts).await?;
    ensure!(found.pwned.is_none(), "{page}: a payload ran: {:?}", found.pwned);
    ensure!(found.hostile == 0, "{page}: {} payload elements became markup", found.hostile);
    ensure!(found.links.is_empty(), "{page}: unsafe links {:?}", found.links);
    ensure!(found.missing.is_empty(), "{page}: not shown literally: {:#?}", found.missing);
    ensure!(found.overflow <= 0, "{page}: scrolls sideways by {} px", found.overflow);
    ensure!(found.unisolated.is_empty(), "{page}: overrides not isolated: {:#?}", found.unisolated);
    Ok(())
}

/// The payloads of several fields, each field's in [`KINDS`] order.
pub fn fields(names: &[&str]) -> Vec<String> {
    names.iter().flat_map(|n| payloads(n)).collect()
}

/// Clicks, by script, every element matching `css` (an event per element, as a person would).
pub async fn click_all(c: &Client, css: &str) -> Result<usize> {
    let n = c
        .execute(
            "const all = document.querySelectorAll(arguments[0]); all.forEach(e => e.click()); return all.length;",
            vec![json!(css)],
        )
        .await?;
    Ok(n.as_u64().unwrap_or(0) as usize)
}

/// Waits (up to 30 s) until exactly `count` elements match `css`.
pub async fn wait_for_count(c: &Client, css: &str, count: usize) -> Result<()> {
    let started = std::time::Instant::now();
    loop {
        let n = c.execute("return document.querySelectorAll(arguments[0]).length;", vec![json!(css)]).await?;
        if n.as_u64() == Some(count as u64) {
            return Ok(());
        }
        ensure!(started.elapsed().as_secs() < 30, "{css}: {n}, not {count}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Runs `click` on the element matching `css` and returns the file the page offered for download
/// (the page's blob, read before it is handed over).
pub async fn downloaded_text(c: &Client, css: &str) -> Result<String> {
    let script = r#"
        const [css, done] = [arguments[0], arguments[arguments.length - 1]];
        const original = URL.createObjectURL;
        URL.createObjectURL = blob => { URL.createObjectURL = original; blob.text().then(done); return original.call(URL, blob); };
        document.querySelector(css).click();
    "#;
    let text = c.execute_async(script, vec![json!(css)]).await?;
    text.as_str().map(String::from).context("the download was no text")
}

/// The cells of a CSV file (RFC 4180: quoted fields, doubled quotes, CRLF rows).
pub fn csv_cells(text: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted, mut chars) = (vec![], String::new(), false, text.chars().peekable());
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',' | '\r' | '\n', false) => {
                cells.push(std::mem::take(&mut cell));
                if ch == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            _ => cell.push(ch),
        }
    }
    cells
}

/// Waits (up to 30 s) until the script expression `condition` holds on the page.
pub async fn wait_until(c: &Client, condition: &str) -> Result<()> {
    let started = std::time::Instant::now();
    while c.execute(&format!("return !!({condition});"), vec![]).await? != json!(true) {
        ensure!(started.elapsed().as_secs() < 30, "never: {condition}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    Ok(())
}
