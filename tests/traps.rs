//! The traps a new user hit, one test (or a few) each: streamed copies that did not compose,
//! atomic files with other permissions than plain ones, listings that dropped entries in
//! silence, a typo'd root that read as an empty store, `?` on `std::io`, the refusal of a
//! blocking store in async code, `close()` of the async-to-sync adapter, and `to_key` outside the
//! store.

use std::fs;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::stream;
use store::{
    AsyncContent, AsyncMemoryBackend, AsyncStore, ErrorKind, ListOptions, MemoryBackend, Result,
    Store, StorePath, WriteOptions,
};

fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("traps-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temp folder")
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

// ---- A streamed copy from one store to another is one line in both worlds.

#[test]
fn streamed_copy_is_one_line_in_the_blocking_world() {
    let dir = temp();
    let src = Store::new(MemoryBackend::new());
    let dst = Store::open_local(dir.path()).unwrap();
    let bytes = data(300_000);
    src.write("big.bin", bytes.clone(), &WriteOptions::new())
        .unwrap();

    dst.write(
        "copy.bin",
        src.read("big.bin").unwrap(),
        &WriteOptions::new(),
    )
    .unwrap();

    assert_eq!(dst.read_bytes("copy.bin").unwrap(), bytes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_copy_is_one_line_in_the_async_world() {
    let dir = temp();
    let src = AsyncStore::new(AsyncMemoryBackend::new());
    let dst = AsyncStore::open_local(dir.path()).unwrap();
    let bytes = data(300_000);
    src.write("big.bin", bytes.clone(), &WriteOptions::new())
        .await
        .unwrap();

    dst.write(
        "copy.bin",
        src.read("big.bin").await.unwrap(),
        &WriteOptions::new(),
    )
    .await
    .unwrap();

    assert_eq!(dst.read_bytes("copy.bin").await.unwrap(), bytes);
}

// ---- Atomic files get the permissions a plain write gives, and keep the old file's.

#[cfg(unix)]
#[test]
fn atomic_writes_get_the_permissions_of_plain_writes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp();
    let store = Store::open_local(dir.path()).unwrap();
    let mode = |name: &str| {
        fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    store.write("plain.txt", "x", &WriteOptions::new()).unwrap();
    store
        .write_atomic("atomic.txt", "x", &WriteOptions::new())
        .unwrap();
    let mut writer = store
        .open_atomic("opened.txt", &WriteOptions::new())
        .unwrap();
    io::Write::write_all(&mut writer, b"x").unwrap();
    writer.commit().unwrap();
    assert_eq!(mode("atomic.txt"), mode("plain.txt"), "write_atomic");
    assert_eq!(mode("opened.txt"), mode("plain.txt"), "open_atomic");

    fs::set_permissions(
        dir.path().join("atomic.txt"),
        fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    store
        .write_atomic("atomic.txt", "y", &WriteOptions::new().overwrite(true))
        .unwrap();
    assert_eq!(mode("atomic.txt"), 0o640, "an overwrite keeps the old mode");

    fs::set_permissions(
        dir.path().join("plain.txt"),
        fs::Permissions::from_mode(0o750),
    )
    .unwrap();
    store.copy("plain.txt", "copied.txt", false).unwrap();
    assert_eq!(mode("copied.txt"), 0o750, "a copy keeps the source's mode");
}

// ---- Listings say what they leave out.

/// A `tracing` subscriber that keeps every event's fields as text.
#[derive(Default)]
struct Events(Mutex<Vec<String>>);

impl tracing::Subscriber for Events {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Text(String);
        impl tracing::field::Visit for Text {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0 += &format!("{}={:?} ", field.name(), value);
            }
        }
        let mut text = Text(format!("{} ", event.metadata().level()));
        event.record(&mut text);
        self.0.lock().unwrap().push(text.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[cfg(unix)]
#[test]
fn listings_warn_about_every_entry_they_leave_out() {
    use std::os::unix::ffi::OsStrExt;
    let dir = temp();
    let outside = temp();
    let root = dir.path();
    fs::create_dir(root.join("sub")).unwrap();
    fs::write(root.join("sub/ok.txt"), "ok").unwrap();
    fs::write(
        root.join("sub")
            .join(std::ffi::OsStr::from_bytes(b"bad\xff")),
        "",
    )
    .unwrap();
    fs::write(root.join("sub/back\\slash"), "").unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("sub/escape")).unwrap();
    std::os::unix::fs::symlink(root.join("sub/nothing"), root.join("sub/dangling")).unwrap();
    std::os::unix::fs::symlink(root.join("sub"), root.join("sub/loop")).unwrap();
    let store = Store::open_local(root).unwrap();

    let events = Arc::new(Events::default());
    let names: Vec<String> = tracing::subscriber::with_default(Arc::clone(&events), || {
        store
            .list_files("sub", &ListOptions::new())
            .unwrap()
            .map(|f| f.unwrap().name)
            .collect()
    });

    assert_eq!(names, ["ok.txt"]);
    let events = events.0.lock().unwrap();
    for (entry, why) in [
        ("bad\u{fffd}", "not UTF-8"),
        ("back\\\\slash", "backslash"),
        ("escape", "outside the root"),
        ("dangling", "dangling"),
        ("loop", "a loop"),
    ] {
        let hit = events
            .iter()
            .find(|e| e.contains(&format!("entry=\"{entry}\"")))
            .unwrap_or_else(|| panic!("no warning names {entry:?}: {events:#?}"));
        assert!(hit.starts_with("WARN"), "{hit}");
        assert!(hit.contains(why), "{hit}");
        assert!(hit.contains("folder=\"sub\""), "{hit}");
        let root = root.to_string_lossy();
        assert!(!hit.contains(root.as_ref()), "no on-disk path: {hit}");
    }
    assert_eq!(events.len(), 5, "{events:#?}");
}

// ---- A typo'd root fails at once instead of reading as an empty store.

#[test]
fn open_local_refuses_a_missing_root_or_a_file() {
    let dir = temp();
    let typo = dir.path().join("typo");
    let err = Store::open_local(&typo).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(!err.to_string().contains("typo"), "no on-disk path: {err}");
    assert_eq!(
        AsyncStore::open_local(&typo).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    fs::write(dir.path().join("file"), "").unwrap();
    let err = Store::open_local(dir.path().join("file")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidPath);
    assert!(Store::open_local(dir.path()).is_ok());
    // The lazy constructor stays, for a folder the first write creates.
    let lazy = Store::local(&typo);
    lazy.write("a.txt", "made", &WriteOptions::new()).unwrap();
    assert_eq!(fs::read_to_string(typo.join("a.txt")).unwrap(), "made");
}

// ---- `?` on std::io, and content borrowed for the call.

fn size_of(path: &std::path::Path) -> Result<u64> {
    Ok(fs::metadata(path)?.len())
}

#[test]
fn io_errors_convert_and_borrowed_bytes_are_content() {
    let err = size_of("no/such/file".as_ref()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let store = Store::new(MemoryBackend::new());
    let owned = vec![1u8, 2, 3];
    let text = String::from("borrowed");
    store.write("a", &owned[..], &WriteOptions::new()).unwrap();
    store
        .write("b", text.as_str(), &WriteOptions::new())
        .unwrap();
    drop((owned, text));
    assert_eq!(store.read_bytes("a").unwrap(), [1u8, 2, 3][..]);
    assert_eq!(store.read_text("b").unwrap(), "borrowed");
}

// ---- A blocking Store in async code: a kind to match on, and no panic behind it.

/// Counts the panics of one thread (the test's own), whatever hook was installed before.
fn count_panics_here() -> &'static AtomicUsize {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    static HERE: OnceLock<thread::ThreadId> = OnceLock::new();
    HERE.get_or_init(|| thread::current().id());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if HERE.get() == Some(&thread::current().id()) {
            COUNT.fetch_add(1, Ordering::SeqCst);
        }
        previous(info);
    }));
    &COUNT
}

#[test]
fn blocking_store_in_async_code_is_refused_by_kind_without_a_panic() {
    let store = Store::new(AsyncMemoryBackend::new());
    store.write("x", "data", &WriteOptions::new()).unwrap();
    let panics = count_panics_here();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for _ in 0..3 {
        let err = runtime.block_on(async { store.exists("x") }).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BlockingInAsync, "{err}");
        assert_eq!(io::Error::from(err).kind(), io::ErrorKind::WouldBlock);
    }
    assert_eq!(
        panics.load(Ordering::SeqCst),
        0,
        "the refusal ran the panic hook"
    );
    // The refusal changed nothing: the store still works from this plain thread.
    assert!(store.exists("x").unwrap());
}

#[test]
fn blocking_store_works_in_spawn_blocking_and_block_in_place() {
    let store = Store::new(AsyncMemoryBackend::new());
    store.write("x", "data", &WriteOptions::new()).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let in_place = runtime.block_on({
        let store = store.clone();
        async move {
            tokio::spawn(async move { tokio::task::block_in_place(|| store.read_text("x")) })
                .await
                .unwrap()
        }
    });
    assert_eq!(in_place.unwrap(), "data");
    let pooled = runtime.block_on(async move {
        tokio::task::spawn_blocking(move || store.read_text("x"))
            .await
            .unwrap()
    });
    assert_eq!(pooled.unwrap(), "data");
}

// ---- close() of the async-to-sync adapter drains in-flight calls, and a refused close changes nothing.

/// An async backend whose reads take a while, and which records that it was closed.
#[derive(Default)]
struct Slow {
    started: Arc<AtomicBool>,
    closed: Arc<AtomicBool>,
}

#[store::backend(name = "slow")]
impl Slow {
    async fn exists(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root() || path.as_str() == "a")
    }
    async fn is_file(&self, path: &StorePath) -> Result<bool> {
        Ok(path.as_str() == "a")
    }
    async fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root())
    }
    async fn read_bytes(&self, _path: &StorePath) -> Result<Bytes> {
        self.started.store(true, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(400)).await;
        Ok(Bytes::from_static(b"slow"))
    }
    async fn close(&self) -> Result<()> {
        self.closed.store(true, Ordering::SeqCst);
        Ok(())
    }
}

fn wait_for(flag: &AtomicBool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !flag.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "timed out");
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn close_lets_calls_in_flight_finish_then_closes_the_backend() {
    let backend = Slow::default();
    let (started, closed) = (Arc::clone(&backend.started), Arc::clone(&backend.closed));
    let store = Store::new(backend);
    let reader = {
        let store = store.clone();
        thread::spawn(move || store.read_bytes("a"))
    };
    wait_for(&started);
    store.close().unwrap();
    assert_eq!(
        reader.join().unwrap().unwrap(),
        "slow",
        "the read in flight finished"
    );
    assert!(closed.load(Ordering::SeqCst), "the backend was closed");
    let err = store.read_bytes("a").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BackendUnavailable);
    store.close().unwrap();
}

#[test]
fn a_close_refused_in_async_code_changes_nothing() {
    let backend = Slow::default();
    let closed = Arc::clone(&backend.closed);
    let store = Store::new(backend);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let err = runtime.block_on(async { store.close() }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BlockingInAsync);
    assert!(!closed.load(Ordering::SeqCst));
    assert_eq!(store.read_bytes("a").unwrap(), "slow", "still open");
    store.close().unwrap();
    assert!(
        closed.load(Ordering::SeqCst),
        "the second close closed the backend"
    );
}

// ---- A cancelled async write_atomic over a blocking backend lands whole, as documented.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_async_write_atomic_lands_whole_or_not_at_all() {
    let dir = temp();
    let store = AsyncStore::open_local(dir.path()).unwrap();
    let chunk = Bytes::from(data(64 * 1024));
    let chunks = 16;
    let slow = stream::unfold(0, move |i| {
        let chunk = chunk.clone();
        async move {
            if i == chunks {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            Some((Ok::<_, io::Error>(chunk), i + 1))
        }
    });
    let options = WriteOptions::new();
    let write = store.write_atomic("big.bin", AsyncContent::stream(slow), &options);
    let cancelled = tokio::time::timeout(Duration::from_millis(40), write).await;
    assert!(cancelled.is_err(), "the write was cancelled mid-way");
    let path = dir.path().join("big.bin");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match fs::read(&path) {
            Ok(found) => {
                assert_eq!(found.len(), 64 * 1024 * chunks, "never in part");
                break;
            }
            Err(e) => assert_eq!(e.kind(), io::ErrorKind::NotFound),
        }
        assert!(Instant::now() < deadline, "the write never landed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

// ---- to_key refuses native paths outside the backend's root or the store's.

#[test]
fn to_key_refuses_native_paths_outside_the_store() {
    let dir = temp();
    let store = Store::open_local(dir.path()).unwrap();
    let root = store.native_path("").unwrap();
    for outside in [
        "/etc/passwd".to_owned(),
        format!("{root}2/x"),
        "relative/key".to_owned(),
    ] {
        let err = store.to_key(&outside).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "{outside}");
        assert!(!err.to_string().contains(&root), "no on-disk path: {err}");
    }
    let inside = store.native_path("a/b.txt").unwrap();
    assert_eq!(store.to_key(&inside).unwrap().as_str(), "a/b.txt");
    let child = store.child("a").unwrap();
    assert_eq!(child.to_key(&inside).unwrap().as_str(), "b.txt");
    let sibling = store.native_path("ab/c").unwrap();
    assert_eq!(
        child.to_key(&sibling).unwrap_err().kind(),
        ErrorKind::InvalidPath
    );
    // A root spelled with a trailing separator round-trips all the same.
    let slashed = Store::open_local(format!("{}/", dir.path().display())).unwrap();
    let native = slashed.native_path("a/b.txt").unwrap();
    assert_eq!(slashed.to_key(&native).unwrap().as_str(), "a/b.txt");
    let root = slashed.native_path("").unwrap();
    assert_eq!(slashed.to_key(&root).unwrap().as_str(), "");
}

// ---- A group that does not fit the fixture says so.

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
