//! `AzureBuilder`: Azure Blob Storage.

use std::fmt;
use std::sync::Arc;

use object_store::azure::MicrosoftAzureBuilder;

use super::{backend, build_error, missing, prefix, Transport};
use crate::config::{ConfigKey, Configure};
use crate::error::{Error, Result};
use crate::interop::object_store::ObjectStoreBackend;
use crate::path::StorePath;
use crate::secret::Secret;

const NAME: &str = "azure";

/// Azure Blob Storage (and Azurite, its emulator): a flat, natively async backend named
/// `azure`, for accounts without a hierarchical namespace.
///
/// [`AzureBuilder::new`] takes every setting explicitly and reads no environment; only
/// [`AzureBuilder::from_env`] reads the standard `AZURE_*` variables. Building does no I/O.
///
/// ```
/// use store::{AsyncStore, AzureBuilder};
/// let backend = AzureBuilder::new()
///     .account("myaccount")
///     .access_key("bm90LWEtcmVhbC1rZXk=")
///     .container("reports")
///     .build()?;
/// assert_eq!(store::AsyncBackend::name(&backend), "azure");
/// assert!(!format!("{backend:?}").contains("bm90LWEtcmVhbC1rZXk="));
/// # let _ = AsyncStore::new(backend);
/// # Ok::<(), store::Error>(())
/// ```
///
/// Create-only writes send `If-None-Match: *` and `if_match` sends `If-Match`: one step at the
/// service. `rename` is a copy and a delete, not atomic. Streamed content over 8 MiB goes up as
/// blocks committed at the end; an upload that fails or is dropped commits nothing.
///
/// The builder is the entry point: what it builds is an [`ObjectStoreBackend`] configured for
/// the service.
///
/// # Configuration keys
///
/// Every setting is also an [`AzureConfigKey`], for [`with_config`](Self::with_config), a URL
/// option of [`Store::from_url`](crate::Store::from_url) and a registry setting;
/// [`with_url`](Self::with_url) takes `az://container/prefix` (or `azure://`, `adl://`),
/// `abfs[s]://container@account.dfs.core.windows.net/prefix` and
/// `https://account.blob.core.windows.net/container/prefix`.
///
/// | key | meaning | default |
/// |---|---|---|
/// | `account` | the storage account ([`account`](Self::account)) | required |
/// | `container` | the container ([`container`](Self::container)) | required |
/// | `prefix` | the blob-name prefix the backend is confined to ([`prefix`](Self::prefix)) | none |
/// | `access_key` | the account's shared key, a [`Secret`] ([`access_key`](Self::access_key)) | none |
/// | `sas_token` | a SAS token, a [`Secret`] ([`sas_token`](Self::sas_token)) | none |
/// | `endpoint` | a custom blob endpoint ([`endpoint`](Self::endpoint)) | Azure |
/// | `from_env` | start from the `AZURE_*` variables ([`from_env`](Self::from_env)) | `false` |
/// | `allow_http` | plain `http://` endpoints ([`allow_http`](Self::allow_http)) | `false` |
/// | `check_ancestors` | the write-side folder checks ([`check_ancestors`](Self::check_ancestors)) | `false` |
/// | `max_retries` | retries of a request failed in transit or with a 5xx ([`retries`](Self::retries)) | 3 |
/// | `retry_timeout_secs` | how long retries may go on ([`retries`](Self::retries)) | 30 |
/// | `timeout_secs` | each request's timeout ([`timeouts`](Self::timeouts)) | 30 |
/// | `connect_timeout_secs` | connecting's timeout ([`timeouts`](Self::timeouts)) | 5 |
/// | `upload_concurrency` | 8 MiB blocks in flight ([`upload_concurrency`](Self::upload_concurrency)) | 4 |
#[derive(Default, Clone)]
pub struct AzureBuilder {
    account: Option<String>,
    access_key: Option<Secret>,
    sas: Option<Secret>,
    container: Option<String>,
    prefix: Option<String>,
    endpoint: Option<String>,
    transport: Transport,
    from_env: bool,
}

impl AzureBuilder {
    /// A builder with nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts from the standard environment variables (`AZURE_STORAGE_ACCOUNT_NAME`,
    /// `AZURE_STORAGE_ACCOUNT_KEY`, `AZURE_CONTAINER_NAME`, …); the only place this backend
    /// reads the environment.
    pub fn from_env() -> Self {
        AzureBuilder {
            from_env: true,
            ..AzureBuilder::default()
        }
    }

    /// The storage account (required).
    #[must_use]
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// The account's shared key, never shown by `Debug`.
    #[must_use]
    pub fn access_key(mut self, key: impl Into<Secret>) -> Self {
        self.access_key = Some(key.into());
        self
    }

    /// A SAS token (the query string, without `?`), never shown by `Debug`.
    #[must_use]
    pub fn sas_token(mut self, token: impl Into<Secret>) -> Self {
        self.sas = Some(token.into());
        self
    }

    /// The container (required).
    #[must_use]
    pub fn container(mut self, container: impl Into<String>) -> Self {
        self.container = Some(container.into());
        self
    }

    /// A blob-name prefix inside the container: the backend sees only what lies below it.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// A custom blob endpoint, e.g. `http://127.0.0.1:10000/devstoreaccount1` for Azurite.
    #[must_use]
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    shared_settings!();

    /// Takes one setting by its key (see the [table](AzureBuilder#configuration-keys)); a
    /// malformed flag or number is `InvalidArgument` naming the key, never the value.
    pub fn with_config(mut self, key: AzureConfigKey, value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        match key {
            AzureConfigKey::Account => self.account = Some(value),
            AzureConfigKey::Container => self.container = Some(value),
            AzureConfigKey::Prefix => self.prefix = Some(value),
            AzureConfigKey::AccessKey => self.access_key = Some(Secret::new(value)),
            AzureConfigKey::SasToken => self.sas = Some(Secret::new(value)),
            AzureConfigKey::Endpoint => self.endpoint = Some(value),
            AzureConfigKey::FromEnv => self.from_env = key.flag(&value)?,
            shared => self.transport.apply(shared, &value)?,
        }
        Ok(self)
    }

    /// Takes the container, prefix and (where the URL has it) account of an Azure URL; see
    /// the [table](AzureBuilder#configuration-keys) for the forms.
    pub fn with_url(self, url: &str) -> Result<Self> {
        self.apply_url(&crate::config::parse_for(url, NAME)?)
    }

    /// The backend; no I/O. `InvalidArgument` for a missing account, container or credential,
    /// or a malformed setting.
    pub fn build(self) -> Result<ObjectStoreBackend> {
        self.transport.prepare(self.endpoint.as_deref(), "Azure")?;
        let mut builder = if self.from_env {
            MicrosoftAzureBuilder::from_env()
        } else {
            MicrosoftAzureBuilder::new()
        };
        if let Some(account) = &self.account {
            builder = builder.with_account(account);
        } else if !self.from_env {
            return Err(missing(
                NAME,
                "the account (account(..); the URL or registry option account)",
            ));
        }
        let container = match (&self.container, self.from_env) {
            (Some(c), _) => c.clone(),
            (None, true) => builder
                .get_config_value(&object_store::azure::AzureConfigKey::ContainerName)
                .ok_or_else(|| missing(NAME, "the container"))?,
            (None, false) => return Err(missing(NAME, "the container")),
        };
        builder = builder
            .with_container_name(&container)
            .with_client_options(self.transport.client_options())
            .with_retry(self.transport.retry())
            .with_allow_http(self.transport.allow_http);
        if let Some(connector) = self.transport.connector.clone() {
            builder = builder.with_http_connector(connector);
        }
        match (&self.access_key, &self.sas) {
            (Some(key), _) => builder = builder.with_access_key(key.expose()),
            (None, Some(sas)) => {
                let pairs: Vec<(String, String)> = sas
                    .expose()
                    .trim_start_matches('?')
                    .split('&')
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect();
                builder = builder.with_sas_authorization(pairs);
            }
            (None, None) if self.from_env => {}
            (None, None) => {
                return Err(missing(
                    NAME,
                    "a credential: the builder's access_key(..) or sas_token(..), or \
                     from_env(); the URL or registry options access_key or sas_token, or \
                     from_env=true",
                ));
            }
        }
        if let Some(endpoint) = &self.endpoint {
            builder = builder.with_endpoint(endpoint.clone());
        }
        let prefix: Option<StorePath> = self
            .prefix
            .as_deref()
            .map(|p| prefix(NAME, p))
            .transpose()?;
        let store = builder.build().map_err(|e| build_error(NAME, e))?;
        Ok(backend(
            Arc::new(store),
            NAME,
            &container,
            prefix.as_ref(),
            &self.transport,
        )
        .with_deletes_reporting_missing())
    }
}

impl Configure for AzureBuilder {
    type Key = AzureConfigKey;

    /// `az://container/root`; `abfs[s]://container@account.dfs.core.windows.net/root`;
    /// `https://account.blob.core.windows.net/container/root`.
    fn apply_url(mut self, url: &url::Url) -> Result<Self> {
        let host = url.host_str().unwrap_or_default();
        let mut segments = crate::config::path_segments(url);
        let account = host.split('.').next().unwrap_or_default().to_owned();
        let container = match url.scheme() {
            "abfs" | "abfss" if url.password().is_none() => {
                self.account = Some(account);
                url.username().to_owned()
            }
            "https" | "http" => {
                crate::config::no_credentials(url)?;
                if segments.is_empty() {
                    return Err(Error::invalid_argument("an Azure https URL names its container: https://<account>.blob.core.windows.net/<container>/root"));
                }
                self.account = Some(account);
                segments.remove(0)
            }
            _ => {
                crate::config::no_credentials(url)?;
                host.to_owned()
            }
        };
        if container.is_empty() {
            return Err(Error::invalid_argument(
                "an Azure URL names its container: az://container/root",
            ));
        }
        self.container = Some(container);
        if !segments.is_empty() {
            self.prefix = Some(segments.join("/"));
        }
        Ok(self)
    }

    crate::config::configure_with_builder!(Async);
}

cloud_keys! {
    /// The configuration keys of [`AzureBuilder`]: its [table](AzureBuilder#configuration-keys)
    /// gives each key's meaning and default.
    pub enum AzureConfigKey for "azure" {
        Account = "account",
        Container = "container",
        Prefix = "prefix",
        /// A credential, kept as a [`Secret`](crate::Secret).
        AccessKey = "access_key",
        /// A credential, kept as a [`Secret`](crate::Secret).
        SasToken = "sas_token",
        Endpoint = "endpoint",
        FromEnv = "from_env",
    }
}

impl fmt::Debug for AzureBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureBuilder")
            .field("account", &self.account)
            .field("access_key", &self.access_key)
            .field("sas", &self.sas)
            .field("container", &self.container)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .field("from_env", &self.from_env)
            .finish_non_exhaustive()
    }
}
