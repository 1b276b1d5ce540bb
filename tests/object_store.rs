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

#[macro_use]
mod common;

use object_store::ObjectStore;
use store::interop::object_store::{AsObjectStore, ObjectStoreBackend};
use store::{AsyncMemoryBackend, AsyncStore, LocalBackend, MemoryBackend};

fn local() -> common::Objects {
    let dir = tempfile::tempdir().expect("a temp folder");
    common::Objects::in_dir(LocalBackend::new(dir.path()), dir)
}

fn object_store_memory() -> common::Objects {
    common::Objects::new(ObjectStoreBackend::new(Arc::new(
        object_store::memory::InMemory::new(),
    )))
}

object_store_suite!(memory => || common::Objects::new(MemoryBackend::new()), last_writer_wins: true, etags: true, attributes: true);
object_store_suite!(async_memory => || common::Objects::new(AsyncMemoryBackend::new()), last_writer_wins: true, etags: true, attributes: true);
object_store_suite!(local => local, last_writer_wins: true, etags: true, attributes: false);
object_store_suite!(object_store_memory => object_store_memory, last_writer_wins: true, etags: true, attributes: true);

/// A raw `\` is refused, never aliased to `/`.
#[tokio::test]
async fn a_backslash_is_not_a_slash() {
    use object_store::path::Path;
    use object_store::ObjectStoreExt;
    let s = common::Objects::new(MemoryBackend::new());
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

kit_in_both_worlds!(
    object_store_memory_kit,
    ObjectStoreBackend::new(Arc::new(object_store::memory::InMemory::new())),
    [flat] + blocking[async_to_sync],
    declared = store::conformance::Declared::new()
);
