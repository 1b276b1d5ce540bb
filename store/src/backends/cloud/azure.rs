//! `AzureBuilder`: Azure Blob Storage.

use std::fmt;
use std::sync::Arc;

use object_store::azure::MicrosoftAzureBuilder;

use super::{backend, build_error, install_crypto_provider, missing, prefix, Transport};
use crate::error::Result;
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
#[derive(Default, Clone)]
pub struct AzureBuilder {
    account: Option<String>,
    access_key: Option<Secret>,
    sas: Option<Secret>,
    container: Option<String>,
    prefix: Option<String>,
    endpoint: Option<String>,
    check_ancestors: bool,
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

    /// The backend; no I/O. `InvalidArgument` for a missing account, container or credential,
    /// or a malformed setting.
    pub fn build(self) -> Result<ObjectStoreBackend> {
        if let Some(endpoint) = &self.endpoint {
            self.transport.check_endpoint(endpoint, "Azure")?;
        }
        install_crypto_provider();
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
            self.check_ancestors,
            &self.transport,
        )
        .with_deletes_reporting_missing())
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
