//! Option structs of writes, listings and folder deletion, and their validation.

use crate::entry::UserMetadata;
use crate::error::{Error, Result};
use crate::pattern::Pattern;

/// Largest total of key bytes plus value bytes in user metadata (C-5.6).
pub const METADATA_LIMIT: usize = 2048;

/// Options of `write`, `write_atomic` and `open_atomic`.
///
/// ```
/// use store::WriteOptions;
/// let opts = WriteOptions::new().overwrite(true);
/// assert!(opts.overwrite);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Replace an existing file instead of failing with `AlreadyExists`.
    pub overwrite: bool,
    /// User metadata; `Some({})` means the same as `None`.
    pub metadata: Option<UserMetadata>,
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

    /// The metadata if it is non-empty.
    pub fn user_metadata(&self) -> Option<&UserMetadata> {
        self.metadata.as_ref().filter(|m| !m.is_empty())
    }

    /// The write-side checks a backend makes once it knows whether the target exists
    /// (C-2.4): the root is `InvalidPath`; an existing target without `overwrite` is
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

    /// Checks the metadata shape (C-5.6): keys non-empty ASCII not starting with `_`,
    /// total size at most [`METADATA_LIMIT`] bytes.
    pub fn validate(&self) -> Result<()> {
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

/// Options of `list_files` and `list_folders` (C-6.9).
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
