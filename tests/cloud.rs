//! S3 (moto) and Azure Blob (Azurite) on loopback, started by `scripts/test` (see
//! `scripts/servers.sh`): the conformance kit in both worlds, object_store's integration suite
//! through `AsObjectStore`, bad credentials, a missing container, secrets, and faults against
//! servers of the tests' own that they kill and restart.
//!
//! With the servers down these tests fail, saying how to start them: every one of them runs.

mod common;

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use common::{
    download_cut, env, free_port, reachable_at, stalled_upload, unique, Opens, Relay, Server,
};
use store::interop::object_store::ObjectStoreBackend;
use store::{AsyncStore, AzureBuilder, ErrorKind, S3Builder, Store, WriteOptions};

/// Panics with [`HOW`] unless something listens at `endpoint`.
fn reachable(endpoint: &str) {
    let hostport = endpoint
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default();
    reachable_at(hostport);
}

fn s3_builder(endpoint: &str, bucket: &str, prefix: &str) -> S3Builder {
    S3Builder::new()
        .endpoint(endpoint)
        .allow_http(true)
        .bucket(bucket)
        .prefix(prefix)
        .region("us-east-1")
        .credentials("test", "s3-secret-that-must-not-leak")
        .retries(1, Duration::from_secs(2))
        .timeouts(Duration::from_secs(10), Duration::from_secs(1))
}

fn s3_at(endpoint: &str, bucket: &str, prefix: &str) -> ObjectStoreBackend {
    s3_builder(endpoint, bucket, prefix)
        .build()
        .expect("an S3 backend")
}

fn azure_builder(endpoint: &str, container: &str, prefix: &str, key: &str) -> AzureBuilder {
    AzureBuilder::new()
        .endpoint(endpoint)
        .allow_http(true)
        .account(env("STORE_TEST_AZURE_ACCOUNT"))
        .access_key(key)
        .container(container)
        .prefix(prefix)
        .retries(1, Duration::from_secs(2))
        .timeouts(Duration::from_secs(10), Duration::from_secs(1))
}

fn azure_at(endpoint: &str, container: &str, prefix: &str, key: &str) -> ObjectStoreBackend {
    azure_builder(endpoint, container, prefix, key)
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

kit_in_both_worlds!(
    s3_kit,
    s3(),
    [flat] + blocking[async_to_sync],
    declared = common::declared::S3
);
kit_in_both_worlds!(
    azure_kit,
    azure(),
    [flat] + blocking[async_to_sync],
    declared = common::declared::AZURE
);

// S3 completes both uploads and the last one wins; Azure drops the second upload's blocks
// when the first commits, so the first wins and the second fails.
object_store_suite!(s3_suite => || common::Objects::new(s3()), last_writer_wins: true, etags: true, attributes: true);
object_store_suite!(azure_suite => || common::Objects::new(azure()), last_writer_wins: false, etags: true, attributes: true);

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
    let builder = S3Builder::new().credentials("id", "s3-secret-that-must-not-leak");
    assert_no_secret("S3 builder Debug", &format!("{builder:?}"));
    let builder = AzureBuilder::new().access_key(env("STORE_TEST_AZURE_KEY"));
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

/// A server of this test's own, on `port`, that it can kill and start again.
fn server(kind: &'static str, port: u16, dir: &std::path::Path) -> Server {
    let command = match kind {
        "s3" => {
            let mut c = Command::new(env("STORE_TEST_MOTO"));
            c.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
            c
        }
        _ => {
            let mut c = Command::new(env("STORE_TEST_AZURITE"));
            c.args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()])
                .args(["--inMemoryPersistence", "--disableTelemetry"])
                .current_dir(dir);
            c
        }
    };
    Server::spawn(kind, command, port)
}

/// S3's endpoint killed in the middle of a download (every connection cut, the port closed)
/// and brought back on the same port, moto keeping the object behind it: a `Retry` resumes the
/// stream where it broke, with a ranged GET after an etag check, and the object arrives whole.
/// The backend's own transport retries are off, so the layer alone decides.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_resumes_a_download_through_a_killed_s3_endpoint() {
    use futures_util::StreamExt;
    use store::layers::Retry;
    let endpoint = env("STORE_TEST_S3_ENDPOINT");
    reachable(&endpoint);
    let moto = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("moto's address");
    let port = free_port();
    let mut relay = Relay::start(port, moto).await;
    let backend = S3Builder::new()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .allow_http(true)
        .bucket(env("STORE_TEST_S3_BUCKET"))
        .prefix(unique())
        .region("us-east-1")
        .credentials("test", "s3-secret-that-must-not-leak")
        .retries(0, Duration::from_secs(2))
        .timeouts(Duration::from_secs(10), Duration::from_secs(1))
        .build()
        .expect("an S3 backend");
    let opens = Opens::default();
    let store = AsyncStore::new(backend).layer(opens.clone()).layer(
        Retry::new()
            .attempts(100)
            .backoff(Duration::from_millis(20), Duration::from_millis(200))
            .budget(Duration::from_secs(30)),
    );
    let data: bytes::Bytes = (0..32u32 << 20).map(|i| (i ^ (i >> 9)) as u8).collect();
    store
        .write("big.bin", data.clone(), &WriteOptions::new())
        .await
        .expect("a write");

    let mut reader = store.read("big.bin").await.expect("read");
    let mut got = reader
        .next()
        .await
        .expect("a chunk")
        .expect("its bytes")
        .to_vec();
    relay.kill().await;
    let back = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(800)).await;
        relay.open().await;
        relay
    });
    while let Some(chunk) = reader.next().await {
        got.extend_from_slice(&chunk.expect("the download resumed"));
    }
    let _relay = back.await.unwrap();
    assert!(got == data, "{} bytes arrived, not the object", got.len());
    assert!(opens.count() >= 2, "the download never broke");
}

/// The server killed in the middle of a streamed upload and of a streamed download: both calls
/// are BackendUnavailable and retryable, no partial object is visible, and the same backend
/// instance works again once the server is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_mid_transfer_is_backend_unavailable() {
    for kind in ["s3", "azure"] {
        let port = free_port();
        let dir = tempfile::tempdir().unwrap();
        let mut server = server(kind, port, dir.path());
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
        download_cut(&store, "whole.bin", || server.kill()).await;

        // Mid-upload: a stream that stalls until the server is gone.
        server = self::server(kind, port, dir.path());
        create_container(kind, &endpoint).await;
        let (upload, tx) = stalled_upload(&store, "partial.bin").await;
        server.kill();
        drop(tx);
        let err = upload.await.unwrap().unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::BackendUnavailable,
            "{kind} upload: {err}"
        );

        // Back: the same instance works, and the interrupted upload left nothing.
        let _server = self::server(kind, port, dir.path());
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
    }
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

/// The HTTP requests each operation makes on S3 and Azure, counted at the transport by a
/// [`RequestLog`]: every success path makes the fewest the service allows, and a miss at most
/// one probe beyond the failed request ([C-2.14](store::contract)).
mod requests {
    use super::*;
    use store::interop::object_store::RequestLog;
    use store::{DeleteFolderOptions, ListOptions};

    /// Operation, then the requests it may make on S3 and on Azure.
    const MINIMUM: &[(&str, usize, usize)] = &[
        ("write 4 KiB, create-only", 1, 1),
        ("write 4 KiB, overwrite", 1, 1),
        ("read", 1, 1),
        ("get_file_info", 1, 1),
        ("read_with_info of a 4 KiB file", 1, 1),
        ("is_file", 1, 1),
        ("list_files, one level", 1, 1),
        ("list_files, recursive", 1, 1),
        ("list_folders, one level", 1, 1),
        ("iter_children", 1, 1),
        ("copy, overwrite", 1, 1),
        // S3's create-only copy checks first: its one-step form loses the metadata.
        ("copy, create-only", 2, 1),
        // A copy, then a delete: neither service renames.
        ("rename, overwrite", 2, 2),
        // S3 answers a DELETE of a missing key with success, so only a HEAD can say NotFound.
        ("delete", 2, 1),
        ("delete_folder of 100 files", 2, 2),
        ("read of a missing file", 2, 2),
        ("copy of a missing file", 2, 2),
        ("delete of a missing file", 2, 2),
    ];

    async fn costs(store: &AsyncStore, log: &RequestLog) -> Vec<(&'static str, Vec<String>)> {
        let kib = vec![7u8; 4096];
        let create = WriteOptions::new();
        let overwrite = WriteOptions::new().overwrite(true);
        for i in 0..5 {
            store.write(format!("d/f{i}"), "x", &create).await.unwrap();
        }
        for i in 0..10 {
            store
                .write(format!("d/sub/g{i}"), "x", &create)
                .await
                .unwrap();
        }
        let mut writes = Vec::new();
        for i in 0..100 {
            writes.push(store.write(format!("many/k{i}"), "x", &create));
        }
        for write in futures_util::future::join_all(writes).await {
            write.unwrap();
        }
        log.take();
        let one_level = ListOptions::new();
        let deep = ListOptions::new().recursive(true);
        let mut costs = Vec::new();
        let mut cost = |what, log: &RequestLog| costs.push((what, log.take()));
        store.write("d/new", kib.clone(), &create).await.unwrap();
        cost("write 4 KiB, create-only", log);
        store.write("d/new", kib.clone(), &overwrite).await.unwrap();
        cost("write 4 KiB, overwrite", log);
        store.read_bytes("d/new").await.unwrap();
        cost("read", log);
        store.get_file_info("d/new").await.unwrap();
        cost("get_file_info", log);
        let (info, bytes) = store.read_with_info("d/new", 1 << 20).await.unwrap();
        assert_eq!((info.size, bytes.map(|b| b.len())), (4096, Some(4096)));
        cost("read_with_info of a 4 KiB file", log);
        assert!(store.is_file("d/new").await.unwrap());
        cost("is_file", log);
        assert_eq!(count(store.list_files("d", &one_level).await).await, 6);
        cost("list_files, one level", log);
        assert_eq!(count(store.list_files("d", &deep).await).await, 16);
        cost("list_files, recursive", log);
        assert_eq!(count(store.list_folders("d", &one_level).await).await, 1);
        cost("list_folders, one level", log);
        assert_eq!(count(store.iter_children("d").await).await, 7);
        cost("iter_children", log);
        store.copy("d/new", "d/f0", true).await.unwrap();
        cost("copy, overwrite", log);
        store.copy("d/new", "d/copy", false).await.unwrap();
        cost("copy, create-only", log);
        store.rename("d/copy", "d/f1", true).await.unwrap();
        cost("rename, overwrite", log);
        store.delete("d/f1", false).await.unwrap();
        cost("delete", log);
        let recursive = DeleteFolderOptions::new().recursive(true);
        store.delete_folder("many", &recursive).await.unwrap();
        cost("delete_folder of 100 files", log);
        let missing = store.read_bytes("d/none").await.unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::NotFound);
        cost("read of a missing file", log);
        let missing = store.copy("d/none", "d/x", true).await.unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::NotFound);
        cost("copy of a missing file", log);
        let missing = store.delete("d/none", false).await.unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::NotFound);
        cost("delete of a missing file", log);
        costs
    }

    async fn count<T>(listing: store::Result<store::ListStream<T>>) -> usize {
        use futures_util::TryStreamExt;
        let items: Vec<T> = listing.unwrap().try_collect().await.unwrap();
        items.len()
    }

    fn check(
        backend: &str,
        costs: &[(&str, Vec<String>)],
        column: fn(&(&str, usize, usize)) -> usize,
    ) {
        let mut over = Vec::new();
        for (row, (what, lines)) in MINIMUM.iter().zip(costs) {
            assert_eq!(row.0, *what);
            println!("{backend} {what}: {} {lines:?}", lines.len());
            let one_level = what.contains("one level") || *what == "iter_children";
            if one_level && !lines.iter().all(|line| line.contains("delimiter")) {
                over.push(format!("{what} lists below the folder: {lines:?}"));
            }
            if lines.len() > column(row) {
                over.push(format!(
                    "{what}: {} > {}: {lines:?}",
                    lines.len(),
                    column(row)
                ));
            }
        }
        assert!(
            over.is_empty(),
            "{backend} makes more requests than needed:\n{}",
            over.join("\n")
        );
    }

    #[tokio::test]
    async fn s3_makes_the_fewest_requests() {
        let endpoint = env("STORE_TEST_S3_ENDPOINT");
        reachable(&endpoint);
        let log = RequestLog::new();
        let backend = s3_builder(&endpoint, &env("STORE_TEST_S3_BUCKET"), &unique())
            .http_connector(log.clone())
            .build()
            .unwrap();
        let costs = costs(&AsyncStore::new(backend), &log).await;
        check("S3", &costs, |row| row.1);
    }

    #[tokio::test]
    async fn azure_makes_the_fewest_requests() {
        let endpoint = env("STORE_TEST_AZURE_ENDPOINT");
        reachable(&endpoint);
        let log = RequestLog::new();
        let container = env("STORE_TEST_AZURE_CONTAINER");
        let backend = azure_builder(
            &endpoint,
            &container,
            &unique(),
            &env("STORE_TEST_AZURE_KEY"),
        )
        .http_connector(log.clone())
        .build()
        .unwrap();
        let costs = costs(&AsyncStore::new(backend), &log).await;
        check("Azure", &costs, |row| row.2);
    }
}
