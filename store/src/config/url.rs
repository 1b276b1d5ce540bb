//! Backends from URLs: `memory://`, `file:///abs/path` (or a plain path), `s3://bucket/root`,
//! `az://container/root`, Azure's `abfs[s]://` and `https://…blob.core.windows.net/` forms,
//! and `sftp://user@host:port/base/path`. The URL's path is the store's root (for SFTP, the
//! base folder on the server); everything else comes from explicit options.

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
    #[cfg_attr(
        not(any(feature = "s3", feature = "azure", feature = "sftp")),
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
    ("upload_concurrency", Kind::Text),
    ("from_env", Kind::Flag),
];
const SFTP_KEYS: &[(&str, Kind)] = &[
    ("password", Kind::Secret),
    ("private_key", Kind::Secret),
    ("private_key_file", Kind::Text),
    ("passphrase", Kind::Secret),
    ("known_hosts", Kind::Text),
    ("host_key", Kind::Text),
    ("insecure_accept_any_host_key", Kind::Flag),
    ("create_base_path", Kind::Flag),
    ("connections", Kind::Text),
    ("timeout_secs", Kind::Text),
];
const AZURE_KEYS: &[(&str, Kind)] = &[
    ("account", Kind::Text),
    ("access_key", Kind::Secret),
    ("sas_token", Kind::Secret),
    ("endpoint", Kind::Text),
    ("allow_http", Kind::Flag),
    ("check_ancestors", Kind::Flag),
    ("upload_concurrency", Kind::Text),
    ("from_env", Kind::Flag),
];

/// A registry backend type's scheme, its option keys, and the keys that locate it (which
/// make its URL rather than options).
#[cfg(feature = "toml")]
type RegistryKeys = (
    &'static str,
    &'static [(&'static str, Kind)],
    &'static [&'static str],
);

/// The [`RegistryKeys`] of each registry backend type.
#[cfg(feature = "toml")]
fn registry_keys(kind: &str) -> Option<RegistryKeys> {
    Some(match kind {
        "memory" => ("memory", &[], &[]),
        "local" => ("file", FILE_KEYS, &["path"]),
        "s3" => ("s3", S3_KEYS, &["bucket"]),
        "azure" => ("azure", AZURE_KEYS, &["container"]),
        "sftp" => ("sftp", SFTP_KEYS, &["host", "port", "user", "base_path"]),
        _ => return None,
    })
}

/// Checks that `kind` is a registry backend type.
#[cfg(feature = "toml")]
pub(crate) fn check_kind(kind: &str) -> Result<()> {
    match registry_keys(kind) {
        Some(_) => Ok(()),
        None => Err(invalid(format!(
            "unknown backend type `{kind}` (known: memory, local, s3, azure, sftp)"
        ))),
    }
}

/// Checks one setting of a registry backend of type `kind` without building anything: the key
/// is one that type takes, and a given flag or number is well formed (a value from the
/// environment, `None` here, is checked when the backend is built).
#[cfg(feature = "toml")]
pub(crate) fn check_setting(kind: &str, key: &str, value: Option<&str>) -> Result<()> {
    check_kind(kind)?;
    let Some((scheme, keys, locating)) = registry_keys(kind) else {
        return Ok(());
    };
    if locating.contains(&key) {
        return match (key, value) {
            ("port", Some(port)) if port.parse::<u16>().is_err() => {
                Err(invalid("sftp setting `port` takes a port number"))
            }
            _ => Ok(()),
        };
    }
    let kind_of = keys.iter().find(|(k, _)| *k == key).map(|(_, kind)| *kind);
    let value = match (value, kind_of) {
        (Some(v), _) => v,
        (None, Some(Kind::Flag)) => "false",
        (None, _) => "",
    };
    Options::parse(scheme, keys, [(key, value)])?;
    if matches!(key, "connections" | "timeout_secs" | "upload_concurrency") && !value.is_empty() {
        value
            .parse::<u64>()
            .map_err(|_| invalid(format!("{scheme} option `{key}` takes a whole number")))?;
    }
    Ok(())
}

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
    unknown_scheme(parsed.scheme())?;
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
        "https" | "http"
            if parsed
                .host_str()
                .is_some_and(|h| h.ends_with(".blob.core.windows.net")) =>
        {
            open_azure(&parsed, options)
        }
        "sftp" => open_sftp(&parsed, options),
        other => Err(unknown_scheme_error(other)),
    }
}

/// Every scheme a store URL may have (`http`/`https` only for an Azure Blob endpoint).
const SCHEMES: [&str; 12] = [
    "memory", "file", "s3", "s3a", "az", "azure", "abfs", "abfss", "adl", "http", "https", "sftp",
];

/// An unknown scheme, refused before the rest of the URL is looked at: `stfp://user@host`
/// is a typo of the scheme, not a URL with credentials in the wrong place.
fn unknown_scheme(scheme: &str) -> Result<()> {
    match SCHEMES.contains(&scheme) {
        true => Ok(()),
        false => Err(unknown_scheme_error(scheme)),
    }
}

fn unknown_scheme_error(scheme: &str) -> Error {
    let hint = super::options::did_you_mean(scheme, SCHEMES);
    invalid(format!(
        "unknown store URL scheme `{scheme}`{hint} (known: memory, file, s3, az, abfs, abfss, \
         https://<account>.blob.core.windows.net, sftp)"
    ))
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
        crate::S3Builder::new()
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
    if let Some(n) = number(&options, "s3", "upload_concurrency")? {
        builder = builder.upload_concurrency(usize::try_from(n).unwrap_or(usize::MAX));
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
        crate::AzureBuilder::new()
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
    if let Some(n) = number(&options, "azure", "upload_concurrency")? {
        builder = builder.upload_concurrency(usize::try_from(n).unwrap_or(usize::MAX));
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

/// A whole number option of `scheme`; a malformed one is `InvalidArgument` naming the key.
#[cfg(any(feature = "sftp", feature = "s3", feature = "azure"))]
fn number(options: &Options, scheme: &str, key: &str) -> Result<Option<u64>> {
    options
        .text(key)
        .map(|v| {
            v.parse::<u64>()
                .map_err(|_| invalid(format!("{scheme} option `{key}` takes a whole number")))
        })
        .transpose()
}

/// `sftp://user[:password]@host[:port]/base/path`: the password moves into a [`Secret`] at
/// once (the URL itself is never kept or shown); the path is the base folder on the server.
#[cfg(feature = "sftp")]
fn open_sftp<K: AsRef<str>, V: Into<String>>(
    url: &Url,
    options: impl IntoIterator<Item = (K, V)>,
) -> Result<(Opened, StorePath)> {
    let options = Options::parse("sftp", SFTP_KEYS, options)?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid("an sftp URL names its host: sftp://user@host/base/path"))?;
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    let user = decode(url.username());
    if user.is_empty() {
        return Err(invalid(
            "an sftp URL names its user: sftp://user@host/base/path",
        ));
    }
    let segments: Vec<String> = path_segments(url).into_iter().map(decode).collect();
    let mut builder = crate::SftpBackend::builder()
        .host(host.trim_start_matches('[').trim_end_matches(']'))
        .user(user)
        .base_path(format!("/{}", segments.join("/")));
    if let Some(port) = url.port() {
        builder = builder.port(port);
    }
    let in_url = url
        .password()
        .filter(|p| !p.is_empty())
        .map(|p| crate::Secret::new(decode(p)));
    match (in_url, options.secret("password")) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "give the sftp password in the URL or as an option, not both",
            ))
        }
        (Some(password), None) | (None, Some(password)) => builder = builder.password(password),
        (None, None) => {}
    }
    if let Some(key) = options.secret("private_key") {
        builder = builder.private_key(key);
    }
    if let Some(path) = options.text("private_key_file") {
        builder = builder.private_key_file(path);
    }
    if let Some(passphrase) = options.secret("passphrase") {
        builder = builder.passphrase(passphrase);
    }
    if let Some(path) = options.text("known_hosts") {
        builder = builder.known_hosts(path);
    }
    if let Some(key) = options.text("host_key") {
        builder = builder.host_key(key);
    }
    builder = builder.create_base_path(options.flag("create_base_path"));
    if options.flag("insecure_accept_any_host_key") {
        builder = builder.insecure_accept_any_host_key();
    }
    if let Some(n) = number(&options, "sftp", "connections")? {
        builder = builder.connections(usize::try_from(n).unwrap_or(usize::MAX));
    }
    if let Some(secs) = number(&options, "sftp", "timeout_secs")? {
        builder = builder.timeout(std::time::Duration::from_secs(secs));
    }
    Ok((Opened::Async(Arc::new(builder.build()?)), StorePath::root()))
}

#[cfg(not(feature = "sftp"))]
fn open_sftp<K: AsRef<str>, V: Into<String>>(
    _url: &Url,
    _options: impl IntoIterator<Item = (K, V)>,
) -> Result<(Opened, StorePath)> {
    let _ = SFTP_KEYS;
    Err(invalid("the sftp scheme needs store's `sftp` feature"))
}
