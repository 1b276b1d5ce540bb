//! A read that fails mid-body, resumed by `Retry` (C-7.8): the rest is opened again with a
//! ranged read, and a file that changed underneath is an error, never a spliced result. In
//! both worlds, on memory and local backends; the servers killed mid-download are in the S3
//! and SFTP suites.

use std::io::Read;
use std::time::Duration;

use crate::common::Opens;
use futures_util::TryStreamExt;
use store::layers::{Faults, Retry};
use store::{AsyncStore, ErrorKind, MemoryBackend, Store, WriteOptions};

const MIB: usize = 1 << 20;

/// 64 MiB that differ at every offset a cut could fall on.
fn big() -> Vec<u8> {
    (0..64 * MIB as u64)
        .map(|i| (i ^ (i >> 8) ^ (i >> 16)) as u8)
        .collect()
}

fn retry() -> Retry {
    Retry::new().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// The stack the tests read through: streams cut every 20 MiB below a retry, and a count of
/// the stream reads between them.
fn cut_every_20_mib(opens: &Opens) -> (Faults, Opens, Retry) {
    (
        Faults::new(0).cut_streams_after(20 * MIB as u64),
        opens.clone(),
        retry(),
    )
}

fn blocking_whole(store: Store, opens: &Opens) {
    let data = big();
    store
        .write("big.bin", &data[..], &WriteOptions::new())
        .unwrap();
    let mut got = Vec::with_capacity(data.len());
    store
        .read("big.bin")
        .unwrap()
        .read_to_end(&mut got)
        .unwrap();
    assert!(got == data, "the 64 MiB read arrived altered");
    assert_eq!(opens.count(), 4, "one read and three resumptions");
    // A range resumes within its range.
    let mut part = Vec::new();
    store
        .read_range_stream("big.bin", 3 * MIB as u64, 45 * MIB as u64)
        .unwrap()
        .read_to_end(&mut part)
        .unwrap();
    assert!(part == data[3 * MIB..48 * MIB], "the range arrived altered");
}

async fn async_whole(store: AsyncStore, opens: &Opens) {
    let data = big();
    store
        .write("big.bin", data.clone(), &WriteOptions::new())
        .await
        .unwrap();
    let chunks: Vec<_> = store
        .read("big.bin")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let got = chunks.concat();
    assert!(got == data, "the 64 MiB read arrived altered");
    assert_eq!(opens.count(), 4, "one read and three resumptions");
    let chunks: Vec<_> = store
        .read_range_stream("big.bin", 3 * MIB as u64, 45 * MIB as u64)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(
        chunks.concat() == data[3 * MIB..48 * MIB],
        "the range arrived altered"
    );
}

#[test]
fn a_64_mib_read_cut_three_times_arrives_whole_on_memory() {
    let opens = Opens::default();
    let (faults, count, retry) = cut_every_20_mib(&opens);
    let store = Store::new(MemoryBackend::new())
        .layer(faults)
        .layer(count)
        .layer(retry);
    blocking_whole(store, &opens);
}

#[test]
fn a_64_mib_read_cut_three_times_arrives_whole_on_local() {
    let dir = tempfile::tempdir().unwrap();
    let opens = Opens::default();
    let (faults, count, retry) = cut_every_20_mib(&opens);
    let store = Store::local(dir.path())
        .layer(faults)
        .layer(count)
        .layer(retry);
    blocking_whole(store, &opens);
}

#[tokio::test]
async fn a_64_mib_stream_cut_three_times_arrives_whole_on_memory() {
    let opens = Opens::default();
    let (faults, count, retry) = cut_every_20_mib(&opens);
    let store = AsyncStore::new(MemoryBackend::new())
        .layer(faults)
        .layer(count)
        .layer(retry);
    async_whole(store, &opens).await;
}

#[tokio::test]
async fn a_64_mib_stream_cut_three_times_arrives_whole_on_local() {
    let dir = tempfile::tempdir().unwrap();
    let opens = Opens::default();
    let (faults, count, retry) = cut_every_20_mib(&opens);
    let store = AsyncStore::local(dir.path())
        .layer(faults)
        .layer(count)
        .layer(retry);
    async_whole(store, &opens).await;
}

/// The file is replaced after the first 100 bytes were read: the cut that follows is not
/// resumed, whether the new content has the same size or not.
#[test]
fn a_file_changed_underneath_is_an_error_not_a_splice() {
    for replacement in [vec![b'b'; 300], vec![b'b'; 250]] {
        let backend = MemoryBackend::new();
        let plain = Store::new(backend.clone());
        plain
            .write("f", vec![b'a'; 300], &WriteOptions::new())
            .unwrap();
        let store = Store::new(backend)
            .layer(Faults::new(0).cut_streams_after(100))
            .layer(retry());
        let mut reader = store.read("f").unwrap();
        let mut head = vec![0u8; 100];
        reader.read_exact(&mut head).unwrap();
        std::thread::sleep(Duration::from_millis(2));
        plain
            .write("f", replacement, &WriteOptions::new().overwrite(true))
            .unwrap();
        let mut rest = Vec::new();
        let err = store::Error::from(reader.read_to_end(&mut rest).unwrap_err());
        assert_eq!(err.kind(), ErrorKind::PreconditionFailed, "{err}");
        assert!(
            rest.iter().all(|b| *b == b'a'),
            "bytes of the new file were given"
        );
    }
}

#[tokio::test]
async fn a_stream_of_a_file_changed_underneath_is_an_error_not_a_splice() {
    let backend = MemoryBackend::new();
    let plain = AsyncStore::new(backend.clone());
    plain
        .write("f", vec![b'a'; 300], &WriteOptions::new())
        .await
        .unwrap();
    let store = AsyncStore::new(backend)
        .layer(Faults::new(0).cut_streams_after(100))
        .layer(retry());
    let mut stream = store.read("f").await.unwrap();
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.len(), 100);
    tokio::time::sleep(Duration::from_millis(2)).await;
    plain
        .write("f", vec![b'b'; 300], &WriteOptions::new().overwrite(true))
        .await
        .unwrap();
    let err = stream.try_next().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PreconditionFailed, "{err}");
}

/// With resumption off, no stat is made and the cut reaches the reader.
#[test]
fn resumption_can_be_turned_off() {
    let opens = Opens::default();
    let store = Store::new(MemoryBackend::new())
        .layer(Faults::new(0).cut_streams_after(100))
        .layer(opens.clone())
        .layer(retry().resume_reads(false));
    store
        .write("f", vec![1u8; 300], &WriteOptions::new())
        .unwrap();
    let mut out = Vec::new();
    let err = store.read("f").unwrap().read_to_end(&mut out).unwrap_err();
    assert_eq!(
        store::Error::from(err).kind(),
        ErrorKind::BackendUnavailable
    );
    assert_eq!((out.len(), opens.count()), (100, 1));
}

/// A stream that fails again and again without a byte of progress gives up after the
/// retry's attempts, with the last error.
#[test]
fn a_stream_that_makes_no_progress_gives_up() {
    let store = Store::new(MemoryBackend::new())
        .layer(Faults::new(0).cut_streams_after(0))
        .layer(retry().attempts(3));
    store
        .write("f", vec![1u8; 10], &WriteOptions::new())
        .unwrap();
    let mut out = Vec::new();
    let err = store.read("f").unwrap().read_to_end(&mut out).unwrap_err();
    let err = store::Error::from(err);
    assert_eq!(err.kind(), ErrorKind::BackendUnavailable, "{err}");
    assert!(out.is_empty());
}
