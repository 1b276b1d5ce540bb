//! The streamed write of [`ObjectStoreBackend`](super::ObjectStoreBackend) in parts: the
//! caller's chunks are gathered into parts without copying, several parts are in flight while
//! more content is read, and an upload that fails or is dropped is aborted.

use bytes::Bytes;
use futures_util::future::{select, Either};
use futures_util::stream::FuturesUnordered;
use futures_util::{Stream, StreamExt};
use object_store::{MultipartUpload, PutPayload, PutResult, UploadPart};

/// The size of every part but the last (S3's minimum is 5 MiB). Four 8 MiB parts in flight
/// upload 1 GiB as fast as object_store's `BufWriter` (eight of 10 MiB) in about half its
/// memory (bench/RESULTS.md).
pub(super) const PART_SIZE: usize = 8 * 1024 * 1024;

/// How many parts are in flight at once unless configured: memory holds at most this many
/// parts and the one being gathered.
pub(super) const UPLOAD_CONCURRENCY: usize = 4;

/// The chunks gathered for the next part, as the caller gave them.
#[derive(Default)]
pub(super) struct Gathered {
    chunks: Vec<Bytes>,
    len: usize,
}

impl Gathered {
    pub(super) fn push(&mut self, chunk: Bytes) {
        if !chunk.is_empty() {
            self.len += chunk.len();
            self.chunks.push(chunk);
        }
    }

    /// Whether a whole part is gathered.
    pub(super) fn full(&self) -> bool {
        self.len >= PART_SIZE
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first [`PART_SIZE`] bytes; a chunk that straddles the end is split, not copied.
    pub(super) fn take_part(&mut self) -> PutPayload {
        let mut rest = std::mem::take(&mut self.chunks).into_iter();
        let mut part = Vec::new();
        let mut need = PART_SIZE.min(self.len);
        while need > 0 {
            let Some(mut chunk) = rest.next() else { break };
            if chunk.len() > need {
                part.push(chunk.split_to(need));
                self.chunks.push(chunk);
                need = 0;
            } else {
                need -= chunk.len();
                part.push(chunk);
            }
        }
        self.chunks.extend(rest);
        let payload: PutPayload = part.into_iter().collect();
        self.len -= payload.content_length();
        payload
    }

    /// Everything gathered, as one payload.
    pub(super) fn take_all(&mut self) -> PutPayload {
        self.len = 0;
        std::mem::take(&mut self.chunks).into_iter().collect()
    }
}

/// A multipart upload with up to `limit` parts in flight. Dropping it (a cancelled write)
/// stops the parts in flight and aborts the upload on the runtime it ran on, so the service
/// keeps none of it; nothing of it was ever visible.
pub(super) struct Parts {
    upload: Option<Box<dyn MultipartUpload>>,
    in_flight: FuturesUnordered<UploadPart>,
    limit: usize,
}

impl Parts {
    pub(super) fn new(upload: Box<dyn MultipartUpload>, limit: usize) -> Self {
        Parts {
            upload: Some(upload),
            in_flight: FuturesUnordered::new(),
            limit: limit.max(1),
        }
    }

    /// Sends `payload` as the next part once fewer than `limit` are in flight.
    pub(super) async fn send(&mut self, payload: PutPayload) -> object_store::Result<()> {
        while self.in_flight.len() >= self.limit {
            if let Some(done) = self.in_flight.next().await {
                done?;
            }
        }
        if let Some(upload) = self.upload.as_mut() {
            self.in_flight.push(upload.put_part(payload));
        }
        Ok(())
    }

    /// The next item of `content`, while the parts in flight go on; a part that fails ends
    /// the wait with its error.
    pub(super) async fn next_of<S: Stream + Unpin>(
        &mut self,
        content: &mut S,
    ) -> object_store::Result<Option<S::Item>> {
        loop {
            if self.in_flight.is_empty() {
                return Ok(content.next().await);
            }
            match select(content.next(), self.in_flight.next()).await {
                Either::Left((item, _)) => return Ok(item),
                Either::Right((Some(done), _)) => done?,
                Either::Right((None, _)) => {}
            }
        }
    }

    /// Waits for the parts in flight, then completes the upload.
    pub(super) async fn complete(mut self) -> object_store::Result<PutResult> {
        while let Some(done) = self.in_flight.next().await {
            done?;
        }
        match self.upload.take() {
            Some(mut upload) => upload.complete().await,
            None => Err(object_store::Error::Generic {
                store: "store",
                source: "the upload is finished".into(),
            }),
        }
    }

    /// Stops the parts in flight and aborts the upload.
    pub(super) async fn abort(mut self) {
        self.in_flight.clear();
        if let Some(mut upload) = self.upload.take() {
            let _ = upload.abort().await;
        }
    }
}

impl Drop for Parts {
    fn drop(&mut self) {
        self.in_flight.clear();
        if let (Some(mut upload), Ok(runtime)) =
            (self.upload.take(), tokio::runtime::Handle::try_current())
        {
            runtime.spawn(async move {
                let _ = upload.abort().await;
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    /// An upload whose parts take 20 ms each, recording how many overlap.
    #[derive(Debug, Default)]
    struct Slow {
        now: Arc<AtomicUsize>,
        most: Arc<AtomicUsize>,
        sent: Arc<AtomicUsize>,
    }

    #[async_trait::async_trait]
    impl MultipartUpload for Slow {
        fn put_part(&mut self, data: PutPayload) -> UploadPart {
            let (now, most, sent) = (self.now.clone(), self.most.clone(), self.sent.clone());
            Box::pin(async move {
                let running = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(running, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                sent.fetch_add(data.content_length(), Ordering::SeqCst);
                now.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            })
        }

        async fn complete(&mut self) -> object_store::Result<PutResult> {
            Ok(PutResult {
                e_tag: Some("done".into()),
                version: None,
                extensions: Default::default(),
            })
        }

        async fn abort(&mut self) -> object_store::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn parts_overlap_up_to_the_limit_while_content_is_read() {
        let slow = Slow::default();
        let (most, sent) = (slow.most.clone(), slow.sent.clone());
        let mut parts = Parts::new(Box::new(slow), 3);
        let chunk = Bytes::from(vec![0u8; 1024 * 1024]);
        let mut content = futures_util::stream::iter(vec![chunk; 40]);
        let mut gathered = Gathered::default();
        while let Some(chunk) = parts.next_of(&mut content).await.unwrap() {
            gathered.push(chunk);
            while gathered.full() {
                parts.send(gathered.take_part()).await.unwrap();
            }
        }
        parts.send(gathered.take_all()).await.unwrap();
        let put = parts.complete().await.unwrap();
        assert_eq!(put.e_tag.as_deref(), Some("done"));
        assert_eq!(sent.load(Ordering::SeqCst), 40 * 1024 * 1024);
        assert_eq!(
            most.load(Ordering::SeqCst),
            3,
            "three parts in flight at most, and at once"
        );
    }

    #[test]
    fn parts_are_cut_at_the_part_size_without_copying() {
        let big = Bytes::from(vec![1u8; PART_SIZE + 100]);
        let mut gathered = Gathered::default();
        gathered.push(Bytes::from_static(b"abc"));
        gathered.push(Bytes::new());
        gathered.push(big.clone());
        assert!(gathered.full());
        let part = gathered.take_part();
        assert_eq!(part.content_length(), PART_SIZE);
        let pieces: Vec<&Bytes> = part.iter().collect();
        assert_eq!(pieces.len(), 2);
        // The split piece points into the caller's buffer.
        assert_eq!(pieces[1].as_ptr(), big.as_ptr());
        assert!(!gathered.full());
        let rest = gathered.take_all();
        assert_eq!(rest.content_length(), 103);
        assert!(gathered.is_empty());
    }
}
