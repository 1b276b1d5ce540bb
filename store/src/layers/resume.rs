//! A byte stream that resumes where it failed: on a retryable error mid-body it opens the rest
//! of the file again with a ranged read and checks that the file is the version it started
//! with, so the bytes it gives are one file's, never two spliced together. How
//! [`Retry`](super::Retry) carries a read through a dropped connection.

use std::io::{self, Read};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use futures_core::Stream;

use super::retry::Backoff;
use crate::api::BoxFuture;
use crate::content::{ByteStream, ReadStream};
use crate::error::{Error, ErrorKind, Result};
use crate::reopen::{AsyncHandle, BlockingHandle, Version};

/// What a resuming stream knows besides its bytes: where they come from, their version, how
/// far it got and how often it failed without getting further.
struct Progress {
    version: Version,
    backoff: Backoff,
    delivered: u64,
    /// `delivered` at the last failure, and the failures in a row that got no further.
    mark: u64,
    stalled: u32,
    draw: u64,
}

impl Progress {
    fn new(version: Version, backoff: Backoff, seed: u64) -> Self {
        Progress {
            version,
            backoff,
            delivered: 0,
            mark: 0,
            stalled: 0,
            draw: seed,
        }
    }

    /// Whether the stream may be resumed after `error`: it is retryable, and the failures
    /// that got no byte further have not used up the attempts.
    fn may_resume(&mut self, error: &Error) -> bool {
        if !error.is_retryable() {
            return false;
        }
        if self.delivered > self.mark {
            self.mark = self.delivered;
            self.stalled = 0;
        }
        self.stalled += 1;
        self.stalled < self.backoff.attempts
    }

    /// The wait before reopening attempt `attempt` (from 2), `None` once no attempt is left.
    fn wait(&mut self, attempt: u32, start: Instant) -> Option<std::time::Duration> {
        self.draw = self.draw.wrapping_add(1);
        self.backoff.wait(attempt - 1, start, self.draw)
    }

    /// The error for a file found changed on reopening.
    fn changed(&self, path: &str) -> Error {
        Error::new(
            ErrorKind::PreconditionFailed,
            format!(
                "the file changed while it was read, after {} bytes: the read is not resumed",
                self.delivered
            ),
        )
        .with_path(path)
    }
}

/// A blocking reader that resumes where it failed.
pub(super) struct ResumingReader {
    inner: ReadStream,
    handle: BlockingHandle,
    progress: Progress,
}

impl ResumingReader {
    pub(super) fn new(
        inner: ReadStream,
        handle: BlockingHandle,
        version: Version,
        backoff: Backoff,
        seed: u64,
    ) -> Self {
        ResumingReader {
            inner,
            handle,
            progress: Progress::new(version, backoff, seed),
        }
    }

    /// The rest of the file, opened again within the backoff's attempts.
    fn resume(&mut self, first: Error) -> Result<ReadStream> {
        let start = Instant::now();
        let mut last = first;
        for attempt in 2.. {
            let Some(wait) = self.progress.wait(attempt, start) else {
                return Err(last.with_attempts(attempt - 1));
            };
            std::thread::sleep(wait);
            match self.reopen() {
                Ok(stream) => return Ok(stream),
                Err(e) if e.is_retryable() => last = e,
                Err(e) => return Err(e),
            }
        }
        unreachable!("the attempts end the loop")
    }

    /// Opens the rest, then checks the version: a file replaced in between is refused.
    fn reopen(&self) -> Result<ReadStream> {
        let rest = self.handle.open_from(self.progress.delivered)?;
        let now = Version::of(&self.handle.stat()?);
        match self.progress.version.same_as(&now) {
            true => Ok(rest),
            false => Err(self.progress.changed(self.handle.path().as_str())),
        }
    }
}

impl Read for ResumingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.progress.delivered += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let error = Error::from(e);
                    if !self.progress.may_resume(&error) {
                        return Err(error.into());
                    }
                    self.inner = self.resume(error)?;
                }
            }
        }
    }
}

/// An async byte stream that resumes where it failed.
pub(super) struct ResumingStream {
    state: State,
    handle: AsyncHandle,
    progress: Progress,
}

enum State {
    Reading(ByteStream),
    Reopening(BoxFuture<'static, Result<ByteStream>>),
    Done,
}

impl ResumingStream {
    pub(super) fn new(
        inner: ByteStream,
        handle: AsyncHandle,
        version: Version,
        backoff: Backoff,
        seed: u64,
    ) -> Self {
        ResumingStream {
            state: State::Reading(inner),
            handle,
            progress: Progress::new(version, backoff, seed),
        }
    }

    /// The rest of the file, opened again within the backoff's attempts.
    fn resume(&mut self, first: Error) -> BoxFuture<'static, Result<ByteStream>> {
        let start = Instant::now();
        let waits: Vec<_> = (2..)
            .map_while(|attempt| self.progress.wait(attempt, start))
            .collect();
        let handle = self.handle.clone();
        let version = self.progress.version.clone();
        let delivered = self.progress.delivered;
        let changed = self.progress.changed(handle.path().as_str());
        Box::pin(async move {
            let mut last = first;
            for (tried, wait) in waits.into_iter().enumerate() {
                tokio::time::sleep(wait).await;
                let reopened = async {
                    let rest = handle.open_from(delivered).await?;
                    let now = Version::of(&handle.stat().await?);
                    Ok::<_, Error>(version.same_as(&now).then_some(rest))
                };
                match reopened.await {
                    Ok(Some(rest)) => return Ok(rest),
                    Ok(None) => return Err(changed),
                    Err(e) if e.is_retryable() => last = e.with_attempts(tried as u32 + 2),
                    Err(e) => return Err(e),
                }
            }
            Err(last)
        })
    }
}

impl Stream for ResumingStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            match &mut this.state {
                State::Reading(stream) => match ready!(stream.as_mut().poll_next(cx)) {
                    Some(Ok(chunk)) => {
                        this.progress.delivered += chunk.len() as u64;
                        return Poll::Ready(Some(Ok(chunk)));
                    }
                    Some(Err(error)) if this.progress.may_resume(&error) => {
                        this.state = State::Reopening(this.resume(error));
                    }
                    end => {
                        this.state = State::Done;
                        return Poll::Ready(end);
                    }
                },
                State::Reopening(reopening) => match ready!(reopening.as_mut().poll(cx)) {
                    Ok(rest) => this.state = State::Reading(rest),
                    Err(error) => {
                        this.state = State::Done;
                        return Poll::Ready(Some(Err(error)));
                    }
                },
                State::Done => return Poll::Ready(None),
            }
        }
    }
}
