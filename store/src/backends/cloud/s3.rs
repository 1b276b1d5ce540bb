//! `S3Builder`: Amazon S3 and S3-compatible services.

use std::fmt;
use std::sync::Arc;

use object_store::aws::{AmazonS3Builder, S3ConditionalPut, S3CopyIfNotExists};

use super::{backend, build_error, located, missing, prefix, Transport};
use crate::config::{ConfigKey, Configure};
use crate::error::{Error, Result};
use crate::interop::object_store::ObjectStoreBackend;
use crate::path::StorePath;
use crate::secret::Secret;

const NAME: &str = "s3";

/// Amazon S3, or any service that speaks its API: a flat, natively async backend named `s3`.
///
/// [`S3Builder::new`] takes every setting explicitly and reads no environment; only
/// [`S3Builder::from_env`] reads the standard `AWS_*` variables, when asked. Building does no
/// I/O: the first call connects. The result is an [`ObjectStoreBackend`] with the flat rules
/// of a file store ([C-2.14](crate::contract#C-2.14)), confined to `bucket/prefix`; `Store::new` runs it for blocking
/// code on a private runtime thread.
///
/// ```
/// use store::{AsyncStore, S3Builder};
/// let backend = S3Builder::new()
///     .bucket("reports")
///     .prefix("2026")
///     .region("eu-west-1")
///     .credentials("AKIDEXAMPLE", "not-a-real-secret")
///     .build()?;
/// assert_eq!(store::AsyncBackend::name(&backend), "s3");
/// assert!(!format!("{backend:?}").contains("not-a-real-secret"));
/// let store = AsyncStore::new(backend);
/// # let _ = store;
/// # Ok::<(), store::Error>(())
/// ```
///
/// - Create-only writes send `If-None-Match: *` and `if_match` sends `If-Match`, so the check
///   and the write are one step at the service. A create-only `copy` or `rename` is a HEAD of
///   the destination, then a copy over it: S3's one-step create-only copy (a multipart copy)
///   would drop the object's metadata, so this keeps it at the price of a race between the
///   two requests, in which a writer that lands in between is overwritten.
/// - `rename` is a copy and a delete: not atomic (no AtomicMove). If the delete fails, both
///   copies remain and the error is returned.
/// - Streamed content up to 8 MiB is one PUT; more goes up in 8 MiB parts, four at a time
///   ([`upload_concurrency`](S3Builder::upload_concurrency)), aborted on failure or drop, so
///   no partial object is ever visible.
///
/// The builder is the entry point: what it builds is an [`ObjectStoreBackend`] configured for
/// the service.
///
/// # Configuration keys
///
/// Every setting is also an [`S3ConfigKey`], for [`with_config`](Self::with_config), a URL
/// option of [`Store::from_url`](crate::Store::from_url) and a registry setting;
/// [`with_url`](Self::with_url) takes `s3://bucket/prefix`.
///
/// | key | meaning | default |
/// |---|---|---|
/// | `bucket` | the bucket ([`bucket`](Self::bucket)) | required |
/// | `prefix` | the key prefix the backend is confined to ([`prefix`](Self::prefix)) | none |
/// | `region` | the region ([`region`](Self::region)) | `us-east-1` |
/// | `endpoint` | a custom endpoint, addressed path-style ([`endpoint`](Self::endpoint)) | AWS |
/// | `access_key_id` | the access key id ([`credentials`](Self::credentials)) | none |
/// | `secret_access_key` | its secret, a [`Secret`] ([`credentials`](Self::credentials)) | none |
/// | `session_token` | a session token, a [`Secret`] ([`session_token`](Self::session_token)) | none |
/// | `anonymous` | unsigned requests ([`anonymous`](Self::anonymous)) | `false` |
/// | `from_env` | start from the `AWS_*` variables ([`from_env`](Self::from_env)) | `false` |
/// | `allow_http` | plain `http://` endpoints ([`allow_http`](Self::allow_http)) | `false` |
/// | `check_ancestors` | the write-side folder checks ([`check_ancestors`](Self::check_ancestors)) | `false` |
/// | `max_retries` | retries of a request failed in transit or with a 5xx ([`retries`](Self::retries)) | 3 |
/// | `retry_timeout_secs` | how long retries may go on ([`retries`](Self::retries)) | 30 |
/// | `timeout_secs` | each request's timeout ([`timeouts`](Self::timeouts)) | 30 |
/// | `connect_timeout_secs` | connecting's timeout ([`timeouts`](Self::timeouts)) | 5 |
/// | `upload_concurrency` | 8 MiB parts in flight ([`upload_concurrency`](Self::upload_concurrency)) | 4 |
///
/// ```
/// use store::{S3Builder, S3ConfigKey};
/// let backend = S3Builder::new()
///     .with_url("s3://reports/2026")?
///     .with_config("region".parse()?, "eu-west-1")?
///     .with_config(S3ConfigKey::AccessKeyId, "AKIDEXAMPLE")?
///     .with_config(S3ConfigKey::SecretAccessKey, "not-a-real-secret")?
///     .with_config(S3ConfigKey::MaxRetries, "5")?
///     .build()?;
/// # let _ = backend;
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Default, Clone)]
pub struct S3Builder {
    bucket: Option<String>,
    prefix: Option<String>,
    region: Option<String>,
    endpoint: Option<String>,
    key_id: Option<String>,
    secret: Option<Secret>,
    session_token: Option<Secret>,
    anonymous: bool,
    transport: Transport,
    from_env: bool,
}

impl S3Builder {
    /// A builder with nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts from the standard environment variables (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT`, `AWS_BUCKET`, …) and the provider
    /// chain object_store uses; the only place this backend reads the environment.
    pub fn from_env() -> Self {
        S3Builder {
            from_env: true,
            ..S3Builder::default()
        }
    }

    /// The bucket (required).
    #[must_use]
    pub fn bucket(mut self, bucket: impl Into<String>) -> Self {
        self.bucket = Some(bucket.into());
        self
    }

    /// A key prefix inside the bucket: the backend sees only what lies below it.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// The region, e.g. `eu-west-1` (object_store's default is `us-east-1`).
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// A custom endpoint, e.g. an S3-compatible service or a test server; path-style
    /// addressing is used with it.
    #[must_use]
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Static credentials: the access key id and its secret, never shown by `Debug`.
    #[must_use]
    pub fn credentials(mut self, key_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        self.key_id = Some(key_id.into());
        self.secret = Some(secret.into());
        self
    }

    /// A session token that goes with temporary credentials.
    #[must_use]
    pub fn session_token(mut self, token: impl Into<Secret>) -> Self {
        self.session_token = Some(token.into());
        self
    }

    /// Unsigned requests, for a public bucket.
    #[must_use]
    pub fn anonymous(mut self, anonymous: bool) -> Self {
        self.anonymous = anonymous;
        self
    }

    shared_settings!();

    /// Takes one setting by its key (see the [table](S3Builder#configuration-keys)); a
    /// malformed flag or number is `InvalidArgument` naming the key, never the value.
    pub fn with_config(mut self, key: S3ConfigKey, value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        match key {
            S3ConfigKey::Bucket => self.bucket = Some(value),
            S3ConfigKey::Prefix => self.prefix = Some(value),
            S3ConfigKey::Region => self.region = Some(value),
            S3ConfigKey::Endpoint => self.endpoint = Some(value),
            S3ConfigKey::AccessKeyId => self.key_id = Some(value),
            S3ConfigKey::SecretAccessKey => self.secret = Some(Secret::new(value)),
            S3ConfigKey::SessionToken => self.session_token = Some(Secret::new(value)),
            S3ConfigKey::Anonymous => self.anonymous = key.flag(&value)?,
            S3ConfigKey::FromEnv => self.from_env = key.flag(&value)?,
            shared => self.transport.apply(shared, &value)?,
        }
        Ok(self)
    }

    /// Takes the bucket and prefix of `s3://bucket/prefix` (or `s3a://`); credentials go in
    /// the other settings, so a URL with a user or password is `InvalidArgument`.
    pub fn with_url(self, url: &str) -> Result<Self> {
        self.apply_url(&crate::config::parse_for(url, NAME)?)
    }

    /// The backend; no I/O. `InvalidArgument` for a missing bucket, missing credentials (unless
    /// anonymous or from the environment) or a malformed setting.
    pub fn build(self) -> Result<ObjectStoreBackend> {
        self.transport.prepare(self.endpoint.as_deref(), "S3")?;
        let mut builder = if self.from_env {
            AmazonS3Builder::from_env()
        } else {
            AmazonS3Builder::new()
        };
        let bucket = match (&self.bucket, self.from_env) {
            (Some(bucket), _) => bucket.clone(),
            (None, true) => builder
                .get_config_value(&object_store::aws::AmazonS3ConfigKey::Bucket)
                .ok_or_else(|| {
                    missing(NAME, "the bucket (bucket(..); in a URL, s3://<bucket>/…)")
                })?,
            (None, false) => {
                return Err(missing(
                    NAME,
                    "the bucket (bucket(..); in a URL, s3://<bucket>/…)",
                ))
            }
        };
        builder = builder
            .with_bucket_name(&bucket)
            .with_client_options(self.transport.client_options())
            .with_retry(self.transport.retry())
            .with_conditional_put(S3ConditionalPut::ETagMatch)
            .with_copy_if_not_exists(S3CopyIfNotExists::Multipart);
        if let Some(connector) = self.transport.connector.clone() {
            builder = builder.with_http_connector(connector);
        }
        if let Some(region) = &self.region {
            builder = builder.with_region(region);
        }
        if let Some(endpoint) = &self.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_virtual_hosted_style_request(false);
        }
        match (&self.key_id, &self.secret) {
            (Some(_), None) | (None, Some(_)) => {
                return Err(Error::invalid_argument(
                    "s3 takes access_key_id and secret_access_key together",
                )
                .with_backend(NAME))
            }
            (Some(id), Some(secret)) => {
                builder = builder
                    .with_access_key_id(id)
                    .with_secret_access_key(secret.expose());
                if let Some(token) = &self.session_token {
                    builder = builder.with_token(token.expose());
                }
            }
            _ if self.anonymous => builder = builder.with_skip_signature(true),
            _ if self.from_env => {}
            _ => {
                return Err(missing(
                    NAME,
                    "credentials: the builder's credentials(..), anonymous(true) or \
                     from_env(); the URL or registry options access_key_id and \
                     secret_access_key, anonymous=true or from_env=true",
                ))
            }
        }
        let prefix: Option<StorePath> = self
            .prefix
            .as_deref()
            .map(|p| prefix(NAME, p))
            .transpose()?;
        let store = builder.build().map_err(|e| build_error(NAME, e))?;
        let backend = backend(
            Arc::new(store),
            NAME,
            &bucket,
            prefix.as_ref(),
            &self.transport,
        );
        // S3's one-step create-only copy (a multipart copy) drops the user metadata.
        Ok(backend.with_check_then_copy())
    }
}

impl Configure for S3Builder {
    type Key = S3ConfigKey;

    fn apply_url(self, url: &url::Url) -> Result<Self> {
        let (bucket, prefix) = located(url)?;
        if bucket.is_empty() {
            return Err(missing(NAME, "the bucket (in a URL, s3://<bucket>/…)"));
        }
        let builder = self.bucket(bucket);
        Ok(match prefix.is_empty() {
            true => builder,
            false => builder.prefix(prefix),
        })
    }

    crate::config::configure_with_builder!(Async);
}

cloud_keys! {
    /// The configuration keys of [`S3Builder`]: its [table](S3Builder#configuration-keys)
    /// gives each key's meaning and default.
    pub enum S3ConfigKey for "s3" {
        Bucket = "bucket",
        Prefix = "prefix",
        Region = "region",
        Endpoint = "endpoint",
        AccessKeyId = "access_key_id",
        /// A credential, kept as a [`Secret`](crate::Secret).
        SecretAccessKey = "secret_access_key",
        /// A credential, kept as a [`Secret`](crate::Secret).
        SessionToken = "session_token",
        Anonymous = "anonymous",
        FromEnv = "from_env",
    }
}

impl fmt::Debug for S3Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Builder")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("key_id", &self.key_id.as_ref().map(|_| "<set>"))
            .field("secret", &self.secret)
            .field("session_token", &self.session_token)
            .field("anonymous", &self.anonymous)
            .field("from_env", &self.from_env)
            .finish_non_exhaustive()
    }
}
