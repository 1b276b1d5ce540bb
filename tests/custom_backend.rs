//! The conformance kit on the backend of `examples/custom_backend.rs`, written with
//! `#[store::backend]`: in the async world natively, and in the blocking world through
//! `AsyncBackendSyncAdapter`. It is flat, so the `hier` group does not apply.

#[path = "../examples/custom_backend.rs"]
#[allow(dead_code)]
mod example;

use example::KvBackend;
use store::{AsyncStore, Store};

store::conformance_tests!(
    kv_async_store,
    AsyncStore::new(KvBackend::default()),
    [all, flat, async_world]
);

store::conformance_tests!(
    kv_store,
    Store::new(KvBackend::default()),
    [all, flat, sync_world, async_to_sync]
);

/// A group that does not fit the backend fails with a message saying so, before any item runs.
#[test]
#[should_panic(expected = "the `hier` group applies to hierarchical backends, and `kv` is flat")]
fn hier_group_on_a_flat_backend_says_it_does_not_apply() {
    store::conformance::run(
        store::conformance::Group::Hier,
        store::conformance::Declared::new(),
        |world| Box::pin(store::conformance::items::k035_write_onto_a_folder(world)),
        || AsyncStore::new(KvBackend::default()),
    );
}

/// The `flat` group likewise refuses a hierarchical backend.
#[test]
#[should_panic(
    expected = "the `flat` group applies to flat backends, and `memory` is hierarchical"
)]
fn flat_group_on_a_hierarchical_backend_says_it_does_not_apply() {
    store::conformance::run(
        store::conformance::Group::Flat,
        store::conformance::Declared::new(),
        |world| Box::pin(store::conformance::items::k040_folder_vanishes_with_last_file(world)),
        || Store::new(store::MemoryBackend::new()),
    );
}
