//! object_store 0.14's own `integration` suite, the one it runs on every store it ships, run
//! on `AsObjectStore` over every backend this crate ships; and the conformance kit on
//! `ObjectStoreBackend` over object_store's `InMemory`, in both worlds.
//!
//! Every `ObjectStore` function of the suite runs on every backend. Where a backend lacks a
//! capability the suite's function has an answer for that (`NotImplemented` for attributes,
//! `supports_update = false` for conditional puts), and the table below says which applies.
//! Not run: `multipart`, `multipart_with_opts`, `multipart_put_part_out_of_order` and
//! `list_paginated`, which test object_store's `MultipartStore` and `PaginatedListStore`
//! traits (a separate id-based upload API and page tokens), not `ObjectStore`.

use std::sync::Arc;

use object_store::integration;
use object_store::ObjectStore;
use store::interop::object_store::{AsObjectStore, ObjectStoreBackend};
use store::{AsyncMemoryBackend, AsyncStore, Capability, LocalBackend, MemoryBackend, Store};

/// A fresh object store over a fresh backend, and the guard that keeps its folder.
fn fixture(backend: &str) -> (AsObjectStore, Option<tempfile::TempDir>) {
    let (store, dir) = match backend {
        "memory" => (AsyncStore::new(MemoryBackend::new()), None),
        "async-memory" => (AsyncStore::new(AsyncMemoryBackend::new()), None),
        "local" => {
            let dir = tempfile::tempdir().expect("a temp folder");
            (AsyncStore::new(LocalBackend::new(dir.path())), Some(dir))
        }
        "object_store-memory" => {
            let objects = Arc::new(object_store::memory::InMemory::new());
            (AsyncStore::new(ObjectStoreBackend::new(objects)), None)
        }
        other => panic!("no fixture for {other}"),
    };
    (AsObjectStore::new(store), dir)
}

/// Whether `PutMode::Update` is expected to work, as the suite's `put_opts` asks.
fn supports_update(store: &AsObjectStore) -> bool {
    store.store().supports(Capability::ConditionalWrite)
}

macro_rules! suite {
    ($($module:ident => $backend:literal),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn put_get_delete_list() {
                let (s, _dir) = fixture($backend);
                integration::put_get_delete_list(&s).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn put_get_attributes() {
                let (s, _dir) = fixture($backend);
                let full = s.store().supports(Capability::Attributes)
                    && s.store().supports(Capability::UserMetadata);
                // Without both capabilities the suite expects NotImplemented, which the
                // adapter gives for attributes it cannot keep.
                assert_eq!(full, $backend != "local", "attribute support of {}", $backend);
                integration::put_get_attributes(&s).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn get_opts() {
                let (s, _dir) = fixture($backend);
                integration::get_opts(&s).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn put_opts() {
                let (s, _dir) = fixture($backend);
                let update = supports_update(&s);
                assert!(update, "every shipped backend has ConditionalWrite");
                integration::put_opts(&s, update).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn stream_get() {
                let (s, _dir) = fixture($backend);
                integration::stream_get(&s).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn list_uses_directories_correctly() {
                let (s, _dir) = fixture($backend);
                integration::list_uses_directories_correctly(&s).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn list_with_delimiter() {
                let (s, _dir) = fixture($backend);
                integration::list_with_delimiter(&s).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn get_nonexistent_object() {
                let (s, _dir) = fixture($backend);
                let err = integration::get_nonexistent_object(&s, None).await.unwrap_err();
                assert!(matches!(err, object_store::Error::NotFound { .. }), "{err}");
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn rename_and_copy() {
                let (s, _dir) = fixture($backend);
                integration::rename_and_copy(&s).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn copy_if_not_exists() {
                let (s, _dir) = fixture($backend);
                integration::copy_if_not_exists(&s).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn copy_rename_nonexistent_object() {
                let (s, _dir) = fixture($backend);
                integration::copy_rename_nonexistent_object(&s).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn multipart_race_condition() {
                let (s, _dir) = fixture($backend);
                integration::multipart_race_condition(&s, true).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn multipart_out_of_order() {
                let (s, _dir) = fixture($backend);
                integration::multipart_out_of_order(&s).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn list_with_offset_exclusivity() {
                let (s, _dir) = fixture($backend);
                integration::list_with_offset_exclusivity(&s).await;
            }
        }
    )*};
}

suite!(
    memory => "memory",
    async_memory => "async-memory",
    local => "local",
    object_store_memory => "object_store-memory",
);

/// A raw `\` is refused, never aliased to `/`.
#[tokio::test]
async fn a_backslash_is_not_a_slash() {
    use object_store::path::Path;
    use object_store::ObjectStoreExt;
    let (s, _dir) = fixture("memory");
    s.put(&Path::from("a/b"), "slash".into()).await.unwrap();
    let alias = Path::parse("a\\b").unwrap();
    let err = s.get(&alias).await.unwrap_err();
    assert!(
        err.to_string().contains("would name the same file"),
        "{err}"
    );
    let err = s.put(&alias, "backslash".into()).await.unwrap_err();
    assert!(matches!(err, object_store::Error::Generic { .. }), "{err}");
    let back = s
        .get(&Path::from("a/b"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(back, "slash");
}

/// The store's root confines the object store: nothing outside it is listed or reachable.
#[tokio::test]
async fn a_child_store_confines_the_object_store() {
    use futures_util::TryStreamExt;
    use object_store::path::Path;
    use object_store::ObjectStoreExt;
    let store = AsyncStore::new(MemoryBackend::new());
    store
        .write("outside.txt", "no", &Default::default())
        .await
        .unwrap();
    let inside = AsObjectStore::new(store.child("tenant").unwrap());
    inside
        .put(&Path::from("a.txt"), "yes".into())
        .await
        .unwrap();
    let listed: Vec<_> = inside
        .list(None)
        .map_ok(|m| m.location.to_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, vec!["a.txt".to_owned()]);
    assert_eq!(store.read_text("tenant/a.txt").await.unwrap(), "yes");
    assert!(inside.get(&Path::from("outside.txt")).await.is_err());
}

store::conformance_tests!(
    object_store_memory_async_store,
    AsyncStore::new(ObjectStoreBackend::new(Arc::new(
        object_store::memory::InMemory::new()
    ))),
    [all, flat, async_world]
);

store::conformance_tests!(
    object_store_memory_store,
    Store::new(ObjectStoreBackend::new(Arc::new(
        object_store::memory::InMemory::new()
    ))),
    [all, flat, sync_world, async_to_sync]
);
