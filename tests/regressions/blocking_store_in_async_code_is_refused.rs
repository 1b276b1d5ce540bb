//! A blocking Store in async code: a kind to match on, and no panic behind it.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::thread;

use store::{AsyncMemoryBackend, ErrorKind, Store, WriteOptions};

/// Counts the panics of one thread (the test's own), whatever hook was installed before.
fn count_panics_here() -> &'static AtomicUsize {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    static HERE: OnceLock<thread::ThreadId> = OnceLock::new();
    HERE.get_or_init(|| thread::current().id());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if HERE.get() == Some(&thread::current().id()) {
            COUNT.fetch_add(1, Ordering::SeqCst);
        }
        previous(info);
    }));
    &COUNT
}

#[test]
fn blocking_store_in_async_code_is_refused_by_kind_without_a_panic() {
    let store = Store::new(AsyncMemoryBackend::new());
    store.write("x", "data", &WriteOptions::new()).unwrap();
    let panics = count_panics_here();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for _ in 0..3 {
        let err = runtime.block_on(async { store.exists("x") }).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BlockingInAsync, "{err}");
        assert_eq!(io::Error::from(err).kind(), io::ErrorKind::WouldBlock);
    }
    assert_eq!(
        panics.load(Ordering::SeqCst),
        0,
        "the refusal ran the panic hook"
    );
    // The refusal changed nothing: the store still works from this plain thread.
    assert!(store.exists("x").unwrap());
}

#[test]
fn blocking_store_works_in_spawn_blocking_and_block_in_place() {
    let store = Store::new(AsyncMemoryBackend::new());
    store.write("x", "data", &WriteOptions::new()).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let in_place = runtime.block_on({
        let store = store.clone();
        async move {
            tokio::spawn(async move { tokio::task::block_in_place(|| store.read_text("x")) })
                .await
                .unwrap()
        }
    });
    assert_eq!(in_place.unwrap(), "data");
    let pooled = runtime.block_on(async move {
        tokio::task::spawn_blocking(move || store.read_text("x"))
            .await
            .unwrap()
    });
    assert_eq!(pooled.unwrap(), "data");
}
