//! `SftpBuilder`: where the server is, who logs in, and how its host key is checked.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use russh::keys::PublicKey;

use super::session::{HostKeys, Login, Pool, Settings};
use super::{SftpBackend, NAME};
use crate::config::{ConfigKey, Configure};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// Builds an [`SftpBackend`]. Nothing connects until the first call.
///
/// The server's host key is always checked: against a `known_hosts` file
/// ([`known_hosts`](Self::known_hosts), by default `~/.ssh/known_hosts`) or against keys given
/// here ([`host_key`](Self::host_key)). Accepting any key takes
/// [`insecure_accept_any_host_key`](Self::insecure_accept_any_host_key), by that name.
///
/// ```
/// use store::SftpBackend;
/// let backend = SftpBackend::builder()
///     .host("127.0.0.1")
///     .port(2222)
///     .user("backup")
///     .password("not-printed")
///     .host_key("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN9G/G7hxy6lpuXrnnNr9AQIfAbR6Evg195CrYCVYli4")
///     .base_path("/srv/backup")
///     .build()?;
/// assert!(!format!("{backend:?}").contains("not-printed"));
/// # Ok::<(), store::Error>(())
/// ```
///
/// # Configuration keys
///
/// Every setting is also an [`SftpConfigKey`], for [`with_config`](Self::with_config), a URL
/// option of [`Store::from_url`](crate::Store::from_url) and a registry setting;
/// [`with_url`](Self::with_url) takes `sftp://user[:password]@host[:port]/base/path`.
///
/// | key | meaning | default |
/// |---|---|---|
/// | `host` | the server's host name or address ([`host`](Self::host)) | required |
/// | `port` | the server's port ([`port`](Self::port)) | 22 |
/// | `user` | the login name ([`user`](Self::user)) | required |
/// | `base_path` | the folder that is the store's root ([`base_path`](Self::base_path)) | `/` |
/// | `password` | a password, a [`Secret`] ([`password`](Self::password)) | none |
/// | `private_key` | a private key's text, a [`Secret`] ([`private_key`](Self::private_key)) | none |
/// | `private_key_file` | a private key file ([`private_key_file`](Self::private_key_file)) | none |
/// | `passphrase` | the key's passphrase, a [`Secret`] ([`passphrase`](Self::passphrase)) | none |
/// | `known_hosts` | a `known_hosts` file ([`known_hosts`](Self::known_hosts)) | `~/.ssh/known_hosts` |
/// | `host_key` | a pinned host key ([`host_key`](Self::host_key)) | none |
/// | `insecure_accept_any_host_key` | accept any host key ([`insecure_accept_any_host_key`](Self::insecure_accept_any_host_key)) | `false` |
/// | `create_base_path` | make a missing base folder ([`create_base_path`](Self::create_base_path)) | `false` |
/// | `connections` | SSH connections at most ([`connections`](Self::connections)) | 4 |
/// | `timeout_secs` | connecting's and each request's timeout ([`timeout`](Self::timeout)) | 10 |
#[derive(Clone, Default)]
pub struct SftpBuilder {
    host: Option<String>,
    port: Option<u16>,
    user: Option<String>,
    base_path: Option<String>,
    key_file: Option<PathBuf>,
    key: Option<Secret>,
    passphrase: Option<Secret>,
    password: Option<Secret>,
    known_hosts: Option<PathBuf>,
    host_keys: Vec<String>,
    accept_any: bool,
    connections: Option<usize>,
    timeout: Option<Duration>,
    create_base: bool,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::invalid_argument(message.into()).with_backend(NAME)
}

impl SftpBuilder {
    /// The server's host name or address.
    #[must_use]
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// The server's port; 22 by default.
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// The login name.
    #[must_use]
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// The folder on the server that is the store's root: absolute, or relative to the
    /// login's home folder. `/` by default.
    #[must_use]
    pub fn base_path(mut self, path: impl Into<String>) -> Self {
        self.base_path = Some(path.into());
        self
    }

    /// Logs in with the private key in this file (OpenSSH or PuTTY format; ed25519, RSA or
    /// ECDSA), read when the backend is built.
    #[must_use]
    pub fn private_key_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.key_file = Some(path.into());
        self
    }

    /// Logs in with this private key, given as the text of a key file.
    #[must_use]
    pub fn private_key(mut self, key: impl Into<Secret>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The passphrase of an encrypted private key.
    #[must_use]
    pub fn passphrase(mut self, passphrase: impl Into<Secret>) -> Self {
        self.passphrase = Some(passphrase.into());
        self
    }

    /// Logs in with a password.
    #[must_use]
    pub fn password(mut self, password: impl Into<Secret>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Checks the host key against this OpenSSH `known_hosts` file (entries for
    /// `[host]:port`, hashed or not).
    #[must_use]
    pub fn known_hosts(mut self, path: impl Into<PathBuf>) -> Self {
        self.known_hosts = Some(path.into());
        self
    }

    /// Accepts the server only with this host key, as an `authorized_keys`-style line
    /// (`ssh-ed25519 AAAA…`, comment optional) or the bare base64; may be given more than once.
    #[must_use]
    pub fn host_key(mut self, key: impl Into<String>) -> Self {
        self.host_keys.push(key.into());
        self
    }

    /// Accepts any host key, so anyone between this process and the server can read and change
    /// everything. For throwaway test servers only.
    #[must_use]
    pub fn insecure_accept_any_host_key(mut self) -> Self {
        self.accept_any = true;
        self
    }

    /// At most this many SSH connections run calls in parallel (each pipelines its own
    /// requests); 4 by default. They are opened only as concurrent calls need them.
    #[must_use]
    pub fn connections(mut self, n: usize) -> Self {
        self.connections = Some(n);
        self
    }

    /// How long connecting, and each request, may take before the call is
    /// `BackendUnavailable`; 10 s by default.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Makes the base folder (and its missing ancestors) when a connection finds it missing.
    /// Off by default: a missing base folder is then `NotFound` on every call, naming it, as
    /// a missing bucket is, so a typo in [`base_path`](Self::base_path) is reported instead of
    /// written to.
    #[must_use]
    pub fn create_base_path(mut self, create: bool) -> Self {
        self.create_base = create;
        self
    }

    /// Takes one setting by its key (see the [table](SftpBuilder#configuration-keys)); a
    /// malformed flag or number is `InvalidArgument` naming the key, never the value. A
    /// password given twice (in a URL and as an option) is refused.
    pub fn with_config(mut self, key: SftpConfigKey, value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        match key {
            SftpConfigKey::Host => self.host = Some(value),
            SftpConfigKey::Port => {
                self.port = Some(
                    value
                        .parse()
                        .map_err(|_| key.malformed("takes a port number"))?,
                )
            }
            SftpConfigKey::User => self.user = Some(value),
            SftpConfigKey::BasePath => self.base_path = Some(value),
            SftpConfigKey::Password if self.password.is_some() => {
                return Err(invalid(
                    "the sftp password is given twice: in the URL or as an option, not both",
                ))
            }
            SftpConfigKey::Password => self.password = Some(Secret::new(value)),
            SftpConfigKey::PrivateKey => self.key = Some(Secret::new(value)),
            SftpConfigKey::PrivateKeyFile => self.key_file = Some(value.into()),
            SftpConfigKey::Passphrase => self.passphrase = Some(Secret::new(value)),
            SftpConfigKey::KnownHosts => self.known_hosts = Some(value.into()),
            SftpConfigKey::HostKey => self.host_keys.push(value),
            SftpConfigKey::InsecureAcceptAnyHostKey => self.accept_any = key.flag(&value)?,
            SftpConfigKey::CreateBasePath => self.create_base = key.flag(&value)?,
            SftpConfigKey::Connections => self.connections = Some(key.count(&value)?),
            SftpConfigKey::TimeoutSecs => self.timeout = Some(key.seconds(&value)?),
        }
        Ok(self)
    }

    /// Takes the user, password, host, port and base folder of
    /// `sftp://user[:password]@host[:port]/base/path`; the password moves into a [`Secret`]
    /// at once (the URL itself is never kept or shown).
    pub fn with_url(self, url: &str) -> Result<Self> {
        self.apply_url(&crate::config::parse_for(url, NAME)?)
    }

    /// Checks the settings and decodes the key. No network I/O.
    pub fn build(self) -> Result<SftpBackend> {
        let host = self
            .host
            .filter(|h| !h.is_empty())
            .ok_or_else(|| invalid("an SFTP backend needs a host"))?;
        let user = self
            .user
            .filter(|u| !u.is_empty())
            .ok_or_else(|| invalid("an SFTP backend needs a user"))?;
        let passphrase = self.passphrase.as_ref().map(Secret::expose);
        let key_text =
            match (self.key, self.key_file) {
                (Some(_), Some(_)) => {
                    return Err(invalid("give a private key or a key file, not both"))
                }
                (Some(key), None) => Some(key),
                (None, Some(path)) => Some(Secret::new(std::fs::read_to_string(&path).map_err(
                    |e| invalid("the private key file could not be read").with_source(e),
                )?)),
                (None, None) => None,
            };
        let login = match (key_text, self.password) {
            (Some(_), Some(_)) => {
                return Err(invalid("give a private key or a password, not both"))
            }
            (Some(text), None) => {
                let key = russh::keys::decode_secret_key(text.expose(), passphrase).map_err(|_| {
                    invalid("the private key could not be decoded (a wrong or missing passphrase, or not a key)")
                })?;
                Login::Key(Arc::new(key))
            }
            (None, Some(password)) => Login::Password(password),
            (None, None) => {
                return Err(invalid(
                    "an SFTP backend needs a private key or a password: the builder's \
                     private_key_file(..), private_key(..) or password(..); the URL or \
                     registry options private_key_file, private_key or password",
                ))
            }
        };
        let host_keys = match (self.accept_any, self.host_keys.is_empty(), self.known_hosts) {
            (true, true, None) => HostKeys::AcceptAny,
            (true, _, _) => {
                return Err(invalid(
                    "insecure_accept_any_host_key contradicts a pinned key or a known_hosts file",
                ))
            }
            (false, false, _) => HostKeys::Pinned(
                self.host_keys
                    .iter()
                    .map(|line| parse_host_key(line))
                    .collect::<Result<Vec<PublicKey>>>()?,
            ),
            (false, true, Some(path)) => HostKeys::KnownHosts(path),
            (false, true, None) => {
                let home = std::env::home_dir().ok_or_else(|| {
                    invalid("no home folder for ~/.ssh/known_hosts: give known_hosts or host_key")
                })?;
                HostKeys::KnownHosts(home.join(".ssh").join("known_hosts"))
            }
        };
        let base = normalise_base(self.base_path.as_deref().unwrap_or("/"))?;
        let connections = self.connections.unwrap_or(4);
        if connections == 0 {
            return Err(invalid("an SFTP backend needs at least one connection"));
        }
        let settings = Settings {
            host,
            port: self.port.unwrap_or(22),
            user,
            login,
            host_keys,
            base,
            max_connections: connections,
            timeout: self.timeout.unwrap_or(Duration::from_secs(10)),
            create_base: self.create_base,
        };
        Ok(SftpBackend::from_pool(Pool::new(settings)))
    }
}

impl Configure for SftpBuilder {
    type Key = SftpConfigKey;

    fn apply_url(mut self, url: &url::Url) -> Result<Self> {
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| {
            Error::invalid_argument("an sftp URL names its host: sftp://user@host/base/path")
        })?;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let user = decode(url.username());
        if user.is_empty() {
            return Err(Error::invalid_argument(
                "an sftp URL names its user: sftp://user@host/base/path",
            ));
        }
        self.host = Some(
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
        );
        self.user = Some(user);
        self.base_path = Some(format!("/{}", crate::config::path_segments(url).join("/")));
        if let Some(port) = url.port() {
            self.port = Some(port);
        }
        if let Some(password) = url.password().filter(|p| !p.is_empty()) {
            self.password = Some(Secret::new(decode(password)));
        }
        Ok(self)
    }

    crate::config::configure_with_builder!(Async);
}

crate::config::config_keys! {
    /// The configuration keys of [`SftpBuilder`]: its [table](SftpBuilder#configuration-keys)
    /// gives each key's meaning and default.
    pub enum SftpConfigKey for "sftp" {
        Host = "host",
        Port = "port",
        User = "user",
        BasePath = "base_path",
        /// A credential, kept as a [`Secret`](crate::Secret).
        Password = "password",
        /// A credential, kept as a [`Secret`](crate::Secret).
        PrivateKey = "private_key",
        PrivateKeyFile = "private_key_file",
        /// A credential, kept as a [`Secret`](crate::Secret).
        Passphrase = "passphrase",
        KnownHosts = "known_hosts",
        HostKey = "host_key",
        InsecureAcceptAnyHostKey = "insecure_accept_any_host_key",
        CreateBasePath = "create_base_path",
        Connections = "connections",
        TimeoutSecs = "timeout_secs",
    }
}

/// A host key from an `authorized_keys`-style line or bare base64.
fn parse_host_key(line: &str) -> Result<PublicKey> {
    let mut words = line.split_whitespace();
    let first = words.next().unwrap_or("");
    let base64 =
        if first.starts_with("ssh-") || first.starts_with("ecdsa-") || first.starts_with("rsa-") {
            words.next().unwrap_or("")
        } else {
            first
        };
    russh::keys::parse_public_key_base64(base64)
        .map_err(|_| invalid("a host key could not be parsed"))
}

/// The base folder without a trailing slash (`/` stays `/`); `.` and `..` segments are refused,
/// since the server would resolve them and confinement compares resolved paths.
fn normalise_base(path: &str) -> Result<String> {
    if path.split('/').any(|s| s == "." || s == "..") {
        return Err(invalid("the base path may not hold `.` or `..` segments"));
    }
    if path.contains('\0') {
        return Err(invalid("the base path may not hold NUL"));
    }
    let trimmed = path.trim_end_matches('/');
    Ok(if trimmed.is_empty() && path.starts_with('/') {
        "/".to_owned()
    } else if trimmed.is_empty() {
        ".".to_owned()
    } else {
        trimmed.to_owned()
    })
}

impl std::fmt::Debug for SftpBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SftpBuilder")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("base_path", &self.base_path)
            .field("private_key", &self.key.as_ref().map(|_| "<redacted>"))
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("host_keys", &self.host_keys.len())
            .field("insecure_accept_any_host_key", &self.accept_any)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN9G/G7hxy6lpuXrnnNr9AQIfAbR6Evg195CrYCVYli4";

    fn base() -> SftpBuilder {
        SftpBackend::builder()
            .host("h")
            .user("u")
            .password("pw-secret")
            .host_key(KEY)
    }

    #[test]
    fn the_base_is_normalised() {
        assert_eq!(normalise_base("/a/b/").unwrap(), "/a/b");
        assert_eq!(normalise_base("/").unwrap(), "/");
        assert_eq!(normalise_base("rel").unwrap(), "rel");
        assert!(normalise_base("/a/../b").is_err());
    }

    #[test]
    fn missing_or_contradictory_settings_are_invalid_arguments() {
        let cases = [
            SftpBackend::builder().user("u").password("p").host_key(KEY),
            SftpBackend::builder().host("h").password("p").host_key(KEY),
            SftpBackend::builder().host("h").user("u").host_key(KEY),
            base().insecure_accept_any_host_key(),
            base().private_key("not a key"),
            base().connections(0),
            SftpBackend::builder()
                .host("h")
                .user("u")
                .password("p")
                .host_key("ssh-ed25519 ???"),
        ];
        for builder in cases {
            let err = builder.build().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
            assert!(!err.to_string().contains("pw-secret"));
        }
    }

    #[test]
    fn no_secret_in_debug() {
        let builder = base()
            .private_key("-----BEGIN key-secret")
            .passphrase("phrase-secret");
        let text = format!("{builder:?}");
        for secret in ["pw-secret", "key-secret", "phrase-secret"] {
            assert!(!text.contains(secret), "{text}");
        }
        let backend = base().build().unwrap();
        assert!(!format!("{backend:?}").contains("pw-secret"));
    }
}
