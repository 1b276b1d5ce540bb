//! A group that does not fit the fixture says so.

use store::{MemoryBackend, Store};

#[test]
#[should_panic(expected = "the `async_to_sync` group applies to a Store over an async backend")]
fn async_to_sync_group_on_a_blocking_backend_says_it_does_not_apply() {
    store::conformance::run(
        store::conformance::Group::AsyncToSync,
        store::conformance::Declared::new(),
        |world| {
            Box::pin(
                store::conformance::items::k101_async_to_sync_adapter_refuses_async_context(world),
            )
        },
        || Store::new(MemoryBackend::new()),
    );
}
