//! Conformance items (see docs/contract.md §8): close posture, concurrency and bridges (K-97, K-99,
//! K-100, K-107).

use std::fmt::Debug;
use std::io;

use bytes::Bytes;

use super::support::{
    chunks_of, create, expect_kind, has_gates, paths, replace, seed, seed_if_possible,
};
use super::{CallArgs, World, WorldKind};
use crate::PathRole;
use crate::{
    AsyncContent, AsyncStore, Capability, Content, DeleteFolderOptions, Error, ErrorKind,
    ListOptions, Result, Store,
};

fn is_terminal(w: &dyn World) -> bool {
    match w.sync_store() {
        Some(store) => store.backend().close_is_terminal(),
        None => w
            .async_store()
            .expect("a world has a store")
            .backend()
            .close_is_terminal(),
    }
}

/// `result` must be the closed error of [C-2.10](crate::contract#C-2.10).
#[track_caller]
fn expect_closed<T: Debug>(w: &dyn World, what: &str, result: Result<T>) {
    let err = match result {
        Ok(value) => panic!("{what} after close() on a terminal backend: got Ok({value:?})"),
        Err(err) => err,
    };
    assert_eq!(
        err.kind(),
        ErrorKind::BackendUnavailable,
        "{what} after close(): {err}"
    );
    assert!(
        err.message().contains("is closed"),
        "{what} after close(): message must say \"is closed\": {err}"
    );
    assert!(
        !err.is_retryable(),
        "{what} after close(): a closed backend is not retryable"
    );
    assert_eq!(
        err.backend(),
        Some(w.name()),
        "{what} after close(): backend name"
    );
}

/// K-97: after `close()` a terminal backend answers every operation, probes included, with BackendUnavailable ("is closed", not retryable); a reusable backend works again.
pub async fn k097_close_posture(w: &dyn World) {
    let caps = w.capabilities();
    let write = seed_if_possible(w, &[("k97/f.txt", "before close"), ("k97/sub/g.txt", "g")]).await;
    let terminal = is_terminal(w);
    w.close().await.expect("close() is Ok");
    w.close().await.expect("a second close() is Ok");
    if terminal {
        // Every operation of the table but `close` itself, where its gate is declared: the
        // ungated ones (the probes, `ping`) on files, folders, the root and missing paths.
        let f = "k97/f.txt";
        let mut checked = 0;
        for op in crate::OPERATIONS.iter().filter(|op| op.name != "close") {
            if op.gate.is_some_and(|g| !caps.supports(g)) {
                continue;
            }
            let spots: &[&str] = match op.gate {
                None => &["k97/f.txt", "k97", "", ".", "missing"],
                Some(_) => &[f],
            };
            for spot in spots {
                let paths = op.paths().enumerate().map(|(i, (_, role))| match role {
                    PathRole::File if i > 0 => "k97/r.txt",
                    PathRole::Subfolder => "k97",
                    PathRole::Pattern => "**",
                    PathRole::Folder if op.gate.is_some() => "",
                    _ => *spot,
                });
                let args = CallArgs::new(paths).flag(true);
                let Some(call) = w.call(op, &args) else {
                    continue;
                };
                let result = call.await;
                expect_closed(w, &format!("{} {args:?}", op.name), result);
                checked += 1;
            }
        }
        assert!(
            checked > 0,
            "no operation of the table was called after close()"
        );
        // The stores' conveniences.
        if caps.supports(Capability::Read) {
            expect_closed(w, "read_text", w.read_text(f).await);
        }
        if write {
            expect_closed(w, "write_text", w.write_text(f, "x", &replace()).await);
        }
        if caps.supports(Capability::List) {
            let result = w.get_folder_info("k97", Some(3)).await;
            expect_closed(w, "get_folder_info(max_depth)", result);
        }
        if caps.supports(Capability::Metadata) {
            expect_closed(w, "head", w.head(f).await);
        }
        w.close().await.expect("close() stays Ok once closed");
        return;
    }
    // A reusable backend re-opens lazily: everything works again, data included.
    w.ping().await.expect("ping after close()");
    assert!(w.exists("").await.expect("exists(root)"), "root exists");
    assert!(
        w.is_folder("").await.expect("is_folder(root)"),
        "root is a folder"
    );
    if !write {
        return;
    }
    assert!(
        w.is_file("k97/f.txt").await.expect("is_file"),
        "seeded file"
    );
    assert!(
        w.is_folder("k97/sub").await.expect("is_folder"),
        "seeded folder"
    );
    if caps.supports(Capability::Read) {
        let data = w.read_bytes("k97/f.txt").await.expect("read after close()");
        assert_eq!(data, "before close".as_bytes(), "data survives close()");
    }
    let wr = w
        .write("k97/after.txt", Bytes::from("after"), &create())
        .await
        .expect("write after close()");
    assert_eq!((wr.path.as_str(), wr.size), ("k97/after.txt", 5), "write");
    if caps.supports(Capability::List) {
        let listed = w
            .list_files("k97", &ListOptions::new().recursive(true))
            .await;
        assert_eq!(
            paths(listed, |f| f.path.to_string()),
            ["k97/after.txt", "k97/f.txt", "k97/sub/g.txt"],
            "listing after close()"
        );
    }
}

const WORKERS: usize = 8;
const ITEMS: usize = 16;

fn shared_path(j: usize) -> String {
    format!("k99/shared/s{j:02}")
}

fn shared_content(j: usize) -> String {
    format!("shared item {j} ").repeat(j + 1)
}

fn own_path(t: usize, j: usize) -> String {
    format!("k99/w{t}/f{j:02}")
}

fn own_content(t: usize, j: usize) -> Bytes {
    Bytes::from(format!("worker {t} item {j};").repeat(1 + (t * ITEMS + j) % 37))
}

/// One K-99 worker over the blocking store.
fn sync_worker(store: &Store, t: usize) {
    for j in 0..ITEMS {
        let shared = store
            .read_bytes(shared_path(j))
            .unwrap_or_else(|e| panic!("worker {t}: reading shared {j}: {e}"));
        assert_eq!(
            shared,
            shared_content(j).as_bytes(),
            "worker {t}: shared item {j}"
        );
        let data = own_content(t, j);
        let wr = store
            .write(own_path(t, j), data.clone(), &create())
            .unwrap_or_else(|e| panic!("worker {t}: writing item {j}: {e}"));
        assert_eq!(
            (wr.path.as_str(), wr.size),
            (own_path(t, j).as_str(), data.len() as u64),
            "worker {t}: write result of item {j}"
        );
        let back = store
            .read_bytes(own_path(t, j))
            .unwrap_or_else(|e| panic!("worker {t}: reading back item {j}: {e}"));
        assert_eq!(back, data, "worker {t}: read back item {j}");
        assert!(
            store.is_file(own_path(t, j)).expect("is_file"),
            "worker {t}: item {j} is a file"
        );
    }
    for j in 0..ITEMS {
        let back = store.read_bytes(own_path(t, j)).expect("final read");
        assert_eq!(
            back,
            own_content(t, j),
            "worker {t}: final read of item {j}"
        );
    }
}

/// One K-99 worker over the async store.
async fn async_worker(store: AsyncStore, t: usize) {
    for j in 0..ITEMS {
        let shared = store
            .read_bytes(shared_path(j))
            .await
            .unwrap_or_else(|e| panic!("task {t}: reading shared {j}: {e}"));
        assert_eq!(
            shared,
            shared_content(j).as_bytes(),
            "task {t}: shared item {j}"
        );
        let data = own_content(t, j);
        let wr = store
            .write(own_path(t, j), data.clone(), &create())
            .await
            .unwrap_or_else(|e| panic!("task {t}: writing item {j}: {e}"));
        assert_eq!(
            (wr.path.as_str(), wr.size),
            (own_path(t, j).as_str(), data.len() as u64),
            "task {t}: write result of item {j}"
        );
        let back = store
            .read_bytes(own_path(t, j))
            .await
            .unwrap_or_else(|e| panic!("task {t}: reading back item {j}: {e}"));
        assert_eq!(back, data, "task {t}: read back item {j}");
        assert!(
            store.is_file(own_path(t, j)).await.expect("is_file"),
            "task {t}: item {j} is a file"
        );
    }
    for j in 0..ITEMS {
        let back = store.read_bytes(own_path(t, j)).await.expect("final read");
        assert_eq!(back, own_content(t, j), "task {t}: final read of item {j}");
    }
}

/// Awaits tokio tasks, re-raising a task's panic in the caller.
async fn join_all(handles: Vec<tokio::task::JoinHandle<()>>) {
    for handle in handles {
        match handle.await {
            Ok(()) => {}
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("task failed: {e}"),
        }
    }
}

/// K-99: one shared instance, 8 threads (sync) or 8 tasks (async), 16 items each: reads correct, writes land, each worker reads back its own.
pub async fn k099_shared_instance_concurrency(w: &dyn World) {
    if !has_gates(w, &[Capability::Read, Capability::Write]).await {
        return;
    }
    for j in 0..ITEMS {
        w.write(&shared_path(j), Bytes::from(shared_content(j)), &create())
            .await
            .expect("seeding shared items");
    }
    match w.kind() {
        WorldKind::Sync => {
            let store = w.sync_store().expect("the sync world has a Store");
            std::thread::scope(|s| {
                for t in 0..WORKERS {
                    let store = store.clone();
                    s.spawn(move || sync_worker(&store, t));
                }
            });
        }
        WorldKind::Async => {
            let store = w.async_store().expect("the async world has an AsyncStore");
            let handles = (0..WORKERS)
                .map(|t| tokio::spawn(async_worker(store.clone(), t)))
                .collect();
            join_all(handles).await;
        }
    }
    // Every write landed, under its own key, with its own content.
    for t in 0..WORKERS {
        for j in 0..ITEMS {
            let back = w
                .read_bytes(&own_path(t, j))
                .await
                .expect("read after join");
            assert_eq!(back, own_content(t, j), "item {j} of worker {t}");
        }
    }
    if w.capabilities().supports(Capability::List) {
        let listed = w
            .list_files("k99", &ListOptions::new().recursive(true))
            .await;
        let got = paths(listed, |f| f.path.to_string());
        let mut expected: Vec<String> = (0..ITEMS).map(shared_path).collect();
        for t in 0..WORKERS {
            expected.extend((0..ITEMS).map(|j| own_path(t, j)));
        }
        expected.sort();
        assert_eq!(got, expected, "every key exactly once after the workers");
    }
}

const ATOMIC_SIZE: usize = 8 * 1024 * 1024;
const ATOMIC_CHUNK: usize = 1024 * 1024;

fn atomic_data(i: usize) -> Bytes {
    (0..ATOMIC_SIZE)
        .map(|k| ((k + i * 53 + k / 4099) % 251) as u8)
        .collect::<Vec<u8>>()
        .into()
}

/// K-100: 4 parallel 8 MiB `write_atomic`s all report and store the full size.
pub async fn k100_parallel_atomic_writes(w: &dyn World) {
    if !has_gates(w, &[Capability::AtomicWrite]).await {
        return;
    }
    let data: Vec<Bytes> = (0..4).map(atomic_data).collect();
    let path = |i: usize| format!("k100/big{i}.bin");
    // Even writers pass bytes, odd ones stream their content.
    let sizes: Vec<(usize, u64, String)> = match w.kind() {
        WorldKind::Sync => {
            let store = w.sync_store().expect("the sync world has a Store");
            std::thread::scope(|s| {
                let handles: Vec<_> = data
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let store = store.clone();
                        let d = d.clone();
                        let p = path(i);
                        s.spawn(move || {
                            let content = if i % 2 == 0 {
                                Content::from(d)
                            } else {
                                Content::reader(io::Cursor::new(d))
                            };
                            let wr = store
                                .write_atomic(&p, content, &create())
                                .unwrap_or_else(|e| panic!("write_atomic {p:?}: {e}"));
                            (i, wr.size, wr.path.to_string())
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        }
        WorldKind::Async => {
            let store = w.async_store().expect("the async world has an AsyncStore");
            let handles: Vec<_> = data
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let store = store.clone();
                    let d = d.clone();
                    let p = path(i);
                    tokio::spawn(async move {
                        let content = if i % 2 == 0 {
                            AsyncContent::from(d)
                        } else {
                            let chunks = chunks_of(&d, ATOMIC_CHUNK);
                            AsyncContent::stream(futures_util::stream::iter(chunks))
                        };
                        let wr = store
                            .write_atomic(&p, content, &create())
                            .await
                            .unwrap_or_else(|e| panic!("write_atomic {p:?}: {e}"));
                        (i, wr.size, wr.path.to_string())
                    })
                })
                .collect();
            let mut out = Vec::new();
            for handle in handles {
                match handle.await {
                    Ok(v) => out.push(v),
                    Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                    Err(e) => panic!("task failed: {e}"),
                }
            }
            out
        }
    };
    assert_eq!(sizes.len(), 4, "every writer reported");
    for (i, size, p) in sizes {
        assert_eq!(size, ATOMIC_SIZE as u64, "reported size of writer {i}");
        assert_eq!(p, path(i), "reported path of writer {i}");
    }
    for (i, d) in data.iter().enumerate() {
        if w.capabilities().supports(Capability::Metadata) {
            let info = w.get_file_info(&path(i)).await.expect("get_file_info");
            assert_eq!(info.size, ATOMIC_SIZE as u64, "stored size of writer {i}");
        }
        if w.capabilities().supports(Capability::Read) {
            let back = w.read_bytes(&path(i)).await.expect("read back");
            assert_eq!(back.len(), ATOMIC_SIZE, "stored length of writer {i}");
            assert!(back == *d, "stored content of writer {i} differs");
        }
    }
}

/// K-107: the errors the store produces survive `io::Error::from(e)` with the kind [C-4.1](crate::contract#C-4.1) gives
/// them, and `get_ref().downcast_ref::<store::Error>()` recovers each (the constructed kinds
/// and the table itself are unit tests of `error.rs`).
pub async fn k107_io_error_mapping(w: &dyn World) {
    let name = w.name();
    let caps = w.capabilities();
    let mut samples: Vec<(&str, Error)> = Vec::new();

    // Errors the store produces.
    samples.push((
        "InvalidPath from read_bytes(\"\")",
        expect_kind(w, w.read_bytes("").await, ErrorKind::InvalidPath),
    ));
    samples.push((
        "InvalidArgument from glob(\"a**\")",
        expect_kind(w, w.glob("a**").await, ErrorKind::InvalidArgument),
    ));
    let write = caps.supports(Capability::Write);
    let read = caps.supports(Capability::Read);
    if read {
        let err = expect_kind(w, w.read_bytes("k107/missing").await, ErrorKind::NotFound);
        samples.push(("NotFound from read_bytes", err));
    }
    if write {
        seed(w, &[("k107/dir/f.txt", "x")]).await;
        let err = expect_kind(
            w,
            w.write("k107/dir/f.txt", Bytes::from("y"), &create()).await,
            ErrorKind::AlreadyExists,
        );
        samples.push(("AlreadyExists from write", err));
        if read {
            w.write(
                "k107/bad.txt",
                Bytes::from_static(&[0xff, 0xfe, 0x00]),
                &replace(),
            )
            .await
            .expect("writing invalid UTF-8");
            let err = expect_kind(w, w.read_text("k107/bad.txt").await, ErrorKind::InvalidData);
            samples.push(("InvalidData from read_text", err));
        }
        if caps.supports(Capability::Delete) {
            let err = expect_kind(
                w,
                w.delete_folder("k107/dir", &DeleteFolderOptions::new())
                    .await,
                ErrorKind::DirectoryNotEmpty,
            );
            samples.push(("DirectoryNotEmpty from delete_folder", err));
        }
    }
    if let Some(missing) = Capability::ALL
        .into_iter()
        .find(|c| !c.is_flag() && !caps.supports(*c))
    {
        samples.push((
            "Unsupported from require",
            caps.require(missing).unwrap_err().with_backend(name),
        ));
    }

    for (what, err) in samples {
        crate::error::assert_io_round_trip(what, err);
    }
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_bridges;
    all [
        k097_close_posture,
        k099_shared_instance_concurrency,
        k100_parallel_atomic_writes,
        k107_io_error_mapping,
    ]
}
