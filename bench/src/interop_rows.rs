//! The object_store interface: the same `ObjectStore` calls on `store`'s bridge
//! (`AsObjectStore` over an `AsyncStore`) and on object_store's own stores, as a library that
//! reads through object_store (DataFusion, Polars) would make them. Awaited in a task on the
//! multi-thread runtime.

use std::path::Path;
use std::sync::Arc;

use futures::TryStreamExt;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as OsPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use store::interop::object_store::AsObjectStore;
use store::{AsyncMemoryBackend, AsyncStore, Bytes};
use tokio::runtime::Runtime;

use crate::config::Config;
use crate::data::{self, key, LIST, READS};
use crate::report::{count_label, size_label, Row, Section};
use crate::timing::{batch, run_async, AsyncOp, Plan};
use crate::BenchResult;

fn run(rt: &Runtime, plan: Plan, ops: Vec<AsyncOp>) -> Vec<f64> {
    rt.block_on(rt.spawn(run_async(plan, ops)))
        .expect("the measuring task panicked")
}

/// The rows every pair runs: 4 KiB get, 4 KiB put (overwrite), head, and (local only) list.
fn rows(
    cfg: &Config,
    rt: &Runtime,
    ours: Arc<dyn ObjectStore>,
    theirs: Arc<dyn ObjectStore>,
    list: bool,
) -> Vec<Row> {
    let (n, want) = (cfg.read_files, cfg.small);
    let paths: Vec<OsPath> = (0..n).map(|i| OsPath::from(key(READS, i))).collect();
    let get = |s: &Arc<dyn ObjectStore>| {
        AsyncOp::new(batch!((s.clone(), paths.clone()), |s, i| {
            let got = async { s.0.get(&s.1[i % n]).await?.bytes().await }
                .await
                .expect("get");
            assert_eq!(got.len(), want);
        }))
    };
    let mut out = vec![Row::new(
        format!("{} get", size_label(want)),
        run(rt, cfg.plan_small_read(), vec![get(&ours), get(&theirs)]),
    )];
    let body = PutPayload::from(Bytes::from(data::content(want, 3)));
    let put = |s: &Arc<dyn ObjectStore>, folder: &'static str| {
        let wpaths: Vec<OsPath> = (0..n).map(|i| OsPath::from(key(folder, i))).collect();
        AsyncOp::new(batch!((s.clone(), wpaths, body.clone()), |s, i| {
            s.0.put(&s.1[i % n], s.2.clone()).await.expect("put");
        }))
    };
    out.push(Row::new(
        format!("{} put (overwrite)", size_label(want)),
        run(
            rt,
            cfg.plan_write(),
            vec![put(&ours, "wo"), put(&theirs, "wt")],
        ),
    ));
    let head = |s: &Arc<dyn ObjectStore>| {
        AsyncOp::new(batch!((s.clone(), paths.clone()), |s, i| {
            let meta = s.0.head(&s.1[i % n]).await.expect("head");
            assert_eq!(meta.size, want as u64);
        }))
    };
    out.push(Row::new(
        "head",
        run(rt, cfg.plan_stat(), vec![head(&ours), head(&theirs)]),
    ));
    if list {
        let files = cfg.list_files;
        let lister = |s: &Arc<dyn ObjectStore>| {
            AsyncOp::new(batch!((s.clone(), OsPath::from(LIST)), |s, _i| {
                let all: Vec<_> = s.0.list(Some(&s.1)).try_collect().await.expect("list");
                assert_eq!(all.len(), files);
            }))
        };
        out.push(Row::new(
            format!("list of {} files", count_label(files)),
            run(rt, cfg.plan_list(), vec![lister(&ours), lister(&theirs)]),
        ));
    }
    out
}

/// `AsObjectStore` over LocalBackend against object_store's `LocalFileSystem`, on the shared
/// local data.
pub fn local(cfg: &Config, root: &Path, rt: &Runtime) -> BenchResult<Section> {
    let ours: Arc<dyn ObjectStore> = Arc::new(AsObjectStore::new(AsyncStore::local(root)));
    let theirs: Arc<dyn ObjectStore> = Arc::new(LocalFileSystem::new_with_prefix(root)?);
    let mut section = Section::new(
        "object_store interface, local folder (page cache warm)",
        "median time per op; ratio to object_store's LocalFileSystem",
        &[
            "AsObjectStore (LocalBackend)",
            "object_store LocalFileSystem (baseline)",
        ],
        1,
    );
    for row in rows(cfg, rt, ours, theirs, true) {
        section.push(row);
    }
    Ok(section)
}

/// `AsObjectStore` over AsyncMemoryBackend against object_store's `InMemory`.
pub fn memory(cfg: &Config, rt: &Runtime) -> BenchResult<Section> {
    let ours: Arc<dyn ObjectStore> = Arc::new(AsObjectStore::new(AsyncStore::new(
        AsyncMemoryBackend::new(),
    )));
    let theirs: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let body = PutPayload::from(Bytes::from(data::content(cfg.small, 7)));
    rt.block_on(async {
        for i in 0..cfg.read_files {
            let p = OsPath::from(key(READS, i));
            ours.put(&p, body.clone()).await?;
            theirs.put(&p, body.clone()).await?;
        }
        BenchResult::Ok(())
    })?;
    let mut section = Section::new(
        "object_store interface, memory",
        "median time per op; ratio to object_store's InMemory",
        &[
            "AsObjectStore (AsyncMemoryBackend)",
            "object_store InMemory (baseline)",
        ],
        1,
    );
    for row in rows(cfg, rt, ours, theirs, false) {
        section.push(row);
    }
    Ok(section)
}
