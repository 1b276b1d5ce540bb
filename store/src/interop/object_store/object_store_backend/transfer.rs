//! Copies, renames and deletes: the operation first, a probe only when it fails.

use object_store::{CopyMode, CopyOptions, ObjectStore, RenameOptions, RenameTargetMode};

use super::headers::from_header;
use super::ObjectStoreBackend;
use crate::capability::Capability;
use crate::entry::{FileInfo, UserMetadata};
use crate::error::{Error, ErrorKind, Result};
use crate::interop::object_store::as_object_store::split_attributes;
use crate::options::DeleteFolderOptions;
use crate::path::StorePath;

impl ObjectStoreBackend {
    pub(super) async fn transfer(
        &self,
        src: &StorePath,
        dst: &StorePath,
        overwrite: bool,
        keep: bool,
    ) -> Result<()> {
        self.refuse_root(src)?;
        self.refuse_root(dst)?;
        if src == dst {
            // A service refuses to copy an object onto itself: the verdict is the source's.
            return match self.head(src).await? {
                Some(_) => Ok(()),
                None => Err(self.missing_source(src).await),
            };
        }
        self.check_write_side(dst).await?;
        let (from, to) = (self.location(src)?, self.location(dst)?);
        let overwrite = if self.check_then_copy && !overwrite {
            if self.head(dst).await?.is_some() {
                // A missing source outranks an occupied destination.
                if self.head(src).await?.is_none() {
                    return Err(self.missing_source(src).await);
                }
                return Err(self.located(Error::already_exists(dst.as_str())));
            }
            true
        } else {
            overwrite
        };
        let result = if keep {
            let mode = if overwrite {
                CopyMode::Overwrite
            } else {
                CopyMode::Create
            };
            let options = CopyOptions {
                mode,
                ..Default::default()
            };
            self.store.copy_opts(&from, &to, options).await
        } else {
            let target_mode = if overwrite {
                RenameTargetMode::Overwrite
            } else {
                RenameTargetMode::Create
            };
            let options = RenameOptions {
                target_mode,
                ..Default::default()
            };
            self.store.rename_opts(&from, &to, options).await
        };
        // The operation goes first; only a failure pays for a probe.
        match result {
            Ok(()) => Ok(()),
            Err(object_store::Error::NotFound { .. }) => Err(self.missing_source(src).await),
            Err(e @ object_store::Error::AlreadyExists { .. }) => Err(self.err(e, dst)),
            Err(e) => Err(self.err(e, src)),
        }
    }

    /// The verdict on a copy or rename whose source is not an object: a folder there is
    /// `InvalidPath`, else `NotFound`.
    pub(super) async fn missing_source(&self, src: &StorePath) -> Error {
        let missing = self.located(Error::not_found(src.as_str()));
        match self.miss(missing, src).await {
            e if e.kind() == ErrorKind::InvalidPath => {
                self.located(Error::source_is_a_folder(src.as_str()))
            }
            e => e,
        }
    }

    /// The verdict on deleting a path that is no object; the probe decides it, so it fails
    /// closed.
    pub(super) async fn delete_missed(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        if self.has_below(path).await? {
            return Err(self.located(Error::invalid_path(
                path.as_str(),
                "is a folder; use delete_folder",
            )));
        }
        match missing_ok {
            true => Ok(()),
            false => Err(self.located(Error::not_found(path.as_str()))),
        }
    }

    /// The verdict on `delete_folder` of a path with nothing below it.
    pub(super) async fn no_folder(
        &self,
        path: &StorePath,
        options: &DeleteFolderOptions,
    ) -> Result<()> {
        if self.head(path).await?.is_some() {
            return Err(self.located(Error::invalid_path(path.as_str(), "is a file; use delete")));
        }
        match options.missing_ok {
            true => Ok(()),
            false => Err(self.located(Error::not_found(path.as_str()))),
        }
    }

    /// The facts of the object a GET or HEAD answered with: its metadata, attributes and user
    /// metadata.
    pub(super) fn info_of(
        &self,
        path: &StorePath,
        result: &object_store::GetResult,
    ) -> Result<FileInfo> {
        let (attributes, metadata) =
            split_attributes(&result.attributes).map_err(|e| self.located(e))?;
        let mut info = self.info(path.clone(), &result.meta);
        info.attributes = attributes;
        let metadata = metadata.map(|m| {
            m.into_iter()
                .map(|(k, v)| (k, from_header(&v).into_owned()))
                .collect()
        });
        info.metadata = self
            .capabilities
            .supports(Capability::UserMetadata)
            .then(|| metadata.unwrap_or_else(UserMetadata::new));
        Ok(info)
    }
}
