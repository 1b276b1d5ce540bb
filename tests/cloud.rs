//! S3 (moto) and Azure Blob (Azurite) on loopback, started by `scripts/test` (see
//! `scripts/servers.sh`): the conformance kit in both worlds, object_store's integration suite
//! through `AsObjectStore`, bad credentials, a missing container, secrets, and faults against
//! servers of the tests' own that they kill and restart.
//!
//! With the servers down these tests fail, saying how to start them: every one of them runs.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use object_store::integration;
use store::interop::object_store::{AsObjectStore, ObjectStoreBackend};
use store::{AsyncStore, AzureBackend, ErrorKind, S3Backend, Store, WriteOptions};

const HOW: &str = "start the test servers first: run scripts/test, or \
                   `source scripts/servers.sh && servers_install && servers_start` \
                   (and `servers_stop` after)";

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: {HOW}"))
}

/// Panics with [`HOW`] unless something listens at `endpoint`.
fn reachable(endpoint: &str) {
    let hostport = endpoint
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let addr = hostport
        .parse()
        .unwrap_or_else(|_| panic!("bad endpoint {endpoint}"));
    if TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err() {
        panic!("no server answers at {endpoint}: {HOW}");
    }
}

/// A prefix of its own for every fixture, so tests that run at once never meet.
fn unique() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "t{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn s3_at(endpoint: &str, bucket: &str, prefix: &str) -> ObjectStoreBackend {
    S3Backend::builder()
        .endpoint(endpoint)
        .allow_http(true)
        .bucket(bucket)
        .prefix(prefix)
        .region("us-east-1")
        .credentials("test", "s3-secret-that-must-not-leak")
        .retries(1, Duration::from_secs(2))
        .timeouts(Duration::from_secs(10), Duration::from_secs(1))
        .build()
        .expect("an S3 backend")
}

fn azure_at(endpoint: &str, container: &str, prefix: &str, key: &str) -> ObjectStoreBackend {
    AzureBackend::builder()
        .endpoint(endpoint)
        .allow_http(true)
        .account(env("STORE_TEST_AZURE_ACCOUNT"))
        .access_key(key)
        .container(container)
        .prefix(prefix)
        .retries(1, Duration::from_secs(2))
        .timeouts(Duration::from_secs(10), Duration::from_secs(1))
        .build()
        .expect("an Azure backend")
}

fn s3() -> ObjectStoreBackend {
    let endpoint = env("STORE_TEST_S3_ENDPOINT");
    reachable(&endpoint);
    s3_at(&endpoint, &env("STORE_TEST_S3_BUCKET"), &unique())
}

fn azure() -> ObjectStoreBackend {
    let endpoint = env("STORE_TEST_AZURE_ENDPOINT");
    reachable(&endpoint);
    azure_at(
        &endpoint,
        &env("STORE_TEST_AZURE_CONTAINER"),
        &unique(),
        &env("STORE_TEST_AZURE_KEY"),
    )
}

store::conformance_tests!(
    s3_async_store,
    AsyncStore::new(s3()),
    [all, flat, async_world]
);
store::conformance_tests!(s3_store, Store::new(s3()), [all, flat, sync_world, reverse]);
store::conformance_tests!(
    azure_async_store,
    AsyncStore::new(azure()),
    [all, flat, async_world]
);
store::conformance_tests!(
    azure_store,
    Store::new(azure()),
    [all, flat, sync_world, reverse]
);

macro_rules! suite {
    ($($module:ident => $fixture:ident),* $(,)?) => {$(
        mod $module {
            use super::*;

            fn objects() -> AsObjectStore {
                AsObjectStore::new(AsyncStore::new($fixture()))
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn put_get_delete_list() {
                integration::put_get_delete_list(&objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn put_get_attributes() {
                integration::put_get_attributes(&objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn get_opts() {
                integration::get_opts(&objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn put_opts() {
                integration::put_opts(&objects(), true).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn stream_get() {
                integration::stream_get(&objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn list_uses_directories_correctly() {
                integration::list_uses_directories_correctly(&objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn list_with_delimiter() {
                integration::list_with_delimiter(&objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn rename_and_copy() {
                integration::rename_and_copy(&objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn copy_if_not_exists() {
                integration::copy_if_not_exists(&objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn copy_rename_nonexistent_object() {
                integration::copy_rename_nonexistent_object(&objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn multipart_race_condition() {
                // S3 completes both uploads and the last one wins; Azure drops the second
                // upload's blocks when the first commits, so the first wins and the second
                // fails.
                let last_writer_wins = stringify!($fixture) == "s3";
                integration::multipart_race_condition(&objects(), last_writer_wins).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn multipart_out_of_order() {
                integration::multipart_out_of_order(&objects()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn list_with_offset_exclusivity() {
                integration::list_with_offset_exclusivity(&objects()).await;
            }
        }
    )*};
}

suite!(s3_suite => s3, azure_suite => azure);

/// Every value and error the tests below make, formatted: no secret appears (C-2.13).
fn assert_no_secret(what: &str, text: &str) {
    for secret in [
        "s3-secret-that-must-not-leak",
        &env("STORE_TEST_AZURE_KEY"),
        "d3Jvbmcta2V5",
    ] {
        assert!(!text.contains(secret), "{what} shows a secret: {text}");
    }
}

#[tokio::test]
async fn secrets_never_print() {
    let s3 = s3();
    let azure = azure();
    assert_no_secret("S3 backend Debug", &format!("{s3:?}"));
    assert_no_secret("Azure backend Debug", &format!("{azure:?}"));
    let builder = S3Backend::builder().credentials("id", "s3-secret-that-must-not-leak");
    assert_no_secret("S3 builder Debug", &format!("{builder:?}"));
    let builder = AzureBackend::builder().access_key(env("STORE_TEST_AZURE_KEY"));
    assert_no_secret("Azure builder Debug", &format!("{builder:?}"));
    for store in [AsyncStore::new(s3), AsyncStore::new(azure)] {
        assert_no_secret("store Debug", &format!("{store:?}"));
        let err = store.read_bytes("missing.txt").await.unwrap_err();
        assert_no_secret("an error", &format!("{err} {err:?}"));
    }
}

/// Azurite checks signatures: a wrong key is PermissionDenied, for every kind of call.
#[tokio::test]
async fn a_wrong_key_is_permission_denied() {
    let endpoint = env("STORE_TEST_AZURE_ENDPOINT");
    reachable(&endpoint);
    let wrong = azure_at(
        &endpoint,
        &env("STORE_TEST_AZURE_CONTAINER"),
        &unique(),
        "d3Jvbmcta2V5", // base64 of "wrong-key"
    );
    let store = AsyncStore::new(wrong);
    let write = store
        .write("a.txt", "x", &WriteOptions::new())
        .await
        .unwrap_err();
    let read = store.read_bytes("a.txt").await.unwrap_err();
    let ping = store.ping().await.unwrap_err();
    for (what, err) in [("write", write), ("read", read), ("ping", ping)] {
        assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{what}: {err}");
        assert_no_secret(what, &format!("{err} {err:?}"));
    }
}

/// A bucket or container that does not exist behaves as an absent path (C-2.7).
#[tokio::test]
async fn a_missing_container_is_an_absent_path() {
    let s3_endpoint = env("STORE_TEST_S3_ENDPOINT");
    let az_endpoint = env("STORE_TEST_AZURE_ENDPOINT");
    reachable(&s3_endpoint);
    reachable(&az_endpoint);
    for backend in [
        s3_at(&s3_endpoint, "no-such-bucket", ""),
        azure_at(
            &az_endpoint,
            "no-such-container",
            "",
            &env("STORE_TEST_AZURE_KEY"),
        ),
    ] {
        let name = store::AsyncBackend::name(&backend);
        let store = AsyncStore::new(backend);
        assert!(!store.exists("a.txt").await.unwrap(), "{name}: exists");
        assert!(!store.is_folder("dir").await.unwrap(), "{name}: is_folder");
        assert!(
            store.is_folder("").await.unwrap(),
            "{name}: the root is a folder"
        );
        let listed = store.list_files("", &Default::default()).await;
        match listed {
            Ok(_) => {}
            Err(e) => panic!("{name}: list_files: {e}"),
        }
        let read = store.read_bytes("a.txt").await.unwrap_err();
        assert_eq!(read.kind(), ErrorKind::NotFound, "{name}: read: {read}");
        store
            .delete("a.txt", true)
            .await
            .expect("delete with missing_ok");
        let ping = store.ping().await;
        assert!(ping.is_err(), "{name}: ping of a missing container");
    }
}

/// A server of this test's own, on a free port, that it can kill and start again.
struct Server {
    child: Option<Child>,
    kind: &'static str,
    _dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    fn start(kind: &'static str, port: u16) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut command = match kind {
            "s3" => {
                let mut c = Command::new(env("STORE_TEST_MOTO"));
                c.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
                c
            }
            _ => {
                let mut c = Command::new(env("STORE_TEST_AZURITE"));
                c.args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()])
                    .args(["--inMemoryPersistence", "--disableTelemetry"])
                    .current_dir(dir.path());
                c
            }
        };
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting the {kind} server: {e}; {HOW}"));
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = format!("127.0.0.1:{port}").parse().unwrap();
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(Instant::now() < deadline, "the {kind} server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Server {
            child: Some(child),
            kind,
            _dir: dir,
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The server killed in the middle of a streamed upload and of a streamed download: both calls
/// are BackendUnavailable and retryable, no partial object is visible, and the same backend
/// instance works again once the server is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_mid_transfer_is_backend_unavailable() {
    for kind in ["s3", "azure"] {
        let port = free_port();
        let mut server = Server::start(kind, port);
        let endpoint = match kind {
            "s3" => format!("http://127.0.0.1:{port}"),
            _ => format!(
                "http://127.0.0.1:{port}/{}",
                env("STORE_TEST_AZURE_ACCOUNT")
            ),
        };
        let fresh = |endpoint: &str| -> ObjectStoreBackend {
            match kind {
                "s3" => s3_at(endpoint, "faults", ""),
                _ => azure_at(endpoint, "faults", "", &env("STORE_TEST_AZURE_KEY")),
            }
        };
        create_container(kind, &endpoint).await;
        let store = AsyncStore::new(fresh(&endpoint));
        let big = bytes::Bytes::from(vec![7u8; 12 * 1024 * 1024]);
        store
            .write("whole.bin", big.clone(), &WriteOptions::new())
            .await
            .expect("a write");

        // Mid-download: the first chunk arrives, then the server goes.
        let mut reader = store.read("whole.bin").await.expect("read");
        use futures_util::StreamExt;
        let first = reader
            .next()
            .await
            .expect("a first chunk")
            .expect("its bytes");
        assert!(!first.is_empty());
        server.kill();
        let mut failure = None;
        while let Some(chunk) = reader.next().await {
            if let Err(e) = chunk {
                failure = Some(e);
                break;
            }
        }
        // The rest may have been buffered already; a fresh read must then fail.
        let err = match failure {
            Some(e) => e,
            None => store.read_bytes("whole.bin").await.unwrap_err(),
        };
        assert_eq!(
            err.kind(),
            ErrorKind::BackendUnavailable,
            "{kind} download: {err}"
        );
        assert!(err.is_retryable(), "{kind}: retryable");

        // Mid-upload: a stream that stalls until the server is gone.
        server = Server::start(kind, port);
        create_container(kind, &endpoint).await;
        let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<bytes::Bytes>>(2);
        let content = store::AsyncContent::stream(tokio_stream_of(rx));
        let upload = {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .write_atomic("partial.bin", content, &WriteOptions::new())
                    .await
            })
        };
        for _ in 0..2 {
            tx.send(Ok(bytes::Bytes::from(vec![1u8; 5 * 1024 * 1024])))
                .await
                .unwrap();
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        server.kill();
        drop(tx);
        let err = upload.await.unwrap().unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::BackendUnavailable,
            "{kind} upload: {err}"
        );

        // Back: the same instance works, and the interrupted upload left nothing.
        let _server = Server::start(kind, port);
        create_container(kind, &endpoint).await;
        assert!(!store
            .exists("partial.bin")
            .await
            .expect("exists after restart"));
        store
            .write("again.txt", "back", &WriteOptions::new())
            .await
            .expect("a write after restart");
        assert_eq!(store.read_text("again.txt").await.unwrap(), "back");
        let _ = server.kind;
    }
}

fn tokio_stream_of(
    mut rx: tokio::sync::mpsc::Receiver<std::io::Result<bytes::Bytes>>,
) -> impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// The bucket or container of a fault test's own server (which starts empty).
async fn create_container(kind: &str, endpoint: &str) {
    let python = std::path::Path::new(&env("STORE_TEST_MOTO")).with_file_name("python");
    let script = match kind {
        "s3" => format!(
            "import boto3; boto3.client('s3', endpoint_url='{endpoint}', region_name='us-east-1', \
             aws_access_key_id='test', aws_secret_access_key='test').create_bucket(Bucket='faults')"
        ),
        _ => format!(
            r#"
import base64, datetime, hashlib, hmac, os, urllib.request
account, key = os.environ["STORE_TEST_AZURE_ACCOUNT"], os.environ["STORE_TEST_AZURE_KEY"]
date = datetime.datetime.now(datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")
to_sign = "PUT\n" + "\n" * 11 + f"x-ms-date:{{date}}\nx-ms-version:2021-08-06\n" + f"/{{account}}/{{account}}/faults\nrestype:container"
sig = base64.b64encode(hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()).decode()
req = urllib.request.Request("{endpoint}/faults?restype=container", method="PUT", headers={{
    "x-ms-date": date, "x-ms-version": "2021-08-06", "Content-Length": "0",
    "Authorization": f"SharedKey {{account}}:{{sig}}"}})
urllib.request.urlopen(req).read()
"#
        ),
    };
    let status = Command::new(python)
        .args(["-c", &script])
        .status()
        .expect("python");
    assert!(status.success(), "creating the {kind} container failed");
}

#[test]
fn the_blocking_store_over_s3_works() {
    let store = Store::new(s3());
    store
        .write("a/b.txt", "hello", &WriteOptions::new())
        .unwrap();
    assert!(store.is_folder("a").unwrap());
    assert_eq!(store.read_text("a/b.txt").unwrap(), "hello");
    let _ = Arc::new(());
}
