//! The backend types a URL or a registry can name, in one table: their registry names, URL
//! schemes and cargo features, and how each is built from its builder. `from_url`, the
//! registry and their errors all read it, so a new backend is one row here.

use std::sync::Arc;

use url::Url;

use super::keys::ConfigKey;
use crate::api::{AsyncBackend, AsyncBackendSyncAdapter, Backend, SyncBackendAdapter};
use crate::backends::{AsyncMemoryBackend, MemoryBackend};
use crate::error::{Error, Result};
use crate::path::StorePath;

/// One backend type.
pub(crate) struct BackendType {
    /// Its name as a registry's `type` gives it.
    pub(crate) name: &'static str,
    /// The URL schemes that name it.
    pub(crate) schemes: &'static [&'static str],
    /// `http`/`https` URLs whose host ends with one of these name it too.
    pub(crate) hosts: &'static [&'static str],
    /// The cargo feature it needs, if any.
    pub(crate) feature: Option<&'static str>,
    /// How it is built; `None` when its feature is off.
    pub(crate) build: Option<Build>,
}

/// Settings by key, as a URL's options or a registry's backend table give them.
pub(crate) type Settings = Vec<(String, String)>;

/// Builds a backend from an optional URL and its settings: what was opened and the store's
/// root inside it.
pub(crate) type Open = fn(Option<&Url>, Settings) -> Result<(Opened, StorePath)>;

/// How a backend type is built: from an optional URL and its settings, or one setting checked
/// without building anything.
#[derive(Clone, Copy)]
pub(crate) struct Build {
    pub(crate) open: Open,
    #[cfg_attr(not(feature = "toml"), allow(dead_code))]
    pub(crate) check: fn(&str, Option<&str>) -> Result<()>,
}

/// Every backend type, in the order URLs are matched.
pub(crate) const TYPES: &[BackendType] = &[
    BackendType {
        name: "memory",
        schemes: &["memory"],
        hosts: &[],
        feature: None,
        build: Some(Build {
            open: open_memory,
            check: check_memory,
        }),
    },
    BackendType {
        name: "local",
        schemes: &["file"],
        hosts: &[],
        feature: None,
        build: Some(Build::of::<crate::LocalBuilder>()),
    },
    BackendType {
        name: "s3",
        schemes: &["s3", "s3a"],
        hosts: &[],
        feature: Some("s3"),
        #[cfg(feature = "s3")]
        build: Some(Build::of::<crate::S3Builder>()),
        #[cfg(not(feature = "s3"))]
        build: None,
    },
    BackendType {
        name: "azure",
        schemes: &["az", "azure", "abfs", "abfss", "adl"],
        hosts: &[".blob.core.windows.net"],
        feature: Some("azure"),
        #[cfg(feature = "azure")]
        build: Some(Build::of::<crate::AzureBuilder>()),
        #[cfg(not(feature = "azure"))]
        build: None,
    },
    BackendType {
        name: "gcs",
        schemes: &["gs"],
        hosts: &[],
        feature: Some("gcs"),
        #[cfg(feature = "gcs")]
        build: Some(Build::of::<crate::GcsBuilder>()),
        #[cfg(not(feature = "gcs"))]
        build: None,
    },
    BackendType {
        name: "webdav",
        // After azure: an http(s) URL of an Azure host is Azure's.
        schemes: &["webdav", "webdavs", "http", "https"],
        hosts: &[],
        feature: Some("webdav"),
        #[cfg(feature = "webdav")]
        build: Some(Build::of::<crate::WebDavBuilder>()),
        #[cfg(not(feature = "webdav"))]
        build: None,
    },
    BackendType {
        name: "sftp",
        schemes: &["sftp"],
        hosts: &[],
        feature: Some("sftp"),
        #[cfg(feature = "sftp")]
        build: Some(Build::of::<crate::SftpBuilder>()),
        #[cfg(not(feature = "sftp"))]
        build: None,
    },
];

impl BackendType {
    /// The type registered as `name`; an unknown name is `InvalidArgument` listing the known.
    pub(crate) fn named(name: &str) -> Result<&'static BackendType> {
        TYPES.iter().find(|t| t.name == name).ok_or_else(|| {
            let names = TYPES.iter().map(|t| t.name);
            let hint = super::keys::did_you_mean(name, names.clone());
            Error::invalid_argument(format!(
                "unknown backend type `{name}`{hint} (known: {})",
                names.collect::<Vec<_>>().join(", ")
            ))
        })
    }

    /// The type a URL's scheme (and, for `http`/`https`, its host) names. An unknown scheme is
    /// refused before the rest of the URL is looked at: `stfp://user@host` is a typo of the
    /// scheme, not a URL with credentials in the wrong place.
    pub(crate) fn of_url(url: &Url) -> Result<&'static BackendType> {
        let scheme = url.scheme();
        let host = url.host_str().unwrap_or_default();
        TYPES
            .iter()
            .find(|t| {
                t.schemes.contains(&scheme)
                    || matches!(scheme, "http" | "https")
                        && t.hosts.iter().any(|suffix| host.ends_with(suffix))
            })
            .ok_or_else(|| {
                let schemes = TYPES.iter().flat_map(|t| t.schemes.iter().copied());
                let hint = super::keys::did_you_mean(scheme, schemes.clone());
                let hosts = TYPES
                    .iter()
                    .flat_map(|t| t.hosts.iter().map(|h| format!("https://<name>{h}")));
                let known: Vec<String> = schemes.map(str::to_owned).chain(hosts).collect();
                Error::invalid_argument(format!(
                    "unknown store URL scheme `{scheme}`{hint} (known: {})",
                    known.join(", ")
                ))
            })
    }

    /// How the type is built; `InvalidArgument` naming the feature when it is off.
    pub(crate) fn build(&self) -> Result<Build> {
        self.build.ok_or_else(|| {
            Error::invalid_argument(format!(
                "the {} backend needs store's `{}` feature",
                self.name,
                self.feature.unwrap_or(self.name)
            ))
        })
    }
}

/// A backend opened from configuration, in the world it is native to.
pub(crate) enum Opened {
    /// A fresh memory store: `MemoryBackend` for `Store`, `AsyncMemoryBackend` for
    /// `AsyncStore`, so neither goes through an adapter.
    Memory,
    Blocking(Arc<dyn Backend>),
    #[cfg_attr(
        not(any(
            feature = "s3",
            feature = "azure",
            feature = "gcs",
            feature = "sftp",
            feature = "webdav"
        )),
        allow(dead_code)
    )]
    Async(Arc<dyn AsyncBackend>),
}

impl From<Opened> for Arc<dyn Backend> {
    fn from(opened: Opened) -> Self {
        match opened {
            Opened::Memory => Arc::new(MemoryBackend::new()),
            Opened::Blocking(b) => b,
            Opened::Async(a) => Arc::new(AsyncBackendSyncAdapter::from_arc(a)),
        }
    }
}

impl From<Opened> for Arc<dyn AsyncBackend> {
    fn from(opened: Opened) -> Self {
        match opened {
            Opened::Memory => Arc::new(AsyncMemoryBackend::new()),
            Opened::Blocking(b) => Arc::new(SyncBackendAdapter::from_arc(b)),
            Opened::Async(a) => a,
        }
    }
}

/// A builder that configuration can drive: each builder implements it beside its own keys.
pub(crate) trait Configure: Default {
    /// The builder's keys.
    type Key: ConfigKey;

    /// Takes what the URL locates (bucket, host, path, …); the URL is of this type.
    fn apply_url(self, url: &Url) -> Result<Self>;

    /// Takes one setting.
    fn apply(self, key: Self::Key, value: String) -> Result<Self>;

    /// Builds the backend.
    fn open(self) -> Result<Opened>;
}

/// The `apply` and `open` of a [`Configure`] impl whose builder does the work in its own
/// `with_config` and `build`, building a backend native to `$world` (`Blocking` or `Async`).
macro_rules! configure_with_builder {
    ($world:ident) => {
        fn apply(self, key: Self::Key, value: String) -> $crate::Result<Self> {
            self.with_config(key, value)
        }

        fn open(self) -> $crate::Result<$crate::config::Opened> {
            Ok($crate::config::Opened::$world(::std::sync::Arc::new(
                self.build()?,
            )))
        }
    };
}
pub(crate) use configure_with_builder;

impl Build {
    /// The build of the type whose builder is `B`.
    pub(crate) const fn of<B: Configure>() -> Build {
        Build {
            open: open_with::<B>,
            check: check_with::<B>,
        }
    }
}

fn open_with<B: Configure>(url: Option<&Url>, settings: Settings) -> Result<(Opened, StorePath)> {
    let mut builder = B::default();
    if let Some(url) = url {
        builder = builder.apply_url(url)?;
    }
    for (key, value) in settings {
        builder = builder.apply(B::Key::parse(&key)?, value)?;
    }
    Ok((builder.open()?, StorePath::root()))
}

/// Checks one setting on a fresh builder: the key is one the type takes, and a given value is
/// well formed (a value not known yet, `None`, is checked when the backend is built).
fn check_with<B: Configure>(key: &str, value: Option<&str>) -> Result<()> {
    let key = B::Key::parse(key)?;
    if let Some(value) = value {
        B::default().apply(key, value.to_owned())?;
    }
    Ok(())
}

fn open_memory(url: Option<&Url>, settings: Settings) -> Result<(Opened, StorePath)> {
    if let Some((key, _)) = settings.first() {
        check_memory(key, None)?;
    }
    // memory://reports/2026 and memory:///reports/2026 both root the store at reports/2026.
    let mut segments = url.map(super::url::path_segments).unwrap_or_default();
    if let Some(host) = url.and_then(Url::host_str).filter(|h| !h.is_empty()) {
        segments.insert(0, host.to_owned());
    }
    Ok((Opened::Memory, StorePath::folder(segments.join("/"))?))
}

fn check_memory(key: &str, _: Option<&str>) -> Result<()> {
    Err(Error::invalid_argument(format!(
        "unknown memory option `{key}` (a memory backend takes none)"
    )))
}
