//! SSH connections: the host-key check, the login, the SFTP channel, and the pool that keeps a
//! few of them, connecting lazily and replacing one that died.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use russh::client::{self, Handle};
use russh::keys::{HashAlg, PrivateKey, PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate};
use russh_sftp::client::RawSftpSession;
use russh_sftp::protocol::{FileAttributes, StatusCode};

use super::errors::{self, unavailable};
use super::NAME;
use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

/// How the server's host key is checked (safe by default: never "accept anything" unless
/// asked for by name).
#[derive(Clone)]
pub(super) enum HostKeys {
    /// The entries for `[host]:port` in an OpenSSH `known_hosts` file, hashed names included.
    KnownHosts(PathBuf),
    /// Exactly these keys.
    Pinned(Vec<PublicKey>),
    /// Any key: [`SftpBuilder::insecure_accept_any_host_key`](super::SftpBuilder).
    AcceptAny,
}

/// How the client logs in.
#[derive(Clone)]
pub(super) enum Login {
    /// A private key, already decoded (ed25519, RSA, ECDSA).
    Key(Arc<PrivateKey>),
    /// A password.
    Password(Secret),
}

/// Everything a connection needs; fixed when the backend is built.
pub(super) struct Settings {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub login: Login,
    pub host_keys: HostKeys,
    pub base: String,
    pub max_connections: usize,
    pub timeout: Duration,
    /// Whether a connection makes a missing base folder instead of refusing it.
    pub create_base: bool,
}

/// What the server's version packet announced, and the sizes its limits allow.
#[derive(Debug, Clone, Copy)]
pub(super) struct Extensions {
    pub posix_rename: bool,
    pub hardlink: bool,
    pub copy_data: bool,
    /// Bytes per READ request.
    pub read_len: u32,
    /// Bytes per WRITE request.
    pub write_len: u32,
}

/// Requests in flight per transfer: 16 × 255 KiB bounds a stream's buffer at about 4 MiB.
pub(super) const IN_FLIGHT: usize = 16;
/// OpenSSH's own cap on READ and WRITE payloads (its `limits@openssh.com` answer).
const MAX_CHUNK: u32 = 255 * 1024;

/// One SSH connection with its SFTP channel.
pub(super) struct Conn {
    ssh: Handle<Verifier>,
    pub sftp: RawSftpSession,
    pub ext: Extensions,
    /// The base folder as the server resolves it, symlinks and all: what confinement compares
    /// against.
    pub base_real: String,
    /// Set by the first call that saw the transport fail; the pool drops the connection.
    dead: AtomicBool,
    busy: AtomicUsize,
}

impl Conn {
    /// Whether `real` (a path the server resolved) lies in the base folder.
    pub fn inside(&self, real: &str) -> bool {
        within(&self.base_real, real)
    }

    /// Whether the transport is gone.
    fn is_dead(&self) -> bool {
        self.dead.load(Ordering::Relaxed) || self.ssh.is_closed()
    }

    /// Maps a failed request: a status by its code, anything else as a dead connection
    /// (`BackendUnavailable`, retryable), which also retires this connection.
    pub fn fail(&self, err: russh_sftp::client::error::Error, key: &str) -> Error {
        let mapped = errors::from_sftp(err, key);
        if mapped.kind() == ErrorKind::BackendUnavailable {
            self.dead.store(true, Ordering::Relaxed);
        }
        mapped
    }
}

/// Whether the path `real` is `base` or below it, comparing whole segments.
fn within(base: &str, real: &str) -> bool {
    base == "/"
        || real == base
        || real
            .strip_prefix(base)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// A connection taken from the pool for one call; counts as busy until dropped.
pub(super) struct Lease(Arc<Conn>);

impl std::ops::Deref for Lease {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl Clone for Lease {
    fn clone(&self) -> Self {
        self.0.busy.fetch_add(1, Ordering::Relaxed);
        Lease(self.0.clone())
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Up to `max_connections` connections, opened on demand: a call takes the least busy one,
/// and opens another only when every open one is busy.
pub(super) struct Pool {
    pub settings: Arc<Settings>,
    conns: Mutex<Vec<Arc<Conn>>>,
    /// Serialises connecting, so that a burst of first calls opens one connection, not many.
    connecting: tokio::sync::Mutex<()>,
}

impl Pool {
    pub fn new(settings: Settings) -> Self {
        Pool {
            settings: Arc::new(settings),
            conns: Mutex::new(Vec::new()),
            connecting: tokio::sync::Mutex::new(()),
        }
    }

    /// The least busy live connection, unless every one is busy and there is room for another.
    fn pick(&self, may_grow: bool) -> Option<Lease> {
        let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
        conns.retain(|c| !c.is_dead());
        let best = conns
            .iter()
            .min_by_key(|c| c.busy.load(Ordering::Relaxed))?;
        let idle = best.busy.load(Ordering::Relaxed) == 0;
        if may_grow && !idle && conns.len() < self.settings.max_connections {
            return None;
        }
        best.busy.fetch_add(1, Ordering::Relaxed);
        Some(Lease(best.clone()))
    }

    /// A connection for one call, connecting first if needed.
    pub async fn lease(&self) -> Result<Lease> {
        if let Some(lease) = self.pick(true) {
            return Ok(lease);
        }
        let _turn = self.connecting.lock().await;
        // Another call may have connected while this one waited.
        if let Some(lease) = self.pick(true) {
            return Ok(lease);
        }
        match connect(&self.settings).await {
            Ok(conn) => {
                let conn = Arc::new(conn);
                conn.busy.fetch_add(1, Ordering::Relaxed);
                let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
                conns.push(conn.clone());
                Ok(Lease(conn))
            }
            // A refused extra connection (a server's MaxSessions, say) is not fatal while
            // another one lives. No request of the operation went out (C-4.2).
            Err(e) => self.pick(false).ok_or(e.with_not_applied(true)),
        }
    }

    /// Drops every connection; the next call connects again.
    pub fn clear(&self) {
        let conns = std::mem::take(&mut *self.conns.lock().unwrap_or_else(PoisonError::into_inner));
        for conn in conns {
            conn.dead.store(true, Ordering::Relaxed);
            let _ = conn.sftp.close_session();
        }
    }
}

/// The russh handler: checks the host key, and remembers why it refused one.
pub(super) struct Verifier {
    settings: Arc<Settings>,
    refusal: Arc<Mutex<Option<Error>>>,
}

fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

impl Verifier {
    fn verdict(&self, key: &PublicKey) -> std::result::Result<(), Error> {
        let s = &self.settings;
        let refuse = |why: String| Err(Error::new(ErrorKind::PermissionDenied, why));
        match &s.host_keys {
            HostKeys::AcceptAny => Ok(()),
            HostKeys::Pinned(keys) => {
                if keys.iter().any(|k| k.key_data() == key.key_data()) {
                    Ok(())
                } else {
                    refuse(format!(
                        "the host key of {}:{} ({}) is not the pinned key",
                        s.host,
                        s.port,
                        fingerprint(key)
                    ))
                }
            }
            HostKeys::KnownHosts(path) => {
                match russh::keys::check_known_hosts_path(&s.host, s.port, key, path) {
                    Ok(true) => Ok(()),
                    Ok(false) => refuse(format!(
                        "the host key of {}:{} ({}) is not in the known_hosts file {}: add the \
                         host there (`ssh-keyscan -p {} {}`), point `known_hosts` at another \
                         file, pin the key with `host_key`, or, on a trusted network only, set \
                         `insecure_accept_any_host_key` (builder methods and URL options alike)",
                        s.host,
                        s.port,
                        fingerprint(key),
                        shown(path),
                        s.port,
                        s.host,
                    )),
                    Err(russh::keys::Error::KeyChanged { line }) => refuse(format!(
                        "the host key of {}:{} ({}) differs from the one the known_hosts \
                         file records on line {line}: it changed, or someone is in between",
                        s.host,
                        s.port,
                        fingerprint(key)
                    )),
                    Err(_) => refuse(format!(
                        "the known_hosts file could not be read to check the host key of \
                         {}:{} ({})",
                        s.host,
                        s.port,
                        fingerprint(key)
                    )),
                }
            }
        }
    }
}

impl client::Handler for Verifier {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        server_key: &PublicKeyOrCertificate,
    ) -> std::result::Result<bool, Self::Error> {
        let verdict = match server_key {
            PublicKeyOrCertificate::PublicKey { key, .. } => self.verdict(key),
            PublicKeyOrCertificate::Certificate(_) => Err(Error::new(
                ErrorKind::PermissionDenied,
                "the server presented a host certificate; only plain host keys are checked",
            )),
        };
        match verdict {
            Ok(()) => Ok(true),
            Err(refusal) => {
                *self.refusal.lock().unwrap_or_else(PoisonError::into_inner) = Some(refusal);
                Ok(false)
            }
        }
    }
}

/// Connects, verifies the host key, logs in and opens the SFTP channel.
async fn connect(settings: &Arc<Settings>) -> Result<Conn> {
    let s = settings;
    let at = || format!("{}:{}", s.host, s.port);
    let config = Arc::new(client::Config {
        nodelay: true,
        // A larger window lets a streamed transfer keep many requests in flight.
        window_size: 16 * 1024 * 1024,
        // Fewer, larger channel packets from the server for streamed reads.
        maximum_packet_size: 256 * 1024,
        inactivity_timeout: None,
        ..client::Config::default()
    });
    let refusal = Arc::new(Mutex::new(None));
    let verifier = Verifier {
        settings: settings.clone(),
        refusal: refusal.clone(),
    };
    let connecting = client::connect(config, (s.host.as_str(), s.port), verifier);
    let mut ssh = match tokio::time::timeout(s.timeout, connecting).await {
        Ok(Ok(ssh)) => ssh,
        Ok(Err(e)) => {
            if let Some(refusal) = refusal
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
            {
                return Err(refusal.with_backend(NAME));
            }
            return Err(
                unavailable(format!("cannot reach the SFTP server at {}", at())).with_source(e),
            );
        }
        Err(_) => {
            return Err(unavailable(format!(
                "the SFTP server at {} did not answer within {:?}",
                at(),
                s.timeout
            )))
        }
    };

    let auth = match &s.login {
        Login::Key(key) => {
            let hash = if key.algorithm().is_rsa() {
                ssh.best_supported_rsa_hash().await.ok().flatten().flatten()
            } else {
                None
            };
            ssh.authenticate_publickey(&s.user, PrivateKeyWithHashAlg::new(key.clone(), hash))
                .await
        }
        Login::Password(password) => ssh.authenticate_password(&s.user, password.expose()).await,
    };
    let refused = || {
        Error::new(
            ErrorKind::PermissionDenied,
            format!(
                "the SFTP server at {} refused the login of user {:?}",
                at(),
                s.user
            ),
        )
        .with_backend(NAME)
    };
    match auth {
        Ok(result) if result.success() => {}
        Ok(_) => return Err(refused()),
        Err(e) => return Err(unavailable(format!("the login at {} failed", at())).with_source(e)),
    }

    let channel = ssh
        .channel_open_session()
        .await
        .map_err(|e| unavailable(format!("no session channel at {}", at())).with_source(e))?;
    channel
        .request_subsystem(true, "sftp")
        .await
        .map_err(|e| unavailable(format!("no SFTP subsystem at {}", at())).with_source(e))?;
    let config = russh_sftp::client::Config {
        // Room for a full 255 KiB READ answer and its header.
        max_packet_len: 512 * 1024,
        request_timeout_secs: s.timeout.as_secs().max(1),
        ..russh_sftp::client::Config::default()
    };
    let sftp = RawSftpSession::new_with_config(channel.into_stream(), config);
    let version = sftp.init().await.map_err(|e| {
        unavailable(format!("the SFTP handshake at {} failed", at())).with_source(e)
    })?;
    let ext = extensions(&sftp, &version.extensions).await;

    // The base folder as the server resolves it; a missing last component is allowed (a
    // write then finds it missing, and makes it only with `create_base_path`).
    let base_real = match sftp.realpath(s.base.as_str()).await {
        Ok(name) => name.files.into_iter().next().map(|f| f.filename),
        Err(russh_sftp::client::error::Error::Status(st))
            if st.status_code == StatusCode::NoSuchFile =>
        {
            None
        }
        Err(e) => return Err(errors::from_sftp(e, "")),
    };
    Ok(Conn {
        ssh,
        sftp,
        ext,
        base_real: base_real.unwrap_or_else(|| s.base.clone()),
        dead: AtomicBool::new(false),
        busy: AtomicUsize::new(0),
    })
}

impl Settings {
    /// `NotFound` for a base folder that does not exist, naming it and the setting that makes
    /// it: a typo in `base_path` is reported, as a missing bucket is, not written to.
    pub(super) fn missing_base(&self) -> Error {
        Error::new(
            ErrorKind::NotFound,
            format!(
                "the SFTP base folder {} does not exist on {}:{}: create it on the server, or set \
                 `create_base_path` (builder method and URL option) to have writes make it",
                self.base, self.host, self.port
            ),
        )
    }
}

/// Whether the base folder exists; a file there is `InvalidPath`.
pub(super) async fn base_exists(sftp: &RawSftpSession, base: &str) -> Result<bool> {
    match sftp.stat(base).await {
        Ok(attrs) if attrs.attrs.is_dir() => Ok(true),
        Ok(_) => Err(Error::new(
            ErrorKind::InvalidPath,
            format!("the SFTP base folder {base} is a file on the server"),
        )),
        Err(russh_sftp::client::error::Error::Status(st))
            if st.status_code == StatusCode::NoSuchFile =>
        {
            Ok(false)
        }
        Err(e) => Err(errors::from_sftp(e, "")),
    }
}

/// Makes the base folder and its missing ancestors (`mkdir -p`); a failure surfaces on the
/// first request.
pub(super) async fn make_base(sftp: &RawSftpSession, base: &str) {
    let mut at = String::new();
    for part in base.split('/').filter(|p| !p.is_empty()) {
        if !at.is_empty() || base.starts_with('/') {
            at.push('/');
        }
        at.push_str(part);
        let _ = sftp.mkdir(at.as_str(), FileAttributes::empty()).await;
    }
}

async fn extensions(sftp: &RawSftpSession, announced: &HashMap<String, String>) -> Extensions {
    let mut ext = Extensions {
        posix_rename: announced.contains_key("posix-rename@openssh.com"),
        hardlink: announced.contains_key("hardlink@openssh.com"),
        copy_data: announced.contains_key("copy-data"),
        // The protocol's guaranteed minimum, without a limits answer.
        read_len: 32 * 1024,
        write_len: 32 * 1024,
    };
    if announced.contains_key("limits@openssh.com") {
        if let Ok(limits) = sftp.limits().await {
            let cap = |n: u64| (n.min(u64::from(MAX_CHUNK)) as u32).max(1024);
            if limits.max_read_len > 0 {
                ext.read_len = cap(limits.max_read_len);
            }
            if limits.max_write_len > 0 {
                ext.write_len = cap(limits.max_write_len);
            }
        }
    }
    ext
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut host_keys = String::new();
        let _ = match &self.host_keys {
            HostKeys::KnownHosts(_) => write!(host_keys, "known_hosts file"),
            HostKeys::Pinned(keys) => write!(host_keys, "{} pinned", keys.len()),
            HostKeys::AcceptAny => write!(host_keys, "any (insecure)"),
        };
        f.debug_struct("SftpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field(
                "login",
                &match self.login {
                    Login::Key(_) => "key",
                    Login::Password(_) => "password",
                },
            )
            .field("host_keys", &host_keys)
            .field("base_path", &self.base)
            .finish_non_exhaustive()
    }
}

/// A known_hosts path as an error shows it: under the home folder as `~/…`, so an error names
/// the file read without the machine's absolute layout; elsewhere its file name only.
fn shown(path: &std::path::Path) -> String {
    if let Some(rest) = std::env::var_os("HOME").and_then(|home| {
        path.strip_prefix(home)
            .ok()
            .map(|rest| rest.to_string_lossy().into_owned())
    }) {
        return format!("~/{rest}");
    }
    match path.file_name() {
        Some(name) => format!("`{}` (given by `known_hosts`)", name.to_string_lossy()),
        None => "given by `known_hosts`".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::within;

    #[test]
    fn within_compares_whole_segments() {
        assert!(within("/srv/data", "/srv/data"));
        assert!(within("/srv/data", "/srv/data/a/b"));
        assert!(!within("/srv/data", "/srv/database"));
        assert!(!within("/srv/data", "/srv"));
        assert!(!within("/srv/data", "/etc/passwd"));
        assert!(within("/", "/anything"));
    }
}
