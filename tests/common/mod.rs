//! What the tests against real servers share (`cloud.rs`, `sftp.rs`), and what every shipped
//! backend documents of itself for the conformance kit ([`declared`]): the environment
//! `scripts/servers.sh` exports, fresh names, servers of a test's own that it can kill and
//! restart, streams fed by hand, and object_store's integration suite as a macro.

#![allow(dead_code)]

pub mod declared;

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub const HOW: &str = "start the test servers first: run scripts/test, or \
                       `source scripts/servers.sh && servers_install && servers_start` \
                       (and `servers_stop` after)";

/// A variable `scripts/servers.sh` exports; panics with [`HOW`] when it is not set.
pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: {HOW}"))
}

/// Panics with [`HOW`] unless something listens at `host:port`.
pub fn reachable_at(hostport: &str) {
    let addr = hostport
        .parse()
        .unwrap_or_else(|_| panic!("bad address {hostport}"));
    if TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err() {
        panic!("no server answers at {hostport}: {HOW}");
    }
}

/// A name of its own for every fixture, so tests that run at once never meet.
pub fn unique() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "t{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A server of a test's own, listening on `port` once started; killed when dropped.
pub struct Server {
    child: Option<Child>,
}

impl Server {
    /// Spawns `command` and waits (up to 60 s) until `port` accepts connections.
    pub fn spawn(what: &str, mut command: Command, port: u16) -> Server {
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting the {what} server: {e}; {HOW}"));
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = format!("127.0.0.1:{port}").parse().unwrap();
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(Instant::now() < deadline, "the {what} server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child: Some(child) }
    }

    /// Kills the server and every process it started (SIGKILL), and reaps it: a crash, for
    /// servers such as sshd whose connections live in child processes of their own.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let mut pids = descendants(child.id());
            pids.push(child.id());
            let _ = Command::new("kill")
                .arg("-9")
                .args(pids.iter().map(u32::to_string))
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Every process below `pid`, from the parent ids in `/proc/*/stat`.
fn descendants(pid: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // The fields after the command name, which is in parentheses: state, then ppid.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parents.push((child, ppid));
        }
    }
    let mut found = Vec::new();
    let mut frontier = vec![pid];
    while let Some(parent) = frontier.pop() {
        for &(child, ppid) in &parents {
            if ppid == parent && !found.contains(&child) {
                found.push(child);
                frontier.push(child);
            }
        }
    }
    found
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A stream of content chunks that a test feeds through `tx`.
pub fn stream_of(
    mut rx: tokio::sync::mpsc::Receiver<std::io::Result<bytes::Bytes>>,
) -> impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// An upload left waiting: the task, and the sender that feeds it.
pub type Stalled = (
    tokio::task::JoinHandle<store::Result<store::WriteResult>>,
    tokio::sync::mpsc::Sender<std::io::Result<bytes::Bytes>>,
);

/// A streamed `write_atomic` of `key` in a task of its own, fed 10 MiB through the returned
/// sender and then left waiting for more: a fault test kills its server while the upload is
/// under way, then drops the sender.
pub async fn stalled_upload(store: &store::AsyncStore, key: &'static str) -> Stalled {
    stalled(store, key, true).await
}

/// The same with a plain `write`, for a backend without `write_atomic`.
#[allow(dead_code)] // only the WebDAV suite has no write_atomic
pub async fn stalled_write(store: &store::AsyncStore, key: &'static str) -> Stalled {
    stalled(store, key, false).await
}

async fn stalled(store: &store::AsyncStore, key: &'static str, atomic: bool) -> Stalled {
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<bytes::Bytes>>(2);
    let upload = {
        let store = store.clone();
        let content = store::AsyncContent::stream(stream_of(rx));
        tokio::spawn(async move {
            let options = store::WriteOptions::new();
            match atomic {
                true => store.write_atomic(key, content, &options).await,
                false => store.write(key, content, &options).await,
            }
        })
    };
    for _ in 0..2 {
        tx.send(Ok(bytes::Bytes::from(vec![1u8; 5 * 1024 * 1024])))
            .await
            .unwrap();
    }
    // Let the first requests reach the server; tests assert only error kinds after this.
    tokio::time::sleep(Duration::from_millis(300)).await;
    (upload, tx)
}

/// Reads the first chunk of `key`, then calls `kill` (the server goes) and returns the error
/// the rest of the download (or, if it all arrived already, a fresh read) meets, once it is
/// checked to be BackendUnavailable and retryable.
#[allow(dead_code)] // the fault tests' share
pub async fn download_cut(
    store: &store::AsyncStore,
    key: &str,
    kill: impl FnOnce(),
) -> store::Error {
    use futures_util::StreamExt;
    let mut reader = store.read(key).await.expect("read");
    let first = reader.next().await.expect("a chunk").expect("its bytes");
    assert!(!first.is_empty());
    kill();
    let mut failure = None;
    while let Some(chunk) = reader.next().await {
        if let Err(e) = chunk {
            failure = Some(e);
            break;
        }
    }
    let err = match failure {
        Some(e) => e,
        None => store.read_bytes(key).await.unwrap_err(),
    };
    assert_eq!(
        err.kind(),
        store::ErrorKind::BackendUnavailable,
        "download: {err}"
    );
    assert!(err.is_retryable(), "retryable: {err}");
    err
}

/// An `AsObjectStore` over a fresh backend, with what must live as long as it (a temp folder).
pub struct Objects {
    objects: store::interop::object_store::AsObjectStore,
    _dir: Option<tempfile::TempDir>,
}

impl Objects {
    /// Over `backend`.
    pub fn new<M>(backend: impl store::IntoAsyncBackend<M>) -> Objects {
        Objects {
            objects: store::interop::object_store::AsObjectStore::new(store::AsyncStore::new(
                backend,
            )),
            _dir: None,
        }
    }

    /// Over `backend`, keeping `dir` until the end.
    pub fn in_dir<M>(backend: impl store::IntoAsyncBackend<M>, dir: tempfile::TempDir) -> Objects {
        Objects {
            _dir: Some(dir),
            ..Objects::new(backend)
        }
    }
}

impl std::ops::Deref for Objects {
    type Target = store::interop::object_store::AsObjectStore;

    fn deref(&self) -> &Self::Target {
        &self.objects
    }
}

/// object_store's integration suite, one test per function, over the [`Objects`] `$fixture()`
/// gives. Every `ObjectStore` function of the suite runs; where a backend lacks a capability
/// the suite has an answer for it, and the flags say which applies (each is also checked
/// against what the backend declares):
/// - `last_writer_wins`: what `multipart_race_condition` expects of two racing uploads;
/// - `etags`: conditional updates (`ConditionalWrite`); without them `put_opts` runs without
///   updates, and `get_opts`, whose every remaining step needs an etag, checks instead that
///   none is claimed: should one appear, that test fails and the suite's own is due;
/// - `attributes`: attributes and user metadata kept (else the suite expects
///   `NotImplemented`, which `AsObjectStore` gives for what it cannot keep).
#[macro_export]
macro_rules! object_store_suite {
    ($module:ident => $fixture:expr, last_writer_wins: $last_writer_wins:expr, etags: $etags:expr, attributes: $attributes:expr $(, multipart: $multipart:expr)?) => {
        mod $module {
            use super::*;
            use object_store::integration;
            use store::Capability;

            fn objects() -> $crate::common::Objects {
                ($fixture)()
            }

            /// Whether multipart uploads are there: they need AtomicWrite (an upload is
            /// invisible until complete). Without it, put_multipart is NotImplemented.
            async fn multipart(objects: &$crate::common::Objects) -> bool {
                let multipart = true $(&& $multipart)?;
                let atomic = objects.store().supports(Capability::AtomicWrite);
                assert_eq!(atomic, multipart, "multipart uploads");
                if !multipart {
                    use object_store::ObjectStoreExt;
                    let path = object_store::path::Path::from("multipart");
                    let err = objects.put_multipart(&path).await.err();
                    assert!(
                        matches!(err, Some(object_store::Error::NotImplemented { .. })),
                        "{err:?}"
                    );
                }
                multipart
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn put_get_delete_list() {
                integration::put_get_delete_list(&*objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn put_get_attributes() {
                let objects = objects();
                let full = objects.store().supports(Capability::Attributes)
                    && objects.store().supports(Capability::UserMetadata);
                assert_eq!(full, $attributes, "attribute support");
                integration::put_get_attributes(&*objects).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn get_opts() {
                let objects = objects();
                if $etags {
                    integration::get_opts(&*objects).await;
                } else {
                    use object_store::ObjectStoreExt;
                    let path = object_store::path::Path::from("no-etag");
                    objects.put(&path, "x".into()).await.unwrap();
                    let meta = objects.head(&path).await.unwrap();
                    assert_eq!(meta.e_tag, None, "an etag appeared: run get_opts");
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn put_opts() {
                let objects = objects();
                let update = objects.store().supports(Capability::ConditionalWrite);
                assert_eq!(update, $etags, "conditional writes");
                integration::put_opts(&*objects, $etags).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn stream_get() {
                let objects = objects();
                if multipart(&objects).await {
                    integration::stream_get(&*objects).await;
                } else {
                    // Its reads, of an object put in one piece.
                    use futures_util::TryStreamExt;
                    use object_store::ObjectStoreExt;
                    let path = object_store::path::Path::from("streamed");
                    let data: Vec<u8> = (0..6u32 << 20).map(|i| i as u8).collect();
                    objects.put(&path, data.clone().into()).await.unwrap();
                    let chunks: Vec<bytes::Bytes> =
                        objects.get(&path).await.unwrap().into_stream().try_collect().await.unwrap();
                    assert!(chunks.concat() == data, "the stream reads back");
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn list_uses_directories_correctly() {
                integration::list_uses_directories_correctly(&*objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn list_with_delimiter() {
                integration::list_with_delimiter(&*objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn get_nonexistent_object() {
                let err = integration::get_nonexistent_object(&*objects(), None)
                    .await
                    .unwrap_err();
                assert!(matches!(err, object_store::Error::NotFound { .. }), "{err}");
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn rename_and_copy() {
                integration::rename_and_copy(&*objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn copy_if_not_exists() {
                integration::copy_if_not_exists(&*objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn copy_rename_nonexistent_object() {
                integration::copy_rename_nonexistent_object(&*objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn multipart_race_condition() {
                let objects = objects();
                if multipart(&objects).await {
                    integration::multipart_race_condition(&*objects, $last_writer_wins).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn multipart_out_of_order() {
                let objects = objects();
                if multipart(&objects).await {
                    integration::multipart_out_of_order(&*objects).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn list_with_offset_exclusivity() {
                integration::list_with_offset_exclusivity(&*objects()).await;
            }
        }
    };
}

/// A layer that counts the stream reads passing through it: put below a `Retry`, the first
/// read of a stream and one per resumption.
#[derive(Clone, Default)]
pub struct Opens(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Opens {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl store::Layer for Opens {
    fn around_stream<'a, N>(
        &'a self,
        call: store::Call<'a>,
        next: N,
    ) -> store::BoxFuture<'a, store::Result<store::ByteStream>>
    where
        N: FnMut() -> Option<store::BoxFuture<'a, store::Result<store::ByteStream>>> + Send + 'a,
    {
        self.0.fetch_add(1, Ordering::SeqCst);
        self.around(call, next)
    }

    fn around_reader<N>(&self, call: store::Call<'_>, next: N) -> store::Result<store::ReadStream>
    where
        N: FnMut() -> Option<store::Result<store::ReadStream>>,
    {
        self.0.fetch_add(1, Ordering::SeqCst);
        self.around_blocking(call, next)
    }
}

/// A TCP relay on `port` to `target`: the endpoint a test kills (every connection cut, the
/// port closed) and brings back on the same port, while the server behind it keeps its data.
pub struct Relay {
    port: u16,
    target: std::net::SocketAddr,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Relay {
    pub async fn start(port: u16, target: std::net::SocketAddr) -> Relay {
        let mut relay = Relay {
            port,
            target,
            task: None,
        };
        relay.open().await;
        relay
    }

    /// Listens again, on the same port.
    pub async fn open(&mut self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("the relay's port");
        let target = self.target;
        self.task = Some(tokio::spawn(async move {
            // Dropped with the task: every connection is cut with it.
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                connections.spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }

    /// Cuts every connection and closes the port.
    pub async fn kill(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

/// The conformance kit over one backend in both worlds, as `$name::blocking` (a `Store`) and
/// `$name::asynchronous` (an `AsyncStore`), each over a fresh `$backend`, in the groups given
/// and the world's own; `blocking [..]` adds groups for the blocking store alone (the
/// adapter's `async_to_sync`, for an async backend).
#[macro_export]
macro_rules! kit_in_both_worlds {
    ($name:ident, $backend:expr, [$($group:ident),*] $(+ blocking [$($extra:ident),*])?, declared = $declared:expr) => {
        mod $name {
            use super::*;
            ::store::conformance_tests!(
                blocking,
                ::store::Store::new($backend),
                [all, $($group,)* sync_world $($(, $extra)*)?],
                declared = $declared
            );
            ::store::conformance_tests!(
                asynchronous,
                ::store::AsyncStore::new($backend),
                [all, $($group,)* async_world],
                declared = $declared
            );
        }
    };
}
