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
use crate::error::{Error, Result};
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
                StatusCode::CONFLICT if !made => {
                    self.make_folders(key).await?;
                    made = true;
                    match &upload.again {
                        Some(bytes) => upload.body = Body::from(bytes.clone()),
                        None => return Err(refused(StatusCode::CONFLICT, key)),
                    }
                }
                StatusCode::METHOD_NOT_ALLOWED => return Err(is_folder(key)),
                StatusCode::PRECONDITION_FAILED if create => {
                    return Err(Error::already_exists(key.as_str()).with_backend(NAME))
                }
                status => {
                    return Err(match self.probe(key).await? {
                        Some(entry) if entry.collection => is_folder(key),
                        _ => refused(status, key),
                    })
                }
            }
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
            None => self.make_folders(key).await,
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
        let _turn = match overwrite {
            false => Some(self.http.creating(key).await),
            true => None,
        };
        let streamed = matches!(content, AsyncContent::Stream(_));
        // A LOCK racing the MKCOL of its parent can leave the lock held by no one on
        // wsgidav, so a create-only write makes sure of the parent first; so does streamed
        // content, which cannot be sent twice.
        if streamed || !overwrite {
            self.ensure_parent(key).await?;
        }
        let lock = match overwrite {
            true => None,
            false => self.lock_new(key).await?,
        };
        let outcome = self
            .put(key, Upload::new(content), lock.as_deref(), !overwrite)
            .await;
        match (&outcome, &lock) {
            (Ok(_), Some(token)) => self.unlock(key, token).await,
            // The locked empty file, or what a broken upload left, is ours to take away.
            (Err(_), Some(token)) => {
                let _ = self.remove_locked(key, token).await;
            }
            (Err(e), None) if !overwrite && e.kind() != crate::ErrorKind::AlreadyExists => {
                let _ = self.remove_file(key, true).await;
            }
            _ => {}
        }
        outcome.map(|size| WriteResult::basic(key.clone(), size))
    }

    /// Takes an exclusive write lock of `key` while nothing is there (RFC 4918's locked
    /// empty resource): `Some(token)`, or `AlreadyExists` when something is there or another
    /// creator holds it. `None` when the server does not lock (DAV class 1): the write then
    /// relies on `If-None-Match: *`, as the server implements it.
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
                // Something is there: a file, or a folder.
                StatusCode::OK => {
                    if let Some(token) = &token {
                        self.unlock(key, token).await;
                    }
                    return Err(match self.probe(key).await? {
                        Some(entry) if entry.collection => is_folder(key),
                        _ => Error::already_exists(key.as_str()).with_backend(NAME),
                    });
                }
                StatusCode::LOCKED => {
                    return Err(Error::already_exists(key.as_str()).with_backend(NAME))
                }
                StatusCode::CONFLICT if !made => {
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
            status => Err(self.explain(key, status).await),
        }
    }
}

/// The body of a LOCK: an exclusive write lock.
const LOCKINFO: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>"#;
