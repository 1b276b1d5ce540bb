//! Conformance items (see docs/contract.md §8): one shared instance under concurrent calls
//! (K-99, K-100).

use std::io;

use bytes::Bytes;

use super::support::{chunks_of, create, has_gates, paths};
use super::{World, WorldKind};
use crate::{AsyncContent, AsyncStore, Capability, Content, ListOptions, Store};

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

// The items of this file and the groups they run in.
kit_items! { $ __kit_concurrency;
    all [
        k099_shared_instance_concurrency,
        k100_parallel_atomic_writes,
    ]
}
