//! A cancelled async write_atomic over a blocking backend lands whole, as documented.

use std::fs;
use std::io;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::stream;
use store::{AsyncContent, AsyncStore, WriteOptions};

use super::{data, temp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_async_write_atomic_lands_whole_or_not_at_all() {
    let dir = temp();
    let store = AsyncStore::open_local(dir.path()).unwrap();
    let chunk = Bytes::from(data(64 * 1024));
    let chunks = 16;
    let slow = stream::unfold(0, move |i| {
        let chunk = chunk.clone();
        async move {
            if i == chunks {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            Some((Ok::<_, io::Error>(chunk), i + 1))
        }
    });
    let options = WriteOptions::new();
    let write = store.write_atomic("big.bin", AsyncContent::stream(slow), &options);
    let cancelled = tokio::time::timeout(Duration::from_millis(40), write).await;
    assert!(cancelled.is_err(), "the write was cancelled mid-way");
    let path = dir.path().join("big.bin");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match fs::read(&path) {
            Ok(found) => {
                assert_eq!(found.len(), 64 * 1024 * chunks, "never in part");
                break;
            }
            Err(e) => assert_eq!(e.kind(), io::ErrorKind::NotFound),
        }
        assert!(Instant::now() < deadline, "the write never landed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
