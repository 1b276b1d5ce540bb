//! The file operations: stat, reads, writes and deletes.

use std::io;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::StreamExt;
use reqwest::{header, Body, Method, StatusCode};

use super::reads;
use super::requests::{method, refused};
use super::{WebDavBackend, NAME};
use crate::content::{content_error, AsyncContent, ByteStream};
use crate::entry::FileInfo;
use crate::error::{Error, ErrorKind, Result};
use crate::path::StorePath;
use crate::write_result::WriteResult;

pub(super) fn is_folder(key: &StorePath) -> Error {
    Error::is_a_folder(key.as_str()).with_backend(NAME)
}

pub(super) fn not_found(key: &StorePath) -> Error {
    Error::not_found(key.as_str()).with_backend(NAME)
}

/// Content on its way up: the body, a count of what went, and the content's own failure.
struct Upload {
    body: Body,
    sent: Arc<Mutex<(u64, Option<io::Error>)>>,
    /// The bytes themselves, when a second attempt can send them again.
    again: Option<Bytes>,
}

impl Upload {
    fn new(content: AsyncContent) -> Self {
        let sent = Arc::new(Mutex::new((0u64, None)));
        match content {
            AsyncContent::Bytes(bytes) => {
                if let Ok(mut s) = sent.lock() {
                    s.0 = bytes.len() as u64;
                }
                Upload {
                    body: Body::from(bytes.clone()),
                    sent,
                    again: Some(bytes),
                }
            }
            AsyncContent::Stream(stream) => {
                let tally = sent.clone();
                let counted = stream.map(move |chunk| {
                    let mut s = tally.lock().map_err(|_| io::Error::other("poisoned"))?;
                    match chunk {
                        Ok(bytes) => {
                            s.0 += bytes.len() as u64;
                            Ok(bytes)
                        }
                        Err(e) => {
                            let echo = io::Error::new(e.kind(), e.to_string());
                            s.1 = Some(e);
                            Err(echo)
                        }
                    }
                });
                Upload {
                    body: Body::wrap_stream(counted),
                    sent,
                    again: None,
                }
            }
        }
    }

    fn size(&self) -> u64 {
        self.sent.lock().map_or(0, |s| s.0)
    }

    /// The content's own failure, if it is why the request broke.
    fn failure(&self) -> Option<io::Error> {
        self.sent.lock().ok().and_then(|mut s| s.1.take())
    }
}

impl WebDavBackend {
    pub(super) async fn file_info(&self, key: &StorePath) -> Result<FileInfo> {
        if key.is_root() {
            return Err(is_folder(key));
        }
        match self.probe(key).await? {
            Some(entry) if entry.collection => Err(is_folder(key)),
            Some(entry) => Ok(FileInfo::new(key.clone(), entry.size, entry.modified)),
            None => Err(not_found(key)),
        }
    }

    pub(super) async fn get_bytes(&self, key: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        if len == 0 {
            self.file_info(key).await?;
            return Ok(Bytes::new());
        }
        match reads::get(&self.http, key, offset, len).await? {
            Ok(got) => got.into_bytes(key, offset, len).await,
            Err(status) => Err(self.explain(key, status).await),
        }
    }

    pub(super) async fn get_stream(
        &self,
        key: &StorePath,
        offset: u64,
        len: u64,
    ) -> Result<ByteStream> {
        if len == 0 {
            self.file_info(key).await?;
            return Ok(Box::pin(futures_util::stream::empty()));
        }
        match reads::get(&self.http, key, offset, len).await? {
            Ok(got) => got.into_stream(key, offset, len).await,
            Err(status) => Err(self.explain(key, status).await),
        }
    }

    /// After a GET failed with `status`: a folder, nothing, or the status's own error.
    async fn explain(&self, key: &StorePath, status: StatusCode) -> Error {
        match self.probe(key).await {
            Ok(Some(entry)) if entry.collection => is_folder(key),
            Ok(Some(_)) => refused(status, key),
            Ok(None) => not_found(key),
            Err(e) => e,
        }
    }

    /// A PUT of `upload` to `key`: under `lock` when one is held, else create-only when
    /// `create`. 409 (a folder above is missing) makes the folders and, when the bytes are at
    /// hand, sends them again.
    async fn put(
        &self,
        key: &StorePath,
        mut upload: Upload,
        lock: Option<&str>,
        create: bool,
    ) -> Result<u64> {
        let mut made = false;
        loop {
            let mut request = self.http.request(Method::PUT, &self.http.url(key, false));
            match lock {
                Some(token) => request = request.header("If", format!("({token})")),
                None if create => request = request.header(header::IF_NONE_MATCH, "*"),
                None => {}
            }
            let body = std::mem::replace(&mut upload.body, Body::from(Bytes::new()));
            let response = match self.send(request.body(body), key).await {
                Ok(response) => response,
                Err(e) => {
                    return Err(match upload.failure() {
                        Some(failure) => content_error(failure),
                        None => e,
                    })
                }
            };
            match response.status() {
                StatusCode::OK | StatusCode::CREATED | StatusCode::NO_CONTENT => {
                    return Ok(upload.size())
                }
                // A folder above is missing, or (Apache: 400) a file is in the way, which
                // making the folders finds; or the key is a folder (Apache: 409).
                status @ (StatusCode::CONFLICT | StatusCode::BAD_REQUEST) if !made => {
                    self.make_folders(key).await?;
                    made = true;
                    match &upload.again {
                        Some(bytes) => upload.body = Body::from(bytes.clone()),
                        None => return Err(self.folder_or_refused(key, status).await),
                    }
                }
                StatusCode::METHOD_NOT_ALLOWED => return Err(is_folder(key)),
                // Under a lock just taken, a failed precondition means the server lost it.
                StatusCode::PRECONDITION_FAILED | StatusCode::LOCKED if lock.is_some() => {
                    return Err(lost_lock(key))
                }
                StatusCode::PRECONDITION_FAILED if create => {
                    return Err(Error::already_exists(key.as_str()).with_backend(NAME))
                }
                status => return Err(self.folder_or_refused(key, status).await),
            }
        }
    }

    /// A request about `key` refused with `status`: a folder at `key` (which servers answer
    /// with anything from 301 to 409), or the status's own error.
    pub(super) async fn folder_or_refused(&self, key: &StorePath, status: StatusCode) -> Error {
        match self.probe(key).await {
            Ok(Some(entry)) if entry.collection => is_folder(key),
            Ok(_) => refused(status, key),
            Err(e) => e,
        }
    }

    /// Makes the folders above `key` unless its parent is there already (streamed content
    /// cannot be sent twice, so this looks first).
    async fn ensure_parent(&self, key: &StorePath) -> Result<()> {
        let Some(parent) = key.parent().filter(|p| !p.is_root()) else {
            return Ok(());
        };
        match self.probe(&parent).await? {
            Some(entry) if entry.collection => Ok(()),
            Some(_) => Err(Error::file_in_the_way(key.as_str()).with_backend(NAME)),
            None => self.make_folders(key).await.map(drop),
        }
    }

    /// A write: a PUT straight to the target, replacing when `overwrite`. A create-only one
    /// first takes an exclusive LOCK of the new URL (see [`Self::lock_new`]), so of racing
    /// creators exactly one wins, and sends its PUT under that lock.
    pub(super) async fn upload(
        &self,
        key: &StorePath,
        content: AsyncContent,
        overwrite: bool,
    ) -> Result<WriteResult> {
        if key.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        let size = match overwrite {
            true => {
                // Streamed content cannot be sent twice, so its folders are made first.
                if matches!(content, AsyncContent::Stream(_)) {
                    self.ensure_parent(key).await?;
                }
                self.put(key, Upload::new(content), None, false).await?
            }
            false => {
                let _turn = self.http.creating(key).await;
                self.create(key, content).await?
            }
        };
        Ok(WriteResult::basic(key.clone(), size))
    }

    /// A create-only write: a PUT under an exclusive lock of the new URL. Apache's lock
    /// database loses locks under concurrent requests (a PUT under a lock just granted may be
    /// refused with 412 as if the token were unknown), so a refusal with nothing there is
    /// taken for a lost lock and the write starts over, while content is at hand to resend.
    async fn create(&self, key: &StorePath, content: AsyncContent) -> Result<u64> {
        // A LOCK racing the MKCOL of its parent can leave the lock held by no one on
        // wsgidav, so the parent is made sure of first.
        self.ensure_parent(key).await?;
        let again = match &content {
            AsyncContent::Bytes(bytes) => Some(bytes.clone()),
            AsyncContent::Stream(_) => None,
        };
        let mut upload = Upload::new(content);
        for _ in 0..LOCK_ATTEMPTS {
            let lock = self.lock_new(key).await?;
            let outcome = self.put(key, upload, lock.as_deref(), true).await;
            let Some(token) = lock else {
                // No locks on this server: a failed create-only PUT leaves nothing behind.
                if let Err(e) = &outcome {
                    if e.kind() != ErrorKind::AlreadyExists {
                        let _ = self.remove_file(key, true).await;
                    }
                }
                return outcome;
            };
            let lost = match &outcome {
                Ok(_) => {
                    self.unlock(key, &token).await;
                    return outcome;
                }
                Err(e) => e.kind() == ErrorKind::ResourceLocked,
            };
            // The locked empty file, or what a broken upload left, is ours to take away (the
            // DELETE names the lock, so it takes nothing another writer put there); the
            // UNLOCK removes a placeholder the DELETE did not.
            let _ = self.remove_locked(key, &token).await;
            self.unlock(key, &token).await;
            if !lost {
                return outcome;
            }
            if self.probe(key).await?.is_some() {
                return Err(Error::already_exists(key.as_str()).with_backend(NAME));
            }
            match &again {
                Some(bytes) => upload = Upload::new(AsyncContent::Bytes(bytes.clone())),
                None => return outcome,
            }
        }
        Err(lost_lock(key))
    }

    /// Takes an exclusive write lock of `key` while nothing is there (RFC 4918's locked
    /// empty resource, or Apache's placeholder): `Some(token)`, or `AlreadyExists` when
    /// something is there or another creator holds it. `None` when the server does not lock
    /// (DAV class 1): the write then relies on `If-None-Match: *`, as the server implements
    /// it.
    async fn lock_new(&self, key: &StorePath) -> Result<Option<String>> {
        let mut made = false;
        loop {
            let request = self
                .http
                .request(method("LOCK"), &self.http.url(key, false))
                .header("Depth", "0")
                .header("Timeout", "Second-600")
                .header(header::CONTENT_TYPE, "application/xml; charset=utf-8")
                .body(LOCKINFO);
            let response = self.send(request, key).await?;
            let token = response
                .headers()
                .get("Lock-Token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            match response.status() {
                StatusCode::CREATED => {
                    return token.map(Some).ok_or_else(|| {
                        Error::other("the WebDAV server locked without a lock token")
                            .with_path(key.as_str())
                            .with_backend(NAME)
                    })
                }
                // Locked: a file or a folder that was there, or (Apache) a placeholder this
                // lock made, which a probe shows as nothing. The lock keeps others out
                // meanwhile, so what the probe sees is what the LOCK found.
                StatusCode::OK => {
                    let Some(token) = token else {
                        return Err(Error::already_exists(key.as_str()).with_backend(NAME));
                    };
                    let there = self.probe(key).await;
                    if let Ok(None) = there {
                        return Ok(Some(token));
                    }
                    self.unlock(key, &token).await;
                    return Err(match there? {
                        Some(entry) if entry.collection => is_folder(key),
                        _ => Error::already_exists(key.as_str()).with_backend(NAME),
                    });
                }
                StatusCode::LOCKED => {
                    return Err(Error::already_exists(key.as_str()).with_backend(NAME))
                }
                // A folder above is missing, or (Apache: 400) a file is in the way.
                StatusCode::CONFLICT | StatusCode::BAD_REQUEST if !made => {
                    self.make_folders(key).await?;
                    made = true;
                }
                StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_IMPLEMENTED => return Ok(None),
                // Whatever went wrong, something there now that this call did not create is
                // AlreadyExists (wsgidav answers racing LOCKs so).
                status => {
                    return Err(match self.probe(key).await? {
                        Some(entry) if entry.collection => is_folder(key),
                        Some(_) => Error::already_exists(key.as_str()).with_backend(NAME),
                        None => refused(status, key),
                    })
                }
            }
        }
    }

    /// Releases a lock; a failure only leaves it to expire.
    async fn unlock(&self, key: &StorePath, token: &str) {
        let request = self
            .http
            .request(method("UNLOCK"), &self.http.url(key, false))
            .header("Lock-Token", token);
        let _ = self.send(request, key).await;
    }

    /// Deletes what a failed create-only write left under its lock (the lock goes with it).
    async fn remove_locked(&self, key: &StorePath, token: &str) -> Result<()> {
        let request = self
            .http
            .request(Method::DELETE, &self.http.url(key, false))
            .header("Depth", "0")
            .header("If", format!("({token})"));
        self.send(request, key).await.map(drop)
    }

    /// A DELETE with `Depth: 0`, which servers refuse on a collection (a DELETE of one takes
    /// everything below it), so a file's delete never takes a folder.
    pub(super) async fn remove_file(&self, key: &StorePath, missing_ok: bool) -> Result<()> {
        if key.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        let request = self
            .http
            .request(Method::DELETE, &self.http.url(key, false))
            .header("Depth", "0");
        let response = self.send(request, key).await?;
        match response.status() {
            StatusCode::OK | StatusCode::NO_CONTENT | StatusCode::ACCEPTED => Ok(()),
            StatusCode::NOT_FOUND | StatusCode::CONFLICT if missing_ok => Ok(()),
            StatusCode::NOT_FOUND | StatusCode::CONFLICT => Err(not_found(key)),
            // Apache answers 400 for a path below a file, which holds nothing.
            status => match self.explain(key, status).await {
                e if missing_ok && e.kind() == ErrorKind::NotFound => Ok(()),
                e => Err(e),
            },
        }
    }
}

/// How often a create-only write takes a new lock after the server lost one.
const LOCK_ATTEMPTS: usize = 5;

/// The server refused a PUT under the lock this write holds: it lost the lock. Nothing was
/// written; another try may go through.
fn lost_lock(key: &StorePath) -> Error {
    Error::new(
        ErrorKind::ResourceLocked,
        "the WebDAV server lost this write's lock",
    )
    .with_path(key.as_str())
    .with_backend(NAME)
    .with_retryable(true)
    .with_not_applied(true)
}

/// The body of a LOCK: an exclusive write lock.
const LOCKINFO: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>"#;
