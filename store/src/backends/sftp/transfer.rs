//! Pipelined transfers: reads and writes split into requests of the server's maximum size,
//! [`IN_FLIGHT`] of them outstanding at a time, so a transfer pays for round trips once per
//! window rather than once per request, and memory stays bounded.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::future::join;
use futures_util::stream::{FuturesOrdered, FuturesUnordered};
use futures_util::{Future, StreamExt};
use russh_sftp::client::error::Error as SftpError;
use russh_sftp::protocol::{FileAttributes, StatusCode};

use super::errors;
use super::session::{Lease, IN_FLIGHT};
use crate::content::{content_error, AsyncContent, ByteStream};
use crate::error::{Error, Result};

/// Why an upload stopped.
pub(super) enum UploadError {
    /// The content source failed; the file holds part of it.
    Source(Error),
    /// The server or the connection failed.
    Remote(Error),
}

impl UploadError {
    pub fn into_error(self) -> Error {
        match self {
            UploadError::Source(e) | UploadError::Remote(e) => e,
        }
    }
}

/// Writes `content` to the open `handle` from offset 0, then states and closes it: the file's
/// attributes after the write. The `fstat` and the `close` go out with the last window of
/// writes (the server answers in order), so a small file costs one round trip here. The
/// handle is closed on every path.
pub(super) async fn upload(
    conn: &Lease,
    handle: &str,
    content: AsyncContent,
    key: &str,
) -> std::result::Result<FileAttributes, UploadError> {
    let chunk = conn.ext.write_len as usize;
    let mut in_flight = FuturesUnordered::new();
    let mut offset = 0u64;
    let mut failed: Option<UploadError> = None;
    let send = |offset: u64, data: Bytes| conn.sftp.write(handle, offset, data.to_vec());
    let remote = |e| UploadError::Remote(conn.fail(e, key));

    // Keeps at most `limit` writes outstanding; the first failure stops the upload.
    macro_rules! drain_to {
        ($limit:expr) => {
            while in_flight.len() > $limit {
                if let Some(Err(e)) = in_flight.next().await {
                    failed = Some(remote(e));
                    break;
                }
            }
        };
    }

    match content {
        AsyncContent::Bytes(mut data) => {
            while !data.is_empty() && failed.is_none() {
                let piece = data.split_to(data.len().min(chunk));
                let len = piece.len() as u64;
                in_flight.push(send(offset, piece));
                offset += len;
                drain_to!(IN_FLIGHT - 1);
            }
        }
        AsyncContent::Stream(mut stream) => {
            let mut pending = BytesMut::new();
            while failed.is_none() {
                let end = match stream.next().await {
                    Some(Ok(bytes)) => {
                        pending.extend_from_slice(&bytes);
                        false
                    }
                    Some(Err(e)) => {
                        failed = Some(UploadError::Source(content_error(e)));
                        break;
                    }
                    None => true,
                };
                while (pending.len() >= chunk || end && !pending.is_empty()) && failed.is_none() {
                    let piece = pending.split_to(pending.len().min(chunk)).freeze();
                    let len = piece.len() as u64;
                    in_flight.push(send(offset, piece));
                    offset += len;
                    drain_to!(IN_FLIGHT - 1);
                }
                if end {
                    break;
                }
            }
        }
    }
    if let Some(failure) = failed {
        while in_flight.next().await.is_some() {}
        let _ = conn.sftp.close(handle).await;
        return Err(failure);
    }
    let writes = async {
        while let Some(written) = in_flight.next().await {
            written?;
        }
        Ok(())
    };
    let (written, (stat, closed)) = join(
        writes,
        join(conn.sftp.fstat(handle), conn.sftp.close(handle)),
    )
    .await;
    written.map_err(remote)?;
    closed.map_err(remote)?;
    Ok(stat.map_err(remote)?.attrs)
}

/// A READ request in flight: where it starts, how much it asked for, and the answer.
struct Piece {
    offset: u64,
    len: u32,
}

type Pending = std::pin::Pin<Box<dyn Future<Output = (Piece, ReadAnswer)> + Send>>;
type ReadAnswer = std::result::Result<Vec<u8>, SftpError>;

/// The state of a streamed read of `[next, end)` over an open handle, which it closes when
/// done or dropped.
struct Reader {
    conn: Arc<Lease>,
    handle: Option<String>,
    /// Where the close goes when the stream is dropped, perhaps outside any runtime (a
    /// blocking reader through the async-to-sync adapter).
    runtime: Option<tokio::runtime::Handle>,
    key: String,
    next: u64,
    end: u64,
    in_flight: FuturesOrdered<Pending>,
}

impl Reader {
    fn request(&mut self, offset: u64, len: u32) -> Pending {
        let conn = self.conn.clone();
        let handle = self.handle.clone().unwrap_or_default();
        Box::pin(async move {
            let answer = conn.sftp.read(handle, offset, len).await.map(|d| d.data);
            (Piece { offset, len }, answer)
        })
    }

    /// Keeps [`IN_FLIGHT`] requests outstanding while there is more to ask for.
    fn top_up(&mut self) {
        let chunk = u64::from(self.conn.ext.read_len);
        while self.in_flight.len() < IN_FLIGHT && self.next < self.end {
            let len = chunk.min(self.end - self.next) as u32;
            let request = self.request(self.next, len);
            self.in_flight.push_back(request);
            self.next += u64::from(len);
        }
    }

    /// The next chunk in order; `None` at the end (or at an early end of file).
    async fn next_chunk(&mut self) -> Option<Result<Bytes>> {
        loop {
            self.top_up();
            let (piece, answer) = self.in_flight.next().await?;
            match answer {
                Ok(data) if data.is_empty() => continue,
                Ok(data) => {
                    let got = data.len() as u32;
                    if got < piece.len {
                        // A short answer: ask for the rest before anything later.
                        let rest = self.request(piece.offset + u64::from(got), piece.len - got);
                        self.in_flight.push_front(rest);
                    }
                    return Some(Ok(Bytes::from(data)));
                }
                Err(e) if errors::status(&e) == Some(StatusCode::Eof) => {
                    // The file shrank under the read: it ends here.
                    self.in_flight = FuturesOrdered::new();
                    self.end = self.next;
                    return None;
                }
                Err(e) => {
                    self.in_flight = FuturesOrdered::new();
                    self.end = self.next;
                    return Some(Err(self.conn.fail(e, &self.key)));
                }
            }
        }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        if let (Some(handle), Some(runtime)) = (self.handle.take(), &self.runtime) {
            let conn = self.conn.clone();
            runtime.spawn(async move {
                let _ = conn.sftp.close(handle).await;
            });
        }
    }
}

/// Closes `handle` without waiting for the answer: a close only frees the server's handle.
pub(super) fn close_later(conn: Arc<Lease>, handle: String) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let _ = conn.sftp.close(handle).await;
        });
    }
}

/// A stream of `[offset, end)` of the open `handle`, which it owns from now on.
pub(super) fn stream(
    conn: Arc<Lease>,
    handle: String,
    key: &str,
    offset: u64,
    end: u64,
) -> ByteStream {
    let reader = Reader {
        conn,
        handle: Some(handle),
        runtime: tokio::runtime::Handle::try_current().ok(),
        key: key.to_owned(),
        next: offset,
        end,
        in_flight: FuturesOrdered::new(),
    };
    let chunks = futures_util::stream::unfold(reader, |mut reader| async move {
        match reader.next_chunk().await {
            Some(Ok(chunk)) => Some((Ok(chunk), reader)),
            Some(Err(e)) => Some((Err(e), reader)),
            None => None,
        }
    });
    Box::pin(chunks.fuse())
}

/// Reads `[offset, end)` of the open `handle` into memory, pipelined; stops early at the end
/// of the file.
pub(super) async fn collect(
    conn: Arc<Lease>,
    handle: String,
    key: &str,
    offset: u64,
    end: u64,
) -> Result<Bytes> {
    let mut out = BytesMut::with_capacity((end - offset).min(64 << 20) as usize);
    let mut chunks = stream(conn, handle, key, offset, end);
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        if out.is_empty() && chunks_is_whole(&chunk, end - offset) {
            return Ok(chunk);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out.freeze())
}

/// Whether one chunk is the whole range, so it can be returned without a copy.
fn chunks_is_whole(chunk: &Bytes, len: u64) -> bool {
    chunk.len() as u64 == len
}
