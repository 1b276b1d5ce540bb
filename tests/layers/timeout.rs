//! `Timeout`: calls and chunks bounded, injected latency met.

use super::*;

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
