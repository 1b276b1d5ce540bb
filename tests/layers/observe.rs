//! `Observe`: a span per operation, listings dropped early reported, metrics without paths.

use super::*;

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
