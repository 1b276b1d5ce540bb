//! The conformance kit of `store::conformance`, run for every shipped backend in every world
//! it reaches: each test is one checklist item of docs/contract.md §8.

mod common;

use common::declared;
use store::{AsyncMemoryBackend, AsyncStore, MemoryBackend, Store};

/// A fresh folder under cargo's per-target temp dir, removed when the test ends.
fn local_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("conformance-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temp folder")
}

kit_in_both_worlds!(
    memory,
    MemoryBackend::new(),
    [hier],
    declared = declared::MEMORY
);
kit_in_both_worlds!(
    async_memory,
    AsyncMemoryBackend::new(),
    [hier] + blocking[async_to_sync],
    declared = declared::ASYNC_MEMORY
);

store::conformance_tests!(
    local_store,
    {
        let dir = local_dir();
        (Store::local(dir.path()), dir)
    },
    [all, hier, sync_world],
    declared = declared::LOCAL
);

store::conformance_tests!(
    local_async_store,
    {
        let dir = local_dir();
        (AsyncStore::local(dir.path()), dir)
    },
    [all, hier, async_world],
    declared = declared::LOCAL
);

// The portable walk of handles, which platforms without `openat2` use: the same kit, so both
// strategies are held to the same verdicts.
store::conformance_tests!(
    local_walk_store,
    {
        let dir = local_dir();
        (
            Store::new(store::LocalBackend::new(dir.path()).with_portable_resolution()),
            dir,
        )
    },
    [all, hier, sync_world],
    declared = declared::LOCAL
);

store::conformance_tests!(
    local_walk_async_store,
    {
        let dir = local_dir();
        (
            AsyncStore::new(store::LocalBackend::new(dir.path()).with_portable_resolution()),
            dir,
        )
    },
    [all, hier, async_world],
    declared = declared::LOCAL
);
