//! The conformance kit over layered backends in both worlds: a layer that intercepts nothing
//! leaves the whole contract intact, a read-only view passes as a backend without the mutating
//! gates, and the kit passes below faults that a retry repeats and streams it resumes.

use super::*;

store::conformance_tests!(
    memory_layered_store,
    Store::new(MemoryBackend::new())
        .layer(quiet())
        .layer(quiet()),
    [all, hier, sync_world],
    declared = declared::MEMORY
);

store::conformance_tests!(
    memory_layered_async_store,
    AsyncStore::new(MemoryBackend::new())
        .layer(quiet())
        .layer(quiet()),
    [all, hier, async_world],
    declared = declared::MEMORY
);

store::conformance_tests!(
    async_memory_layered_store,
    Store::new(AsyncMemoryBackend::new()).layer(quiet()),
    [all, hier, sync_world, async_to_sync],
    declared = declared::ASYNC_MEMORY
);

store::conformance_tests!(
    local_layered_async_store,
    {
        let dir = local_dir();
        (AsyncStore::local(dir.path()).layer(quiet()), dir)
    },
    [all, hier, async_world],
    declared = declared::LOCAL
);

store::conformance_tests!(
    memory_read_only_store,
    Store::new(MemoryBackend::new()).layer(ReadOnly),
    [all, hier, sync_world],
    declared = Declared::new().name("memory").capabilities(
        declared::MEMORY
            .declared_capabilities()
            .unwrap()
            .difference(ReadOnly::masked())
    )
);

store::conformance_tests!(
    memory_read_only_async_store,
    AsyncStore::new(AsyncMemoryBackend::new()).layer(ReadOnly),
    [all, hier, async_world],
    declared = Declared::new().name("async-memory")
);

store::conformance_tests!(
    memory_limited_store,
    Store::new(MemoryBackend::new()).layer(store::layers::Limit::new(2)),
    [all, hier, sync_world],
    declared = declared::MEMORY
);

store::conformance_tests!(
    async_memory_limited_async_store,
    AsyncStore::new(AsyncMemoryBackend::new()).layer(store::layers::Limit::new(2)),
    [all, hier, async_world],
    declared = declared::ASYNC_MEMORY
);

store::conformance_tests!(
    memory_observed_store,
    Store::new(MemoryBackend::new()).layer(store::layers::Observe::new().on_event(|_| {})),
    [all, hier, sync_world],
    declared = declared::MEMORY
);

store::conformance_tests!(
    local_observed_async_store,
    {
        let dir = local_dir();
        let observe = store::layers::Observe::new().on_event(|_| {});
        (AsyncStore::local(dir.path()).layer(observe), dir)
    },
    [all, hier, async_world],
    declared = declared::LOCAL
);

store::conformance_tests!(
    memory_retried_store,
    Store::new(MemoryBackend::new())
        .layer(flaky(11))
        .layer(patient()),
    [all, hier, sync_world],
    declared = declared::MEMORY
);

store::conformance_tests!(
    memory_retried_async_store,
    AsyncStore::new(MemoryBackend::new())
        .layer(flaky(12))
        .layer(patient()),
    [all, hier, async_world],
    declared = declared::MEMORY
);

store::conformance_tests!(
    local_retried_store,
    {
        let dir = local_dir();
        (
            Store::local(dir.path()).layer(flaky(13)).layer(patient()),
            dir,
        )
    },
    [all, hier, sync_world],
    declared = declared::LOCAL
);

store::conformance_tests!(
    memory_resumed_store,
    Store::new(MemoryBackend::new())
        .layer(cutting(14))
        .layer(patient()),
    [all, hier, sync_world],
    declared = declared::MEMORY
);

store::conformance_tests!(
    local_resumed_async_store,
    {
        let dir = local_dir();
        (
            AsyncStore::local(dir.path())
                .layer(cutting(15))
                .layer(patient()),
            dir,
        )
    },
    [all, hier, async_world],
    declared = declared::LOCAL
);
