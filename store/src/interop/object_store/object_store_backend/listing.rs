//! Listings: paged and streamed below a folder, or one delimited listing for a folder's
//! direct entries.

use futures_util::StreamExt;
use object_store::{ObjectMeta, ObjectStore};

use super::ObjectStoreBackend;
use crate::content::ListStream;
use crate::entry::{FileInfo, FolderEntry};
use crate::error::{ErrorKind, Result};
use crate::path::StorePath;

impl ObjectStoreBackend {
    /// The files at and below `folder` (all depths), in the service's order.
    pub(super) fn listing(
        &self,
        folder: &StorePath,
    ) -> Result<ListStream<(StorePath, ObjectMeta)>> {
        let prefix = match folder.is_root() {
            true => None,
            false => Some(self.location(folder)?),
        };
        let this = self.clone();
        let folder = folder.clone();
        let items = self.store.list(prefix.as_ref()).filter_map(move |item| {
            let out = match item {
                Ok(meta) => this.key_of(&meta).map(|key| Ok((key, meta))),
                // A missing container lists nothing (C-2.7).
                Err(e) => Some(Err(this.err(e, &folder))).filter(
                    |e: &Result<_>| !matches!(e, Err(e) if e.kind() == ErrorKind::NotFound),
                ),
            };
            std::future::ready(out)
        });
        Ok(Box::pin(items))
    }

    /// The direct children of `folder`: one delimited listing (the service collects its pages),
    /// files and folders apart. A missing container lists nothing ([C-2.7](crate::contract#C-2.7)).
    pub(super) async fn children(
        &self,
        folder: &StorePath,
    ) -> Result<(Vec<FileInfo>, Vec<FolderEntry>)> {
        let prefix = match folder.is_root() {
            true => None,
            false => Some(self.location(folder)?),
        };
        let listed = match self.store.list_with_delimiter(prefix.as_ref()).await {
            Ok(listed) => listed,
            Err(e) => match self.err(e, folder) {
                e if e.kind() == ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
                e => return Err(e),
            },
        };
        let files = listed
            .objects
            .iter()
            .filter_map(|meta| Some(self.info(self.key_of(meta)?, meta)))
            .collect();
        let folders = listed
            .common_prefixes
            .iter()
            .filter_map(|prefix| {
                let key = StorePath::new(prefix.as_ref()).ok()?;
                (key.as_str() == prefix.as_ref()).then(|| FolderEntry::new(key))
            })
            .collect();
        Ok((files, folders))
    }
}
