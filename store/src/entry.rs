//! What listings and metadata calls return: `FileInfo`, `FolderEntry`, `FolderInfo`, `Entry`.

use std::collections::BTreeMap;
use std::time::SystemTime;

use crate::path::StorePath;

/// User metadata: string keys to string values (C-5.6).
pub type UserMetadata = BTreeMap<String, String>;

/// A content digest: algorithm and hex value, both lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContentDigest {
    /// Algorithm name, e.g. `md5` or `sha256`.
    pub algorithm: String,
    /// Hex value.
    pub value: String,
}

/// Facts about one file (C-5.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// Store-relative path (a key at the backend).
    pub path: StorePath,
    /// The last segment of `path`.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modification time; `Some` on every shipped backend.
    pub modified_at: Option<SystemTime>,
    /// Content digest, where the service provides one.
    pub digest: Option<ContentDigest>,
    /// Entity tag, where the service provides one.
    pub etag: Option<String>,
    /// Content type, where the service provides one.
    pub content_type: Option<String>,
    /// User metadata: `Some` (possibly empty) iff the backend declares `UserMetadata`.
    pub metadata: Option<UserMetadata>,
    /// Backend-specific facts.
    pub extra: BTreeMap<String, String>,
}

impl FileInfo {
    /// A `FileInfo` with path, name, size and time; every optional field empty.
    pub fn new(path: StorePath, size: u64, modified_at: Option<SystemTime>) -> Self {
        FileInfo {
            name: path.name().to_owned(),
            path,
            size,
            modified_at,
            digest: None,
            etag: None,
            content_type: None,
            metadata: None,
            extra: BTreeMap::new(),
        }
    }
}

/// A folder found by a listing: `{ path, name }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FolderEntry {
    /// Store-relative path.
    pub path: StorePath,
    /// The last segment of `path`.
    pub name: String,
}

impl FolderEntry {
    /// The entry for `path`.
    pub fn new(path: StorePath) -> Self {
        FolderEntry {
            name: path.name().to_owned(),
            path,
        }
    }
}

/// Aggregate facts about a folder, recursive over every file below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderInfo {
    /// Store-relative path; the root is `""`.
    pub path: StorePath,
    /// Number of files below (folders are not counted).
    pub file_count: u64,
    /// Sum of their sizes.
    pub total_size: u64,
    /// The newest file time below, `None` when no file has one.
    pub modified_at: Option<SystemTime>,
    /// Backend-specific facts.
    pub extra: BTreeMap<String, String>,
}

impl FolderInfo {
    /// An empty aggregate for `path`.
    pub fn empty(path: StorePath) -> Self {
        FolderInfo {
            path,
            file_count: 0,
            total_size: 0,
            modified_at: None,
            extra: BTreeMap::new(),
        }
    }

    /// Adds one file to the aggregate.
    pub fn add(&mut self, file: &FileInfo) {
        self.file_count += 1;
        self.total_size += file.size;
        self.modified_at = self.modified_at.max(file.modified_at);
    }

    /// The last segment of the path (`""` for the root).
    pub fn name(&self) -> &str {
        self.path.name()
    }
}

/// One child of a folder, as yielded by `iter_children`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A file.
    File(FileInfo),
    /// A folder.
    Folder(FolderEntry),
}

impl Entry {
    /// The entry's path.
    pub fn path(&self) -> &StorePath {
        match self {
            Entry::File(f) => &f.path,
            Entry::Folder(f) => &f.path,
        }
    }
}
