//! Runtime support of `SyncBackendAdapter`: blocking calls from async code, and the
//! conversions of streams and content between the worlds ([C-7.3](crate::contract#C-7.3)).

use std::panic::{catch_unwind, AssertUnwindSafe};

use futures_util::{stream, StreamExt};

use super::{park_on, read_chunk, ChunkReader};
use crate::content::{AsyncContent, ByteStream, Content, ListIter, ListStream, ReadStream};
use crate::error::{Error, Result};

/// Runs `f` on tokio's blocking pool, or inline when `inline` (a backend that never blocks)
/// or when no runtime is current; a panic becomes `Other("backend panicked in <op>")`.
pub async fn run_blocking<T, F>(op: &'static str, inline: bool, f: F) -> Result<T>
where
    F: FnOnce() -> Result<T> + Send + 'static,
    T: Send + 'static,
{
    if inline {
        return catching(op, f);
    }
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => match handle.spawn_blocking(move || catching(op, f)).await {
            Ok(result) => result,
            Err(err) => Err(Error::other(format!("blocking task of {op} failed: {err}"))),
        },
        Err(_) => catching(op, f),
    }
}

fn catching<T>(op: &'static str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Error::other(format!("backend panicked in {op}: {detail}")))
    })
}

/// Items a listing hands across from the blocking pool at a time.
const LIST_BATCH: usize = 256;

/// A listing of a blocking backend as a stream ([C-7.3](crate::contract#C-7.3)): `open` runs on
/// tokio's blocking pool and its iterator stays there, sending batches of `LIST_BATCH` (256) items
/// through a channel that holds one batch. The first items arrive before the listing ends;
/// memory holds at most two batches, whatever the listing's length; the walk stops after the
/// first `Err`, and at the next batch once the stream is dropped. With `inline` (a backend that
/// never blocks) or without a runtime (under `futures::executor::block_on`) the iterator is
/// pulled inline, item by item.
pub async fn list_batches<T, F>(op: &'static str, inline: bool, open: F) -> Result<ListStream<T>>
where
    F: FnOnce() -> Result<ListIter<T>> + Send + 'static,
    T: Send + 'static,
{
    let handle = tokio::runtime::Handle::try_current()
        .ok()
        .filter(|_| !inline);
    let Some(handle) = handle else {
        let items = catching(op, open)?;
        return Ok(Box::pin(stream::iter(UntilErr(Some(items)))));
    };
    let (opened_tx, opened_rx) = tokio::sync::oneshot::channel();
    let (batches_tx, batches_rx) = tokio::sync::mpsc::channel::<Vec<Result<T>>>(1);
    handle.spawn_blocking(move || {
        let items = match catching(op, open) {
            Ok(items) => {
                let _ = opened_tx.send(Ok(()));
                items
            }
            Err(e) => {
                let _ = opened_tx.send(Err(e));
                return;
            }
        };
        let mut items = UntilErr(Some(items));
        loop {
            let batch = catch_unwind(AssertUnwindSafe(|| {
                items.by_ref().take(LIST_BATCH).collect::<Vec<_>>()
            }))
            .unwrap_or_else(|_| vec![Err(Error::other(format!("backend panicked in {op}")))]);
            let last = batch.len() < LIST_BATCH || batch.last().is_some_and(|i| i.is_err());
            if batch.is_empty() || batches_tx.blocking_send(batch).is_err() || last {
                return;
            }
        }
    });
    match opened_rx.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e),
        Err(_) => return Err(Error::other(format!("blocking task of {op} failed"))),
    }
    let batches = stream::unfold(batches_rx, |mut rx| async move {
        rx.recv().await.map(|batch| (stream::iter(batch), rx))
    });
    Ok(Box::pin(batches.flatten()))
}

/// A listing that ends after its first `Err` ([C-1.6](crate::contract#C-1.6)).
struct UntilErr<T>(Option<ListIter<T>>);

impl<T> Iterator for UntilErr<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let item = self.0.as_mut()?.next();
        if !matches!(item, Some(Ok(_))) {
            self.0 = None;
        }
        item
    }
}

/// Streams a blocking reader in chunks of [`CHUNK_SIZE`](crate::CHUNK_SIZE), one blocking call per chunk and
/// never more than one in flight; read inline with `inline` (a backend that never blocks).
pub fn byte_stream(reader: ReadStream, backend: &'static str, inline: bool) -> ByteStream {
    Box::pin(stream::try_unfold(Some(reader), move |state| async move {
        let Some(reader) = state else {
            return Ok(None);
        };
        let (reader, chunk) = run_blocking("read", inline, move || {
            let mut reader = reader;
            let chunk = read_chunk(&mut reader)
                .map_err(|e| Error::from_io_unlocated(e).with_backend(backend))?;
            Ok((reader, chunk))
        })
        .await?;
        Ok((!chunk.is_empty()).then(|| (chunk, Some(reader))))
    }))
}

/// Whether `content` is in memory already, so that a backend that never blocks can take it
/// inline; a stream is waited on.
pub fn in_memory(content: &AsyncContent) -> bool {
    matches!(content, AsyncContent::Bytes(_))
}

/// Turns async content into blocking content: a stream becomes a reader that pulls one chunk
/// at a time, so memory stays bounded by the largest chunk.
pub fn blocking_content(content: AsyncContent) -> Content {
    match content {
        AsyncContent::Bytes(b) => Content::Bytes(b),
        AsyncContent::Stream(mut stream) => {
            Content::reader(ChunkReader::new(move || park_on(stream.next())))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{self, Read};

    use bytes::Bytes;

    use super::*;
    use crate::content::CHUNK_SIZE;

    #[test]
    fn inline_without_runtime_and_panics_become_errors() {
        let ok = futures_executor::block_on(run_blocking("op", false, || Ok(7)));
        assert_eq!(ok.unwrap(), 7);
        let err =
            futures_executor::block_on(run_blocking::<(), _>("boom", false, || panic!("nope")))
                .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Other);
        assert!(err.message().contains("backend panicked in boom"), "{err}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn byte_stream_is_chunked_and_fused() {
        let data = vec![7u8; CHUNK_SIZE * 2 + 5];
        let mut s = byte_stream(Box::new(io::Cursor::new(data.clone())), "test", false);
        let mut sizes = Vec::new();
        while let Some(chunk) = s.next().await {
            sizes.push(chunk.unwrap().len());
        }
        assert_eq!(sizes, [CHUNK_SIZE, CHUNK_SIZE, 5]);
        assert!(s.next().await.is_none());
    }

    #[test]
    fn stream_content_reads_back() {
        let chunks = vec![
            Ok(Bytes::from("ab")),
            Ok(Bytes::new()),
            Ok(Bytes::from("cde")),
        ];
        let content = blocking_content(AsyncContent::stream(stream::iter(chunks)));
        let mut out = String::new();
        content.into_reader().read_to_string(&mut out).unwrap();
        assert_eq!(out, "abcde");
    }
}
