//! A streamed upload as one resumable session of the JSON API.
//!
//! A session takes its bytes in order, and every chunk but the last must be a multiple of
//! 256 KiB. Parts are sent in the order they were handed over, each after the one before it
//! is acknowledged, and the newest part is held back until the next arrives or the upload
//! completes, so the last chunk, whatever its length, is the one that names the total.

use futures_util::future::{ready, BoxFuture};
use futures_util::FutureExt;
use http::{header, Method, StatusCode};
use object_store::path::Path;
use object_store::{MultipartUpload, PutPayload, PutResult, UploadPart};
use tokio::sync::oneshot;

use super::objects::{put_result, Answer, GcsObjects, Refusal};

/// One resumable session.
#[derive(Debug)]
pub(super) struct ResumableUpload {
    objects: GcsObjects,
    session: std::sync::Arc<str>,
    location: Path,
    /// The newest part, not yet sent.
    held: Option<PutPayload>,
    /// Bytes handed to the session before `held`.
    sent: u64,
    /// Says whether the part sent last was acknowledged.
    previous: Option<oneshot::Receiver<bool>>,
}

impl ResumableUpload {
    pub(super) fn new(objects: GcsObjects, session: String, location: Path) -> Self {
        ResumableUpload {
            objects,
            session: session.into(),
            location,
            held: None,
            sent: 0,
            previous: None,
        }
    }
}

/// Sends `chunk` at offset `start`; `total` names the object's length on the last one.
async fn send_chunk(
    objects: &GcsObjects,
    session: &str,
    location: &Path,
    chunk: PutPayload,
    start: u64,
    total: Option<u64>,
) -> object_store::Result<Answer> {
    let len = chunk.content_length() as u64;
    let total = total.map_or_else(|| "*".to_owned(), |t| t.to_string());
    let range = if len == 0 {
        format!("bytes */{total}")
    } else {
        format!("bytes {start}-{}/{total}", start + len - 1)
    };
    objects
        .inner
        .send(
            Method::PUT,
            session,
            None,
            &[(header::CONTENT_RANGE, range)],
            chunk.into(),
            location,
        )
        .await
}

/// Waits for the part before; `false` when it failed or was dropped.
async fn acknowledged(previous: Option<oneshot::Receiver<bool>>) -> bool {
    match previous {
        Some(previous) => previous.await.unwrap_or(false),
        None => true,
    }
}

fn earlier_part_failed(location: &Path) -> object_store::Error {
    object_store::Error::Generic {
        store: "GCS",
        source: format!("an earlier part of the upload to {location} failed").into(),
    }
}

#[async_trait::async_trait]
impl MultipartUpload for ResumableUpload {
    fn put_part(&mut self, data: PutPayload) -> UploadPart {
        if data.content_length() == 0 {
            return ready(Ok(())).boxed();
        }
        let Some(chunk) = self.held.replace(data) else {
            return ready(Ok(())).boxed();
        };
        let start = self.sent;
        self.sent += chunk.content_length() as u64;
        let (done, next) = oneshot::channel();
        let previous = self.previous.replace(next);
        let (objects, session, location) = (
            self.objects.clone(),
            self.session.clone(),
            self.location.clone(),
        );
        let part: BoxFuture<'static, _> = async move {
            if !acknowledged(previous).await {
                let _ = done.send(false);
                return Err(earlier_part_failed(&location));
            }
            let sent = send_chunk(&objects, &session, &location, chunk, start, None).await;
            let _ = done.send(sent.is_ok());
            sent.map(drop)
        }
        .boxed();
        part
    }

    async fn complete(&mut self) -> object_store::Result<PutResult> {
        if !acknowledged(self.previous.take()).await {
            return Err(earlier_part_failed(&self.location));
        }
        let last = self.held.take().unwrap_or_default();
        let total = self.sent + last.content_length() as u64;
        let answer = send_chunk(
            &self.objects,
            &self.session,
            &self.location,
            last,
            self.sent,
            Some(total),
        )
        .await?;
        if answer.status == StatusCode::PERMANENT_REDIRECT {
            return Err(object_store::Error::Generic {
                store: "GCS",
                source: "the session did not finish with its last chunk".into(),
            });
        }
        Ok(put_result(&answer.body))
    }

    async fn abort(&mut self) -> object_store::Result<()> {
        self.held = None;
        // A cancelled session answers 499; one that is already gone, 404.
        match self
            .objects
            .inner
            .send(
                Method::DELETE,
                &self.session,
                None,
                &[],
                object_store::client::HttpRequestBody::empty(),
                &self.location,
            )
            .await
        {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(object_store::Error::Generic { source, .. })
                if source
                    .downcast_ref::<Refusal>()
                    .is_some_and(|r| r.status.as_u16() == 499) =>
            {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}
