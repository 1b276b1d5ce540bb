//! Backends from URLs: `memory://`, `file:///abs/path` (or a plain path), `s3://bucket/root`,
//! `az://container/root` and Azure's `abfs[s]://` and `https://…blob.core.windows.net/` forms.
//! The URL's path is the store's root; everything else comes from explicit options.

use std::sync::Arc;

use percent_encoding::percent_decode_str;
use url::Url;

use super::options::{Kind, Options};
use crate::api::{AsyncBackend, AsyncBackendSyncAdapter, Backend, SyncBackendAdapter};
use crate::backends::{AsyncMemoryBackend, LocalBackend, MemoryBackend};
use crate::error::{Error, Result};
use crate::path::StorePath;

/// A backend opened from a URL, in the world it is native to.
pub(crate) enum Opened {
    /// A fresh memory store: `MemoryBackend` for `Store`, `AsyncMemoryBackend` for
    /// `AsyncStore`, so neither goes through an adapter.
    Memory,
    Blocking(Arc<dyn Backend>),
    #[cfg_attr(not(any(feature = "s3", feature = "azure")), allow(dead_code))]
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

const FILE_KEYS: &[(&str, Kind)] = &[("fsync", Kind::Flag), ("must_exist", Kind::Flag)];
const S3_KEYS: &[(&str, Kind)] = &[
    ("region", Kind::Text),
    ("endpoint", Kind::Text),
    ("access_key_id", Kind::Text),
    ("secret_access_key", Kind::Secret),
    ("session_token", Kind::Secret),
    ("allow_http", Kind::Flag),
    ("anonymous", Kind::Flag),
    ("check_ancestors", Kind::Flag),
    ("from_env", Kind::Flag),
];
const AZURE_KEYS: &[(&str, Kind)] = &[
    ("account", Kind::Text),
    ("access_key", Kind::Secret),
    ("sas_token", Kind::Secret),
    ("endpoint", Kind::Text),
    ("allow_http", Kind::Flag),
    ("check_ancestors", Kind::Flag),
    ("from_env", Kind::Flag),
];

fn invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::invalid_argument(message)
}

/// The store root a URL's path names, decoded and validated as a folder path.
fn root_of(segments: &[&str]) -> Result<StorePath> {
    let decoded: Vec<String> = segments
        .iter()
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    StorePath::folder(decoded.join("/"))
}

fn path_segments(url: &Url) -> Vec<&str> {
    url.path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default()
}

/// Opens the backend `url` names, with `options`, and the root inside it. No I/O, except that
/// a `file:` URL with `must_exist` checks its folder. Neither the URL nor a value is ever
/// repeated in an error, so credentials cannot leak through one.
pub(crate) fn open_url<K: AsRef<str>, V: Into<String>>(
    url: &str,
    options: impl IntoIterator<Item = (K, V)>,
) -> Result<(Opened, StorePath)> {
    if url.starts_with('/') || url.starts_with('.') || !url.contains("://") && !url.contains(':') {
        return open_file(std::path::PathBuf::from(url), options);
    }
    let parsed = Url::parse(url).map_err(|e| invalid(format!("not a valid store URL: {e}")))?;
    // abfs[s] spells its container as the user; sftp's user is its login.
    let user_allowed = matches!(parsed.scheme(), "abfs" | "abfss" | "sftp");
    let password = parsed.password().is_some_and(|p| !p.is_empty());
    if password && parsed.scheme() != "sftp" || !parsed.username().is_empty() && !user_allowed {
        return Err(invalid(format!(
            "an {} URL takes no user or password: credentials go in the options",
            parsed.scheme()
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid(
            "a store URL takes no query or fragment: settings go in the options",
        ));
    }
    match parsed.scheme() {
        "memory" => {
            let _: Options = Options::parse("memory", &[], options)?;
            let mut segments = path_segments(&parsed);
            if let Some(host) = parsed.host_str().filter(|h| !h.is_empty()) {
                segments.insert(0, host);
            }
            Ok((Opened::Memory, root_of(&segments)?))
        }
        "file" => {
            let path = parsed
                .to_file_path()
                .map_err(|()| invalid("a file URL needs an absolute path: file:///abs/path"))?;
            open_file(path, options)
        }
        "s3" | "s3a" => open_s3(&parsed, options),
        "az" | "azure" | "abfs" | "abfss" | "adl" => open_azure(&parsed, options),
        "https" | "http" if parsed.host_str().is_some_and(|h| h.ends_with(".blob.core.windows.net")) => {
            open_azure(&parsed, options)
        }
        "sftp" => Err(invalid(
            "the sftp scheme needs the `sftp` feature, which this version of store does not have yet",
        )),
        other => Err(invalid(format!(
            "unknown store URL scheme `{other}` (known: memory, file, s3, az, abfs, abfss, https://<account>.blob.core.windows.net)"
        ))),
    }
}

fn open_file<K: AsRef<str>, V: Into<String>>(
    path: std::path::PathBuf,
    options: impl IntoIterator<Item = (K, V)>,
) -> Result<(Opened, StorePath)> {
    let options = Options::parse("file", FILE_KEYS, options)?;
    let backend = if options.flag("must_exist") {
        LocalBackend::open(path)?
    } else {
        LocalBackend::new(path)
    };
    let backend = backend.with_fsync(options.flag("fsync"));
    Ok((Opened::Blocking(Arc::new(backend)), StorePath::root()))
}

#[cfg(feature = "s3")]
fn open_s3<K: AsRef<str>, V: Into<String>>(
    url: &Url,
    options: impl IntoIterator<Item = (K, V)>,
) -> Result<(Opened, StorePath)> {
    let options = Options::parse("s3", S3_KEYS, options)?;
    let bucket = url
        .host_str()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| invalid("an s3 URL names its bucket: s3://bucket/root"))?;
    let mut builder = if options.flag("from_env") {
        crate::S3Builder::from_env()
    } else {
        crate::S3Backend::builder()
    };
    builder = builder
        .bucket(bucket)
        .allow_http(options.flag("allow_http"))
        .anonymous(options.flag("anonymous"))
        .check_ancestors(options.flag("check_ancestors"));
    if let Some(region) = options.text("region") {
        builder = builder.region(region);
    }
    if let Some(endpoint) = options.text("endpoint") {
        builder = builder.endpoint(endpoint);
    }
    match (
        options.text("access_key_id"),
        options.secret("secret_access_key"),
    ) {
        (Some(id), Some(secret)) => builder = builder.credentials(id, secret),
        (None, None) => {}
        _ => {
            return Err(invalid(
                "s3 takes access_key_id and secret_access_key together",
            ))
        }
    }
    if let Some(token) = options.secret("session_token") {
        builder = builder.session_token(token);
    }
    Ok((
        Opened::Async(Arc::new(builder.build()?)),
        root_of(&path_segments(url))?,
    ))
}

#[cfg(not(feature = "s3"))]
fn open_s3<K: AsRef<str>, V: Into<String>>(
    _url: &Url,
    _options: impl IntoIterator<Item = (K, V)>,
) -> Result<(Opened, StorePath)> {
    let _ = S3_KEYS;
    Err(invalid("the s3 scheme needs store's `s3` feature"))
}

#[cfg(feature = "azure")]
fn open_azure<K: AsRef<str>, V: Into<String>>(
    url: &Url,
    options: impl IntoIterator<Item = (K, V)>,
) -> Result<(Opened, StorePath)> {
    let options = Options::parse("azure", AZURE_KEYS, options)?;
    let host = url.host_str().unwrap_or_default();
    let mut segments = path_segments(url);
    // az://container/root; abfs[s]://container@account.dfs.core.windows.net/root;
    // https://account.blob.core.windows.net/container/root.
    let (container, account): (String, Option<String>) = match url.scheme() {
        "abfs" | "abfss" => (
            url.username().to_owned(),
            host.split('.').next().map(str::to_owned),
        ),
        "https" | "http" => {
            if segments.is_empty() {
                return Err(invalid("an Azure https URL names its container: https://<account>.blob.core.windows.net/<container>/root"));
            }
            let container = segments.remove(0).to_owned();
            (container, host.split('.').next().map(str::to_owned))
        }
        _ => (host.to_owned(), None),
    };
    if container.is_empty() {
        return Err(invalid(
            "an Azure URL names its container: az://container/root",
        ));
    }
    let mut builder = if options.flag("from_env") {
        crate::AzureBuilder::from_env()
    } else {
        crate::AzureBackend::builder()
    };
    builder = builder
        .container(container)
        .allow_http(options.flag("allow_http"))
        .check_ancestors(options.flag("check_ancestors"));
    if let Some(account) = options.text("account").map(str::to_owned).or(account) {
        builder = builder.account(account);
    }
    if let Some(key) = options.secret("access_key") {
        builder = builder.access_key(key);
    }
    if let Some(sas) = options.secret("sas_token") {
        builder = builder.sas_token(sas);
    }
    if let Some(endpoint) = options.text("endpoint") {
        builder = builder.endpoint(endpoint);
    }
    Ok((
        Opened::Async(Arc::new(builder.build()?)),
        root_of(&segments)?,
    ))
}

#[cfg(not(feature = "azure"))]
fn open_azure<K: AsRef<str>, V: Into<String>>(
    _url: &Url,
    _options: impl IntoIterator<Item = (K, V)>,
) -> Result<(Opened, StorePath)> {
    let _ = AZURE_KEYS;
    Err(invalid("the Azure schemes need store's `azure` feature"))
}
