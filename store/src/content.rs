//! Content going in and streams coming out, in both worlds ([C-6.1](crate::contract#C-6.1), [C-6.2](crate::contract#C-6.2), [C-7.2](crate::contract#C-7.2)).

use std::fmt;
use std::io::{self, Read, Seek};
use std::pin::Pin;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt};

use crate::error::{Error, Result};

/// Content spooled to become seekable or sized stays in memory up to this many bytes, then
/// moves to a temp file ([C-2.2](crate::contract#C-2.2), [C-6.2](crate::contract#C-6.2)).
pub const SPOOL_IN_MEMORY: usize = 8 * 1024 * 1024;

/// The size of the chunks in which byte streams cross between the worlds: a blocking reader
/// read as an async stream, reader content pumped into an async backend, and the chunks of
/// [`AsyncMemoryBackend`](crate::AsyncMemoryBackend)'s reads.
pub const CHUNK_SIZE: usize = 64 * 1024;

/// A sync read stream, positioned at byte 0. Mid-stream failures are `io::Error`s that wrap a
/// [`store::Error`](crate::Error).
pub type ReadStream = Box<dyn Read + Send>;

/// `Read + Seek`, the shape of `read_seekable`'s stream.
pub trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send + ?Sized> ReadSeek for T {}

/// A sync seekable read stream, positioned at byte 0.
pub type SeekableStream = Box<dyn ReadSeek>;

/// A sync listing: items are `Result`s, and the iterator ends after the first `Err`.
pub type ListIter<T> = Box<dyn Iterator<Item = Result<T>> + Send>;

/// An async read stream: non-empty chunks, fused after the end, ended after an `Err`.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>;

/// An async listing: the stream counterpart of [`ListIter`].
pub type ListStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send>>;

/// A listing stream over items already at hand, for backends that fetch a page at a time.
///
/// ```
/// let items = store::stream_items(vec![1, 2, 3]);
/// # drop(items);
/// ```
pub fn stream_items<T: Send + 'static>(items: impl IntoIterator<Item = T>) -> ListStream<T> {
    let items: Vec<Result<T>> = items.into_iter().map(Ok).collect();
    Box::pin(futures_util::stream::iter(items))
}

/// The content of a sync write: bytes, or any reader consumed to EOF (never rewound).
///
/// ```
/// use store::Content;
/// let from_bytes = Content::from("hello");
/// let from_reader = Content::reader(std::io::Cursor::new(vec![1, 2, 3]));
/// assert_eq!(from_bytes.len_hint(), Some(5));
/// assert_eq!(from_reader.len_hint(), None);
/// ```
pub enum Content {
    /// In-memory bytes.
    Bytes(Bytes),
    /// A reader, consumed from where it currently is.
    Reader(Box<dyn Read + Send>),
}

impl Content {
    /// Content read from `reader` until EOF.
    pub fn reader(reader: impl Read + Send + 'static) -> Self {
        Content::Reader(Box::new(reader))
    }

    /// The length when known without reading.
    pub fn len_hint(&self) -> Option<u64> {
        match self {
            Content::Bytes(b) => Some(b.len() as u64),
            Content::Reader(_) => None,
        }
    }

    /// The content as one reader.
    pub fn into_reader(self) -> Box<dyn Read + Send> {
        match self {
            Content::Bytes(b) => Box::new(io::Cursor::new(b)),
            Content::Reader(r) => r,
        }
    }

    /// Reads everything into memory; a failing reader is `Other` with its error as source.
    pub fn into_bytes(self) -> Result<Bytes> {
        match self {
            Content::Bytes(b) => Ok(b),
            Content::Reader(mut r) => {
                let mut buf = Vec::new();
                r.read_to_end(&mut buf).map_err(content_error)?;
                Ok(buf.into())
            }
        }
    }
}

/// The error for a failing content source ([C-4.5](crate::contract#C-4.5)): `Other`, the caller's error intact.
pub fn content_error(err: io::Error) -> Error {
    let err = match err.downcast::<Error>() {
        Ok(store) => return store,
        Err(err) => err,
    };
    Error::other(format!("content source failed: {err}")).with_source(err)
}

impl fmt::Debug for Content {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Content::Bytes(b) => write!(f, "Content::Bytes({} bytes)", b.len()),
            Content::Reader(_) => f.write_str("Content::Reader(..)"),
        }
    }
}

/// Both worlds' content from in-memory values: owned ones without copying, borrowed ones
/// copied (so no `'static` bound).
macro_rules! content_from {
    ($($t:ty => $bytes:expr),* $(,)?) => {$(
        impl From<$t> for Content {
            fn from(value: $t) -> Self {
                Content::Bytes($bytes(value))
            }
        }
        impl From<$t> for AsyncContent {
            fn from(value: $t) -> Self {
                AsyncContent::Bytes($bytes(value))
            }
        }
    )*};
}
content_from!(
    Bytes => Bytes::from,
    Vec<u8> => Bytes::from,
    String => Bytes::from,
    &[u8] => Bytes::copy_from_slice,
    &str => |s: &str| Bytes::copy_from_slice(s.as_bytes()),
);

impl From<std::fs::File> for Content {
    /// A file as write content, read from where it is to its end:
    /// `store.write(p, File::open(local)?, &opts)`.
    fn from(file: std::fs::File) -> Self {
        Content::reader(file)
    }
}

impl From<tokio::fs::File> for AsyncContent {
    /// A tokio file as write content, read from where it is to its end:
    /// `store.write(p, tokio::fs::File::open(local).await?, &opts).await`.
    fn from(file: tokio::fs::File) -> Self {
        AsyncContent::reader(file)
    }
}

impl From<ReadStream> for Content {
    /// A read stream of any store as write content: `dst.write(p, src.read(p)?, &opts)`.
    fn from(stream: ReadStream) -> Self {
        Content::Reader(stream)
    }
}

impl From<ByteStream> for AsyncContent {
    /// A read stream of any async store as write content:
    /// `dst.write(p, src.read(p).await?, &opts).await`. A failing chunk keeps its
    /// `store::Error`, which the write reports unchanged.
    fn from(stream: ByteStream) -> Self {
        AsyncContent::stream(stream.map(|chunk| chunk.map_err(io::Error::from)))
    }
}

/// The content of an async write: bytes, or a stream of byte chunks.
///
/// ```
/// use store::AsyncContent;
/// let chunks = futures_util::stream::iter(vec![Ok(bytes::Bytes::from("a"))]);
/// let content = AsyncContent::stream(chunks);
/// assert!(matches!(content, AsyncContent::Stream(_)));
/// ```
pub enum AsyncContent {
    /// In-memory bytes.
    Bytes(Bytes),
    /// A stream of chunks, consumed to its end.
    Stream(Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>),
}

impl AsyncContent {
    /// Content taken from `stream`.
    pub fn stream(stream: impl Stream<Item = io::Result<Bytes>> + Send + 'static) -> Self {
        AsyncContent::Stream(Box::pin(stream))
    }

    /// Content read from any tokio `AsyncRead` (a file, a socket, a decompressor) to its
    /// end, in chunks of [`CHUNK_SIZE`](crate::CHUNK_SIZE).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use store::{AsyncContent, AsyncStore, MemoryBackend, WriteOptions};
    /// let store = AsyncStore::new(MemoryBackend::new());
    /// let body = AsyncContent::reader(&b"read from anything"[..]);
    /// store.write("a.txt", body, &WriteOptions::new()).await?;
    /// assert_eq!(store.read_text("a.txt").await?, "read from anything");
    /// # Ok::<(), store::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn reader(reader: impl tokio::io::AsyncRead + Send + 'static) -> Self {
        AsyncContent::stream(tokio_util::io::ReaderStream::with_capacity(
            reader,
            crate::content::CHUNK_SIZE,
        ))
    }

    /// Collects everything; a failing stream is `Other` with its error as source.
    pub async fn into_bytes(self) -> Result<Bytes> {
        match self {
            AsyncContent::Bytes(b) => Ok(b),
            AsyncContent::Stream(mut s) => {
                let mut buf = Vec::new();
                while let Some(chunk) = s.next().await {
                    buf.extend_from_slice(&chunk.map_err(content_error)?);
                }
                Ok(buf.into())
            }
        }
    }
}

impl fmt::Debug for AsyncContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AsyncContent::Bytes(b) => write!(f, "AsyncContent::Bytes({} bytes)", b.len()),
            AsyncContent::Stream(_) => f.write_str("AsyncContent::Stream(..)"),
        }
    }
}

/// A tokio reader over an async read stream, as [`AsyncStore::reader`](crate::AsyncStore::reader)
/// returns it: [`AsyncRead`](tokio::io::AsyncRead) and [`AsyncBufRead`](tokio::io::AsyncBufRead)
/// over the stream's chunks, without copying them into a buffer of its own. A failing chunk
/// is an `io::Error` that wraps the [`store::Error`](crate::Error).
///
/// ```
/// use store::{AsyncStore, MemoryBackend, WriteOptions};
/// use tokio::io::AsyncReadExt;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = AsyncStore::new(MemoryBackend::new());
/// store.write("a.txt", "hello", &WriteOptions::new()).await?;
/// let mut text = String::new();
/// store.reader("a.txt").await?.read_to_string(&mut text).await?;
/// assert_eq!(text, "hello");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub struct AsyncReader {
    inner: tokio_util::io::StreamReader<IoChunks, Bytes>,
}

type IoChunks = futures_util::stream::MapErr<ByteStream, fn(Error) -> io::Error>;

impl AsyncReader {
    /// A reader over `stream`.
    pub fn new(stream: ByteStream) -> Self {
        let chunks: IoChunks = stream.map_err(io::Error::from as fn(Error) -> io::Error);
        AsyncReader {
            inner: tokio_util::io::StreamReader::new(chunks),
        }
    }
}

impl tokio::io::AsyncRead for AsyncReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncBufRead for AsyncReader {
    fn poll_fill_buf(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<&[u8]>> {
        Pin::new(&mut self.get_mut().inner).poll_fill_buf(cx)
    }

    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        Pin::new(&mut self.inner).consume(amt)
    }
}

impl fmt::Debug for AsyncReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AsyncReader(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AsyncStore, MemoryBackend, Store, WriteOptions};

    #[test]
    fn files_are_content_in_both_worlds() {
        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("local.txt");
        std::fs::write(&local, "from a file").unwrap();
        let store = Store::new(MemoryBackend::new());
        let file = std::fs::File::open(&local).unwrap();
        store.write("a.txt", file, &WriteOptions::new()).unwrap();
        assert_eq!(store.read_text("a.txt").unwrap(), "from a file");

        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let store = AsyncStore::new(MemoryBackend::new());
            let file = tokio::fs::File::open(&local).await.unwrap();
            store
                .write("b.txt", file, &WriteOptions::new())
                .await
                .unwrap();
            assert_eq!(store.read_text("b.txt").await.unwrap(), "from a file");
            // Any AsyncRead, in chunks no larger than CHUNK_SIZE.
            let big = vec![7u8; CHUNK_SIZE * 2 + 5];
            let content = AsyncContent::reader(std::io::Cursor::new(big.clone()));
            let AsyncContent::Stream(mut chunks) = content else {
                panic!("a reader is a stream");
            };
            let mut total = Vec::new();
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.unwrap();
                assert!(!chunk.is_empty() && chunk.len() <= CHUNK_SIZE);
                total.extend_from_slice(&chunk);
            }
            assert_eq!(total, big);
        });
    }
}
