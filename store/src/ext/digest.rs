//! Integrity: SHA-256, MD5 and CRC32C digests of a store's files, computed as the bytes stream
//! by, and the hashing wrappers (a byte stream, a reader, a writer) that compute them on the way.

use std::io::{self, Read, Write};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt;
use md5::Digest as _;

use crate::content::ByteStream;
use crate::entry::ContentDigest;
use crate::error::{Error, ErrorKind, Result};
use crate::AsyncStore;

/// A digest algorithm. Names are those of [`ContentDigest::algorithm`]: `sha256`, `md5`,
/// `crc32c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// SHA-256: the one to verify content against tampering.
    Sha256,
    /// MD5: what S3 reports as the ETag of a single-part upload, and Azure as `Content-MD5`.
    Md5,
    /// CRC32C: a fast check against corruption, what S3 and Google Cloud Storage compute.
    Crc32c,
}

impl Algorithm {
    /// The algorithm's name, as in [`ContentDigest::algorithm`].
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Md5 => "md5",
            Algorithm::Crc32c => "crc32c",
        }
    }

    /// The algorithm called `name` (any case), if it is one of these.
    ///
    /// ```
    /// use store::ext::Algorithm;
    /// assert_eq!(Algorithm::from_name("SHA256"), Some(Algorithm::Sha256));
    /// assert_eq!(Algorithm::from_name("sha1"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Algorithm> {
        [Algorithm::Sha256, Algorithm::Md5, Algorithm::Crc32c]
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    /// A fresh hasher.
    pub fn hasher(self) -> Hasher {
        Hasher(match self {
            Algorithm::Sha256 => State::Sha256(Box::default()),
            Algorithm::Md5 => State::Md5(Box::default()),
            Algorithm::Crc32c => State::Crc32c(0),
        })
    }

    /// The digest of `data`, in one call.
    ///
    /// ```
    /// use store::ext::Algorithm;
    /// assert_eq!(Algorithm::Crc32c.digest(b"123456789").value, "e3069283");
    /// ```
    pub fn digest(self, data: &[u8]) -> ContentDigest {
        let mut hasher = self.hasher();
        hasher.update(data);
        hasher.finish()
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A running digest: [`update`](Self::update) with the bytes in order, then
/// [`finish`](Self::finish).
#[derive(Clone)]
pub struct Hasher(State);

#[derive(Clone)]
enum State {
    Sha256(Box<sha2::Sha256>),
    Md5(Box<md5::Md5>),
    Crc32c(u32),
}

impl Hasher {
    /// Adds `data`.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            State::Sha256(h) => h.update(data),
            State::Md5(h) => h.update(data),
            State::Crc32c(crc) => *crc = crc32c::crc32c_append(*crc, data),
        }
    }

    /// The digest of everything added.
    pub fn finish(self) -> ContentDigest {
        let (algorithm, bytes) = match self.0 {
            State::Sha256(h) => (Algorithm::Sha256, h.finalize().to_vec()),
            State::Md5(h) => (Algorithm::Md5, h.finalize().to_vec()),
            State::Crc32c(crc) => (Algorithm::Crc32c, crc.to_be_bytes().to_vec()),
        };
        ContentDigest {
            algorithm: algorithm.name().to_owned(),
            value: bytes.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let algorithm = match self.0 {
            State::Sha256(_) => Algorithm::Sha256,
            State::Md5(_) => Algorithm::Md5,
            State::Crc32c(_) => Algorithm::Crc32c,
        };
        f.debug_tuple("Hasher").field(&algorithm).finish()
    }
}

/// The digest of the file at `path`, computed as it streams by (memory stays bounded).
///
/// ```
/// use store::{AsyncStore, MemoryBackend, WriteOptions};
/// use store::ext::{self, Algorithm};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = AsyncStore::new(MemoryBackend::new());
/// store.write("a.txt", "123456789", &WriteOptions::new()).await?;
/// let digest = ext::checksum(&store, "a.txt", Algorithm::Crc32c).await?;
/// assert_eq!(digest.value, "e3069283");
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
pub async fn checksum(
    store: &AsyncStore,
    path: impl AsRef<str>,
    algorithm: Algorithm,
) -> Result<ContentDigest> {
    let mut stream = store.read(path).await?;
    let mut hasher = algorithm.hasher();
    while let Some(chunk) = stream.next().await {
        hasher.update(&chunk?);
    }
    Ok(hasher.finish())
}

/// Checks the file at `path` against `expected`: `InvalidData` naming both digests when it
/// differs, `InvalidArgument` for an algorithm this crate does not know.
///
/// ```
/// use store::{AsyncStore, ErrorKind, MemoryBackend, WriteOptions};
/// use store::ext::{self, Algorithm};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = AsyncStore::new(MemoryBackend::new());
/// store.write("a.txt", "data", &WriteOptions::new()).await?;
/// let good = Algorithm::Sha256.digest(b"data");
/// ext::verify(&store, "a.txt", &good).await?;
/// let bad = Algorithm::Sha256.digest(b"other");
/// let err = ext::verify(&store, "a.txt", &bad).await.unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidData);
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
pub async fn verify(
    store: &AsyncStore,
    path: impl AsRef<str>,
    expected: &ContentDigest,
) -> Result<()> {
    let path = path.as_ref();
    let algorithm = algorithm_of(expected)?;
    let actual = checksum(store, path, algorithm).await?;
    check(path, expected, &actual)
}

/// The algorithm of `digest`, or `InvalidArgument`.
pub(crate) fn algorithm_of(digest: &ContentDigest) -> Result<Algorithm> {
    Algorithm::from_name(&digest.algorithm).ok_or_else(|| {
        Error::invalid_argument(format!(
            "unknown digest algorithm `{}`; expected sha256, md5 or crc32c",
            digest.algorithm
        ))
    })
}

/// `InvalidData` at `path` unless the two digests agree (hex compared in any case).
pub(crate) fn check(path: &str, expected: &ContentDigest, actual: &ContentDigest) -> Result<()> {
    let same = expected.algorithm.eq_ignore_ascii_case(&actual.algorithm)
        && expected.value.eq_ignore_ascii_case(&actual.value);
    match same {
        true => Ok(()),
        false => Err(Error::new(
            ErrorKind::InvalidData,
            format!(
                "{} mismatch: expected {}, found {}",
                actual.algorithm, expected.value, actual.value
            ),
        )
        .with_path(path)),
    }
}

/// Where a hashing wrapper leaves its digest: [`get`](Self::get) gives it once the wrapped
/// stream or reader has reached its end.
#[derive(Debug, Clone, Default)]
pub struct DigestCell(Arc<Mutex<Option<ContentDigest>>>);

impl DigestCell {
    /// The digest of every byte, once the end was reached; `None` before, or after an error.
    pub fn get(&self) -> Option<ContentDigest> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, digest: ContentDigest) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(digest);
    }
}

/// Wraps an async byte stream so that it hashes what passes; the digest lands in the returned
/// cell when the stream ends (not after an error).
///
/// ```
/// use futures_util::TryStreamExt;
/// use store::{AsyncStore, MemoryBackend, WriteOptions};
/// use store::ext::{self, Algorithm};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = AsyncStore::new(MemoryBackend::new());
/// store.write("a.txt", "123456789", &WriteOptions::new()).await?;
/// let (stream, digest) = ext::hashing_stream(store.read("a.txt").await?, Algorithm::Crc32c);
/// let bytes: Vec<_> = stream.try_collect().await?;
/// assert_eq!(digest.get().unwrap().value, "e3069283");
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
pub fn hashing_stream(stream: ByteStream, algorithm: Algorithm) -> (ByteStream, DigestCell) {
    let cell = DigestCell::default();
    let hashing = HashingStream {
        inner: stream,
        hasher: Some(algorithm.hasher()),
        cell: cell.clone(),
    };
    (Box::pin(hashing), cell)
}

struct HashingStream {
    inner: ByteStream,
    hasher: Option<Hasher>,
    cell: DigestCell,
}

impl Stream for HashingStream {
    type Item = Result<bytes::Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        match &polled {
            Poll::Ready(Some(Ok(chunk))) => {
                if let Some(hasher) = self.hasher.as_mut() {
                    hasher.update(chunk);
                }
            }
            Poll::Ready(Some(Err(_))) => self.hasher = None,
            Poll::Ready(None) => {
                if let Some(hasher) = self.hasher.take() {
                    self.cell.set(hasher.finish());
                }
            }
            Poll::Pending => {}
        }
        polled
    }
}

/// A [`Read`] that hashes what it reads; [`digest`](Self::digest) once it returned 0.
///
/// ```
/// use std::io::Read;
/// use store::ext::{Algorithm, HashingReader};
/// let mut reader = HashingReader::new(&b"123456789"[..], Algorithm::Crc32c);
/// std::io::copy(&mut reader, &mut std::io::sink())?;
/// assert_eq!(reader.digest().unwrap().value, "e3069283");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct HashingReader<R> {
    inner: R,
    hasher: Option<Hasher>,
    digest: Option<ContentDigest>,
}

impl<R: Read> HashingReader<R> {
    /// Wraps `inner`.
    pub fn new(inner: R, algorithm: Algorithm) -> Self {
        HashingReader {
            inner,
            hasher: Some(algorithm.hasher()),
            digest: None,
        }
    }

    /// The digest of every byte, once a read returned 0; `None` before, or after an error.
    pub fn digest(&self) -> Option<&ContentDigest> {
        self.digest.as_ref()
    }

    /// The wrapped reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(0) if !buf.is_empty() => {
                if let Some(hasher) = self.hasher.take() {
                    self.digest = Some(hasher.finish());
                }
                Ok(0)
            }
            Ok(n) => {
                if let Some(hasher) = self.hasher.as_mut() {
                    hasher.update(&buf[..n]);
                }
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                self.hasher = None;
                Err(e)
            }
        }
    }
}

/// A [`Write`] that hashes what it writes through; [`finish`](Self::finish) gives the digest
/// and the wrapped writer.
///
/// ```
/// use std::io::Write;
/// use store::ext::{Algorithm, HashingWriter};
/// let mut writer = HashingWriter::new(Vec::new(), Algorithm::Md5);
/// writer.write_all(b"data")?;
/// let (bytes, digest) = writer.finish();
/// assert_eq!((bytes.len(), digest.value.len()), (4, 32));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct HashingWriter<W> {
    inner: W,
    hasher: Hasher,
}

impl<W: Write> HashingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W, algorithm: Algorithm) -> Self {
        HashingWriter {
            inner,
            hasher: algorithm.hasher(),
        }
    }

    /// The wrapped writer and the digest of every byte it accepted.
    pub fn finish(self) -> (W, ContentDigest) {
        (self.inner, self.hasher.finish())
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        assert_eq!(
            Algorithm::Sha256.digest(b"abc").value,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            Algorithm::Md5.digest(b"").value,
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        assert_eq!(Algorithm::Crc32c.digest(b"123456789").value, "e3069283");
    }

    #[test]
    fn updates_in_pieces_give_the_digest_of_the_whole() {
        for algorithm in [Algorithm::Sha256, Algorithm::Md5, Algorithm::Crc32c] {
            let mut hasher = algorithm.hasher();
            for piece in [&b"12"[..], b"", b"3456", b"789"] {
                hasher.update(piece);
            }
            assert_eq!(hasher.finish(), algorithm.digest(b"123456789"));
        }
    }

    #[test]
    fn a_mismatch_names_both_digests_and_the_path() {
        let a = Algorithm::Md5.digest(b"a");
        let b = Algorithm::Md5.digest(b"b");
        let err = check("x.bin", &a, &b).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(err.path(), Some("x.bin"));
        assert!(err.message().contains(&a.value) && err.message().contains(&b.value));
        let upper = ContentDigest {
            algorithm: "MD5".into(),
            value: a.value.to_uppercase(),
        };
        check("x.bin", &upper, &a).unwrap();
    }

    #[test]
    fn an_unknown_algorithm_is_invalid_argument() {
        let digest = ContentDigest {
            algorithm: "sha1".into(),
            value: "00".into(),
        };
        assert_eq!(
            algorithm_of(&digest).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
    }
}
