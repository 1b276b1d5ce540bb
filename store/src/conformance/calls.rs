//! Calls made from the operation table: [`CallArgs`], the arguments of any entry of
//! [`OPERATIONS`](crate::OPERATIONS) made from a few values, and the helpers the generated
//! [`StoreCalls`](super::StoreCalls) and [`call_backend`](super::call_backend) use to turn
//! each world's results into one shape.

use std::any::{type_name, Any};
use std::io;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{stream, StreamExt};

use super::world::Listing;
use crate::adapters::ChunkReader;
use crate::api::BoxFuture;
use crate::{AsyncContent, ByteStream, Content, ListIter, ListStream, Pattern, ReadStream};
use crate::{Result, StorePath};

/// The arguments of a call made from a table entry: one path per path argument (by
/// position), the content and whether it streams, one value for every `bool` and one for every
/// `u64`, and options values by type (absent ones are their `Default`).
///
/// ```
/// use store::conformance::CallArgs;
/// use store::WriteOptions;
/// let args = CallArgs::new(["a.txt"]).with(WriteOptions::new().overwrite(true)).flag(true);
/// assert_eq!(args.path(0), "a.txt");
/// assert!(args.option::<WriteOptions>().overwrite);
/// ```
#[derive(Clone)]
pub struct CallArgs {
    paths: Vec<String>,
    content: Bytes,
    streamed: bool,
    flag: bool,
    number: u64,
    options: Vec<Arc<dyn Any + Send + Sync>>,
}

impl CallArgs {
    /// Arguments with these paths, in the order of the operation's path arguments; content
    /// `must not land`, not streamed, every `bool` false, every `u64` 1.
    pub fn new<S: Into<String>>(paths: impl IntoIterator<Item = S>) -> Self {
        CallArgs {
            paths: paths.into_iter().map(Into::into).collect(),
            content: Bytes::from_static(b"must not land"),
            streamed: false,
            flag: false,
            number: 1,
            options: Vec::new(),
        }
    }

    /// The same arguments with these paths.
    #[must_use]
    pub fn paths<S: Into<String>>(mut self, paths: impl IntoIterator<Item = S>) -> Self {
        self.paths = paths.into_iter().map(Into::into).collect();
        self
    }

    /// Streamed content: a reader or a stream of chunks rather than bytes.
    #[must_use]
    pub fn streamed(mut self, streamed: bool) -> Self {
        self.streamed = streamed;
        self
    }

    /// The value of every `bool` argument (`overwrite`, `missing_ok`).
    #[must_use]
    pub fn flag(mut self, flag: bool) -> Self {
        self.flag = flag;
        self
    }

    /// The value of every `u64` argument (`offset`, `len`).
    #[must_use]
    pub fn number(mut self, number: u64) -> Self {
        self.number = number;
        self
    }

    /// An options value, for every argument of its type.
    #[must_use]
    pub fn with<T: Any + Send + Sync>(mut self, value: T) -> Self {
        self.options.retain(|o| !o.is::<T>());
        self.options.push(Arc::new(value));
        self
    }

    /// The path at `position` among the path arguments; the root when there is none.
    pub fn path(&self, position: usize) -> &str {
        self.paths.get(position).map_or("", String::as_str)
    }

    /// The path at `position` as a backend key; `""` is the root.
    pub fn key(&self, position: usize) -> Result<StorePath> {
        match self.path(position) {
            "" => Ok(StorePath::root()),
            path => StorePath::new(path),
        }
    }

    /// The path at `position` as a glob.
    pub fn pattern(&self, position: usize) -> Result<Pattern> {
        Pattern::new(self.path(position))
    }

    /// Whether content streams.
    pub fn is_streamed(&self) -> bool {
        self.streamed
    }

    /// The content as bytes.
    pub fn bytes(&self) -> Bytes {
        self.content.clone()
    }

    /// The content as chunks: two, when it has two bytes or more.
    pub fn chunks(&self) -> Vec<io::Result<Bytes>> {
        let mut rest = self.content.clone();
        let first = rest.split_to(rest.len() / 2);
        [first, rest]
            .into_iter()
            .filter(|c| !c.is_empty())
            .map(Ok)
            .collect()
    }

    /// The content of a blocking write.
    pub fn content(&self) -> Content {
        match self.streamed {
            true => chunk_reader(self.chunks()),
            false => Content::from(self.bytes()),
        }
    }

    /// The content of an async write.
    pub fn async_content(&self) -> AsyncContent {
        match self.streamed {
            true => chunk_stream(self.chunks()),
            false => AsyncContent::from(self.bytes()),
        }
    }

    /// The options value of type `T` given with [`with`](Self::with), or its default.
    pub fn option<T: Any + Clone + Default>(&self) -> T {
        self.options
            .iter()
            .find_map(|o| o.downcast_ref::<T>())
            .cloned()
            .unwrap_or_default()
    }
}

impl std::fmt::Debug for CallArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallArgs")
            .field("paths", &self.paths)
            .field("streamed", &self.streamed)
            .field("flag", &self.flag)
            .field("number", &self.number)
            .field("options", &self.options.len())
            .finish()
    }
}

/// A plain argument type the table's calls can make: a definition that takes another one
/// does not compile with the kit until it is added here.
pub trait KitValue {
    /// The value `args` gives every argument of this type.
    fn from_args(args: &CallArgs) -> Self;
}

impl KitValue for bool {
    fn from_args(args: &CallArgs) -> Self {
        args.flag
    }
}

impl KitValue for u64 {
    fn from_args(args: &CallArgs) -> Self {
        args.number
    }
}

/// What a call returned, for messages: the error, or the type of the value.
pub fn describe<T>(result: Result<T>) -> Result<String> {
    result.map(|_| type_name::<T>().to_owned())
}

/// A ready future.
pub fn now<'a, T: Send + 'a>(value: T) -> BoxFuture<'a, T> {
    Box::pin(std::future::ready(value))
}

/// A blocking stream, read to its end; the outer error is the call's own.
pub fn drain_reader(stream: Result<ReadStream>) -> Result<Result<Vec<u8>>> {
    stream.map(|mut reader| {
        let mut out = Vec::new();
        io::Read::read_to_end(&mut reader, &mut out)
            .map(|_| out)
            .map_err(crate::Error::from_io_unlocated)
    })
}

/// A blocking listing, collected.
pub fn collect_iter<T>(listing: Result<ListIter<T>>) -> Listing<T> {
    listing.map(Iterator::collect)
}

/// An async stream, read to its end; the outer error is the call's own.
pub async fn drain(stream: Result<ByteStream>) -> Result<Result<Vec<u8>>> {
    let mut stream = stream?;
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => out.extend_from_slice(&chunk),
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok(out))
}

/// An async listing, collected.
pub async fn collect_stream<T>(listing: Result<ListStream<T>>) -> Listing<T> {
    Ok(listing?.collect().await)
}

/// Blocking content that reads `chunks` in turn, failing where one is an error.
pub fn chunk_reader(chunks: Vec<io::Result<Bytes>>) -> Content {
    let mut chunks = chunks.into_iter();
    Content::reader(ChunkReader::new(move || chunks.next()))
}

/// Async content that yields `chunks` in turn.
pub fn chunk_stream(chunks: Vec<io::Result<Bytes>>) -> AsyncContent {
    AsyncContent::stream(stream::iter(chunks))
}
