//! The HTTP layer: each key's URL, requests with the login, and what a status means for the
//! contract.

use std::collections::BTreeMap;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::{Method, RequestBuilder, Response, StatusCode};

use super::multistatus::{self, DavEntry};
use super::{WebDavBackend, NAME};
use crate::error::{Error, ErrorKind, Result};
use crate::path::StorePath;
use crate::resolution::ResolutionPlan;
use crate::secret::Secret;

/// What a path segment escapes: all but RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The properties a PROPFIND asks for: what a `FileInfo` and a listing need.
const PROPS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getcontentlength/><D:getlastmodified/></D:prop></D:propfind>"#;

/// The server: its base URL (a collection, ending in `/`), the login and the client.
pub(super) struct Http {
    pub(super) client: reqwest::Client,
    pub(super) base: url::Url,
    /// The base URL's path, percent-decoded, without its trailing `/`: what hrefs start with.
    pub(super) base_path: String,
    pub(super) user: Option<String>,
    pub(super) password: Option<Secret>,
    /// Create-only writes of one key through this instance go one at a time (striped by the
    /// key's hash), since a server's LOCK of a new URL may itself be a check then a create.
    creating: [tokio::sync::Mutex<()>; 32],
}

impl Http {
    pub(super) fn new(
        base: url::Url,
        user: Option<String>,
        password: Option<Secret>,
        timeout: Duration,
        connect_timeout: Duration,
        allow_http: bool,
    ) -> Result<Self> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(connect_timeout)
            .https_only(!allow_http)
            .build()
            .map_err(|e| {
                Error::invalid_argument(format!("webdav: the HTTP client could not be built: {e}"))
                    .with_backend(NAME)
            })?;
        let base_path = percent_encoding::percent_decode_str(base.path())
            .decode_utf8_lossy()
            .trim_end_matches('/')
            .to_owned();
        Ok(Http {
            client,
            base,
            base_path,
            user,
            password,
            creating: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
        })
    }

    /// The turn of a create-only write of `key` among this instance's.
    pub(super) async fn creating(&self, key: &StorePath) -> tokio::sync::MutexGuard<'_, ()> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        key.as_str().hash(&mut hasher);
        let stripe = (hasher.finish() % self.creating.len() as u64) as usize;
        self.creating[stripe].lock().await
    }

    /// The URL of `key`, with a trailing `/` for a collection when `folder`.
    pub(super) fn url(&self, key: &StorePath, folder: bool) -> String {
        let mut url = self.base.as_str().trim_end_matches('/').to_owned();
        for segment in key.segments() {
            url.push('/');
            url.extend(utf8_percent_encode(segment, SEGMENT));
        }
        if folder {
            url.push('/');
        }
        url
    }

    /// What `native_path` gave back as a key: the part of the URL below the base.
    pub(super) fn to_key(&self, native: &str) -> String {
        let base = self.base.as_str().trim_end_matches('/');
        native
            .strip_prefix(base)
            .map(|rest| rest.trim_start_matches('/'))
            .unwrap_or(native)
            .to_owned()
    }

    /// How `key` resolves on the backend `name`: its URL, and the base URL as the detail.
    pub(super) fn resolution(&self, name: &'static str, key: &StorePath) -> ResolutionPlan {
        let details = BTreeMap::from([("url".to_owned(), self.base.to_string())]);
        ResolutionPlan {
            details,
            ..crate::derived::resolution(name, key, self.url(key, false))
        }
    }

    /// Whether `response` sends `key` on to its folder form, `key/`: how servers (Apache with
    /// `mod_dir`) answer a request that names a collection without its trailing slash.
    pub(super) fn redirects_to_folder(&self, key: &StorePath, response: &Response) -> bool {
        let Some(location) = response
            .status()
            .is_redirection()
            .then(|| response.headers().get(reqwest::header::LOCATION))
            .flatten()
            .and_then(|l| l.to_str().ok())
        else {
            return false;
        };
        let decoded = |url: &url::Url| {
            percent_encoding::percent_decode_str(url.path())
                .decode_utf8_lossy()
                .into_owned()
        };
        match (
            self.base.join(location),
            url::Url::parse(&self.url(key, true)),
        ) {
            (Ok(to), Ok(folder)) => decoded(&to) == decoded(&folder),
            _ => false,
        }
    }

    /// The key an href names, if it lies below the base.
    pub(super) fn key_of(&self, path: &str) -> Option<StorePath> {
        let rest = path.strip_prefix(&self.base_path)?;
        if !rest.is_empty() && !rest.starts_with('/') {
            return None;
        }
        let rest = rest.trim_matches('/');
        match rest {
            "" => Some(StorePath::root()),
            rest => StorePath::new(rest).ok(),
        }
    }

    /// A request with the login.
    pub(super) fn request(&self, method: Method, url: &str) -> RequestBuilder {
        let request = self.client.request(method, url);
        match &self.user {
            Some(user) => request.basic_auth(user, self.password.as_ref().map(|p| p.expose())),
            None => request,
        }
    }
}

impl WebDavBackend {
    /// Sends `request`; a transport failure is `BackendUnavailable`, retryable.
    pub(super) async fn send(&self, request: RequestBuilder, key: &StorePath) -> Result<Response> {
        request.send().await.map_err(|e| transport(e, key))
    }

    /// What the server says of `key` (PROPFIND, `Depth: 0`); `None` when nothing is there.
    pub(super) async fn probe(&self, key: &StorePath) -> Result<Option<DavEntry>> {
        let entries = self.propfind(key, "0").await?;
        Ok(entries.and_then(|e| e.into_iter().next()))
    }

    /// A PROPFIND of `key` at `depth`; `None` when nothing is there. Placeholders (a locked
    /// URL with no content yet, see [`DavEntry::is_placeholder`]) are left out, as nothing.
    pub(super) async fn propfind(
        &self,
        key: &StorePath,
        depth: &str,
    ) -> Result<Option<Vec<DavEntry>>> {
        self.propfind_as(key, depth, false).await
    }

    /// [`Self::propfind`] of `key`, known to be a folder: with the folder's own URL (`key/`),
    /// which servers that redirect a folder named without its slash answer at once.
    pub(super) async fn propfind_folder(
        &self,
        key: &StorePath,
        depth: &str,
    ) -> Result<Option<Vec<DavEntry>>> {
        self.propfind_as(key, depth, true).await
    }

    async fn propfind_as(
        &self,
        key: &StorePath,
        depth: &str,
        folder: bool,
    ) -> Result<Option<Vec<DavEntry>>> {
        let entries = match self.propfind_once(key, depth, folder).await? {
            Ok(entries) => entries,
            Err(status) => return self.below_a_file(key, status).await.map(|()| None),
        };
        Ok(entries
            .map(|entries| {
                entries
                    .into_iter()
                    .filter(|e| !e.is_placeholder())
                    .collect()
            })
            .filter(|entries: &Vec<DavEntry>| !entries.is_empty()))
    }

    /// One PROPFIND: the entries, `None` when nothing is there, or a 400 to look into. A
    /// redirect to the folder form of the URL is followed (the root is asked so at once).
    async fn propfind_once(
        &self,
        key: &StorePath,
        depth: &str,
        folder: bool,
    ) -> Result<std::result::Result<Option<Vec<DavEntry>>, StatusCode>> {
        let request = |folder: bool| {
            self.http
                .request(method("PROPFIND"), &self.http.url(key, folder))
                .header("Depth", depth)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/xml; charset=utf-8",
                )
                .body(PROPS)
        };
        let folder = folder || key.is_root();
        let mut response = self.send(request(folder), key).await?;
        if !folder && self.http.redirects_to_folder(key, &response) {
            response = self.send(request(true), key).await?;
        }
        match response.status() {
            StatusCode::MULTI_STATUS => {
                let body = response.bytes().await.map_err(|e| transport(e, key))?;
                Ok(Ok(Some(multistatus::parse(&body)?)))
            }
            // A path through a file is no resource either (409 on some servers).
            StatusCode::NOT_FOUND | StatusCode::CONFLICT => Ok(Ok(None)),
            StatusCode::BAD_REQUEST => Ok(Err(StatusCode::BAD_REQUEST)),
            status => Err(refused(status, key)),
        }
    }

    /// After a PROPFIND of `key` answered `status` (400): fine when the path runs through a
    /// file or a missing folder (Apache answers a path below a file so), else the status's
    /// error. Looks at the folders above, the nearest first.
    async fn below_a_file(&self, key: &StorePath, status: StatusCode) -> Result<()> {
        for above in key.ancestors_str() {
            let above = StorePath::from_normalised(above.to_owned());
            match self.propfind_once(&above, "0", false).await? {
                Ok(Some(entries)) if entries.first().is_some_and(|e| e.collection) => break,
                Ok(_) => return Ok(()),
                Err(_) => {}
            }
        }
        Err(refused(status, key))
    }
}

/// A WebDAV method by name (PROPFIND, MKCOL, LOCK, …). Every name given is a valid token, so
/// the fallback is never taken.
pub(super) fn method(name: &'static str) -> Method {
    Method::from_bytes(name.as_bytes()).unwrap_or(Method::GET)
}

/// A transport failure: the server could not be reached or the exchange broke. A request that
/// never connected was not applied ([C-4.2](crate::contract#C-4.2)). The backend's name is
/// added where the error leaves the backend, as for every error of this shared layer.
pub(super) fn transport(e: reqwest::Error, key: &StorePath) -> Error {
    let not_applied = e.is_connect();
    Error::new(
        ErrorKind::BackendUnavailable,
        format!(
            "the WebDAV server could not be reached: {}",
            without_url(&e)
        ),
    )
    .with_path(key.as_str())
    .with_retryable(true)
    .with_not_applied(not_applied)
}

/// The error's text without the URL, which may carry a login.
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "the server");
    }
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "connection failed".to_owned()
    } else {
        text
    }
}

/// What an unexpected status means for the contract.
pub(super) fn refused(status: StatusCode, key: &StorePath) -> Error {
    let (kind, retryable) = match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => (ErrorKind::PermissionDenied, false),
        StatusCode::NOT_FOUND => (ErrorKind::NotFound, false),
        StatusCode::PRECONDITION_FAILED => (ErrorKind::PreconditionFailed, false),
        StatusCode::LOCKED => (ErrorKind::ResourceLocked, true),
        StatusCode::TOO_MANY_REQUESTS | StatusCode::REQUEST_TIMEOUT => {
            (ErrorKind::BackendUnavailable, true)
        }
        s if s.is_server_error() => (ErrorKind::BackendUnavailable, true),
        _ => (ErrorKind::Other, false),
    };
    Error::new(kind, format!("the server answered {status}"))
        .with_path(key.as_str())
        .with_retryable(retryable)
}
