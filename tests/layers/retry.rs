//! `Retry`: what it repeats (a write only when nothing was applied, or when repeating cannot
//! change it) and what a second attempt replays.

use super::*;

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
