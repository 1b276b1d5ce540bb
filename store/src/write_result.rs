//! `WriteResult`: what a write reports, and how much of it the backend vouches for.

use std::time::SystemTime;

use crate::entry::{ContentDigest, FileInfo, UserMetadata};
use crate::path::StorePath;

/// Where the fields of a [`WriteResult`] come from ([C-5.5](crate::contract#C-5.5)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum WriteSource {
    /// Filled from the write response; the rich fields equal a later `get_file_info`.
    Native,
    /// Only `path` and `size` are guaranteed; the rich fields are `None`.
    Basic,
    /// Mapped from `get_file_info` by `head`.
    Sidecar,
}

/// The outcome of a write ([C-5.5](crate::contract#C-5.5)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WriteResult {
    /// The path as given (store-relative at the Store).
    pub path: StorePath,
    /// Bytes actually consumed from the content.
    pub size: u64,
    /// Where the other fields come from.
    pub source: WriteSource,
    /// Content digest.
    pub digest: Option<ContentDigest>,
    /// Entity tag.
    pub etag: Option<String>,
    /// Version id.
    pub version_id: Option<String>,
    /// Modification time as stored.
    pub last_modified: Option<SystemTime>,
    /// The caller's metadata, echoed verbatim when the `UserMetadata` gate was passed.
    pub metadata: Option<UserMetadata>,
}

impl WriteResult {
    /// A `Basic` result: path and size only.
    pub fn basic(path: StorePath, size: u64) -> Self {
        WriteResult {
            path,
            size,
            source: WriteSource::Basic,
            digest: None,
            etag: None,
            version_id: None,
            last_modified: None,
            metadata: None,
        }
    }

    /// A `Native` result taken from the stored file's facts.
    pub fn native(info: &FileInfo) -> Self {
        WriteResult {
            source: WriteSource::Native,
            ..WriteResult::from_info(info)
        }
    }

    /// The `Sidecar` result of `head`.
    pub fn sidecar(info: &FileInfo) -> Self {
        WriteResult {
            source: WriteSource::Sidecar,
            ..WriteResult::from_info(info)
        }
    }

    fn from_info(info: &FileInfo) -> Self {
        WriteResult {
            path: info.path.clone(),
            size: info.size,
            source: WriteSource::Basic,
            digest: info.digest.clone(),
            etag: info.etag.clone(),
            version_id: None,
            last_modified: info.modified_at,
            metadata: info.metadata.clone(),
        }
    }
}
