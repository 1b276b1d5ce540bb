//! Layers (C-7.8): the conformance kit over layered backends in both worlds, and what each
//! shipped layer promises.
//!
//! A layer that intercepts nothing leaves the whole contract intact, whatever the backend and
//! the world; a read-only view passes the kit as a backend without the mutating gates; every
//! operation of the table passes through a layer, directly at the backend too.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::declared;
use std::time::Duration;
use store::conformance::Declared;

use store::layers::{Faults, OperationClass, ReadOnly, Retry};
use store::{
    AsyncMemoryBackend, AsyncStore, BoxFuture, Call, Capability, ErrorKind, Layer, MemoryBackend,
    Result, Store, WriteOptions,
};

fn local_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("layers-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temp folder")
}

/// Faults with no rule: a layer that wraps every call and every stream and changes nothing.
fn quiet() -> Faults {
    Faults::new(1)
}

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

/// Faults on a tenth of the calls that are safe to repeat (reads, stats, probes, listings),
/// below a retry that repeats them: the kit passes as if nothing failed.
fn flaky(seed: u64) -> Faults {
    Faults::new(seed)
        .fail_fraction(OperationClass::Reads, 0.1, true)
        .fail_fraction(OperationClass::Listings, 0.1, true)
}

fn patient() -> Retry {
    Retry::new()
        .attempts(12)
        .backoff(Duration::ZERO, Duration::ZERO)
}

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

/// Every byte stream cut after 1 KiB as well, below the retry: each read resumes where it
/// was cut, and the kit passes.
fn cutting(seed: u64) -> Faults {
    flaky(seed).cut_streams_after(1024)
}

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

/// A write whose fault says nothing was applied is repeated, bytes again; a streamed write is
/// not (its content went to the first attempt), nor is a write whose error may have been
/// applied.
#[test]
fn retry_repeats_writes_only_when_nothing_was_applied() {
    let store = Store::new(MemoryBackend::new())
        .layer(Faults::new(3).fail_every(OperationClass::Writes, 2, true))
        .layer(patient());
    for i in 0..6 {
        store
            .write(format!("w{i}.txt"), "bytes", &WriteOptions::new())
            .expect("a write of bytes is repeated after an unapplied fault");
    }
    let mut failed = 0;
    for i in 0..6 {
        let streamed = store::Content::reader(std::io::Cursor::new(b"once".to_vec()));
        if let Err(err) = store.write(format!("s{i}.txt"), streamed, &WriteOptions::new()) {
            assert_eq!(err.kind(), ErrorKind::BackendUnavailable, "{err}");
            assert!(
                !store.exists(format!("s{i}.txt")).unwrap(),
                "a failed write landed"
            );
            failed += 1;
        }
    }
    assert_eq!(
        failed, 3,
        "every other streamed write fails, none is repeated"
    );

    // An error that may have been applied is not repeated for a write, but is for a read.
    struct MaybeApplied(Arc<AtomicUsize>);
    impl Layer for MaybeApplied {
        fn around_blocking<T, N>(&self, call: Call<'_>, mut next: N) -> Result<T>
        where
            N: FnMut() -> Option<Result<T>>,
        {
            if self.0.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
                let err = store::Error::new(ErrorKind::BackendUnavailable, "reset mid-request");
                return Err(err.with_backend(call.backend()));
            }
            next().expect("an attempt")
        }
    }
    let calls = Arc::new(AtomicUsize::new(0));
    let store = Store::new(MemoryBackend::new())
        .layer(MaybeApplied(Arc::clone(&calls)))
        .layer(patient());
    let err = store.write("m.txt", "x", &WriteOptions::new()).unwrap_err();
    assert_eq!(
        err.attempts(),
        0,
        "a write that may have been applied is tried once"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // Calls 1 (passes), then 2 (fails) and 3 (passes): the second read is repeated.
    assert!(!store.exists("m.txt").unwrap());
    assert!(!store.exists("m.txt").unwrap());
    assert_eq!(
        calls.load(Ordering::SeqCst),
        4,
        "the failed read was repeated once"
    );
}

/// Counts the attempts that pass through it, and makes the next one look lost after it was
/// applied (the connection dropped before the answer): the error says nothing of whether
/// the request was applied.
#[derive(Clone, Default)]
struct LoseOnce {
    lose: Arc<std::sync::atomic::AtomicBool>,
    attempts: Arc<AtomicUsize>,
}

impl LoseOnce {
    fn lost(call: &Call<'_>) -> store::Error {
        store::Error::new(ErrorKind::BackendUnavailable, "reset after sending")
            .with_backend(call.backend())
    }

    /// Arms the loss, runs `call`, and gives its result with the attempts it took.
    fn attempts<T>(&self, call: impl FnOnce() -> Result<T>) -> (Result<T>, usize) {
        self.lose.store(true, Ordering::SeqCst);
        let before = self.attempts.load(Ordering::SeqCst);
        let result = call();
        (result, self.attempts.load(Ordering::SeqCst) - before)
    }
}

impl Layer for LoseOnce {
    fn around<'a, T, N>(&'a self, call: Call<'a>, mut next: N) -> BoxFuture<'a, Result<T>>
    where
        T: Send + 'a,
        N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
    {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        let lost = self
            .lose
            .swap(false, Ordering::SeqCst)
            .then(|| Self::lost(&call));
        let attempt = next().expect("an attempt");
        Box::pin(async move {
            let result = attempt.await;
            match lost {
                Some(lost) => Err(lost),
                None => result,
            }
        })
    }

    fn around_blocking<T, N>(&self, call: Call<'_>, mut next: N) -> Result<T>
    where
        N: FnMut() -> Option<Result<T>>,
    {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        let result = next().expect("an attempt");
        match self.lose.swap(false, Ordering::SeqCst) {
            true => Err(Self::lost(&call)),
            false => result,
        }
    }
}

/// A mutating call whose first attempt was applied but whose answer was lost is repeated
/// exactly when repeating cannot change its outcome, as its argument says (`repeatable_if`
/// in the definition): in both worlds.
#[test]
fn retry_repeats_a_maybe_applied_write_when_repeating_cannot_change_it() {
    let lose = LoseOnce::default();
    let backend = MemoryBackend::new();
    let store = Store::new(backend.clone())
        .layer(lose.clone())
        .layer(patient());
    store.write("src.txt", "src", &WriteOptions::new()).unwrap();
    let etag = store.get_file_info("src.txt").unwrap().etag;
    type Case<'s> = (&'static str, bool, Box<dyn Fn() -> Result<()> + 's>);
    let cases: Vec<Case<'_>> = vec![
        (
            "create-only write",
            false,
            Box::new(|| store.write("a.txt", "x", &WriteOptions::new()).map(drop)),
        ),
        (
            "overwrite of bytes",
            true,
            Box::new(|| {
                store
                    .write("b.txt", "x", &WriteOptions::new().overwrite(true))
                    .map(drop)
            }),
        ),
        (
            "conditional overwrite",
            false,
            Box::new(|| {
                let options = WriteOptions::new()
                    .overwrite(true)
                    .if_match(etag.clone().unwrap_or_default());
                store.write("src.txt", "new", &options).map(drop)
            }),
        ),
        (
            "streamed overwrite",
            false,
            Box::new(|| {
                let streamed = store::Content::reader(std::io::Cursor::new(b"once".to_vec()));
                store
                    .write("b.txt", streamed, &WriteOptions::new().overwrite(true))
                    .map(drop)
            }),
        ),
        (
            "atomic overwrite",
            true,
            Box::new(|| {
                store
                    .write_atomic("c.txt", "x", &WriteOptions::new().overwrite(true))
                    .map(drop)
            }),
        ),
        (
            "delete, missing ok",
            true,
            Box::new(|| store.delete("b.txt", true)),
        ),
        ("delete", false, Box::new(|| store.delete("c.txt", false))),
        (
            "copy over",
            true,
            Box::new(|| store.copy("a.txt", "d.txt", true)),
        ),
        (
            "rename",
            false,
            Box::new(|| store.rename("d.txt", "e.txt", false)),
        ),
    ];
    for (what, repeated, call) in &cases {
        let (result, attempts) = lose.attempts(call);
        match repeated {
            true => {
                assert_eq!(attempts, 2, "{what}: repeated once");
                result.unwrap_or_else(|e| panic!("{what}: {e}"));
            }
            false => {
                assert_eq!(attempts, 1, "{what}: tried once");
                let err = result.expect_err(what);
                assert_eq!(err.kind(), ErrorKind::BackendUnavailable, "{what}: {err}");
            }
        }
    }

    let lose = LoseOnce::default();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = AsyncStore::new(MemoryBackend::new())
            .layer(lose.clone())
            .layer(patient());
        lose.lose.store(true, Ordering::SeqCst);
        store
            .write("a.txt", "x", &WriteOptions::new())
            .await
            .unwrap_err();
        assert_eq!(
            lose.attempts.load(Ordering::SeqCst),
            1,
            "async create-only: tried once"
        );
        lose.lose.store(true, Ordering::SeqCst);
        store
            .delete("a.txt", true)
            .await
            .expect("async delete, missing ok: repeated");
        assert_eq!(
            lose.attempts.load(Ordering::SeqCst),
            3,
            "async delete, missing ok: two attempts"
        );
    });
}

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

/// The read-only view refuses a mutating operation at the backend too, not only at the
/// stores' gates; reads pass.
#[test]
fn read_only_refuses_writes_at_the_backend() {
    use store::{Backend, StorePath};
    let inner = MemoryBackend::new();
    inner
        .write(
            &StorePath::new("a.txt").unwrap(),
            "a".into(),
            &WriteOptions::new(),
        )
        .unwrap();
    let layered = store::Layered::new(ReadOnly, Arc::new(inner));
    let key = StorePath::new("a.txt").unwrap();
    let err = layered.delete(&key, false).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported(Capability::Delete));
    assert_eq!(layered.read_bytes(&key).unwrap(), "a");
    assert!(!layered.capabilities().supports(Capability::AtomicMove));
}

/// A retrying layer sees a write of bytes as replayable; a streamed write's second attempt
/// is refused, never sent with half its content.
#[test]
fn a_second_attempt_replays_bytes_and_refuses_a_consumed_stream() {
    struct Twice;
    impl Layer for Twice {
        fn around_blocking<T, N>(&self, _: Call<'_>, mut next: N) -> Result<T>
        where
            N: FnMut() -> Option<Result<T>>,
        {
            let _ = next().expect("a first attempt");
            next().unwrap_or_else(|| Err(store::Error::other("spent")))
        }
    }
    let store = Store::new(MemoryBackend::new()).layer(Twice);
    let replace = WriteOptions::new().overwrite(true);
    store
        .write("bytes.txt", "again", &replace)
        .expect("bytes replay");
    assert_eq!(store.read_text("bytes.txt").unwrap(), "again");
    let streamed = store::Content::reader(std::io::Cursor::new(b"once".to_vec()));
    let err = store.write("stream.txt", streamed, &replace).unwrap_err();
    assert_eq!(err.message(), "spent");
}

/// 1 000 open readers under a limit of 4 all read to their end, in both worlds: a permit is
/// held per pull, never by an open stream.
#[test]
fn open_streams_never_hold_permits() {
    use std::io::Read;
    use store::layers::Limit;
    let backend = MemoryBackend::new();
    let seed = Store::new(backend.clone());
    seed.write("f.bin", vec![1u8; 200_000], &WriteOptions::new())
        .unwrap();
    let store = Store::new(backend.clone()).layer(Limit::new(4));
    let mut readers: Vec<_> = (0..1000).map(|_| store.read("f.bin").unwrap()).collect();
    for reader in &mut readers {
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), 200_000);
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use futures_util::StreamExt;
        let store = AsyncStore::new(backend).layer(Limit::new(4));
        let mut streams = Vec::new();
        for _ in 0..1000 {
            streams.push(store.read("f.bin").await.unwrap());
        }
        for stream in &mut streams {
            let mut n = 0;
            while let Some(chunk) = stream.next().await {
                n += chunk.unwrap().len();
            }
            assert_eq!(n, 200_000);
        }
    });
}

/// No more calls than the limit are in flight at once below it.
#[test]
fn a_limit_caps_the_calls_in_flight() {
    use store::layers::Limit;
    struct Gauge {
        now: AtomicUsize,
        most: AtomicUsize,
    }
    struct Shared(Arc<Gauge>);
    impl std::ops::Deref for Shared {
        type Target = Gauge;
        fn deref(&self) -> &Gauge {
            &self.0
        }
    }
    impl Layer for Shared {
        fn around<'a, T, N>(&'a self, _: Call<'a>, mut next: N) -> BoxFuture<'a, Result<T>>
        where
            T: Send + 'a,
            N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
        {
            Box::pin(async move {
                let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
                self.most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
                let out = next().expect("an attempt").await;
                self.now.fetch_sub(1, Ordering::SeqCst);
                out
            })
        }
    }
    let gauge = Arc::new(Gauge {
        now: AtomicUsize::new(0),
        most: AtomicUsize::new(0),
    });
    let store = AsyncStore::new(AsyncMemoryBackend::new())
        .layer(Shared(Arc::clone(&gauge)))
        .layer(Limit::new(3));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let calls = (0..40).map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.exists(format!("k{i}")).await })
        });
        for call in calls.collect::<Vec<_>>() {
            call.await.unwrap().unwrap();
        }
    });
    assert_eq!(
        gauge.most.load(Ordering::SeqCst),
        3,
        "the most calls in flight at once"
    );
}

/// The spans a subscriber sees: one `store` span per call, with its fields, in both worlds.
#[test]
fn observe_gives_a_span_per_operation() {
    use std::collections::BTreeMap;
    use std::sync::Mutex;
    use store::layers::Observe;
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    type Spans = Arc<Mutex<Vec<BTreeMap<String, String>>>>;

    /// Records every span's fields, as `Debug` strings, by span id, and which span is
    /// entered, as a subscriber does.
    struct Capture(
        Spans,
        Mutex<Vec<&'static Metadata<'static>>>,
        Mutex<Vec<Id>>,
    );

    struct Fields<'a>(&'a mut BTreeMap<String, String>);

    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.insert(field.name().to_owned(), format!("{value:?}"));
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.insert(field.name().to_owned(), value.to_owned());
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut spans = self.0.lock().unwrap();
            self.1.lock().unwrap().push(span.metadata());
            let mut fields = BTreeMap::new();
            fields.insert("name".to_owned(), span.metadata().name().to_owned());
            span.record(&mut Fields(&mut fields));
            spans.push(fields);
            Id::from_u64(spans.len() as u64)
        }
        fn record(&self, span: &Id, values: &Record<'_>) {
            let mut spans = self.0.lock().unwrap();
            let fields = &mut spans[span.into_u64() as usize - 1];
            values.record(&mut Fields(fields));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, _: &Event<'_>) {}
        fn enter(&self, span: &Id) {
            self.2.lock().unwrap().push(span.clone());
        }
        fn exit(&self, _: &Id) {
            self.2.lock().unwrap().pop();
        }
        fn current_span(&self) -> tracing_core::span::Current {
            match self.2.lock().unwrap().last() {
                Some(id) => {
                    let metadata = self.1.lock().unwrap()[id.into_u64() as usize - 1];
                    tracing_core::span::Current::new(id.clone(), metadata)
                }
                None => tracing_core::span::Current::none(),
            }
        }
    }

    let spans: Spans = Arc::default();
    tracing::subscriber::with_default(
        Capture(Arc::clone(&spans), Mutex::default(), Mutex::default()),
        || {
            let store = Store::new(MemoryBackend::new()).layer(Observe::new());
            store.write("a.txt", "hello", &WriteOptions::new()).unwrap();
            let _ = store.read_bytes("missing.txt");
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut store.read("a.txt").unwrap(), &mut out).unwrap();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let store = AsyncStore::new(AsyncMemoryBackend::new()).layer(Observe::new());
                store
                    .write("b.txt", "async", &WriteOptions::new())
                    .await
                    .unwrap();
                let listed: Vec<_> = futures_util::StreamExt::collect(
                    store
                        .list_files("", &store::ListOptions::new())
                        .await
                        .unwrap(),
                )
                .await;
                assert_eq!(listed.len(), 1);
            });
        },
    );
    let spans = spans.lock().unwrap();
    let find = |operation: &str| {
        spans
            .iter()
            .find(|s| s.get("operation").map(String::as_str) == Some(operation))
            .unwrap_or_else(|| panic!("no span of {operation}: {spans:?}"))
    };
    let write = find("write");
    assert_eq!(write["name"], "store");
    assert_eq!(write["backend"], "memory");
    assert_eq!(write["key"], "a.txt");
    assert!(!write.contains_key("error.type"), "{write:?}");
    assert_eq!(find("read_bytes")["error.type"], "not_found");
    assert_eq!(find("read")["bytes"], "5", "bytes counted on the stream");
    let reads = spans
        .iter()
        .filter(|s| s.get("operation").map(String::as_str) == Some("read"))
        .count();
    assert_eq!(
        reads, 1,
        "one span per call, its stream included: {spans:?}"
    );
    assert_eq!(
        find("list_files")["entries"],
        "1",
        "entries counted on the listing"
    );
    let async_write = spans
        .iter()
        .find(|s| s.get("backend").map(String::as_str) == Some("async-memory"))
        .expect("a span in the async world");
    assert_eq!(async_write["operation"], "write");
}

/// The event hook hears of a blocking listing dropped before its end, with what it gave.
#[test]
fn a_listing_dropped_early_is_reported() {
    use std::sync::Mutex;
    use store::layers::Observe;
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&events);
    let store = Store::new(MemoryBackend::new()).layer(
        Observe::new().on_event(move |e| log.lock().unwrap().push((e.operation, e.entries))),
    );
    for name in ["a", "b", "c"] {
        store.write(name, "x", &WriteOptions::new()).unwrap();
    }
    let first = store
        .list_files("", &store::ListOptions::new())
        .unwrap()
        .next();
    assert!(first.is_some());
    let events = events.lock().unwrap();
    assert_eq!(events.last(), Some(&("list_files", Some(1))), "{events:?}");
}

/// A stream of exactly the bytes a cut allows ends as it would have.
#[test]
fn a_cut_at_the_end_changes_nothing() {
    use std::io::Read;
    let backend = MemoryBackend::new();
    Store::new(backend.clone())
        .write("f", vec![1u8; 100], &WriteOptions::new())
        .unwrap();
    let store = Store::new(backend.clone()).layer(Faults::new(0).cut_streams_after(100));
    let mut out = Vec::new();
    store.read("f").unwrap().read_to_end(&mut out).unwrap();
    assert_eq!(out.len(), 100);
    let store = Store::new(backend).layer(Faults::new(0).cut_streams_after(99));
    let mut out = Vec::new();
    assert!(store.read("f").unwrap().read_to_end(&mut out).is_err());
    assert_eq!(out.len(), 99);
}

/// A call slower than its bound fails with a retryable `BackendUnavailable`, and a stream
/// whose next chunk stalls fails once, then ends; a retry outside repeats the slow call.
#[test]
fn timeouts_bound_calls_and_chunks() {
    use futures_util::StreamExt;
    use store::layers::Timeout;
    /// Makes the first `n` calls slow.
    struct Slow(AtomicUsize);
    impl Layer for Slow {
        fn around<'a, T, N>(&'a self, _: Call<'a>, mut next: N) -> BoxFuture<'a, Result<T>>
        where
            T: Send + 'a,
            N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
        {
            let slow = self.0.fetch_sub(1, Ordering::SeqCst) > 0;
            Box::pin(async move {
                if slow {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                next().expect("an attempt").await
            })
        }
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = AsyncStore::new(MemoryBackend::new())
            .layer(Slow(AtomicUsize::new(1)))
            .layer(Timeout::new(Duration::from_millis(50)));
        let err = store.exists("a").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BackendUnavailable);
        assert!(
            err.is_retryable() && err.message().contains("took longer than"),
            "{err}"
        );
        assert!(!store.exists("a").await.unwrap(), "the next call is fast");

        let retried = AsyncStore::new(MemoryBackend::new())
            .layer(Slow(AtomicUsize::new(1)))
            .layer(
                Retry::new()
                    .attempt_timeout(Duration::from_millis(50))
                    .backoff(Duration::ZERO, Duration::ZERO),
            );
        assert!(
            !retried.exists("a").await.unwrap(),
            "a timed-out read is repeated"
        );

        /// Byte streams that stall after their last chunk.
        struct Stall;
        impl Layer for Stall {
            const WRAPS_STREAMS: bool = true;
            fn bytes(&self, _: &Call<'_>, stream: store::ByteStream) -> store::ByteStream {
                Box::pin(stream.chain(futures_util::stream::pending()))
            }
        }
        let backend = AsyncMemoryBackend::new();
        AsyncStore::new(backend.clone())
            .write("f", vec![0u8; 3 * store::CHUNK_SIZE], &WriteOptions::new())
            .await
            .unwrap();
        let bound = Timeout::new(Duration::from_secs(5)).per_chunk(Duration::from_millis(50));
        let store = AsyncStore::new(backend).layer(Stall).layer(bound);
        let mut stream = store.read("f").await.unwrap();
        let mut n = 0;
        let mut errors = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(chunk) => n += chunk.len(),
                Err(e) => errors.push(e.kind()),
            }
        }
        assert_eq!(n, 3 * store::CHUNK_SIZE, "every chunk that came in time");
        assert_eq!(
            errors,
            [ErrorKind::BackendUnavailable],
            "one error for the stall, then the end"
        );
    });
}

/// With metrics on, `Observe` records the operation-duration histogram, the bytes of a
/// stream and the active-operations gauge, labelled by operation, backend and error type —
/// and never by path.
#[test]
fn observe_records_metrics_without_paths() {
    use metrics::{Counter, CounterFn, Gauge, GaugeFn, Histogram, HistogramFn, Key, KeyName};
    use metrics::{Metadata, Recorder, SharedString, Unit};
    use std::sync::Mutex;
    use store::layers::Observe;

    type Seen = Arc<Mutex<Vec<(String, Vec<(String, String)>, f64)>>>;

    struct Handle(Seen, Key);
    impl Handle {
        fn push(&self, value: f64) {
            let labels = self
                .1
                .labels()
                .map(|l| (l.key().to_owned(), l.value().to_owned()))
                .collect();
            self.0
                .lock()
                .unwrap()
                .push((self.1.name().to_owned(), labels, value));
        }
    }
    impl CounterFn for Handle {
        fn increment(&self, value: u64) {
            self.push(value as f64);
        }
        fn absolute(&self, value: u64) {
            self.push(value as f64);
        }
    }
    impl GaugeFn for Handle {
        fn increment(&self, value: f64) {
            self.push(value);
        }
        fn decrement(&self, value: f64) {
            self.push(-value);
        }
        fn set(&self, value: f64) {
            self.push(value);
        }
    }
    impl HistogramFn for Handle {
        fn record(&self, value: f64) {
            self.push(value);
        }
    }
    struct Capture(Seen);
    impl Recorder for Capture {
        fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
            Counter::from_arc(Arc::new(Handle(Arc::clone(&self.0), key.clone())))
        }
        fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
            Gauge::from_arc(Arc::new(Handle(Arc::clone(&self.0), key.clone())))
        }
        fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
            Histogram::from_arc(Arc::new(Handle(Arc::clone(&self.0), key.clone())))
        }
    }

    let seen: Seen = Arc::default();
    let recorder = Capture(Arc::clone(&seen));
    metrics::with_local_recorder(&recorder, || {
        let store = Store::new(MemoryBackend::new()).layer(Observe::new().with_metrics());
        store
            .write("secret/path.txt", "hello", &WriteOptions::new())
            .unwrap();
        let _ = store.read_bytes("missing.txt");
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut store.read("secret/path.txt").unwrap(), &mut out).unwrap();
    });
    let seen = seen.lock().unwrap();
    let of = |name: &str, operation: &str| {
        seen.iter()
            .filter(|(n, labels, _)| {
                n == name
                    && labels
                        .iter()
                        .any(|(k, v)| k == "db.operation.name" && v == operation)
            })
            .collect::<Vec<_>>()
    };
    let write = of("db.client.operation.duration", "write");
    assert_eq!(write.len(), 1, "{seen:?}");
    assert!(write[0]
        .1
        .contains(&("db.system.name".into(), "memory".into())));
    let failed = of("db.client.operation.duration", "read_bytes");
    assert!(
        failed[0]
            .1
            .contains(&("error.type".into(), "not_found".into())),
        "{failed:?}"
    );
    let bytes = of("store.client.bytes", "read");
    assert_eq!(bytes.len(), 1);
    assert_eq!(bytes[0].2, 5.0);
    let active: f64 = seen
        .iter()
        .filter(|(n, _, _)| n == "store.client.active_operations")
        .map(|(_, _, v)| v)
        .sum();
    assert_eq!(active, 0.0, "every call that began ended");
    let everything = format!("{seen:?}");
    assert!(
        !everything.contains("secret"),
        "a path in a metric: {everything}"
    );
    drop(seen);

    // A call cancelled from above (a timeout outside) is counted out too.
    let cancelled: Seen = Arc::default();
    let recorder = Capture(Arc::clone(&cancelled));
    metrics::with_local_recorder(&recorder, || {
        struct Stall;
        impl Layer for Stall {
            fn around<'a, T, N>(&'a self, _: Call<'a>, _: N) -> BoxFuture<'a, Result<T>>
            where
                T: Send + 'a,
                N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
            {
                Box::pin(futures_util::future::pending())
            }
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let store = AsyncStore::new(MemoryBackend::new())
                .layer(Stall)
                .layer(Observe::new().with_metrics())
                .layer(store::layers::Timeout::new(Duration::from_millis(20)));
            assert!(store.exists("a").await.is_err(), "timed out");
        });
    });
    let cancelled = cancelled.lock().unwrap();
    let active: Vec<f64> = cancelled
        .iter()
        .filter(|(n, _, _)| n == "store.client.active_operations")
        .map(|(_, _, v)| *v)
        .collect();
    assert_eq!(active, [1.0, -1.0], "the cancelled call was counted out");
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

/// Latency injected below a timeout: the call is cut at the bound, retryable; a retry with a
/// longer per-attempt bound rides it out.
#[tokio::test]
async fn injected_latency_meets_the_timeout() {
    use store::layers::Timeout;
    let slow = || Faults::new(0).delay(OperationClass::Reads, Duration::from_millis(200));
    let store = AsyncStore::new(MemoryBackend::new())
        .layer(slow())
        .layer(Timeout::new(Duration::from_millis(20)));
    let err = store.exists("a").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BackendUnavailable, "{err}");
    assert!(err.is_retryable());
    let patient = AsyncStore::new(MemoryBackend::new())
        .layer(slow())
        .layer(Retry::new().attempt_timeout(Duration::from_secs(60)));
    assert!(!patient.exists("a").await.unwrap());
}
