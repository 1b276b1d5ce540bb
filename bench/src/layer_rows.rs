//! Layers (issue 19): what a stack of layers costs over the bare store, on the calls where
//! overhead shows most (a small read and a stat, local and in memory).

use store::layers::Observe;
use store::{Backend, Bytes, LayerExt, LocalBackend, MemoryBackend, Store, WriteOptions};

use crate::config::Config;
use crate::data::{self, key, READS};
use crate::report::{size_label, Row, Section};
use crate::timing::{run_sync, SyncOp};
use crate::BenchResult;

const COLUMNS: [&str; 4] = [
    "Store (bare)",
    "3 no-op layers, one type",
    "3 no-op layers, Store::layer",
    "Observe, no subscriber",
];

/// The same backend four times: bare; under three layers that change nothing, put around
/// the backend before it goes into the store (one type: `backend.layer(..)`) and added to
/// the store (`Store::layer`, one dynamic call each); and under the tracing layer with no
/// subscriber installed.
struct Stores {
    bare: Store,
    typed: Store,
    stacked: Store,
    observed: Store,
}

impl Stores {
    /// Over instances of one backend (sharing its data) that `open` makes.
    fn over<B: Backend>(open: impl Fn() -> B) -> Stores {
        let bare = Store::new(open());
        let typed = Store::new(open().layer(()).layer(()).layer(()));
        let stacked = bare.clone().layer(()).layer(()).layer(());
        let observed = bare.clone().layer(Observe::new());
        Stores {
            bare,
            typed,
            stacked,
            observed,
        }
    }

    fn each(&self) -> [&Store; 4] {
        [&self.bare, &self.typed, &self.stacked, &self.observed]
    }
}

/// The section: memory and local, a small read and a stat each.
pub fn section(cfg: &Config, root: &std::path::Path) -> BenchResult<Section> {
    let body = Bytes::from(data::content(cfg.small, 7));
    let memory = MemoryBackend::new();
    let memory = Stores::over(|| memory.clone());
    for i in 0..cfg.read_files {
        memory.bare.write(
            key(READS, i),
            body.clone(),
            &WriteOptions::new().overwrite(true),
        )?;
    }
    LocalBackend::open(root)?;
    let local = Stores::over(|| LocalBackend::open(root).expect("opened once already"));
    let mut section = Section::new(
        "Layers, sync",
        "median time per op; ratio to the bare Store",
        &COLUMNS,
        0,
    );
    section.push(read(cfg, &memory, "memory"));
    section.push(stat(cfg, &memory, "memory"));
    section.push(read(cfg, &local, "local"));
    section.push(stat(cfg, &local, "local"));
    Ok(section)
}

fn read(cfg: &Config, stores: &Stores, what: &str) -> Row {
    let n = cfg.read_files;
    let want = cfg.small;
    let keys: Vec<String> = (0..n).map(|i| key(READS, i)).collect();
    let mut ops = stores.each().map(|store| {
        let keys = &keys;
        SyncOp::new(move |i| {
            let got = store.read_bytes(&keys[i % n]).expect("read");
            assert_eq!(got.len(), want);
        })
    });
    let plan = match what {
        "memory" => cfg.plan_memory(),
        _ => cfg.plan_small_read(),
    };
    Row::new(
        format!("{what}: {} read_bytes", size_label(want)),
        run_sync(plan, &mut ops),
    )
}

fn stat(cfg: &Config, stores: &Stores, what: &str) -> Row {
    let n = cfg.read_files;
    let keys: Vec<String> = (0..n).map(|i| key(READS, i)).collect();
    let mut ops = stores.each().map(|store| {
        let keys = &keys;
        SyncOp::new(move |i| {
            store.get_file_info(&keys[i % n]).expect("stat");
        })
    });
    let plan = match what {
        "memory" => cfg.plan_memory(),
        _ => cfg.plan_stat(),
    };
    Row::new(format!("{what}: get_file_info"), run_sync(plan, &mut ops))
}
