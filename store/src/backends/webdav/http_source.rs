//! `HttpBackend`: a read-only HTTP source, on the WebDAV backend's HTTP layer.

use std::sync::Arc;

use bytes::Bytes;
use reqwest::{header, Method, StatusCode};

use super::reads;
use super::requests::{refused, transport, Http};
use crate::content::ByteStream;
use crate::entry::FileInfo;
use crate::error::{Error, Result};
use crate::path::StorePath;
use crate::resolution::ResolutionPlan;

const NAME: &str = "http";

/// Files under a base URL on any HTTP server (a static file server, a CDN, an object
/// store's public endpoint): reads and stats over plain GET and HEAD, and nothing else.
///
/// - Capabilities: Read and Metadata, and lazy reads (a ranged read asks for its range; a
///   server that ignores `Range` sends the whole body, which is cut here). No listing: HTTP
///   has no portable one. No writes.
/// - A probe (`exists`, `is_file`, `is_folder`, `get_file_info`) is one GET of the first
///   byte: an answer with content is a file, whose size comes from `Content-Range` and time
///   from `Last-Modified`; a redirect to the key with a trailing `/` (how servers answer for
///   a directory) is a folder; 404 is nothing. HTTP has no folders otherwise.
///
/// Built by [`WebDavBuilder`](crate::WebDavBuilder) with `read_only(true)`, so a URL
/// (`https://host/path` with the option `read_only=true`) or a registry entry reaches it.
///
/// ```
/// use store::{AsyncStore, WebDavBackend};
/// let source = WebDavBackend::builder()
///     .url("https://static.example.com/datasets")
///     .read_only(true)
///     .build_http_source()?;
/// assert_eq!(store::AsyncBackend::name(&source), "http");
/// let store = AsyncStore::new(source);
/// # let _ = store;
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Clone)]
pub struct HttpBackend {
    pub(super) http: Arc<Http>,
}

impl std::fmt::Debug for HttpBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpBackend")
            .field("base", &self.http.base.as_str())
            .field("user", &self.http.user)
            .finish_non_exhaustive()
    }
}

/// What a URL is, as a one-byte GET tells.
enum Kind {
    File(Box<FileInfo>),
    /// Redirected to the same path with a trailing `/`: a directory's index.
    Folder,
    Missing,
}

impl HttpBackend {
    /// A GET of the first byte of `key`, which says in one request whether it is a file (and
    /// its size, from `Content-Range`), a directory (a redirect to `key/`), or nothing. A HEAD
    /// would not do: servers answer a HEAD of a directory without `/` with 200 (wsgidav).
    async fn kind(&self, key: &StorePath) -> Result<Kind> {
        if key.is_root() {
            return Ok(Kind::Folder);
        }
        let response = self
            .http
            .request(Method::GET, &self.http.url(key, false))
            .header(header::RANGE, "bytes=0-0")
            .send()
            .await
            .map_err(|e| transport(e, key))?;
        let status = response.status();
        let headers = response.headers();
        let text = |name| {
            headers
                .get(name)
                .and_then(|v: &header::HeaderValue| v.to_str().ok())
        };
        // `bytes 0-0/SIZE` on a 206, `bytes */SIZE` on a 416.
        let total = text(header::CONTENT_RANGE)
            .and_then(|r| r.rsplit('/').next())
            .and_then(|t| t.parse::<u64>().ok());
        let modified = text(header::LAST_MODIFIED)
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
            .map(std::time::SystemTime::from);
        let size = match status {
            StatusCode::PARTIAL_CONTENT | StatusCode::RANGE_NOT_SATISFIABLE => total,
            // The range was ignored: the whole body comes, and is left unread.
            StatusCode::OK => text(header::CONTENT_LENGTH).and_then(|v| v.parse().ok()),
            s if s.is_redirection() => {
                return Ok(match self.http.redirects_to_folder(key, &response) {
                    true => Kind::Folder,
                    false => Kind::Missing,
                });
            }
            StatusCode::NOT_FOUND | StatusCode::GONE => return Ok(Kind::Missing),
            s => return Err(refused(s, key)),
        };
        Ok(Kind::File(Box::new(FileInfo::new(
            key.clone(),
            size.unwrap_or(0),
            modified,
        ))))
    }

    /// After a GET failed with `status`: a folder, nothing, or the status's own error.
    async fn explain(&self, key: &StorePath, status: StatusCode) -> Error {
        if !(status.is_redirection() || matches!(status, StatusCode::NOT_FOUND | StatusCode::GONE))
        {
            return refused(status, key);
        }
        match self.kind(key).await {
            Ok(Kind::Folder) => Error::is_a_folder(key.as_str()),
            Ok(_) => Error::not_found(key.as_str()),
            Err(e) => e,
        }
    }
}

/// Reads and stats over GET; `CAPABILITIES` ([C-5.4](crate::contract#C-5.4)):
/// Read and Metadata, and reads that fetch only their range.
#[store::backend(crate = crate, name = "http", flags(lazy_read))]
impl HttpBackend {
    fn to_key(&self, native: &str) -> String {
        self.http.to_key(native)
    }

    fn native_path(&self, key: &StorePath) -> String {
        self.http.url(key, false)
    }

    fn resolve(&self, key: &StorePath) -> ResolutionPlan {
        self.http.resolution(NAME, key)
    }

    async fn ping(&self) -> Result<()> {
        let root = StorePath::root();
        let response = self
            .http
            .request(Method::HEAD, &self.http.url(&root, true))
            .send()
            .await
            .map_err(|e| transport(e, &root))?;
        match response.status() {
            s if s.is_success() || s.is_redirection() => Ok(()),
            // A server that lists no directories still serves the files below the base.
            StatusCode::NOT_FOUND | StatusCode::FORBIDDEN => Ok(()),
            s => Err(refused(s, &root)),
        }
    }

    async fn close(&self) -> Result<()> {
        Ok(())
    }

    async fn exists(&self, path: &StorePath) -> Result<bool> {
        Ok(!matches!(self.kind(path).await?, Kind::Missing))
    }

    async fn is_file(&self, path: &StorePath) -> Result<bool> {
        Ok(matches!(self.kind(path).await?, Kind::File(_)))
    }

    async fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(matches!(self.kind(path).await?, Kind::Folder))
    }

    async fn read(&self, path: &StorePath) -> Result<ByteStream> {
        self.read_range_stream(path, 0, u64::MAX).await
    }

    async fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        self.read_range(path, 0, u64::MAX).await
    }

    async fn read_range(&self, path: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        if len == 0 {
            self.get_file_info(path).await?;
            return Ok(Bytes::new());
        }
        match reads::get(&self.http, path, offset, len).await? {
            Ok(got) => got.into_bytes(path, offset, len).await,
            Err(status) => Err(self.explain(path, status).await),
        }
    }

    async fn read_range_stream(
        &self,
        path: &StorePath,
        offset: u64,
        len: u64,
    ) -> Result<ByteStream> {
        if len == 0 {
            self.get_file_info(path).await?;
            return Ok(Box::pin(futures_util::stream::empty()));
        }
        match reads::get(&self.http, path, offset, len).await? {
            Ok(got) => got.into_stream(path, offset, len).await,
            Err(status) => Err(self.explain(path, status).await),
        }
    }

    async fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        match self.kind(path).await? {
            Kind::File(info) => Ok(*info),
            Kind::Folder => Err(Error::is_a_folder(path.as_str())),
            Kind::Missing => Err(Error::not_found(path.as_str())),
        }
    }
}
