//! `WebDavBuilder`: where the server is, the login, and the transport.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::requests::Http;
use super::{WebDavBackend, NAME};
use crate::config::{ConfigKey, Configure};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// Builds a [`WebDavBackend`]. Nothing connects until the first call.
///
/// ```
/// use store::WebDavBackend;
/// let backend = WebDavBackend::builder()
///     .url("http://127.0.0.1:8080/backup")
///     .allow_http(true)
///     .build()?;
/// assert_eq!(store::AsyncBackend::name(&backend), "webdav");
/// # Ok::<(), store::Error>(())
/// ```
///
/// # Configuration keys
///
/// Every setting is also a [`WebDavConfigKey`], for [`with_config`](Self::with_config), a URL
/// option of [`Store::from_url`](crate::Store::from_url) and a registry setting;
/// [`with_url`](Self::with_url) takes `webdav://[user[:password]@]host[:port]/path` (plain
/// HTTP), `webdavs://…` (HTTPS), and `http(s)://…` as they are.
///
/// | key | meaning | default |
/// |---|---|---|
/// | `url` | the collection that is the store's root, `http(s)://host[:port]/path` ([`url`](Self::url)) | required |
/// | `user` | the login name, for HTTP Basic authentication ([`user`](Self::user)) | none |
/// | `password` | its password, a [`Secret`] ([`password`](Self::password)) | none |
/// | `allow_http` | plain `http://` servers ([`allow_http`](Self::allow_http)) | `false` |
/// | `timeout_secs` | each request's timeout ([`timeouts`](Self::timeouts)) | 30 |
/// | `connect_timeout_secs` | connecting's timeout ([`timeouts`](Self::timeouts)) | 5 |
/// | `read_only` | a plain HTTP source instead: GET and HEAD only, an [`HttpBackend`](crate::HttpBackend) ([`read_only`](Self::read_only)) | `false` |
#[derive(Clone)]
pub struct WebDavBuilder {
    url: Option<String>,
    user: Option<String>,
    password: Option<Secret>,
    allow_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
    read_only: bool,
}

impl Default for WebDavBuilder {
    fn default() -> Self {
        WebDavBuilder {
            url: None,
            user: None,
            password: None,
            allow_http: false,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            read_only: false,
        }
    }
}

impl WebDavBuilder {
    /// The collection that is the store's root, `http(s)://host[:port]/path` (required).
    #[must_use]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// The login name, sent with HTTP Basic authentication.
    #[must_use]
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// The login's password, never shown by `Debug`.
    #[must_use]
    pub fn password(mut self, password: impl Into<Secret>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Plain `http://` servers, for a test server on loopback; a password then travels in
    /// the clear.
    #[must_use]
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// The timeout of each request, and of connecting (defaults: 30 s and 5 s).
    #[must_use]
    pub fn timeouts(mut self, request: Duration, connect: Duration) -> Self {
        self.timeout = request;
        self.connect_timeout = connect;
        self
    }

    /// A plain HTTP source rather than a WebDAV server: what a URL or a registry entry opens
    /// is then an [`HttpBackend`](crate::HttpBackend) (reads and stats over GET and HEAD), as
    /// [`build_http_source`](Self::build_http_source) builds.
    #[must_use]
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// Takes one setting by its key (see the [table](WebDavBuilder#configuration-keys)); a
    /// malformed flag or number is `InvalidArgument` naming the key, never the value.
    pub fn with_config(mut self, key: WebDavConfigKey, value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        match key {
            WebDavConfigKey::Url => self.url = Some(value),
            WebDavConfigKey::User => self.user = Some(value),
            WebDavConfigKey::Password => self.password = Some(Secret::new(value)),
            WebDavConfigKey::AllowHttp => self.allow_http = key.flag(&value)?,
            WebDavConfigKey::TimeoutSecs => self.timeout = key.seconds(&value)?,
            WebDavConfigKey::ConnectTimeoutSecs => self.connect_timeout = key.seconds(&value)?,
            WebDavConfigKey::ReadOnly => self.read_only = key.flag(&value)?,
        }
        Ok(self)
    }

    /// Takes the server, path and login of a WebDAV URL; see the
    /// [table](WebDavBuilder#configuration-keys) for the forms.
    pub fn with_url(self, url: &str) -> Result<Self> {
        self.apply_url(&crate::config::parse_for(url, NAME)?)
    }

    /// The backend; no I/O. `InvalidArgument` for a missing or malformed URL, or a plain
    /// `http://` one without `allow_http`.
    pub fn build(self) -> Result<WebDavBackend> {
        Ok(WebDavBackend {
            http: Arc::new(self.http()?),
        })
    }

    /// A read-only [`HttpBackend`](crate::HttpBackend) at the URL: reads and stats over GET
    /// and HEAD. The same checks as [`build`](Self::build).
    pub fn build_http_source(self) -> Result<crate::HttpBackend> {
        Ok(crate::HttpBackend {
            http: Arc::new(self.http()?),
        })
    }

    fn http(self) -> Result<Http> {
        let url = self.url.as_deref().ok_or_else(|| {
            Error::invalid_argument(
                "webdav: the URL is required (url(..); in a URL, webdav://host/path)",
            )
            .with_backend(NAME)
        })?;
        let mut base = url::Url::parse(url).map_err(|e| {
            Error::invalid_argument(format!("webdav: the URL is not valid: {e}")).with_backend(NAME)
        })?;
        match base.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => {
                return Err(Error::invalid_argument(
                    "webdav: the URL is plain http:// but allow_http is off: set \
                     `allow_http(true)` on the builder (the URL or registry option \
                     `allow_http=true`) for a local or test server, or use https://",
                )
                .with_backend(NAME))
            }
            other => {
                return Err(Error::invalid_argument(format!(
                    "webdav: the URL's scheme is `{other}`, not http or https"
                ))
                .with_backend(NAME))
            }
        }
        if !base.username().is_empty() || base.password().is_some() {
            return Err(Error::invalid_argument(
                "webdav: the login goes in user(..) and password(..), not in url(..)",
            )
            .with_backend(NAME));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(
                Error::invalid_argument("webdav: the URL takes no query or fragment")
                    .with_backend(NAME),
            );
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        crate::backends::cloud::install_crypto_provider();
        Http::new(
            base,
            self.user,
            self.password,
            self.timeout,
            self.connect_timeout,
            self.allow_http,
        )
    }
}

impl Configure for WebDavBuilder {
    type Key = WebDavConfigKey;

    /// `webdav://[user[:password]@]host[:port]/path` is `http://host[:port]/path` with that
    /// login; `webdavs://` the same over HTTPS; `http(s)://` as it is.
    fn apply_url(mut self, url: &url::Url) -> Result<Self> {
        let scheme = match url.scheme() {
            "webdav" | "http" => "http",
            _ => "https",
        };
        if url.scheme() == "webdav" {
            self.allow_http = true;
        }
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| {
            Error::invalid_argument("a WebDAV URL names its server: webdav://host/path")
        })?;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        if !url.username().is_empty() {
            self.user = Some(decode(url.username()));
        }
        if let Some(password) = url.password().filter(|p| !p.is_empty()) {
            self.password = Some(Secret::new(decode(password)));
        }
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        self.url = Some(format!("{scheme}://{host}{port}{}", url.path()));
        Ok(self)
    }

    fn apply(self, key: Self::Key, value: String) -> Result<Self> {
        self.with_config(key, value)
    }

    fn open(self) -> Result<crate::config::Opened> {
        use crate::config::Opened;
        Ok(match self.read_only {
            true => Opened::Async(Arc::new(self.build_http_source()?)),
            false => Opened::Async(Arc::new(self.build()?)),
        })
    }
}

crate::config::config_keys! {
    /// The configuration keys of [`WebDavBuilder`]: its [table](WebDavBuilder#configuration-keys)
    /// gives each key's meaning and default.
    pub enum WebDavConfigKey for "webdav" {
        Url = "url",
        User = "user",
        /// A credential, kept as a [`Secret`](crate::Secret).
        Password = "password",
        AllowHttp = "allow_http",
        TimeoutSecs = "timeout_secs",
        ConnectTimeoutSecs = "connect_timeout_secs",
        ReadOnly = "read_only",
    }
}

impl fmt::Debug for WebDavBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebDavBuilder")
            .field("url", &self.url)
            .field("user", &self.user)
            .field("password", &self.password)
            .field("allow_http", &self.allow_http)
            .finish_non_exhaustive()
    }
}
