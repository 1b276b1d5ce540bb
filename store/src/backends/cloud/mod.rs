//! The cloud backends: S3, Azure Blob and Google Cloud Storage, each a configuration of
//! [`ObjectStoreBackend`](crate::interop::object_store::ObjectStoreBackend) over object_store's
//! signed HTTP clients (reqwest on rustls, with ring as the one crypto provider), and the
//! transport settings they share.
// `cloud-transport` alone (the shared transport, without a cloud) builds nothing here.
#![cfg_attr(
    not(any(feature = "s3", feature = "azure", feature = "gcs")),
    allow(dead_code, unused_macros)
)]

/// The settings every cloud builder has, written once: each builder keeps a `transport` field.
macro_rules! shared_settings {
    () => {
        /// Plain `http://` endpoints, for a test server on loopback.
        #[must_use]
        pub fn allow_http(mut self, allow: bool) -> Self {
            self.transport.allow_http = allow;
            self
        }

        /// The write-side folder checks of [C-2.14](crate::contract#C-2.14) (a request per ancestor); off by default.
        #[must_use]
        pub fn check_ancestors(mut self, check: bool) -> Self {
            self.transport.check_ancestors = check;
            self
        }

        /// How many times a request that failed in transit or with a 5xx is retried, and for
        /// how long at most (defaults: 3 and 30 s).
        #[must_use]
        pub fn retries(mut self, max_retries: usize, within: std::time::Duration) -> Self {
            self.transport.max_retries = max_retries;
            self.transport.retry_timeout = within;
            self
        }

        /// The timeout of each request, and of connecting (defaults: 30 s and 5 s).
        #[must_use]
        pub fn timeouts(
            mut self,
            request: std::time::Duration,
            connect: std::time::Duration,
        ) -> Self {
            self.transport.timeout = request;
            self.transport.connect_timeout = connect;
            self
        }

        /// How many 8 MiB parts of a streamed write are in flight at once (default 4, at
        /// least 1); see
        /// [`ObjectStoreBackend::with_upload_concurrency`](crate::interop::object_store::ObjectStoreBackend::with_upload_concurrency).
        #[must_use]
        pub fn upload_concurrency(mut self, parts: usize) -> Self {
            self.transport.upload_concurrency = Some(parts);
            self
        }

        /// The HTTP transport object_store's client is built with, instead of its default
        /// reqwest connector: a proxy, a custom resolver, or a
        /// [`RequestLog`](crate::interop::object_store::RequestLog) that counts requests.
        #[must_use]
        pub fn http_connector(
            mut self,
            connector: impl object_store::client::HttpConnector,
        ) -> Self {
            self.transport.connector = Some(crate::backends::cloud::Connector(
                std::sync::Arc::new(connector),
            ));
            self
        }
    };
}

/// A cloud builder's configuration keys: its own, then the transport keys every cloud
/// builder shares, which [`Transport::apply`] reads.
macro_rules! cloud_keys {
    (
        $(#[$meta:meta])*
        pub enum $name:ident for $backend:literal { $($own:tt)* }
    ) => {
        crate::config::config_keys! {
            $(#[$meta])*
            pub enum $name for $backend {
                $($own)*
                AllowHttp = "allow_http",
                CheckAncestors = "check_ancestors",
                MaxRetries = "max_retries",
                RetryTimeoutSecs = "retry_timeout_secs",
                TimeoutSecs = "timeout_secs",
                ConnectTimeoutSecs = "connect_timeout_secs",
                UploadConcurrency = "upload_concurrency",
            }
        }
    };
}

#[cfg(feature = "azure")]
mod azure;
#[cfg(feature = "gcs")]
mod gcs;
#[cfg(feature = "s3")]
mod s3;

#[cfg(feature = "azure")]
pub use azure::{AzureBuilder, AzureConfigKey};
#[cfg(feature = "gcs")]
pub use gcs::{GcsBuilder, GcsConfigKey};
#[cfg(feature = "s3")]
pub use s3::{S3Builder, S3ConfigKey};

use std::sync::Arc;
use std::time::Duration;

use object_store::client::{HttpClient, HttpConnector};
use object_store::prefix::PrefixStore;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, RetryConfig};

use crate::config::ConfigKey;
use crate::error::{Error, Result};
use crate::interop::object_store::ObjectStoreBackend;
use crate::path::StorePath;

/// How a cloud backend talks to its service: plain HTTP for a loopback test server, the
/// timeouts, and how often object_store retries a request that failed in transit or with a
/// 5xx before the call reports it.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    pub(crate) allow_http: bool,
    /// The write-side folder checks of C-2.14.
    pub(crate) check_ancestors: bool,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_retries: usize,
    pub(crate) retry_timeout: Duration,
    pub(crate) connector: Option<Connector>,
    /// Parts in flight, when set; else the backend's default.
    pub(crate) upload_concurrency: Option<usize>,
}

/// A caller's HTTP connector, shared by the clones of a builder.
#[derive(Debug, Clone)]
pub(crate) struct Connector(pub(crate) Arc<dyn HttpConnector>);

impl HttpConnector for Connector {
    fn connect(&self, options: &ClientOptions) -> object_store::Result<HttpClient> {
        self.0.connect(options)
    }
}

impl Default for Transport {
    fn default() -> Self {
        Transport {
            allow_http: false,
            check_ancestors: false,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            max_retries: 3,
            retry_timeout: Duration::from_secs(30),
            connector: None,
            upload_concurrency: None,
        }
    }
}

impl Transport {
    /// Takes one of the transport keys [`cloud_keys!`] gives every cloud builder.
    pub(crate) fn apply<K: ConfigKey>(&mut self, key: K, value: &str) -> Result<()> {
        match key.name() {
            "allow_http" => self.allow_http = key.flag(value)?,
            "check_ancestors" => self.check_ancestors = key.flag(value)?,
            "max_retries" => self.max_retries = key.count(value)?,
            "retry_timeout_secs" => self.retry_timeout = key.seconds(value)?,
            "timeout_secs" => self.timeout = key.seconds(value)?,
            "connect_timeout_secs" => self.connect_timeout = key.seconds(value)?,
            "upload_concurrency" => self.upload_concurrency = Some(key.count(value)?),
            _ => return Err(key.malformed("is not a transport setting")),
        }
        Ok(())
    }

    /// A plain-HTTP `endpoint` without `allow_http` is refused when the backend is built, with
    /// the setting that allows it, instead of failing at the first request with a transport
    /// error that does not say why.
    pub(crate) fn check_endpoint(&self, endpoint: &str, backend: &str) -> Result<()> {
        let plain = endpoint
            .get(..7)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"));
        if plain && !self.allow_http {
            return Err(Error::invalid_argument(format!(
                "the {backend} endpoint is plain http:// but allow_http is off: set \
                 `allow_http(true)` on the builder (the URL or registry option \
                 `allow_http=true`) for a local or test server, or use https://"
            )));
        }
        Ok(())
    }

    /// What every cloud build does first: the endpoint checked against `allow_http`, and the
    /// crypto provider installed.
    pub(crate) fn prepare(&self, endpoint: Option<&str>, backend: &str) -> Result<()> {
        if let Some(endpoint) = endpoint {
            self.check_endpoint(endpoint, backend)?;
        }
        install_crypto_provider();
        Ok(())
    }

    pub(crate) fn client_options(&self) -> ClientOptions {
        ClientOptions::new()
            .with_allow_http(self.allow_http)
            .with_timeout(self.timeout)
            .with_connect_timeout(self.connect_timeout)
    }

    pub(crate) fn retry(&self) -> RetryConfig {
        RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(50),
                max_backoff: Duration::from_secs(2),
                base: 2.0,
            },
            max_retries: self.max_retries,
            retry_timeout: self.retry_timeout,
        }
    }
}

/// Makes ring the process's rustls provider unless one is installed already, so that the
/// HTTP clients built here have one; another provider a program installed first stays.
pub(crate) fn install_crypto_provider() {
    // rustls 0.23.48 deprecates ring's provider (it has no post-quantum key exchange) in
    // favour of aws-lc-rs, a second crypto stack with a C and CMake build; ring stays the
    // tree's one stack, and a program that wants aws-lc installs it first.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The backend over `store`, below `prefix` when one is set, under `name`, with `container`
/// (a bucket or container) as its bare native root.
pub(crate) fn backend(
    store: Arc<dyn ObjectStore>,
    name: &'static str,
    container: &str,
    prefix: Option<&StorePath>,
    transport: &Transport,
) -> ObjectStoreBackend {
    let (store, root): (Arc<dyn ObjectStore>, String) = match prefix {
        Some(prefix) if !prefix.is_root() => (
            Arc::new(PrefixStore::new(store, prefix.as_str())),
            format!("{container}/{prefix}"),
        ),
        _ => (store, container.to_owned()),
    };
    let backend = ObjectStoreBackend::new(store)
        .with_name(name)
        .with_native_root(root)
        .with_check_ancestors(transport.check_ancestors);
    match transport.upload_concurrency {
        Some(parts) => backend.with_upload_concurrency(parts),
        None => backend,
    }
}

/// `InvalidArgument` for a required option left out.
pub(crate) fn missing(backend: &'static str, what: &str) -> Error {
    Error::invalid_argument(format!("{backend}: {what} is required")).with_backend(backend)
}

/// A builder error from object_store, without the values that went in.
pub(crate) fn build_error(backend: &'static str, err: object_store::Error) -> Error {
    Error::invalid_argument(format!("{backend}: invalid configuration: {err}"))
        .with_backend(backend)
        .with_source(err)
}

/// The bucket (or container) and prefix an `s3://bucket/prefix`-shaped URL names.
pub(crate) fn located(url: &url::Url) -> Result<(String, String)> {
    crate::config::no_credentials(url)?;
    let bucket = url.host_str().unwrap_or_default().to_owned();
    Ok((bucket, crate::config::path_segments(url).join("/")))
}

/// Parses a prefix option.
pub(crate) fn prefix(backend: &'static str, prefix: &str) -> Result<StorePath> {
    StorePath::folder(prefix).map_err(|e| e.with_backend(backend))
}
