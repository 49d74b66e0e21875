//! The Graph calls Portier makes, one typed function each; the only place that writes Graph
//! paths and query options.

use super::batch::{BatchItem, take};
use super::client::GraphClient;
use super::error::GraphError;
use super::models::{Page, User};
use crate::net::Cancel;
use serde::de::DeserializeOwned;

/// An OData string literal (quotes doubled), percent-encoded for a query.
pub(crate) fn literal(text: &str) -> String {
    let quoted = format!("'{}'", text.replace('\'', "''"));
    url::form_urlencoded::byte_serialize(quoted.as_bytes()).collect()
}

const ME_SELECT: &str = "id,displayName,mail,userPrincipalName,userType,companyName,externalUserState";

impl GraphClient {
    /// The signed-in user, with what the header shows (organisation, guest or member).
    pub async fn me(&self, cancel: Option<&Cancel>) -> Result<User, GraphError> {
        self.get(&format!("/me?$select={ME_SELECT}"), cancel).await
    }

    /// Users by id, with their invitation state, in one `$batch` (up to 20).
    pub async fn users_by_id(&self, ids: &[String], cancel: Option<&Cancel>) -> Result<Vec<User>, GraphError> {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let items: Vec<BatchItem> = ids
            .iter()
            .take(crate::graph::batch::MAX_BATCH)
            .enumerate()
            .map(|(i, id)| {
                BatchItem::get(
                    &i.to_string(),
                    &format!("/users/{}?$select=id,displayName,mail,userType,companyName,externalUserState", enc(id)),
                )
            })
            .collect();
        let count = items.len();
        let mut results = self.batch(items, cancel).await?;
        Ok((0..count).filter_map(|i| take::<User>(&mut results, &i.to_string()).ok()).collect())
    }

    /// A list's first page (from a `$batch`) and, following its next link, up to `max_pages`
    /// more.
    pub(crate) async fn rest_of<T: DeserializeOwned>(
        &self,
        first: Page<T>,
        max_pages: usize,
        cancel: Option<&Cancel>,
    ) -> Result<Vec<T>, GraphError> {
        let mut all = first.value;
        if let Some(next) = first.next_link {
            all.extend(self.all_pages::<T>(&next, max_pages, cancel).await?);
        }
        Ok(all)
    }

    /// Every item of a collection, following `@odata.nextLink` (which may give empty pages), up
    /// to `max_pages` pages.
    pub async fn all_pages<T: DeserializeOwned>(
        &self,
        first: &str,
        max_pages: usize,
        cancel: Option<&Cancel>,
    ) -> Result<Vec<T>, GraphError> {
        let mut items = vec![];
        let mut link = Some(first.to_string());
        let mut pages = 0;
        while let Some(next) = link {
            pages += 1;
            let page: Page<T> = self.get(&next, cancel).await?;
            items.extend(page.value);
            link = page.next_link.filter(|_| pages < max_pages);
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::literal;

    #[test]
    fn search_text_is_quoted_and_encoded() {
        assert_eq!(literal("o'neil & co"), "%27o%27%27neil+%26+co%27");
    }
}
