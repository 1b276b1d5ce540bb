//! `LocalBuilder`: a local backend from configuration keys, for URLs and registries.

use std::path::PathBuf;

use super::LocalBackend;
use crate::config::{ConfigKey, Configure};
use crate::error::{Error, Result};

/// Builds a [`LocalBackend`] from settings, as [`Store::from_url`](crate::Store::from_url) and
/// the [`Registry`](crate::Registry) do; in code, [`LocalBackend::open`] and
/// [`LocalBackend::new`] say the same more directly.
///
/// # Configuration keys
///
/// Every setting is also a [`LocalConfigKey`], for [`with_config`](Self::with_config), a URL
/// option and a registry setting; [`with_url`](Self::with_url) takes `file:///abs/path`.
///
/// | key | meaning | default |
/// |---|---|---|
/// | `path` | the root folder | required |
/// | `must_exist` | refuse a root that does not exist ([`LocalBackend::open`]) instead of creating it on the first write ([`LocalBackend::new`]) | `false` |
/// | `fsync` | atomic writes `fsync` the file and its folder ([`LocalBackend::with_fsync`]) | `false` |
///
/// ```
/// use store::{LocalBuilder, LocalConfigKey};
/// let dir = tempfile::tempdir()?;
/// let url = format!("file://{}", dir.path().display());
/// let backend = LocalBuilder::new()
///     .with_url(&url)?
///     .with_config(LocalConfigKey::MustExist, "true")?
///     .build()?;
/// assert_eq!(backend.root(), dir.path());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct LocalBuilder {
    path: Option<PathBuf>,
    must_exist: bool,
    fsync: bool,
}

impl LocalBuilder {
    /// A builder with nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes one setting by its key (see the [table](LocalBuilder#configuration-keys)); a
    /// malformed flag is `InvalidArgument` naming the key.
    pub fn with_config(mut self, key: LocalConfigKey, value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        match key {
            LocalConfigKey::Path => self.path = Some(value.into()),
            LocalConfigKey::MustExist => self.must_exist = key.flag(&value)?,
            LocalConfigKey::Fsync => self.fsync = key.flag(&value)?,
        }
        Ok(self)
    }

    /// Takes the folder of `file:///abs/path`.
    pub fn with_url(self, url: &str) -> Result<Self> {
        self.apply_url(&crate::config::parse_for(url, super::NAME)?)
    }

    /// The backend: [`LocalBackend::open`] with `must_exist` (which checks the folder), else
    /// [`LocalBackend::new`] (no I/O).
    pub fn build(self) -> Result<LocalBackend> {
        let path = self.path.ok_or_else(|| {
            Error::invalid_argument("a local backend needs `path`").with_backend(super::NAME)
        })?;
        let backend = match self.must_exist {
            true => LocalBackend::open(path)?,
            false => LocalBackend::new(path),
        };
        Ok(backend.with_fsync(self.fsync))
    }
}

impl Configure for LocalBuilder {
    type Key = LocalConfigKey;

    fn apply_url(mut self, url: &url::Url) -> Result<Self> {
        crate::config::no_credentials(url)?;
        let path = url.to_file_path().map_err(|()| {
            Error::invalid_argument("a file URL needs an absolute path: file:///abs/path")
        })?;
        self.path = Some(path);
        Ok(self)
    }

    crate::config::configure_with_builder!(Blocking);
}

crate::config::config_keys! {
    /// The configuration keys of [`LocalBuilder`]: its [table](LocalBuilder#configuration-keys)
    /// gives each key's meaning and default.
    pub enum LocalConfigKey for "file" {
        Path = "path",
        MustExist = "must_exist",
        Fsync = "fsync",
    }
}
