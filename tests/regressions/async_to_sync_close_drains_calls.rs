//! close() of the async-to-sync adapter drains in-flight calls, and a refused close changes nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use bytes::Bytes;
use store::{ErrorKind, Result, Store, StorePath};

/// An async backend whose reads take a while, and which records that it was closed.
#[derive(Default)]
struct Slow {
    started: Arc<AtomicBool>,
    closed: Arc<AtomicBool>,
}

#[store::backend(name = "slow")]
impl Slow {
    async fn exists(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root() || path.as_str() == "a")
    }
    async fn is_file(&self, path: &StorePath) -> Result<bool> {
        Ok(path.as_str() == "a")
    }
    async fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root())
    }
    async fn read_bytes(&self, _path: &StorePath) -> Result<Bytes> {
        self.started.store(true, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(400)).await;
        Ok(Bytes::from_static(b"slow"))
    }
    async fn close(&self) -> Result<()> {
        self.closed.store(true, Ordering::SeqCst);
        Ok(())
    }
}

fn wait_for(flag: &AtomicBool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !flag.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "timed out");
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn close_lets_calls_in_flight_finish_then_closes_the_backend() {
    let backend = Slow::default();
    let (started, closed) = (Arc::clone(&backend.started), Arc::clone(&backend.closed));
    let store = Store::new(backend);
    let reader = {
        let store = store.clone();
        thread::spawn(move || store.read_bytes("a"))
    };
    wait_for(&started);
    store.close().unwrap();
    assert_eq!(
        reader.join().unwrap().unwrap(),
        "slow",
        "the read in flight finished"
    );
    assert!(closed.load(Ordering::SeqCst), "the backend was closed");
    let err = store.read_bytes("a").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BackendUnavailable);
    store.close().unwrap();
}

#[test]
fn a_close_refused_in_async_code_changes_nothing() {
    let backend = Slow::default();
    let closed = Arc::clone(&backend.closed);
    let store = Store::new(backend);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let err = runtime.block_on(async { store.close() }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BlockingInAsync);
    assert!(!closed.load(Ordering::SeqCst));
    assert_eq!(store.read_bytes("a").unwrap(), "slow", "still open");
    store.close().unwrap();
    assert!(
        closed.load(Ordering::SeqCst),
        "the second close closed the backend"
    );
}
