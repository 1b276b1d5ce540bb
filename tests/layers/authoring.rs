//! A layer of one's own: every operation of the table passes through it, child stores keep it,
//! and one that takes single operations works in both worlds.

use super::*;

/// Counts the calls of every operation, in both worlds.
#[derive(Default)]
struct Count(AtomicUsize);

impl Layer for Count {
    fn around<'a, T, N>(&'a self, call: Call<'a>, mut next: N) -> BoxFuture<'a, Result<T>>
    where
        T: Send + 'a,
        N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
    {
        let _ = call;
        self.0.fetch_add(1, Ordering::SeqCst);
        next().expect("a first attempt")
    }

    fn around_blocking<T, N>(&self, call: Call<'_>, mut next: N) -> Result<T>
    where
        N: FnMut() -> Option<Result<T>>,
    {
        let _ = call;
        self.0.fetch_add(1, Ordering::SeqCst);
        next().expect("a first attempt")
    }
}

/// Every operation of the table, called directly at a layered backend, goes through the
/// layer once: none is left to a default that would bypass it.
#[test]
fn every_operation_passes_through_the_layer() {
    use store::conformance::{call_async_backend, call_backend, CallArgs};
    let args = |op: &store::Operation| {
        let paths = op.paths().map(|(_, role)| match role {
            store::PathRole::Pattern => "**",
            _ => "x.txt",
        });
        CallArgs::new(paths)
    };
    let count = Arc::new(Count::default());
    let layered = store::Layered::new(
        SharedCount(Arc::clone(&count)),
        Arc::new(MemoryBackend::new()),
    );
    for op in store::OPERATIONS {
        let before = count.0.load(Ordering::SeqCst);
        let _ = call_backend(&layered, op, &args(op))
            .expect("every operation exists in the blocking world");
        assert_eq!(
            count.0.load(Ordering::SeqCst),
            before + 1,
            "{} bypassed the layer",
            op.name
        );
    }
    let layered = store::Layered::new(
        SharedCount(Arc::clone(&count)),
        Arc::new(AsyncMemoryBackend::new()),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for op in store::OPERATIONS.iter().filter(|op| !op.sync_only) {
        let before = count.0.load(Ordering::SeqCst);
        let op_args = args(op);
        let call = call_async_backend(&layered, op, &op_args).expect("in the async world");
        let _ = runtime.block_on(call);
        assert_eq!(
            count.0.load(Ordering::SeqCst),
            before + 1,
            "{} bypassed the layer",
            op.name
        );
    }
}

/// [`Count`] behind an `Arc`, so the test can read it while the layer is in use.
struct SharedCount(Arc<Count>);

impl Layer for SharedCount {
    fn around<'a, T, N>(&'a self, call: Call<'a>, next: N) -> BoxFuture<'a, Result<T>>
    where
        T: Send + 'a,
        N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
    {
        self.0.around(call, next)
    }

    fn around_blocking<T, N>(&self, call: Call<'_>, next: N) -> Result<T>
    where
        N: FnMut() -> Option<Result<T>>,
    {
        self.0.around_blocking(call, next)
    }
}

/// A child store shares its parent's layered backend; the effective capabilities are the
/// layer's.
#[test]
fn child_stores_keep_their_layers() {
    let store = Store::new(MemoryBackend::new()).layer(ReadOnly);
    let child = store.child("sub").unwrap();
    assert!(!child.capabilities().supports(Capability::Write));
    let refused = child.write("a.txt", "x", &WriteOptions::new()).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Unsupported(Capability::Write));
    assert!(child.capabilities().supports(Capability::Read));
}

/// A layer that takes `delete` itself, in both worlds, written with `#[store::layer]`: it
/// keeps the keys deleted and refuses to delete anything in a folder `keep`. Every other
/// operation goes through the default hooks.
#[derive(Default, Clone)]
struct AuditDeletes {
    log: Arc<std::sync::Mutex<Vec<String>>>,
}

impl AuditDeletes {
    fn note(&self, path: &store::StorePath) -> Result<()> {
        if path.as_str().split('/').any(|part| part == "keep") {
            return Err(store::Error::new(
                ErrorKind::PermissionDenied,
                "kept by the audit layer",
            ));
        }
        self.log.lock().unwrap().push(path.as_str().to_owned());
        Ok(())
    }

    fn logged(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

#[store::layer]
impl AuditDeletes {
    fn delete(
        &self,
        inner: &impl store::Backend,
        path: &store::StorePath,
        missing_ok: bool,
    ) -> Result<()> {
        self.note(path)?;
        inner.delete(path, missing_ok)
    }

    async fn delete(
        &self,
        below: &impl store::AsyncBackend,
        p: &store::StorePath,
        missing_ok: bool,
    ) -> Result<()> {
        self.note(p)?;
        below.delete(p, missing_ok).await
    }
}

store::conformance_tests!(
    memory_audited_store,
    Store::new(MemoryBackend::new()).layer(AuditDeletes::default()),
    [all, hier, sync_world],
    declared = declared::MEMORY
);

store::conformance_tests!(
    memory_audited_async_store,
    AsyncStore::new(AsyncMemoryBackend::new()).layer(AuditDeletes::default()),
    [all, hier, async_world],
    declared = declared::ASYNC_MEMORY
);

#[test]
fn a_layer_takes_single_operations_in_both_worlds() {
    let audit = AuditDeletes::default();
    let store = Store::new(MemoryBackend::new())
        .layer(audit.clone())
        .child("base")
        .unwrap();
    for name in ["a.txt", "keep/b.txt"] {
        store.write(name, "x", &WriteOptions::new()).unwrap();
    }
    store.delete("a.txt", false).unwrap();
    let refused = store.delete("keep/b.txt", false).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::PermissionDenied);
    // The layer sees full backend keys; the child store's base is in them.
    assert_eq!(audit.logged(), ["base/a.txt"]);
    assert!(store.exists("keep/b.txt").unwrap());

    let audit = AuditDeletes::default();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = AsyncStore::new(AsyncMemoryBackend::new()).layer(audit.clone());
        store
            .write("c.txt", "x", &WriteOptions::new())
            .await
            .unwrap();
        store.delete("c.txt", false).await.unwrap();
        store.delete("keep/d.txt", true).await.unwrap_err();
    });
    assert_eq!(audit.logged(), ["c.txt"]);
}
