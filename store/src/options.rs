//! Option structs of writes, listings and folder deletion, and their validation.

use crate::capability::{Capabilities, Capability};
use crate::entry::{Attributes, UserMetadata};
use crate::error::{Error, Result};
use crate::pattern::Pattern;

/// Largest total of key bytes plus value bytes in user metadata ([C-5.6](crate::contract#C-5.6)).
pub const METADATA_LIMIT: usize = 2048;

/// A condition on what a write finds at its target, checked in the same step as the write
/// ([C-2.8](crate::contract#C-2.8)).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Precondition {
    /// Replace the file only if its current etag is this one; a missing file is `NotFound`,
    /// another etag `PreconditionFailed`. Needs [`Capability::ConditionalWrite`].
    IfMatch(String),
    /// Write only if nothing is there: the create-only write spelled as a precondition, so a
    /// present file is `AlreadyExists`. Available wherever writing is.
    IfNoneMatch,
}

/// Options of `write`, `write_atomic` and `open_atomic`.
///
/// ```
/// use store::{MemoryBackend, Store, WriteOptions};
/// let store = Store::new(MemoryBackend::new());
/// let first = store.write("a.txt", "v1", &WriteOptions::new())?;
/// let etag = first.etag.expect("memory gives etags");
/// // Replace only the version we read: a second writer with the same etag loses.
/// store.write("a.txt", "v2", &WriteOptions::new().if_match(etag.clone()))?;
/// let err = store.write("a.txt", "v3", &WriteOptions::new().if_match(etag)).unwrap_err();
/// assert_eq!(err.kind(), store::ErrorKind::PreconditionFailed);
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Replace an existing file instead of failing with `AlreadyExists`.
    pub overwrite: bool,
    /// User metadata; `Some({})` means the same as `None`.
    pub metadata: Option<UserMetadata>,
    /// A condition on the current file, checked in one step with the write.
    pub precondition: Option<Precondition>,
    /// Standard attributes to store with the file; needs [`Capability::Attributes`] when
    /// any is set.
    pub attributes: Attributes,
}

impl WriteOptions {
    /// No overwrite, no metadata.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `overwrite`.
    #[must_use]
    pub fn overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
    }

    /// Sets the user metadata.
    #[must_use]
    pub fn metadata(mut self, metadata: UserMetadata) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// Replace the file only if its etag is still `etag` (implies `overwrite`).
    #[must_use]
    pub fn if_match(mut self, etag: impl Into<String>) -> Self {
        self.precondition = Some(Precondition::IfMatch(etag.into()));
        self.overwrite = true;
        self
    }

    /// Write only if nothing is at the target (implies no `overwrite`).
    #[must_use]
    pub fn if_none_match(mut self) -> Self {
        self.precondition = Some(Precondition::IfNoneMatch);
        self.overwrite = false;
        self
    }

    /// Sets the standard attributes.
    #[must_use]
    pub fn attributes(mut self, attributes: Attributes) -> Self {
        self.attributes = attributes;
        self
    }

    /// Sets the content type, the most common attribute.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.attributes
            .set(crate::Attribute::ContentType, content_type);
        self
    }

    /// The etag an `if_match` asks for.
    pub fn expected_etag(&self) -> Option<&str> {
        match &self.precondition {
            Some(Precondition::IfMatch(etag)) => Some(etag),
            _ => None,
        }
    }

    /// The capabilities these values need beyond the method's gate: `UserMetadata` for
    /// non-empty metadata, `ConditionalWrite` for `if_match`, `Attributes` for any attribute.
    pub fn required_capabilities(&self) -> Capabilities {
        let mut caps = Capabilities::empty();
        if self.user_metadata().is_some() {
            caps = caps.with(Capability::UserMetadata);
        }
        if self.expected_etag().is_some() {
            caps = caps.with(Capability::ConditionalWrite);
        }
        if !self.attributes.is_empty() {
            caps = caps.with(Capability::Attributes);
        }
        caps
    }

    /// The verdict of `if_match` on the file's current etag (`None`: no file there), which a
    /// backend takes in the same step as the write: `NotFound` for a missing file,
    /// `PreconditionFailed` for another etag.
    ///
    /// ```
    /// use store::{ErrorKind, StorePath, WriteOptions};
    /// let key = StorePath::new("a.txt")?;
    /// let opts = WriteOptions::new().if_match("\"1\"");
    /// assert!(opts.check_etag(&key, Some("\"1\"")).is_ok());
    /// assert_eq!(opts.check_etag(&key, Some("\"2\"")).unwrap_err().kind(), ErrorKind::PreconditionFailed);
    /// assert_eq!(opts.check_etag(&key, None).unwrap_err().kind(), ErrorKind::NotFound);
    /// # Ok::<(), store::Error>(())
    /// ```
    pub fn check_etag(&self, path: &crate::StorePath, current: Option<&str>) -> Result<()> {
        match (self.expected_etag(), current) {
            (None, _) => Ok(()),
            (Some(_), None) => Err(Error::not_found(path.as_str())),
            (Some(expected), Some(current)) if expected == current => Ok(()),
            (Some(_), Some(_)) => Err(Error::precondition_failed(path.as_str())),
        }
    }

    /// The metadata if it is non-empty.
    pub fn user_metadata(&self) -> Option<&UserMetadata> {
        self.metadata.as_ref().filter(|m| !m.is_empty())
    }

    /// The write-side checks a backend makes once it knows whether the target exists
    /// ([C-2.4](crate::contract#C-2.4)): the root is `InvalidPath`; an existing target without `overwrite` is
    /// `AlreadyExists`.
    ///
    /// ```
    /// use store::{ErrorKind, StorePath, WriteOptions};
    /// let key = StorePath::new("a.txt")?;
    /// assert!(WriteOptions::new().check_target(&key, false).is_ok());
    /// let err = WriteOptions::new().check_target(&key, true).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    /// # Ok::<(), store::Error>(())
    /// ```
    pub fn check_target(&self, path: &crate::StorePath, exists: bool) -> Result<()> {
        if path.is_root() {
            Err(Error::root_is_folder())
        } else if exists && !self.overwrite {
            Err(Error::already_exists(path.as_str()))
        } else {
            Ok(())
        }
    }

    /// Checks the values ([C-5.6](crate::contract#C-5.6)): metadata keys non-empty ASCII not starting with `_`, total
    /// size at most [`METADATA_LIMIT`] bytes; a precondition that agrees with `overwrite`
    /// (`if_match` replaces, `if_none_match` creates) and a non-empty etag; attribute values
    /// without line breaks.
    pub fn validate(&self) -> Result<()> {
        match &self.precondition {
            Some(Precondition::IfMatch(etag)) if etag.is_empty() => {
                return Err(Error::invalid_argument("if_match needs a non-empty etag"))
            }
            Some(Precondition::IfMatch(_)) if !self.overwrite => {
                return Err(Error::invalid_argument(
                    "if_match replaces a file: it needs overwrite = true",
                ))
            }
            Some(Precondition::IfNoneMatch) if self.overwrite => {
                return Err(Error::invalid_argument(
                    "if_none_match creates a file: it needs overwrite = false",
                ))
            }
            _ => {}
        }
        for (attr, value) in self.attributes.iter() {
            if value.contains(['\r', '\n']) {
                return Err(Error::invalid_argument(format!(
                    "the {} attribute must not contain a line break",
                    attr.header()
                )));
            }
        }
        let Some(metadata) = self.user_metadata() else {
            return Ok(());
        };
        let mut total = 0;
        for (key, value) in metadata {
            if key.is_empty() {
                return Err(Error::invalid_argument("metadata keys must not be empty"));
            }
            if !key.is_ascii() {
                return Err(Error::invalid_argument(format!(
                    "metadata key {key:?} must be ASCII"
                )));
            }
            if key.starts_with('_') {
                return Err(Error::invalid_argument(format!(
                    "metadata key {key:?} must not start with '_'"
                )));
            }
            total += key.len() + value.len();
        }
        if total > METADATA_LIMIT {
            return Err(Error::invalid_argument(format!(
                "metadata is {total} bytes; the limit is {METADATA_LIMIT}"
            )));
        }
        Ok(())
    }
}

/// Options of `list_files` and `list_folders` ([C-6.9](crate::contract#C-6.9)).
///
/// ```
/// use store::ListOptions;
/// let opts = ListOptions::new().recursive(true).pattern("*.txt");
/// assert!(opts.descends());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// Descend into subfolders.
    pub recursive: bool,
    /// Keep entries at depth ≤ this; `Some` overrides `recursive`.
    pub max_depth: Option<usize>,
    /// A basename filter (one segment of the pattern grammar).
    pub pattern: Option<String>,
}

impl ListOptions {
    /// Direct children only, no filter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `recursive`.
    #[must_use]
    pub fn recursive(mut self, recursive: bool) -> Self {
        self.recursive = recursive;
        self
    }

    /// Sets `max_depth`.
    #[must_use]
    pub fn max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = Some(max_depth);
        self
    }

    /// Sets the basename pattern.
    #[must_use]
    pub fn pattern(mut self, pattern: impl Into<String>) -> Self {
        self.pattern = Some(pattern.into());
        self
    }

    /// Whether the walk goes below the direct children: `max_depth > 0`, else `recursive`.
    pub fn descends(&self) -> bool {
        self.max_depth.map_or(self.recursive, |d| d > 0)
    }

    /// Whether an entry at `depth` (0 = direct child) is kept.
    pub fn keeps_depth(&self, depth: usize) -> bool {
        match self.max_depth {
            Some(max) => depth <= max,
            None => self.recursive || depth == 0,
        }
    }

    /// Checks the pattern grammar; a bad pattern is `InvalidArgument`.
    pub fn validate(&self) -> Result<()> {
        self.compiled_pattern().map(|_| ())
    }

    /// The compiled basename pattern, if any.
    pub fn compiled_pattern(&self) -> Result<Option<Pattern>> {
        self.pattern.as_deref().map(Pattern::segment).transpose()
    }
}

/// Options of `delete_folder`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeleteFolderOptions {
    /// Delete everything below; otherwise a non-empty folder is `DirectoryNotEmpty`.
    pub recursive: bool,
    /// A missing folder is `Ok` instead of `NotFound`.
    pub missing_ok: bool,
}

impl DeleteFolderOptions {
    /// Neither recursive nor missing_ok.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `recursive`.
    #[must_use]
    pub fn recursive(mut self, recursive: bool) -> Self {
        self.recursive = recursive;
        self
    }

    /// Sets `missing_ok`.
    #[must_use]
    pub fn missing_ok(mut self, missing_ok: bool) -> Self {
        self.missing_ok = missing_ok;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn meta(pairs: &[(&str, &str)]) -> WriteOptions {
        WriteOptions::new().metadata(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn metadata_shape() {
        assert!(meta(&[]).validate().is_ok());
        assert!(meta(&[("k", "v")]).validate().is_ok());
        for bad in [
            meta(&[("", "v")]),
            meta(&[("_k", "v")]),
            meta(&[("ké", "v")]),
            meta(&[("k", &"x".repeat(2048))]),
        ] {
            assert_eq!(
                bad.validate().unwrap_err().kind(),
                ErrorKind::InvalidArgument
            );
        }
        assert!(meta(&[("k", &"x".repeat(2047))]).validate().is_ok());
    }

    #[test]
    fn depth_rules() {
        let o = ListOptions::new();
        assert!(o.keeps_depth(0) && !o.keeps_depth(1) && !o.descends());
        let o = ListOptions::new().recursive(true);
        assert!(o.keeps_depth(7) && o.descends());
        let o = ListOptions::new().max_depth(0).recursive(true);
        assert!(!o.descends() && !o.keeps_depth(1));
        let o = ListOptions::new().max_depth(2);
        assert!(o.descends() && o.keeps_depth(2) && !o.keeps_depth(3));
    }
}
