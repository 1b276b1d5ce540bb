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
    [all, async_world]
);

store::conformance_tests!(
    kv_store,
    Store::new(KvBackend::default()),
    [all, sync_world, reverse]
);
