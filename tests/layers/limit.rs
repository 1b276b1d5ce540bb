//! `Limit`: the calls in flight capped, and no permit held by an open stream.

use super::*;

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
