//! The async world: `AsyncStore` against `tokio::fs`, OpenDAL's async `Operator` and
//! object_store, every op awaited inside a task on a multi-thread tokio runtime, as in a
//! server. The local rows use the same files as the blocking ones.

use std::path::{Path, PathBuf};

use futures::TryStreamExt;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as OsPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use store::{AsyncMemoryBackend, AsyncStore, Bytes, ListOptions, MemoryBackend, WriteOptions};
use tokio::runtime::Runtime;

use crate::config::Config;
use crate::data::{self, key, BIG, DEEP, LIST, READS};
use crate::report::{count_label, size_label, Row, Section};
use crate::timing::{batch, run_async, AsyncOp, BatchFn, Plan};
use crate::BenchResult;

/// The contender names of the local section, in column order; tokio::fs is the baseline.
const LOCAL_COLUMNS: [&str; 4] = [
    "AsyncStore (LocalBackend via adapter)",
    "tokio::fs (baseline)",
    "OpenDAL fs",
    "object_store Local",
];

/// Short names used for per-contender write folders.
const SHORT: [&str; 4] = ["astore", "tokio", "aopendal", "aobject_store"];

/// The four contenders of the local rows, all on the same folder.
struct Local {
    root: PathBuf,
    store: AsyncStore,
    opendal: opendal::Operator,
    os: std::sync::Arc<LocalFileSystem>,
}

/// Runs `ops` as one task on the runtime, so every op is polled by a worker thread.
fn run(rt: &Runtime, plan: Plan, ops: Vec<AsyncOp>) -> Vec<f64> {
    rt.block_on(rt.spawn(run_async(plan, ops)))
        .expect("the measuring task panicked")
}

/// Runs the async local section on `root`, which already holds the shared data.
pub fn local(cfg: &Config, root: &Path, rt: &Runtime) -> BenchResult<Section> {
    let c = Local {
        root: root.to_path_buf(),
        store: AsyncStore::local(root),
        opendal: opendal::Operator::new(
            opendal::services::Fs::default().root(&root.to_string_lossy()),
        )?,
        os: std::sync::Arc::new(LocalFileSystem::new_with_prefix(root)?),
    };
    let mut section = Section::new(
        "Async, local folder (page cache warm)",
        "median time per op; ratio to tokio::fs",
        &LOCAL_COLUMNS,
        1,
    );
    section.push(local_read_small(cfg, &c, rt, READS, "read_bytes"));
    section.push(local_read_small(
        cfg,
        &c,
        rt,
        DEEP,
        "read_bytes, five folders deep",
    ));
    section.push(local_write_small(cfg, &c, rt)?);
    section.push(local_rename(cfg, &c, rt)?);
    section.push(local_delete(cfg, &c, rt)?);
    section.push(local_stat(cfg, &c, rt));
    section.push(local_list(cfg, &c, rt));
    section.push(local_read_big(cfg, &c, rt));
    Ok(section)
}

/// The keys of the small files, as each contender spells them.
fn small_keys(cfg: &Config, root: &Path) -> (Vec<String>, Vec<PathBuf>, Vec<OsPath>) {
    keys_in(cfg, root, READS)
}

/// The keys of the small files in `folder`, as each contender spells them.
fn keys_in(cfg: &Config, root: &Path, folder: &str) -> (Vec<String>, Vec<PathBuf>, Vec<OsPath>) {
    let keys: Vec<String> = (0..cfg.read_files).map(|i| key(folder, i)).collect();
    let paths = keys.iter().map(|k| root.join(k)).collect();
    let os_paths = keys.iter().map(|k| OsPath::from(k.as_str())).collect();
    (keys, paths, os_paths)
}

fn local_read_small(cfg: &Config, c: &Local, rt: &Runtime, folder: &str, what: &str) -> Row {
    let (n, want) = (cfg.read_files, cfg.small);
    let (keys, paths, os_paths) = keys_in(cfg, &c.root, folder);
    let ops = vec![
        AsyncOp::new(batch!((c.store.clone(), keys.clone()), |s, i| {
            let got = s.0.read_bytes(&s.1[i % n]).await.expect("store read");
            assert_eq!(got.len(), want);
        })),
        AsyncOp::new(batch!(paths, |s, i| {
            let got = tokio::fs::read(&s[i % n]).await.expect("tokio read");
            assert_eq!(got.len(), want);
        })),
        AsyncOp::new(batch!((c.opendal.clone(), keys), |s, i| {
            let got =
                s.0.read(&s.1[i % n])
                    .await
                    .expect("opendal read")
                    .to_bytes();
            assert_eq!(got.len(), want);
        })),
        AsyncOp::new(batch!((c.os.clone(), os_paths), |s, i| {
            let got = async { s.0.get(&s.1[i % n]).await?.bytes().await }
                .await
                .expect("object_store read");
            assert_eq!(got.len(), want);
        })),
    ];
    Row::new(
        format!("{} {what}", size_label(want)),
        run(rt, cfg.plan_small_read(), ops),
    )
}

fn moved(k: &str) -> String {
    format!("{k}.moved")
}

fn local_rename(cfg: &Config, c: &Local, rt: &Runtime) -> BenchResult<Row> {
    let plan = cfg.plan_write();
    let keys = data::own_files(
        &c.root,
        "amv",
        &SHORT,
        plan.indices(),
        &data::content(cfg.small, 5),
    )?;
    // Untimed: move the batch's files back, with plain std::fs for every contender alike.
    let back = |who: usize| -> BatchFn {
        let (root, keys) = (c.root.clone(), keys[who].clone());
        Box::new(move |range| {
            for i in range {
                std::fs::rename(root.join(moved(&keys[i])), root.join(&keys[i]))
                    .expect("move back");
            }
            Box::pin(std::future::ready(()))
        })
    };
    let paths: Vec<PathBuf> = keys[1].iter().map(|k| c.root.join(k)).collect();
    let os: Vec<(OsPath, OsPath)> = keys[3]
        .iter()
        .map(|k| (OsPath::from(k.as_str()), OsPath::from(moved(k))))
        .collect();
    let ops = vec![
        AsyncOp::new(batch!((c.store.clone(), keys[0].clone()), |s, i| {
            s.0.rename(&s.1[i], moved(&s.1[i]), false)
                .await
                .expect("store rename");
        }))
        .after(back(0)),
        AsyncOp::new(batch!(paths, |s, i| {
            let to = format!("{}.moved", s[i].display());
            tokio::fs::rename(&s[i], to).await.expect("tokio rename");
        }))
        .after(back(1)),
        AsyncOp::new(batch!((c.opendal.clone(), keys[2].clone()), |s, i| {
            s.0.rename(&s.1[i], &moved(&s.1[i]))
                .await
                .expect("opendal rename");
        }))
        .after(back(2)),
        AsyncOp::new(batch!((c.os.clone(), os), |s, i| {
            s.0.rename(&s.1[i].0, &s.1[i].1)
                .await
                .expect("object_store rename");
        }))
        .after(back(3)),
    ];
    Ok(Row::new("rename", run(rt, plan, ops)))
}

fn local_delete(cfg: &Config, c: &Local, rt: &Runtime) -> BenchResult<Row> {
    let plan = cfg.plan_write();
    let body = data::content(cfg.small, 9);
    let keys = data::own_files(&c.root, "arm", &SHORT, plan.indices(), &body)?;
    // Untimed: write the batch's files again, so every batch deletes existing files.
    let again = |who: usize| -> BatchFn {
        let (root, keys, body) = (c.root.clone(), keys[who].clone(), body.clone());
        Box::new(move |range| {
            for i in range {
                std::fs::write(root.join(&keys[i]), &body).expect("write again");
            }
            Box::pin(std::future::ready(()))
        })
    };
    let paths: Vec<PathBuf> = keys[1].iter().map(|k| c.root.join(k)).collect();
    let os: Vec<OsPath> = keys[3].iter().map(|k| OsPath::from(k.as_str())).collect();
    let ops = vec![
        AsyncOp::new(batch!((c.store.clone(), keys[0].clone()), |s, i| {
            s.0.delete(&s.1[i], false).await.expect("store delete");
        }))
        .after(again(0)),
        AsyncOp::new(batch!(paths, |s, i| {
            tokio::fs::remove_file(&s[i]).await.expect("tokio delete");
        }))
        .after(again(1)),
        AsyncOp::new(batch!((c.opendal.clone(), keys[2].clone()), |s, i| {
            s.0.delete(&s.1[i]).await.expect("opendal delete");
        }))
        .after(again(2)),
        AsyncOp::new(batch!((c.os.clone(), os), |s, i| {
            s.0.delete(&s.1[i]).await.expect("object_store delete");
        }))
        .after(again(3)),
    ];
    Ok(Row::new("delete", run(rt, plan, ops)))
}

/// Untimed clean-up of a local write batch: removes the files it created, with plain
/// `std::fs` for every contender alike.
fn remove_written(root: PathBuf, keys: Vec<String>) -> BatchFn {
    Box::new(move |range| {
        for i in range {
            std::fs::remove_file(root.join(&keys[i])).expect("remove written file");
        }
        Box::pin(std::future::ready(()))
    })
}

fn local_write_small(cfg: &Config, c: &Local, rt: &Runtime) -> BenchResult<Row> {
    let plan = cfg.plan_write();
    let body = Bytes::from(data::content(cfg.small, 13));
    let keys: Vec<Vec<String>> = SHORT
        .iter()
        .map(|who| {
            (0..plan.indices())
                .map(|i| key(&format!("w/{who}"), i))
                .collect()
        })
        .collect();
    for who in SHORT {
        std::fs::create_dir_all(c.root.join("w").join(who))?;
    }
    let paths: Vec<PathBuf> = keys[1].iter().map(|k| c.root.join(k)).collect();
    let os_paths: Vec<OsPath> = keys[3].iter().map(|k| OsPath::from(k.as_str())).collect();
    let done = |who: usize| remove_written(c.root.clone(), keys[who].clone());
    let ops = vec![
        AsyncOp::new(batch!(
            (
                c.store.clone(),
                keys[0].clone(),
                body.clone(),
                WriteOptions::new()
            ),
            |s, i| {
                s.0.write(&s.1[i], s.2.clone(), &s.3)
                    .await
                    .expect("store write");
            }
        ))
        .after(done(0)),
        AsyncOp::new(batch!((paths, body.clone()), |s, i| {
            tokio::fs::write(&s.0[i], &s.1).await.expect("tokio write");
        }))
        .after(done(1)),
        AsyncOp::new(batch!(
            (c.opendal.clone(), keys[2].clone(), body.clone()),
            |s, i| {
                s.0.write(&s.1[i], s.2.clone())
                    .await
                    .expect("opendal write");
            }
        ))
        .after(done(2)),
        AsyncOp::new(batch!((c.os.clone(), os_paths, body.clone()), |s, i| {
            s.0.put(&s.1[i], PutPayload::from(s.2.clone()))
                .await
                .expect("object_store write");
        }))
        .after(done(3)),
    ];
    Ok(Row::new(
        format!("{} write (new file)", size_label(cfg.small)),
        run(rt, plan, ops),
    ))
}

fn local_stat(cfg: &Config, c: &Local, rt: &Runtime) -> Row {
    let (n, want) = (cfg.read_files, cfg.small as u64);
    let (keys, paths, os_paths) = small_keys(cfg, &c.root);
    let ops = vec![
        AsyncOp::new(batch!((c.store.clone(), keys.clone()), |s, i| {
            let info = s.0.get_file_info(&s.1[i % n]).await.expect("store stat");
            assert_eq!(info.size, want);
        })),
        AsyncOp::new(batch!(paths, |s, i| {
            let meta = tokio::fs::metadata(&s[i % n]).await.expect("tokio stat");
            assert_eq!(meta.len(), want);
        })),
        AsyncOp::new(batch!((c.opendal.clone(), keys), |s, i| {
            let meta = s.0.stat(&s.1[i % n]).await.expect("opendal stat");
            assert_eq!(meta.content_length(), want);
        })),
        AsyncOp::new(batch!((c.os.clone(), os_paths), |s, i| {
            let meta = s.0.head(&s.1[i % n]).await.expect("object_store stat");
            assert_eq!(meta.size, want);
        })),
    ];
    Row::new("exists/stat", run(rt, cfg.plan_stat(), ops))
}

fn local_list(cfg: &Config, c: &Local, rt: &Runtime) -> Row {
    let want = cfg.list_files;
    let ops = vec![
        AsyncOp::new(batch!(c.store.clone(), |s, _i| {
            let count = s
                .list_files(LIST, &ListOptions::new())
                .await
                .expect("store list")
                .try_fold(0, |n, file| {
                    std::hint::black_box(file.size);
                    async move { Ok(n + 1) }
                })
                .await
                .expect("store list item");
            assert_eq!(count, want);
        })),
        AsyncOp::new(batch!(c.root.join(LIST), |s, _i| {
            // Sizes too, as every other contender returns them: one stat per entry.
            let mut dir = tokio::fs::read_dir(s).await.expect("tokio list");
            let mut count = 0;
            while let Some(entry) = dir.next_entry().await.expect("tokio list item") {
                let meta = entry.metadata().await.expect("tokio stat");
                std::hint::black_box(meta.len());
                count += 1;
            }
            assert_eq!(count, want);
        })),
        AsyncOp::new(batch!((c.opendal.clone(), format!("{LIST}/")), |s, _i| {
            let count =
                s.0.lister(&s.1)
                    .await
                    .expect("opendal list")
                    .try_fold(0, |n, entry| {
                        let file = entry.metadata().is_file();
                        std::hint::black_box(entry.metadata().content_length());
                        async move { Ok(n + usize::from(file)) }
                    })
                    .await
                    .expect("opendal list item");
            assert_eq!(count, want);
        })),
        AsyncOp::new(batch!((c.os.clone(), OsPath::from(LIST)), |s, _i| {
            let count =
                s.0.list(Some(&s.1))
                    .try_fold(0, |n, meta| {
                        std::hint::black_box(meta.size);
                        async move { Ok(n + 1) }
                    })
                    .await
                    .expect("object_store list");
            assert_eq!(count, want);
        })),
    ];
    Row::new(
        format!("list_files of {} files", count_label(want)),
        run(rt, cfg.plan_list(), ops),
    )
}

fn local_read_big(cfg: &Config, c: &Local, rt: &Runtime) -> Row {
    let want = cfg.big;
    let ops = vec![
        AsyncOp::new(batch!(c.store.clone(), |s, _i| {
            let got = s.read_bytes(BIG).await.expect("store read");
            assert_eq!(got.len(), want);
        })),
        AsyncOp::new(batch!(c.root.join(BIG), |s, _i| {
            let got = tokio::fs::read(s).await.expect("tokio read");
            assert_eq!(got.len(), want);
        })),
        AsyncOp::new(batch!(c.opendal.clone(), |s, _i| {
            // Contiguous bytes, as the others return: `to_bytes` joins OpenDAL's chunks.
            let got = s.read(BIG).await.expect("opendal read").to_bytes();
            assert_eq!(got.len(), want);
        })),
        AsyncOp::new(batch!((c.os.clone(), OsPath::from(BIG)), |s, _i| {
            let got = async { s.0.get(&s.1).await?.bytes().await }
                .await
                .expect("object_store read");
            assert_eq!(got.len(), want);
        })),
    ];
    Row::new(
        format!("{} read", size_label(want)),
        run(rt, cfg.plan_big_read(), ops),
    )
}

/// The contender names of the memory section; AsyncStore is the reference.
const MEMORY_COLUMNS: [&str; 4] = [
    "AsyncStore (AsyncMemoryBackend)",
    "AsyncStore (MemoryBackend, inline)",
    "OpenDAL memory",
    "object_store InMemory",
];

/// Runs the async memory section.
pub fn memory(cfg: &Config, rt: &Runtime) -> BenchResult<Section> {
    let store = AsyncStore::new(AsyncMemoryBackend::new());
    // The blocking memory backend, which never blocks: called inline, not on the pool.
    let adapted = AsyncStore::new(MemoryBackend::new());
    let opendal = opendal::Operator::new(opendal::services::Memory::default())?;
    let os = std::sync::Arc::new(InMemory::new());
    let body = Bytes::from(data::content(cfg.small, 7));
    rt.block_on(async {
        for i in 0..cfg.read_files {
            let k = key(READS, i);
            store.write(&k, body.clone(), &WriteOptions::new()).await?;
            adapted
                .write(&k, body.clone(), &WriteOptions::new())
                .await?;
            opendal.write(&k, body.clone()).await?;
            os.put(&OsPath::from(k.as_str()), PutPayload::from(body.clone()))
                .await?;
        }
        BenchResult::Ok(())
    })?;
    let (n, want) = (cfg.read_files, cfg.small);
    let (keys, _, os_paths) = small_keys(cfg, Path::new(""));
    let mut section = Section::new(
        "Async, memory",
        "median time per op; ratio to AsyncStore",
        &MEMORY_COLUMNS,
        0,
    );

    let ops = vec![
        AsyncOp::new(batch!((store.clone(), keys.clone()), |s, i| {
            let got = s.0.read_bytes(&s.1[i % n]).await.expect("store read");
            assert_eq!(got.len(), want);
        })),
        AsyncOp::new(batch!((adapted.clone(), keys.clone()), |s, i| {
            let got = s.0.read_bytes(&s.1[i % n]).await.expect("store read");
            assert_eq!(got.len(), want);
        })),
        AsyncOp::new(batch!((opendal.clone(), keys.clone()), |s, i| {
            let got =
                s.0.read(&s.1[i % n])
                    .await
                    .expect("opendal read")
                    .to_bytes();
            assert_eq!(got.len(), want);
        })),
        AsyncOp::new(batch!((os.clone(), os_paths.clone()), |s, i| {
            let got = async { s.0.get(&s.1[i % n]).await?.bytes().await }
                .await
                .expect("object_store read");
            assert_eq!(got.len(), want);
        })),
    ];
    section.push(Row::new(
        format!("{} read_bytes", size_label(want)),
        run(rt, cfg.plan_memory(), ops),
    ));

    let plan = cfg.plan_memory();
    let wkeys: Vec<String> = (0..plan.indices()).map(|i| key("w", i)).collect();
    let wpaths: Vec<OsPath> = wkeys.iter().map(|k| OsPath::from(k.as_str())).collect();
    // A store's write of a new file, and its clean-up.
    let store_write = |store: &AsyncStore| {
        AsyncOp::new(batch!(
            (
                store.clone(),
                wkeys.clone(),
                body.clone(),
                WriteOptions::new()
            ),
            |s, i| {
                s.0.write(&s.1[i], s.2.clone(), &s.3)
                    .await
                    .expect("store write");
            }
        ))
        .after(batch!((store.clone(), wkeys.clone()), |s, i| {
            s.0.delete(&s.1[i], false).await.expect("store delete");
        }))
    };
    let ops = vec![
        store_write(&store),
        store_write(&adapted),
        AsyncOp::new(batch!(
            (opendal.clone(), wkeys.clone(), body.clone()),
            |s, i| {
                s.0.write(&s.1[i], s.2.clone())
                    .await
                    .expect("opendal write");
            }
        ))
        .after(batch!((opendal.clone(), wkeys), |s, i| {
            s.0.delete(&s.1[i]).await.expect("opendal delete");
        })),
        AsyncOp::new(batch!(
            (os.clone(), wpaths.clone(), body.clone()),
            |s, i| {
                s.0.put(&s.1[i], PutPayload::from(s.2.clone()))
                    .await
                    .expect("object_store write");
            }
        ))
        .after(batch!((os.clone(), wpaths), |s, i| {
            s.0.delete(&s.1[i]).await.expect("object_store delete");
        })),
    ];
    section.push(Row::new(
        format!("{} write (new file)", size_label(cfg.small)),
        run(rt, plan, ops),
    ));

    let want = want as u64;
    let ops = vec![
        AsyncOp::new(batch!((store, keys.clone()), |s, i| {
            let info = s.0.get_file_info(&s.1[i % n]).await.expect("store stat");
            assert_eq!(info.size, want);
        })),
        AsyncOp::new(batch!((adapted, keys.clone()), |s, i| {
            let info = s.0.get_file_info(&s.1[i % n]).await.expect("store stat");
            assert_eq!(info.size, want);
        })),
        AsyncOp::new(batch!((opendal, keys), |s, i| {
            let meta = s.0.stat(&s.1[i % n]).await.expect("opendal stat");
            assert_eq!(meta.content_length(), want);
        })),
        AsyncOp::new(batch!((os, os_paths), |s, i| {
            let meta = s.0.head(&s.1[i % n]).await.expect("object_store stat");
            assert_eq!(meta.size, want);
        })),
    ];
    section.push(Row::new("exists/stat", run(rt, cfg.plan_memory(), ops)));
    Ok(section)
}
