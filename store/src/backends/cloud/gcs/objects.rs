//! [`GcsObjects`]: Google Cloud Storage as an `ObjectStore`, reading through object_store's
//! GCS client and writing through the JSON API.
//!
//! object_store's client writes with the XML API (a plain PUT, a copy header, XML multipart
//! uploads). GCS serves both APIs, but the emulator every project tests against
//! (fake-gcs-server) serves only the JSON API's uploads, so writes, copies and streamed
//! uploads go through the JSON API here, which both serve with the same preconditions:
//! an upload with its object's metadata in one request (`uploadType=multipart`), a rewrite,
//! and a resumable session.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use http::{header, HeaderMap, Method, Request, StatusCode};
use object_store::client::{HttpClient, HttpRequestBody};
use object_store::gcp::GoogleCloudStorage;
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, CopyMode, CopyOptions, GetOptions, GetRange, GetResult, ListResult,
    MultipartUpload, ObjectMeta, ObjectStore, ObjectStoreExt, PutMode, PutMultipartOptions,
    PutOptions, PutPayload, PutResult, UpdateVersion,
};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::resumable::ResumableUpload;

/// What a JSON API path segment escapes: all but RFC 3986's unreserved characters, so an
/// object name's `/` stays inside its segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Google Cloud Storage: reads, listings and deletes through object_store's client, writes
/// through the JSON API (see the module docs).
#[derive(Clone)]
pub(crate) struct GcsObjects {
    pub(super) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    xml: GoogleCloudStorage,
    http: HttpClient,
    /// The service's base URL, without a trailing `/`.
    base: String,
    bucket: String,
    /// Whether requests carry the credential's bearer token (not for anonymous access).
    signed: bool,
}

/// A request's answer: its status, headers and whole body (JSON API answers are small).
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

/// An answer the JSON API gave with an error status, as object_store errors carry it: the
/// status and the service's message, never a credential or a URL.
#[derive(Debug)]
pub(super) struct Refusal {
    pub(super) status: StatusCode,
    message: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GCS answered {}", self.status)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Refusal {}

impl GcsObjects {
    pub(crate) fn new(
        xml: GoogleCloudStorage,
        http: HttpClient,
        base: &str,
        bucket: &str,
        signed: bool,
    ) -> Self {
        GcsObjects {
            inner: Arc::new(Inner {
                xml,
                http,
                base: base.trim_end_matches('/').to_owned(),
                bucket: bucket.to_owned(),
                signed,
            }),
        }
    }
}

impl Inner {
    /// `{base}/{path}?{query}`, the bucket and object names escaped as path segments.
    fn url(&self, path: &str, query: &[(&str, &str)]) -> String {
        let mut url = format!("{}/{path}", self.base);
        if !query.is_empty() {
            let mut pairs = url::form_urlencoded::Serializer::new(String::new());
            pairs.extend_pairs(query);
            url.push('?');
            url.push_str(&pairs.finish());
        }
        url
    }

    /// `b/{bucket}/o/{name}`, an object as the JSON API's paths name it.
    fn object(&self, location: &Path) -> String {
        format!(
            "b/{}/o/{}",
            utf8_percent_encode(&self.bucket, SEGMENT),
            utf8_percent_encode(location.as_ref(), SEGMENT)
        )
    }

    fn uploads(&self) -> String {
        format!(
            "upload/storage/v1/b/{}/o",
            utf8_percent_encode(&self.bucket, SEGMENT)
        )
    }

    /// Sends one request, with the credential's bearer token when signed; an error status is
    /// the object_store error for it, as `refused` names it for `location`.
    pub(super) async fn send(
        &self,
        method: Method,
        url: &str,
        content_type: Option<&str>,
        extra: &[(header::HeaderName, String)],
        body: HttpRequestBody,
        location: &Path,
    ) -> object_store::Result<Answer> {
        let mut request = Request::builder()
            .method(method)
            .uri(url)
            .header(header::CONTENT_LENGTH, body.content_length());
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        for (name, value) in extra {
            request = request.header(name, value);
        }
        if self.signed {
            let credential = self.xml.credentials().get_credential().await?;
            if !credential.bearer.is_empty() {
                request = request.header(
                    header::AUTHORIZATION,
                    format!("Bearer {}", credential.bearer),
                );
            }
        }
        let request = request.body(body).map_err(generic)?;
        let response = self.http.execute(request).await.map_err(generic)?;
        let (parts, body) = response.into_parts();
        let body = body.bytes().await.map_err(generic)?;
        let answer = Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        };
        if answer.status.is_success() || answer.status == StatusCode::PERMANENT_REDIRECT {
            Ok(answer)
        } else {
            Err(refused(answer, location))
        }
    }

    /// The generation a conditional update must match: the caller's version when it has one,
    /// else the current object's, once its etag is checked (the generation precondition then
    /// makes the check and the write one step at the service).
    async fn generation(
        &self,
        location: &Path,
        want: &UpdateVersion,
    ) -> object_store::Result<String> {
        if let Some(version) = &want.version {
            return Ok(version.clone());
        }
        let current = match self.xml.head(location).await {
            Ok(meta) => meta,
            Err(object_store::Error::NotFound { source, .. }) => {
                return Err(object_store::Error::Precondition {
                    path: location.to_string(),
                    source,
                })
            }
            Err(e) => return Err(e),
        };
        if want.e_tag.is_some() && current.e_tag != want.e_tag {
            return Err(object_store::Error::Precondition {
                path: location.to_string(),
                source: "the object's etag has changed".into(),
            });
        }
        current.version.ok_or_else(|| object_store::Error::Generic {
            store: "GCS",
            source: "the service reported no generation for the object".into(),
        })
    }

    /// Starts a resumable upload session and returns its URL.
    async fn start_session(
        &self,
        location: &Path,
        attributes: &Attributes,
    ) -> object_store::Result<String> {
        let url = self.url(
            &self.uploads(),
            &[("uploadType", "resumable"), ("name", location.as_ref())],
        );
        let metadata = metadata(location, attributes);
        let answer = self
            .send(
                Method::POST,
                &url,
                Some("application/json; charset=UTF-8"),
                &[],
                Bytes::from(metadata).into(),
                location,
            )
            .await?;
        answer
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| object_store::Error::Generic {
                store: "GCS",
                source: "the resumable upload was started without a session URL".into(),
            })
    }
}

#[async_trait]
impl ObjectStore for GcsObjects {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        let inner = &self.inner;
        let generation = match &opts.mode {
            PutMode::Overwrite => None,
            PutMode::Create => Some("0".to_owned()),
            PutMode::Update(want) => Some(inner.generation(location, want).await?),
        };
        let mut query = vec![("uploadType", "multipart"), ("name", location.as_ref())];
        if let Some(generation) = &generation {
            query.push(("ifGenerationMatch", generation));
        }
        let url = inner.url(&inner.uploads(), &query);
        // One multipart/related body: the object's metadata, then its bytes, uncopied.
        let boundary = boundary();
        let content_type = opts
            .attributes
            .get(&Attribute::ContentType)
            .map(|v| v.as_ref())
            .unwrap_or("application/octet-stream");
        let head = format!(
            "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{}\r\n\
             --{boundary}\r\nContent-Type: {content_type}\r\n\r\n",
            metadata(location, &opts.attributes)
        );
        let tail = format!("\r\n--{boundary}--\r\n");
        let body: PutPayload = std::iter::once(Bytes::from(head))
            .chain(payload)
            .chain(std::iter::once(Bytes::from(tail)))
            .collect();
        let answer = inner
            .send(
                Method::POST,
                &url,
                Some(&format!("multipart/related; boundary={boundary}")),
                &[],
                body.into(),
                location,
            )
            .await
            .map_err(|e| create_only(e, &opts.mode))?;
        Ok(put_result(&answer.body))
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        let session = self.inner.start_session(location, &opts.attributes).await?;
        Ok(Box::new(ResumableUpload::new(
            self.clone(),
            session,
            location.clone(),
        )))
    }

    async fn get_opts(
        &self,
        location: &Path,
        mut options: GetOptions,
    ) -> object_store::Result<GetResult> {
        // A range whose end is past what a signed 64-bit number holds means "to the end";
        // it is sent as such, since a server that reads the end as signed (the emulator)
        // would ignore the whole header and send everything.
        if let Some(GetRange::Bounded(range)) = &options.range {
            if range.end > i64::MAX as u64 {
                options.range = Some(GetRange::Offset(range.start));
            }
        }
        self.inner.xml.get_opts(location, options).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        self.inner.xml.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.xml.list(prefix)
    }

    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.xml.list_with_offset(prefix, offset)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        self.inner.xml.list_with_delimiter(prefix).await
    }

    async fn copy_opts(
        &self,
        from: &Path,
        to: &Path,
        options: CopyOptions,
    ) -> object_store::Result<()> {
        let inner = &self.inner;
        let create = matches!(options.mode, CopyMode::Create);
        if create {
            // The generation precondition below makes this one step on GCS; the emulator
            // ignores preconditions on rewrites, so the destination is looked at first too.
            // A missing source wins over an existing destination.
            match inner.xml.head(to).await {
                Ok(_) => {
                    inner.xml.head(from).await?;
                    return Err(object_store::Error::AlreadyExists {
                        path: to.to_string(),
                        source: "the destination exists".into(),
                    });
                }
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        let path = format!(
            "storage/v1/{}/rewriteTo/{}",
            inner.object(from),
            inner.object(to)
        );
        // A large object is rewritten in rounds, each resumed by the token of the last.
        let mut token: Option<String> = None;
        loop {
            let mut query = Vec::new();
            if create {
                query.push(("ifGenerationMatch", "0"));
            }
            if let Some(token) = &token {
                query.push(("rewriteToken", token.as_str()));
            }
            // An empty resource: the copy keeps the source's metadata.
            let answer = inner
                .send(
                    Method::POST,
                    &inner.url(&path, &query),
                    Some("application/json"),
                    &[],
                    Bytes::from_static(b"{}").into(),
                    from,
                )
                .await
                .map_err(|e| match e {
                    object_store::Error::Precondition { source, .. } => {
                        object_store::Error::AlreadyExists {
                            path: to.to_string(),
                            source,
                        }
                    }
                    e => e,
                })?;
            let round: serde_json::Value = serde_json::from_slice(&answer.body).map_err(generic)?;
            if round["done"].as_bool() != Some(false) {
                return Ok(());
            }
            token = round["rewriteToken"].as_str().map(str::to_owned);
            if token.is_none() {
                return Err(object_store::Error::Generic {
                    store: "GCS",
                    source: "an unfinished rewrite came without a token".into(),
                });
            }
        }
    }
}

impl fmt::Display for GcsObjects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GCS({})", self.inner.bucket)
    }
}

impl fmt::Debug for GcsObjects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GcsObjects")
            .field("bucket", &self.inner.bucket)
            .field("base", &self.inner.base)
            .finish_non_exhaustive()
    }
}

/// The object resource's writable fields, as the JSON API takes them on upload: its name,
/// the HTTP attributes, and the user metadata.
fn metadata(location: &Path, attributes: &Attributes) -> String {
    let mut object = serde_json::Map::new();
    object.insert("name".into(), location.as_ref().into());
    let mut user = serde_json::Map::new();
    for (attribute, value) in attributes {
        let field = match attribute {
            Attribute::ContentType => "contentType",
            Attribute::ContentEncoding => "contentEncoding",
            Attribute::ContentDisposition => "contentDisposition",
            Attribute::ContentLanguage => "contentLanguage",
            Attribute::CacheControl => "cacheControl",
            Attribute::StorageClass => "storageClass",
            Attribute::Metadata(key) => {
                user.insert(key.to_string(), value.as_ref().into());
                continue;
            }
            _ => continue,
        };
        object.insert(field.into(), value.as_ref().into());
    }
    if !user.is_empty() {
        object.insert("metadata".into(), user.into());
    }
    serde_json::Value::Object(object).to_string()
}

/// What an upload reports: the object's generation as its version. The JSON API's etag is
/// not the one reads see on GCS (the XML API's), so none is reported.
pub(super) fn put_result(body: &[u8]) -> PutResult {
    let object: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    PutResult {
        e_tag: None,
        version: object["generation"].as_str().map(str::to_owned),
        extensions: Default::default(),
    }
}

/// A multipart boundary from 128 random bits, which content will not contain by chance.
fn boundary() -> String {
    let half = || RandomState::new().build_hasher().finish();
    format!("store-{:016x}{:016x}", half(), half())
}

/// A failed precondition of a create-only upload is the object being there.
fn create_only(e: object_store::Error, mode: &PutMode) -> object_store::Error {
    match (e, mode) {
        (object_store::Error::Precondition { path, source }, PutMode::Create) => {
            object_store::Error::AlreadyExists { path, source }
        }
        (e, _) => e,
    }
}

/// The object_store error for an error answer.
fn refused(answer: Answer, location: &Path) -> object_store::Error {
    let message = serde_json::from_slice::<serde_json::Value>(&answer.body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let source = Box::new(Refusal {
        status: answer.status,
        message,
    });
    let path = location.to_string();
    match answer.status {
        StatusCode::NOT_FOUND => object_store::Error::NotFound { path, source },
        StatusCode::PRECONDITION_FAILED => object_store::Error::Precondition { path, source },
        StatusCode::NOT_MODIFIED => object_store::Error::NotModified { path, source },
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            object_store::Error::PermissionDenied { path, source }
        }
        _ => object_store::Error::Generic {
            store: "GCS",
            source,
        },
    }
}

pub(super) fn generic(e: impl std::error::Error + Send + Sync + 'static) -> object_store::Error {
    object_store::Error::Generic {
        store: "GCS",
        source: Box::new(e),
    }
}
