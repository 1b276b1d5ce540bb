//! What listings and metadata calls return: `FileInfo`, `FolderEntry`, `FolderInfo`, `Entry`.

use std::collections::BTreeMap;
use std::time::SystemTime;

use crate::path::StorePath;

/// User metadata: string keys to string values ([C-5.6](crate::contract#C-5.6)).
pub type UserMetadata = BTreeMap<String, String>;

/// A content digest: algorithm and hex value, both lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ContentDigest {
    /// Algorithm name, e.g. `md5` or `sha256`.
    pub algorithm: String,
    /// Hex value.
    pub value: String,
}

/// One standard attribute: the headers HTTP and object stores know a file by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Attribute {
    /// `Content-Type`, e.g. `text/plain`.
    ContentType,
    /// `Cache-Control`, e.g. `max-age=3600`.
    CacheControl,
    /// `Content-Disposition`, e.g. `attachment; filename="a.csv"`.
    ContentDisposition,
    /// `Content-Encoding`, e.g. `gzip`.
    ContentEncoding,
    /// `Content-Language`, e.g. `en-US`.
    ContentLanguage,
}

impl Attribute {
    /// Every attribute, in declaration order.
    pub const ALL: [Attribute; 5] = [
        Attribute::ContentType,
        Attribute::CacheControl,
        Attribute::ContentDisposition,
        Attribute::ContentEncoding,
        Attribute::ContentLanguage,
    ];

    /// The HTTP header name.
    pub const fn header(self) -> &'static str {
        match self {
            Attribute::ContentType => "Content-Type",
            Attribute::CacheControl => "Cache-Control",
            Attribute::ContentDisposition => "Content-Disposition",
            Attribute::ContentEncoding => "Content-Encoding",
            Attribute::ContentLanguage => "Content-Language",
        }
    }
}

/// The standard attributes of a file ([C-5.3](crate::contract#C-5.3)): kept where the backend declares
/// [`Attributes`](crate::Capability::Attributes), so a reader knows how to show the content.
///
/// One pointer wide while empty, which is what most files carry, so listings stay small.
///
/// ```
/// use store::{Attribute, Attributes};
/// let attrs = Attributes::new().with_content_type("text/html; charset=utf-8");
/// assert_eq!(attrs.content_type(), Some("text/html; charset=utf-8"));
/// assert_eq!(attrs.get(Attribute::CacheControl), None);
/// assert_eq!(attrs.iter().count(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Attributes(Option<Box<[Option<String>; 5]>>);

impl Attributes {
    /// No attributes.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `attr`, if set.
    pub fn get(&self, attr: Attribute) -> Option<&str> {
        self.0.as_ref()?[attr as usize].as_deref()
    }

    /// Sets `attr` to `value`.
    pub fn set(&mut self, attr: Attribute, value: impl Into<String>) {
        self.0.get_or_insert_with(Default::default)[attr as usize] = Some(value.into());
    }

    /// This set with `attr` set to `value`.
    #[must_use]
    pub fn with(mut self, attr: Attribute, value: impl Into<String>) -> Self {
        self.set(attr, value);
        self
    }

    /// This set with a content type.
    #[must_use]
    pub fn with_content_type(self, value: impl Into<String>) -> Self {
        self.with(Attribute::ContentType, value)
    }

    /// The content type, if set.
    pub fn content_type(&self) -> Option<&str> {
        self.get(Attribute::ContentType)
    }

    /// Whether no attribute is set.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The attributes that are set, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (Attribute, &str)> + '_ {
        Attribute::ALL
            .into_iter()
            .filter_map(|attr| self.get(attr).map(|v| (attr, v)))
    }
}

/// A map from attribute name to value: `{"content_type": "text/plain"}`.
#[cfg(feature = "serde")]
impl serde::Serialize for Attributes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Attributes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<Attribute, String>::deserialize(deserializer)?;
        Ok(map.into_iter().collect())
    }
}

impl<V: Into<String>> FromIterator<(Attribute, V)> for Attributes {
    fn from_iter<I: IntoIterator<Item = (Attribute, V)>>(iter: I) -> Self {
        let mut attrs = Attributes::new();
        for (attr, value) in iter {
            attrs.set(attr, value);
        }
        attrs
    }
}

/// Facts about one file ([C-5.3](crate::contract#C-5.3)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    /// Standard attributes (content type and friends), where the backend keeps them.
    pub attributes: Attributes,
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
            attributes: Attributes::default(),
            metadata: None,
            extra: BTreeMap::new(),
        }
    }
}

/// A folder found by a listing: `{ path, name }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "type", rename_all = "snake_case"))]
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
