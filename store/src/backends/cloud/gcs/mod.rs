//! `GcsBuilder`: Google Cloud Storage.

mod objects;
mod resumable;

use std::fmt;
use std::sync::Arc;

use object_store::client::{HttpConnector, ReqwestConnector};
use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey};

use super::{backend, build_error, located, missing, prefix, Transport};
use crate::capability::Capability;
use crate::config::{ConfigKey, Configure};
use crate::error::{Error, Result};
use crate::interop::object_store::ObjectStoreBackend;
use crate::path::StorePath;
use crate::secret::Secret;
use objects::GcsObjects;

const NAME: &str = "gcs";
const DEFAULT_BASE_URL: &str = "https://storage.googleapis.com";

/// Google Cloud Storage (and fake-gcs-server, its emulator): a flat, natively async backend
/// named `gcs`.
///
/// [`GcsBuilder::new`] takes every setting explicitly and reads no environment; only
/// [`GcsBuilder::from_env`] reads the standard `GOOGLE_*` variables. Building reads a
/// service-account file when one is named, and does no network I/O.
///
/// ```
/// use store::{AsyncStore, GcsBuilder};
/// let backend = GcsBuilder::new()
///     .bucket("reports")
///     .prefix("2026")
///     .anonymous(true)
///     .build()?;
/// assert_eq!(store::AsyncBackend::name(&backend), "gcs");
/// # let _ = AsyncStore::new(backend);
/// # Ok::<(), store::Error>(())
/// ```
///
/// - Reads, listings and deletes go through object_store's GCS client. Writes, copies and
///   streamed uploads go through the JSON API, which GCS and its emulator both serve.
/// - Create-only writes and `if_match` are generation preconditions (`ifGenerationMatch`), one
///   step at the service. A create-only `copy` or `rename` looks at the destination first,
///   then rewrites with the same precondition: one step on GCS, while the emulator, which
///   ignores a rewrite's precondition, leaves the race between the two.
/// - `rename` is a rewrite and a delete: not atomic (no AtomicMove).
/// - Streamed content up to 8 MiB is one upload; more goes up as one resumable session in
///   8 MiB chunks, which the service takes in order. An upload that fails or is dropped is
///   cancelled, and nothing is visible until its last chunk.
/// - A write reports the object's generation as its version, and no etag: the JSON API's
///   etag is not the one reads see (so no `WriteResultNative`).
///
/// The builder is the entry point: what it builds is an [`ObjectStoreBackend`] configured for
/// the service.
///
/// # Configuration keys
///
/// Every setting is also a [`GcsConfigKey`], for [`with_config`](Self::with_config), a URL
/// option of [`Store::from_url`](crate::Store::from_url) and a registry setting;
/// [`with_url`](Self::with_url) takes `gs://bucket/prefix`.
///
/// | key | meaning | default |
/// |---|---|---|
/// | `bucket` | the bucket ([`bucket`](Self::bucket)) | required |
/// | `prefix` | the object-name prefix the backend is confined to ([`prefix`](Self::prefix)) | none |
/// | `service_account_path` | a service-account JSON file ([`service_account_path`](Self::service_account_path)) | none |
/// | `service_account_key` | a service-account JSON document, a [`Secret`] ([`service_account_key`](Self::service_account_key)) | none |
/// | `endpoint` | a custom base URL, such as an emulator's ([`endpoint`](Self::endpoint)) | Google |
/// | `anonymous` | unauthenticated requests ([`anonymous`](Self::anonymous)) | `false` |
/// | `from_env` | start from the `GOOGLE_*` variables ([`from_env`](Self::from_env)) | `false` |
/// | `allow_http` | plain `http://` endpoints ([`allow_http`](Self::allow_http)) | `false` |
/// | `check_ancestors` | the write-side folder checks ([`check_ancestors`](Self::check_ancestors)) | `false` |
/// | `max_retries` | retries of a read failed in transit or with a 5xx ([`retries`](Self::retries)) | 3 |
/// | `retry_timeout_secs` | how long retries may go on ([`retries`](Self::retries)) | 30 |
/// | `timeout_secs` | each request's timeout ([`timeouts`](Self::timeouts)) | 30 |
/// | `connect_timeout_secs` | connecting's timeout ([`timeouts`](Self::timeouts)) | 5 |
/// | `upload_concurrency` | 8 MiB chunks queued ([`upload_concurrency`](Self::upload_concurrency)) | 4 |
///
/// ```
/// use store::{GcsBuilder, GcsConfigKey};
/// let builder = GcsBuilder::new()
///     .with_url("gs://reports/2026")?
///     .with_config(GcsConfigKey::Anonymous, "true")?;
/// assert!(builder.build().is_ok());
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Default, Clone)]
pub struct GcsBuilder {
    bucket: Option<String>,
    prefix: Option<String>,
    service_account_path: Option<String>,
    service_account_key: Option<Secret>,
    endpoint: Option<String>,
    anonymous: bool,
    from_env: bool,
    transport: Transport,
}

impl GcsBuilder {
    /// A builder with nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts from the standard environment variables (`GOOGLE_BUCKET`,
    /// `GOOGLE_SERVICE_ACCOUNT`, `GOOGLE_APPLICATION_CREDENTIALS`, …); the only place this
    /// backend reads the environment.
    pub fn from_env() -> Self {
        GcsBuilder {
            from_env: true,
            ..GcsBuilder::default()
        }
    }

    /// The bucket (required).
    #[must_use]
    pub fn bucket(mut self, bucket: impl Into<String>) -> Self {
        self.bucket = Some(bucket.into());
        self
    }

    /// An object-name prefix inside the bucket: the backend sees only what lies below it.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// A service-account JSON file, read when the backend is built.
    #[must_use]
    pub fn service_account_path(mut self, path: impl Into<String>) -> Self {
        self.service_account_path = Some(path.into());
        self
    }

    /// A service-account JSON document, never shown by `Debug`.
    #[must_use]
    pub fn service_account_key(mut self, key: impl Into<Secret>) -> Self {
        self.service_account_key = Some(key.into());
        self
    }

    /// A custom base URL, e.g. `http://127.0.0.1:4443` for fake-gcs-server.
    #[must_use]
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Unauthenticated requests, for public buckets and emulators.
    #[must_use]
    pub fn anonymous(mut self, anonymous: bool) -> Self {
        self.anonymous = anonymous;
        self
    }

    shared_settings!();

    /// Takes one setting by its key (see the [table](GcsBuilder#configuration-keys)); a
    /// malformed flag or number is `InvalidArgument` naming the key, never the value.
    pub fn with_config(mut self, key: GcsConfigKey, value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        match key {
            GcsConfigKey::Bucket => self.bucket = Some(value),
            GcsConfigKey::Prefix => self.prefix = Some(value),
            GcsConfigKey::ServiceAccountPath => self.service_account_path = Some(value),
            GcsConfigKey::ServiceAccountKey => self.service_account_key = Some(Secret::new(value)),
            GcsConfigKey::Endpoint => self.endpoint = Some(value),
            GcsConfigKey::Anonymous => self.anonymous = key.flag(&value)?,
            GcsConfigKey::FromEnv => self.from_env = key.flag(&value)?,
            shared => self.transport.apply(shared, &value)?,
        }
        Ok(self)
    }

    /// Takes the bucket and prefix of a `gs://bucket/prefix` URL.
    pub fn with_url(self, url: &str) -> Result<Self> {
        self.apply_url(&crate::config::parse_for(url, NAME)?)
    }

    /// The backend; no network I/O. `InvalidArgument` for a missing bucket or credential, an
    /// unreadable service-account file, or a malformed setting.
    pub fn build(self) -> Result<ObjectStoreBackend> {
        self.transport.prepare(self.endpoint.as_deref(), "GCS")?;
        let mut builder = if self.from_env {
            GoogleCloudStorageBuilder::from_env()
        } else {
            GoogleCloudStorageBuilder::new()
        };
        const NO_BUCKET: &str = "the bucket (bucket(..); in a URL, gs://<bucket>/…)";
        let bucket = match (&self.bucket, self.from_env) {
            (Some(bucket), _) => bucket.clone(),
            (None, true) => builder
                .get_config_value(&GoogleConfigKey::Bucket)
                .ok_or_else(|| missing(NAME, NO_BUCKET))?,
            (None, false) => return Err(missing(NAME, NO_BUCKET)),
        };
        let client_options = self.transport.client_options();
        builder = builder
            .with_bucket_name(&bucket)
            .with_client_options(client_options.clone())
            .with_retry(self.transport.retry());
        let connector: Arc<dyn HttpConnector> = match self.transport.connector.clone() {
            Some(connector) => {
                builder = builder.with_http_connector(connector.clone());
                Arc::new(connector)
            }
            None => Arc::new(ReqwestConnector::default()),
        };
        // The base URL the JSON API is reached at: the endpoint, else the one a
        // service-account document names (an emulator's), else Google's.
        let mut base = self.endpoint.clone();
        let document = match (&self.service_account_path, &self.service_account_key) {
            (Some(path), _) => {
                builder = builder.with_service_account_path(path);
                std::fs::read_to_string(path).ok()
            }
            (None, Some(key)) => {
                builder = builder.with_service_account_key(key.expose());
                Some(key.expose().to_owned())
            }
            (None, None) if self.anonymous => {
                builder = builder.with_skip_signature(true);
                None
            }
            (None, None) if self.from_env => None,
            (None, None) => {
                return Err(missing(
                    NAME,
                    "a credential: the builder's service_account_path(..), \
                     service_account_key(..), anonymous(true) or from_env(); the URL or \
                     registry options service_account_path, service_account_key, \
                     anonymous=true or from_env=true",
                ))
            }
        };
        if base.is_none() {
            base = document
                .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
                .and_then(|d| d["gcs_base_url"].as_str().map(str::to_owned));
        }
        let base = base.unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        builder = builder.with_base_url(&base);
        let prefix: Option<StorePath> = self
            .prefix
            .as_deref()
            .map(|p| prefix(NAME, p))
            .transpose()?;
        let xml = builder
            .build()
            .map_err(|e| match &self.service_account_key {
                // Its parser's message may quote the document: none of it is shown.
                Some(_) => Error::invalid_argument(
                    "gcs: the service-account key is not a usable service-account JSON document",
                )
                .with_backend(NAME),
                None => build_error(NAME, e),
            })?;
        let http = connector
            .connect(&client_options)
            .map_err(|e| build_error(NAME, e))?;
        let objects = GcsObjects::new(xml, http, &base, &bucket, !self.anonymous);
        Ok(backend(
            Arc::new(objects),
            NAME,
            &bucket,
            prefix.as_ref(),
            &self.transport,
        )
        .without(Capability::WriteResultNative)
        .with_deletes_reporting_missing())
    }
}

impl Configure for GcsBuilder {
    type Key = GcsConfigKey;

    /// `gs://bucket/root`.
    fn apply_url(mut self, url: &url::Url) -> Result<Self> {
        let (bucket, prefix) = located(url)?;
        if bucket.is_empty() {
            return Err(Error::invalid_argument(
                "a GCS URL names its bucket: gs://bucket/root",
            ));
        }
        self.bucket = Some(bucket);
        if !prefix.is_empty() {
            self.prefix = Some(prefix);
        }
        Ok(self)
    }

    crate::config::configure_with_builder!(Async);
}

cloud_keys! {
    /// The configuration keys of [`GcsBuilder`]: its [table](GcsBuilder#configuration-keys)
    /// gives each key's meaning and default.
    pub enum GcsConfigKey for "gcs" {
        Bucket = "bucket",
        Prefix = "prefix",
        ServiceAccountPath = "service_account_path",
        /// A credential, kept as a [`Secret`](crate::Secret).
        ServiceAccountKey = "service_account_key",
        Endpoint = "endpoint",
        Anonymous = "anonymous",
        FromEnv = "from_env",
    }
}

impl fmt::Debug for GcsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GcsBuilder")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("service_account_path", &self.service_account_path)
            .field("service_account_key", &self.service_account_key)
            .field("endpoint", &self.endpoint)
            .field("anonymous", &self.anonymous)
            .field("from_env", &self.from_env)
            .finish_non_exhaustive()
    }
}
