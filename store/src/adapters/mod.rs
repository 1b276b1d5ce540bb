//! The two generated adapters' runtime support: [`sync_to_async`] runs a blocking backend
//! under async code ([`SyncBackendAdapter`](crate::SyncBackendAdapter)), [`async_to_sync`]
//! runs an async backend under blocking code on a private runtime thread
//! ([`AsyncBackendSyncAdapter`](crate::AsyncBackendSyncAdapter)).
//!
//! Bytes cross between the worlds in one way per direction: a blocking reader becomes chunks
//! through [`read_chunk`], and a source of chunks becomes a blocking reader through
//! [`ChunkReader`]; both adapters use the same two, and [`park_on`] to wait on a future from a
//! blocking thread without any runtime.

pub(crate) mod async_to_sync;
pub(crate) mod sync_to_async;

use std::future::Future;
use std::io::{self, Read};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use bytes::Bytes;

use crate::content::CHUNK_SIZE;

/// Reads up to one [`CHUNK_SIZE`] chunk, retrying interrupted reads; empty only at EOF.
pub(crate) fn read_chunk(reader: &mut dyn Read) -> io::Result<Bytes> {
    let mut buf = vec![0; CHUNK_SIZE];
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(buf.into())
}

/// A blocking reader over a source of chunks: `next` is asked for one chunk at a time, only
/// when the previous one is used up, so memory stays bounded by the largest chunk. `None`
/// ends the stream for good.
pub(crate) struct ChunkReader<F> {
    next: Option<F>,
    current: Bytes,
}

impl<F: FnMut() -> Option<io::Result<Bytes>>> ChunkReader<F> {
    pub(crate) fn new(next: F) -> Self {
        ChunkReader {
            next: Some(next),
            current: Bytes::new(),
        }
    }
}

impl<F: FnMut() -> Option<io::Result<Bytes>>> Read for ChunkReader<F> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            let Some(next) = self.next.as_mut().filter(|_| !buf.is_empty()) else {
                return Ok(0);
            };
            match next() {
                Some(chunk) => self.current = chunk?,
                None => self.next = None,
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// Polls `future` to completion on this (blocking) thread, parking between wake-ups.
pub(crate) fn park_on<F: Future>(future: F) -> F::Output {
    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        thread::park();
    }
}
