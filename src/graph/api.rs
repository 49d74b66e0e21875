//! The Graph calls Portier makes, one typed function each; the only place that writes Graph
//! paths and query options.

use super::client::GraphClient;
use super::error::GraphError;
use super::models::{Page, User};
use crate::net::Cancel;
use serde::de::DeserializeOwned;

const ME_SELECT: &str = "id,displayName,mail,userPrincipalName,userType,companyName,externalUserState";

impl GraphClient {
    /// The signed-in user, with what the header shows (organisation, guest or member).
    pub async fn me(&self, cancel: Option<&Cancel>) -> Result<User, GraphError> {
        self.get(&format!("/me?$select={ME_SELECT}"), cancel).await
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
