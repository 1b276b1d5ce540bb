//! The conformance kit of `store::conformance`, run for every shipped backend in every world
//! it reaches: each test is one checklist item of CONTRACT.md §8.

use store::{AsyncMemoryBackend, AsyncStore, MemoryBackend, Store};

store::conformance_tests!(
    memory_store,
    Store::new(MemoryBackend::new()),
    [all, hier, sync_world]
);

store::conformance_tests!(
    memory_async_store,
    AsyncStore::new(MemoryBackend::new()),
    [all, hier, async_world]
);

store::conformance_tests!(
    async_memory_async_store,
    AsyncStore::new(AsyncMemoryBackend::new()),
    [all, hier, async_world]
);
