//! Conformance items for async backends reached from the blocking world through
//! `AsyncBackendSyncAdapter` ([C-7.4](crate::contract#C-7.4)): run with the `async_to_sync` group on a `Store` over an
//! async backend.

use super::support::{create, expect_kind};
use super::{call_backend, CallArgs, World};
use crate::{Capability, ErrorKind, ListOptions, PathRole, Store};

fn blocking_store(w: &dyn World) -> Store {
    w.sync_store()
        .expect("the `async_to_sync` group runs on a Store over an async backend")
        .clone()
}

/// K-98: on a terminal backend the closed check outranks the root rule, probes included
/// *(direct)*.
pub async fn k098_closed_outranks_root(w: &dyn World) {
    let store = blocking_store(w);
    let backend = store.backend().clone();
    assert!(backend.close_is_terminal(), "the adapter is terminal");
    store.close().expect("close");
    // Every operation of the table but `close` itself, with the root in every path argument
    // (every file, for a glob).
    let mut checked = 0;
    for op in crate::OPERATIONS.iter().filter(|op| op.name != "close") {
        let spot = |(_, role)| if role == PathRole::Pattern { "**" } else { "" };
        let args = CallArgs::new(op.paths().map(spot));
        let Some(result) = call_backend(&**store.backend(), op, &args) else {
            continue;
        };
        let e = result.expect_err(op.name);
        assert_eq!(e.kind(), ErrorKind::BackendUnavailable, "{}: {e}", op.name);
        assert!(e.message().contains("is closed"), "{}: {e}", op.name);
        assert!(!e.is_retryable(), "{}: {e}", op.name);
        checked += 1;
    }
    assert!(
        checked > 0,
        "no operation of the table was called after close()"
    );
    assert!(store.close().is_ok(), "close stays idempotent");
}

/// Both runtime flavours, for the items on async context: current-thread, then multi-thread.
fn runtimes() -> [tokio::runtime::Runtime; 2] {
    [
        tokio::runtime::Builder::new_current_thread().build(),
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build(),
    ]
    .map(|runtime| runtime.expect("a runtime"))
}

/// K-101: the adapter itself, called from async code (a task on either runtime flavour, or
/// directly inside `block_on`), answers `BlockingInAsync` pointing to AsyncStore; from
/// `spawn_blocking` it works *(direct: the store refuses first, K-115)*.
pub async fn k101_async_to_sync_adapter_refuses_async_context(w: &dyn World) {
    let store = blocking_store(w);
    // Without Write, a missing file: the answer from spawn_blocking is then NotFound.
    let writable = w.capabilities().supports(Capability::Write);
    if writable {
        store
            .write("k101.txt", "data", &create())
            .expect("seed from a plain thread");
    }
    let key = store.root().join("k101.txt").expect("a key");
    for runtime in runtimes() {
        let in_task = {
            let (backend, key) = (store.backend().clone(), key.clone());
            runtime
                .block_on(
                    async move { tokio::spawn(async move { backend.read_bytes(&key) }).await },
                )
                .expect("the task does not panic")
        };
        let err = expect_kind(w, in_task, ErrorKind::BlockingInAsync);
        assert!(err.message().contains("AsyncStore"), "{err}");
        let inline = runtime.block_on(async { store.backend().exists(&key) });
        expect_kind(w, inline, ErrorKind::BlockingInAsync);
        let blocking = {
            let (backend, key) = (store.backend().clone(), key.clone());
            runtime
                .block_on(async move {
                    tokio::task::spawn_blocking(move || backend.read_bytes(&key)).await
                })
                .expect("the blocking task does not panic")
        };
        match writable {
            true => assert_eq!(blocking.expect("works from spawn_blocking"), "data"),
            false => drop(expect_kind(w, blocking, ErrorKind::NotFound)),
        }
    }
}

/// K-115: a blocking store gives one answer in async code whatever its backend ([C-7.9](crate::contract#C-7.9)): from a
/// task on either runtime flavour, or inside `block_on`, `BlockingInAsync` and nothing
/// written; from `spawn_blocking`, `block_in_place` and a plain thread, the call works.
pub async fn k115_blocking_store_refuses_async_context(w: &dyn World) {
    let store = w
        .sync_store()
        .expect("the `sync_world` group runs on a Store")
        .clone();
    let seeded = std::thread::scope(|s| {
        s.spawn(|| store.write("k115.txt", "data", &create()))
            .join()
            .expect("the seeding thread does not panic")
    });
    if !w.capabilities().supports(Capability::Write) {
        return;
    }
    seeded.expect("seed from a plain thread");
    for (runtime, multi) in runtimes().into_iter().zip([false, true]) {
        let in_task = {
            let store = store.clone();
            runtime
                .block_on(async move {
                    tokio::spawn(async move {
                        store.write("k115-refused.txt", "x", &create()).map(drop)
                    })
                    .await
                })
                .expect("the task does not panic")
        };
        let err = expect_kind(w, in_task, ErrorKind::BlockingInAsync);
        assert!(err.message().contains("AsyncStore"), "{err}");
        let inline = runtime.block_on(async { store.read_bytes("k115.txt") });
        expect_kind(w, inline, ErrorKind::BlockingInAsync);
        let listed =
            runtime.block_on(async { store.list_files("", &ListOptions::new()).map(drop) });
        expect_kind(w, listed, ErrorKind::BlockingInAsync);
        let blocking = {
            let store = store.clone();
            runtime
                .block_on(async move {
                    tokio::task::spawn_blocking(move || store.read_bytes("k115.txt")).await
                })
                .expect("the blocking task does not panic")
        };
        assert_eq!(blocking.expect("works from spawn_blocking"), "data");
        if multi {
            let store = store.clone();
            let in_place = runtime
                .block_on(async move {
                    tokio::spawn(async move {
                        tokio::task::block_in_place(|| store.read_bytes("k115.txt"))
                    })
                    .await
                })
                .expect("the task does not panic");
            assert_eq!(in_place.expect("works in block_in_place"), "data");
        }
    }
    let exists = std::thread::scope(|s| s.spawn(|| store.exists("k115-refused.txt")).join());
    assert!(
        !exists
            .expect("no panic")
            .expect("exists from a plain thread"),
        "a refused write landed"
    );
}

/// K-102: 32 threads share one adapter without crossed results; SeekableRead is masked while
/// `read_seekable` stays correct; after `close()` every call is BackendUnavailable.
pub async fn k102_async_to_sync_adapter_shared_by_threads(w: &dyn World) {
    let store = blocking_store(w);
    assert!(
        !store.supports(Capability::SeekableRead),
        "SeekableRead is masked"
    );
    let writable = w.capabilities().supports(Capability::Write);
    std::thread::scope(|scope| {
        for i in 0..32 {
            let store = &store;
            scope.spawn(move || {
                for round in 0..4 {
                    let path = format!("k102/{i}.txt");
                    if !writable {
                        assert!(!store.exists(&path).expect("exists"), "crossed results");
                        continue;
                    }
                    let body = format!("thread {i} round {round}");
                    store
                        .write(
                            &path,
                            body.clone(),
                            &crate::WriteOptions::new().overwrite(true),
                        )
                        .expect("write");
                    assert_eq!(
                        store.read_text(&path).expect("read"),
                        body,
                        "crossed results"
                    );
                }
            });
        }
    });
    if writable {
        store
            .write("k102/seek.bin", "0123456789", &create())
            .expect("write");
        let mut seekable = store.read_seekable("k102/seek.bin").expect("read_seekable");
        use std::io::{Read, Seek, SeekFrom};
        seekable.seek(SeekFrom::End(-3)).expect("seek");
        let mut tail = String::new();
        seekable.read_to_string(&mut tail).expect("read");
        assert_eq!(tail, "789");
    }
    store.close().expect("close");
    let err = expect_kind(w, store.exists("k102/0.txt"), ErrorKind::BackendUnavailable);
    assert!(
        err.message().contains("is closed") && !err.is_retryable(),
        "{err}"
    );
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_async_to_sync;
    sync_world [
        k115_blocking_store_refuses_async_context,
    ]
    async_to_sync [
        k098_closed_outranks_root,
        k101_async_to_sync_adapter_refuses_async_context,
        k102_async_to_sync_adapter_shared_by_threads,
    ]
}
