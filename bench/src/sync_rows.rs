//! The blocking world: `Store` against `std::fs`, OpenDAL's `blocking::Operator` and
//! object_store driven by `futures::executor::block_on`.
//!
//! No tokio runtime is entered on the measuring thread, as in a plain blocking program: so
//! object_store's `LocalFileSystem` runs its file calls inline, and OpenDAL's blocking
//! operator drives its async core on the runtime whose handle it captured when built.

use std::fs;
use std::path::PathBuf;

use futures::executor::block_on;
use futures::TryStreamExt;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as OsPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use store::{Bytes, ListOptions, MemoryBackend, Store, WriteOptions};

use crate::config::Config;
use crate::data::{self, key, BIG, DEEP, LIST, READS};
use crate::report::{count_label, size_label, Row, Section};
use crate::timing::{run_sync, SyncOp};
use crate::BenchResult;

/// The four contenders of the local rows, all on the same folder.
struct Local {
    root: PathBuf,
    store: Store,
    opendal: opendal::blocking::Operator,
    os: LocalFileSystem,
}

/// The contender names of the local section, in column order; std::fs is the baseline.
const LOCAL_COLUMNS: [&str; 4] = [
    "Store (LocalBackend)",
    "std::fs (baseline)",
    "OpenDAL blocking fs",
    "object_store Local + block_on",
];

/// Short names used for per-contender write folders.
const SHORT: [&str; 4] = ["store", "std", "opendal", "object_store"];

/// Runs the sync local section on `root`, which holds the shared data (see `main`).
pub fn local(
    cfg: &Config,
    root: &std::path::Path,
    rt: &tokio::runtime::Runtime,
) -> BenchResult<Section> {
    let opendal = {
        // The blocking operator captures the handle of the runtime current at construction.
        let _enter = rt.enter();
        let op =
            opendal::Operator::new(opendal::services::Fs::default().root(&root.to_string_lossy()))?;
        opendal::blocking::Operator::new(op)?
    };
    let c = Local {
        root: root.to_path_buf(),
        store: Store::local(root),
        opendal,
        os: LocalFileSystem::new_with_prefix(root)?,
    };
    let mut section = Section::new(
        "Sync, local folder (page cache warm)",
        "median time per op; ratio to std::fs",
        &LOCAL_COLUMNS,
        1,
    );
    section.push(local_read_small(cfg, &c, READS, "read_bytes"));
    section.push(local_read_small(
        cfg,
        &c,
        DEEP,
        "read_bytes, five folders deep",
    ));
    section.push(local_write_small(cfg, &c)?);
    section.push(local_rename(cfg, &c)?);
    section.push(local_delete(cfg, &c)?);
    section.push(local_stat(cfg, &c));
    section.push(local_list(cfg, &c));
    section.push(local_read_big(cfg, &c));
    Ok(section)
}

fn local_read_small(cfg: &Config, c: &Local, folder: &str, what: &str) -> Row {
    let n = cfg.read_files;
    let want = cfg.small;
    let keys: Vec<String> = (0..n).map(|i| key(folder, i)).collect();
    let paths: Vec<PathBuf> = keys.iter().map(|k| c.root.join(k)).collect();
    let os_paths: Vec<OsPath> = keys.iter().map(|k| OsPath::from(k.as_str())).collect();
    let mut ops = [
        SyncOp::new(|i| {
            let got = c.store.read_bytes(&keys[i % n]).expect("store read");
            assert_eq!(got.len(), want);
        }),
        SyncOp::new(|i| {
            let got = fs::read(&paths[i % n]).expect("std read");
            assert_eq!(got.len(), want);
        }),
        SyncOp::new(|i| {
            let got = c
                .opendal
                .read(&keys[i % n])
                .expect("opendal read")
                .to_bytes();
            assert_eq!(got.len(), want);
        }),
        SyncOp::new(|i| {
            let got = block_on(async { c.os.get(&os_paths[i % n]).await?.bytes().await })
                .expect("object_store read");
            assert_eq!(got.len(), want);
        }),
    ];
    Row::new(
        format!("{} {what}", size_label(want)),
        run_sync(cfg.plan_small_read(), &mut ops),
    )
}

fn local_rename(cfg: &Config, c: &Local) -> BenchResult<Row> {
    let plan = cfg.plan_write();
    let body = data::content(cfg.small, 5);
    let keys = data::own_files(&c.root, "mv", &SHORT, plan.indices(), &body)?;
    let moved = |k: &String| format!("{k}.moved");
    // Untimed: move the batch's files back, so every batch renames the same files.
    let back = |who: usize| {
        let keys = &keys[who];
        move |range: std::ops::Range<usize>| {
            for i in range {
                fs::rename(c.root.join(moved(&keys[i])), c.root.join(&keys[i])).expect("move back");
            }
        }
    };
    let mut ops = [
        SyncOp::new(|i| {
            c.store
                .rename(&keys[0][i], moved(&keys[0][i]), false)
                .expect("store rename");
        })
        .after(back(0)),
        SyncOp::new(|i| {
            fs::rename(c.root.join(&keys[1][i]), c.root.join(moved(&keys[1][i])))
                .expect("std rename");
        })
        .after(back(1)),
        SyncOp::new(|i| {
            c.opendal
                .rename(&keys[2][i], &moved(&keys[2][i]))
                .expect("opendal rename");
        })
        .after(back(2)),
        SyncOp::new(|i| {
            let (from, to) = (
                OsPath::from(keys[3][i].as_str()),
                OsPath::from(moved(&keys[3][i])),
            );
            block_on(c.os.rename(&from, &to)).expect("object_store rename");
        })
        .after(back(3)),
    ];
    Ok(Row::new("rename", run_sync(plan, &mut ops)))
}

fn local_delete(cfg: &Config, c: &Local) -> BenchResult<Row> {
    let plan = cfg.plan_write();
    let body = data::content(cfg.small, 9);
    let keys = data::own_files(&c.root, "rm", &SHORT, plan.indices(), &body)?;
    // Untimed: write the batch's files again, so every batch deletes existing files.
    let again = |who: usize| {
        let (keys, body) = (&keys[who], &body);
        move |range: std::ops::Range<usize>| {
            for i in range {
                fs::write(c.root.join(&keys[i]), body).expect("write again");
            }
        }
    };
    let mut ops = [
        SyncOp::new(|i| c.store.delete(&keys[0][i], false).expect("store delete")).after(again(0)),
        SyncOp::new(|i| fs::remove_file(c.root.join(&keys[1][i])).expect("std delete"))
            .after(again(1)),
        SyncOp::new(|i| c.opendal.delete(&keys[2][i]).expect("opendal delete")).after(again(2)),
        SyncOp::new(|i| {
            block_on(c.os.delete(&OsPath::from(keys[3][i].as_str()))).expect("object_store delete")
        })
        .after(again(3)),
    ];
    Ok(Row::new("delete", run_sync(plan, &mut ops)))
}

/// The contender names of the stat floor section; the race-free floor is the reference.
const FLOOR_COLUMNS: [&str; 3] = [
    "Store get_file_info",
    "std::fs::metadata (not race-free)",
    "race-free floor (rustix)",
];

/// stat against its race-free floor: for a key in the root one `statx` relative to the root's
/// handle; deeper, `openat2(O_PATH, RESOLVE_BENEATH)` + `fstat` + `close`, the fewest calls
/// that stat a key without a race.
pub fn stat_floor(cfg: &Config, root: &std::path::Path) -> BenchResult<Section> {
    use rustix::fs::{self as sys, AtFlags, Mode, OFlags, ResolveFlags};
    let store = Store::local(root);
    let root_fd = sys::open(root, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty())?;
    let mut section = Section::new(
        "Sync, local stat against its race-free floor",
        "median time per op; ratio to the floor",
        &FLOOR_COLUMNS,
        2,
    );
    let n = cfg.read_files;
    let want = cfg.small as u64;
    for (label, keys) in [
        (
            "stat, key in the root",
            (0..n).map(data::top_key).collect::<Vec<_>>(),
        ),
        (
            "stat, one folder deep",
            (0..n).map(|i| key(READS, i)).collect(),
        ),
        (
            "stat, five folders deep",
            (0..n).map(|i| key(DEEP, i)).collect(),
        ),
    ] {
        let paths: Vec<PathBuf> = keys.iter().map(|k| root.join(k)).collect();
        let in_root = !keys[0].contains('/');
        let mut ops = [
            SyncOp::new(|i| {
                let info = store.get_file_info(&keys[i % n]).expect("store stat");
                assert_eq!(info.size, want);
            }),
            SyncOp::new(|i| {
                assert_eq!(fs::metadata(&paths[i % n]).expect("std stat").len(), want);
            }),
            SyncOp::new(|i| {
                let stat = if in_root {
                    sys::statat(&root_fd, keys[i % n].as_str(), AtFlags::SYMLINK_NOFOLLOW)
                } else {
                    let how = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
                    let fd = sys::openat2(
                        &root_fd,
                        keys[i % n].as_str(),
                        OFlags::PATH | OFlags::CLOEXEC,
                        Mode::empty(),
                        how,
                    )
                    .expect("openat2");
                    sys::fstat(&fd)
                }
                .expect("floor stat");
                assert_eq!(stat.st_size as u64, want);
            }),
        ];
        section.push(Row::new(label, run_sync(cfg.plan_stat(), &mut ops)));
    }
    Ok(section)
}

fn local_write_small(cfg: &Config, c: &Local) -> BenchResult<Row> {
    let plan = cfg.plan_write();
    let body = Bytes::from(data::content(cfg.small, 11));
    // Each contender writes fresh files into its own folder; keys are made before timing.
    let keys: Vec<Vec<String>> = SHORT
        .iter()
        .map(|who| {
            (0..plan.indices())
                .map(|i| key(&format!("w/{who}"), i))
                .collect()
        })
        .collect();
    for who in SHORT {
        fs::create_dir_all(c.root.join("w").join(who))?;
    }
    let paths: Vec<PathBuf> = keys[1].iter().map(|k| c.root.join(k)).collect();
    let os_paths: Vec<OsPath> = keys[3].iter().map(|k| OsPath::from(k.as_str())).collect();
    let opts = WriteOptions::new();
    // Untimed: remove the batch's files so every batch writes into an equally full folder.
    let cleanup = |who: usize| {
        let keys = &keys[who];
        move |range: std::ops::Range<usize>| {
            for i in range {
                fs::remove_file(c.root.join(&keys[i])).expect("remove written file");
            }
        }
    };
    let mut ops = [
        SyncOp::new(|i| {
            c.store
                .write(&keys[0][i], body.clone(), &opts)
                .expect("store write");
        })
        .after(cleanup(0)),
        SyncOp::new(|i| fs::write(&paths[i], &body).expect("std write")).after(cleanup(1)),
        SyncOp::new(|i| {
            c.opendal
                .write(&keys[2][i], body.clone())
                .expect("opendal write");
        })
        .after(cleanup(2)),
        SyncOp::new(|i| {
            block_on(c.os.put(&os_paths[i], PutPayload::from(body.clone())))
                .expect("object_store write");
        })
        .after(cleanup(3)),
    ];
    let medians = run_sync(plan, &mut ops);
    Ok(Row::new(
        format!("{} write (new file)", size_label(cfg.small)),
        medians,
    ))
}

fn local_stat(cfg: &Config, c: &Local) -> Row {
    let n = cfg.read_files;
    let want = cfg.small as u64;
    let keys: Vec<String> = (0..n).map(|i| key(READS, i)).collect();
    let paths: Vec<PathBuf> = keys.iter().map(|k| c.root.join(k)).collect();
    let os_paths: Vec<OsPath> = keys.iter().map(|k| OsPath::from(k.as_str())).collect();
    let mut ops = [
        SyncOp::new(|i| {
            let info = c.store.get_file_info(&keys[i % n]).expect("store stat");
            assert_eq!(info.size, want);
        }),
        SyncOp::new(|i| {
            let meta = fs::metadata(&paths[i % n]).expect("std stat");
            assert_eq!(meta.len(), want);
        }),
        SyncOp::new(|i| {
            let meta = c.opendal.stat(&keys[i % n]).expect("opendal stat");
            assert_eq!(meta.content_length(), want);
        }),
        SyncOp::new(|i| {
            let meta = block_on(c.os.head(&os_paths[i % n])).expect("object_store stat");
            assert_eq!(meta.size, want);
        }),
    ];
    Row::new("exists/stat", run_sync(cfg.plan_stat(), &mut ops))
}

fn local_list(cfg: &Config, c: &Local) -> Row {
    let want = cfg.list_files;
    let dir = c.root.join(LIST);
    let prefix = OsPath::from(LIST);
    let opendal_dir = format!("{LIST}/");
    let mut ops = [
        SyncOp::new(|_| {
            let mut count = 0;
            for file in c
                .store
                .list_files(LIST, &ListOptions::new())
                .expect("store list")
            {
                std::hint::black_box(file.expect("store list item").size);
                count += 1;
            }
            assert_eq!(count, want);
        }),
        SyncOp::new(|_| {
            // Sizes too, as every other contender returns them: one stat per entry.
            let mut count = 0;
            for entry in fs::read_dir(&dir).expect("std list") {
                let meta = entry.expect("std list item").metadata().expect("std stat");
                std::hint::black_box(meta.len());
                count += 1;
            }
            assert_eq!(count, want);
        }),
        SyncOp::new(|_| {
            let mut count = 0;
            for entry in c.opendal.lister(&opendal_dir).expect("opendal list") {
                let entry = entry.expect("opendal list item");
                if entry.metadata().is_file() {
                    std::hint::black_box(entry.metadata().content_length());
                    count += 1;
                }
            }
            assert_eq!(count, want);
        }),
        SyncOp::new(|_| {
            let count = block_on(c.os.list(Some(&prefix)).try_fold(0, |n, meta| {
                std::hint::black_box(meta.size);
                async move { Ok(n + 1) }
            }))
            .expect("object_store list");
            assert_eq!(count, want);
        }),
    ];
    Row::new(
        format!("list_files of {} files", count_label(want)),
        run_sync(cfg.plan_list(), &mut ops),
    )
}

fn local_read_big(cfg: &Config, c: &Local) -> Row {
    let want = cfg.big;
    let path = c.root.join(BIG);
    let os_path = OsPath::from(BIG);
    let mut ops = [
        SyncOp::new(|_| {
            let got = c.store.read_bytes(BIG).expect("store read");
            assert_eq!(got.len(), want);
        }),
        SyncOp::new(|_| {
            let got = fs::read(&path).expect("std read");
            assert_eq!(got.len(), want);
        }),
        SyncOp::new(|_| {
            // Contiguous bytes, as the others return: `to_bytes` joins OpenDAL's chunks.
            let got = c.opendal.read(BIG).expect("opendal read").to_bytes();
            assert_eq!(got.len(), want);
        }),
        SyncOp::new(|_| {
            let got = block_on(async { c.os.get(&os_path).await?.bytes().await })
                .expect("object_store read");
            assert_eq!(got.len(), want);
        }),
    ];
    Row::new(
        format!("{} read", size_label(want)),
        run_sync(cfg.plan_big_read(), &mut ops),
    )
}

/// The contender names of the memory section; Store is the reference (there is no
/// "physical limit" contender in memory).
const MEMORY_COLUMNS: [&str; 3] = [
    "Store (MemoryBackend)",
    "OpenDAL blocking memory",
    "object_store InMemory + block_on",
];

/// The three in-memory contenders, each holding the same small files.
struct Memory {
    store: Store,
    opendal: opendal::blocking::Operator,
    os: InMemory,
}

/// Runs the sync memory section.
pub fn memory(cfg: &Config, rt: &tokio::runtime::Runtime) -> BenchResult<Section> {
    let opendal = {
        let _enter = rt.enter();
        opendal::blocking::Operator::new(opendal::Operator::new(
            opendal::services::Memory::default(),
        )?)?
    };
    let c = Memory {
        store: Store::new(MemoryBackend::new()),
        opendal,
        os: InMemory::new(),
    };
    let body = Bytes::from(data::content(cfg.small, 7));
    for i in 0..cfg.read_files {
        let k = key(READS, i);
        c.store.write(&k, body.clone(), &WriteOptions::new())?;
        c.opendal.write(&k, body.clone())?;
        block_on(c.os.put(&OsPath::from(k.as_str()), PutPayload::from(body.clone())))?;
    }
    let mut section = Section::new(
        "Sync, memory",
        "median time per op; ratio to Store",
        &MEMORY_COLUMNS,
        0,
    );
    section.push(memory_read(cfg, &c));
    section.push(memory_write(cfg, &c, &body));
    section.push(memory_stat(cfg, &c));
    Ok(section)
}

fn memory_read(cfg: &Config, c: &Memory) -> Row {
    let n = cfg.read_files;
    let want = cfg.small;
    let keys: Vec<String> = (0..n).map(|i| key(READS, i)).collect();
    let os_paths: Vec<OsPath> = keys.iter().map(|k| OsPath::from(k.as_str())).collect();
    let mut ops = [
        SyncOp::new(|i| {
            let got = c.store.read_bytes(&keys[i % n]).expect("store read");
            assert_eq!(got.len(), want);
        }),
        SyncOp::new(|i| {
            let got = c
                .opendal
                .read(&keys[i % n])
                .expect("opendal read")
                .to_bytes();
            assert_eq!(got.len(), want);
        }),
        SyncOp::new(|i| {
            let got = block_on(async { c.os.get(&os_paths[i % n]).await?.bytes().await })
                .expect("object_store read");
            assert_eq!(got.len(), want);
        }),
    ];
    Row::new(
        format!("{} read_bytes", size_label(want)),
        run_sync(cfg.plan_memory(), &mut ops),
    )
}

fn memory_write(cfg: &Config, c: &Memory, body: &Bytes) -> Row {
    let plan = cfg.plan_memory();
    let keys: Vec<String> = (0..plan.indices()).map(|i| key("w", i)).collect();
    let os_paths: Vec<OsPath> = keys.iter().map(|k| OsPath::from(k.as_str())).collect();
    let opts = WriteOptions::new();
    let mut ops = [
        SyncOp::new(|i| {
            c.store
                .write(&keys[i], body.clone(), &opts)
                .expect("store write");
        })
        .after(|range| {
            for i in range {
                c.store.delete(&keys[i], false).expect("store delete");
            }
        }),
        SyncOp::new(|i| {
            c.opendal
                .write(&keys[i], body.clone())
                .expect("opendal write");
        })
        .after(|range| {
            for i in range {
                c.opendal.delete(&keys[i]).expect("opendal delete");
            }
        }),
        SyncOp::new(|i| {
            block_on(c.os.put(&os_paths[i], PutPayload::from(body.clone())))
                .expect("object_store write");
        })
        .after(|range| {
            for i in range {
                block_on(c.os.delete(&os_paths[i])).expect("object_store delete");
            }
        }),
    ];
    Row::new(
        format!("{} write (new file)", size_label(cfg.small)),
        run_sync(plan, &mut ops),
    )
}

fn memory_stat(cfg: &Config, c: &Memory) -> Row {
    let n = cfg.read_files;
    let want = cfg.small as u64;
    let keys: Vec<String> = (0..n).map(|i| key(READS, i)).collect();
    let os_paths: Vec<OsPath> = keys.iter().map(|k| OsPath::from(k.as_str())).collect();
    let mut ops = [
        SyncOp::new(|i| {
            let info = c.store.get_file_info(&keys[i % n]).expect("store stat");
            assert_eq!(info.size, want);
        }),
        SyncOp::new(|i| {
            let meta = c.opendal.stat(&keys[i % n]).expect("opendal stat");
            assert_eq!(meta.content_length(), want);
        }),
        SyncOp::new(|i| {
            let meta = block_on(c.os.head(&os_paths[i % n])).expect("object_store stat");
            assert_eq!(meta.size, want);
        }),
    ];
    Row::new("exists/stat", run_sync(cfg.plan_memory(), &mut ops))
}

/// Creates the shared data of the local rows (both worlds read the same files).
pub fn prepare_local(cfg: &Config, root: &std::path::Path) -> BenchResult<()> {
    data::fill(root, READS, cfg.read_files, cfg.small)?;
    data::fill(root, DEEP, cfg.read_files, cfg.small)?;
    let body = data::content(cfg.small, 7);
    for i in 0..cfg.read_files {
        fs::write(root.join(data::top_key(i)), &body)?;
    }
    data::fill(root, LIST, cfg.list_files, 64)?;
    data::big_file(&root.join(BIG), cfg.big as u64)?;
    Ok(())
}
