//! Google Cloud Storage on fake-gcs-server, started on loopback by `scripts/test` (see
//! `scripts/servers.sh`): the conformance kit in both worlds, object_store's integration suite
//! through `AsObjectStore`, a missing bucket, secrets, and a fault test against a server of
//! the test's own that it kills and restarts.
//!
//! With the server down these tests fail, saying how to start it: every one of them runs.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{download_cut, env, free_port, reachable_at, stalled_upload, unique, Server};
use store::interop::object_store::ObjectStoreBackend;
use store::{AsyncStore, ErrorKind, GcsBuilder, Store, WriteOptions};

/// A service-account document for the emulator: OAuth off, its base URL, and a private key
/// field whose value must never print.
const KEY_SECRET: &str = "gcs-private-key-that-must-not-leak";

fn service_account(endpoint: &str) -> String {
    format!(
        r#"{{"gcs_base_url": "{endpoint}", "disable_oauth": true, "client_email": "",
            "private_key_id": "", "private_key": "{KEY_SECRET}"}}"#
    )
}

fn gcs_builder(endpoint: &str, bucket: &str, prefix: &str) -> GcsBuilder {
    GcsBuilder::new()
        .endpoint(endpoint)
        .allow_http(true)
        .bucket(bucket)
        .prefix(prefix)
        .service_account_key(service_account(endpoint))
        .retries(1, Duration::from_secs(2))
        .timeouts(Duration::from_secs(10), Duration::from_secs(1))
}

fn gcs_at(endpoint: &str, bucket: &str, prefix: &str) -> ObjectStoreBackend {
    gcs_builder(endpoint, bucket, prefix)
        .build()
        .expect("a GCS backend")
}

fn reachable(endpoint: &str) {
    reachable_at(endpoint.trim_start_matches("http://").trim_end_matches('/'));
}

fn gcs() -> ObjectStoreBackend {
    let endpoint = env("STORE_TEST_GCS_ENDPOINT");
    reachable(&endpoint);
    gcs_at(&endpoint, &env("STORE_TEST_GCS_BUCKET"), &unique())
}

kit_in_both_worlds!(
    gcs_kit,
    gcs(),
    [flat] + blocking[async_to_sync],
    declared = common::declared::GCS
);

object_store_suite!(gcs_suite => || common::Objects::new(gcs()), last_writer_wins: true, etags: true, attributes: true);

fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(KEY_SECRET), "{what} shows a secret: {text}");
}

#[tokio::test]
async fn secrets_never_print() {
    let backend = gcs();
    assert_no_secret("GCS backend Debug", &format!("{backend:?}"));
    let builder = GcsBuilder::new().service_account_key(service_account("http://x"));
    assert_no_secret("GCS builder Debug", &format!("{builder:?}"));
    let store = AsyncStore::new(backend);
    assert_no_secret("store Debug", &format!("{store:?}"));
    let err = store.read_bytes("missing.txt").await.unwrap_err();
    assert_no_secret("an error", &format!("{err} {err:?}"));
    let err = store
        .write("no/such/../x", "x", &WriteOptions::new())
        .await
        .unwrap_err();
    assert_no_secret("an error", &format!("{err} {err:?}"));
}

/// Content over one part goes up as one resumable session, whole and in order, with its
/// attributes, and a create-only one over an existing object is AlreadyExists.
#[tokio::test]
async fn a_streamed_write_is_one_resumable_session() {
    let store = AsyncStore::new(gcs());
    let data: Vec<u8> = (0..(21u32 << 20) + 12345)
        .map(|i| (i % 251) as u8)
        .collect();
    let chunks = || {
        let chunks: Vec<std::io::Result<bytes::Bytes>> = data
            .chunks(1 << 20)
            .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
            .collect();
        store::AsyncContent::stream(futures_util::stream::iter(chunks))
    };
    let options = WriteOptions::new().content_type("application/x-test");
    let written = store
        .write("big.bin", chunks(), &options)
        .await
        .expect("a streamed write");
    assert_eq!(written.size, data.len() as u64);
    assert!(store.read_bytes("big.bin").await.unwrap() == data);
    let info = store.get_file_info("big.bin").await.unwrap();
    assert_eq!(info.attributes.content_type(), Some("application/x-test"));
    let again = store
        .write("big.bin", chunks(), &WriteOptions::new())
        .await
        .unwrap_err();
    assert_eq!(again.kind(), ErrorKind::AlreadyExists, "{again}");
}

/// A server of the test's own on `port`, which starts empty.
fn server(port: u16) -> Server {
    let mut command = Command::new(env("STORE_TEST_FAKE_GCS"));
    command
        .args([
            "-scheme",
            "http",
            "-host",
            "127.0.0.1",
            "-port",
            &port.to_string(),
        ])
        .args(["-backend", "memory", "-log-level", "error"])
        .args(["-public-host", &format!("127.0.0.1:{port}")]);
    Server::spawn("gcs", command, port)
}

fn create_bucket(endpoint: &str) {
    let status = Command::new("curl")
        .args(["-sf", "-X", "POST", "-H", "Content-Type: application/json"])
        .args([
            "-d",
            r#"{"name": "faults"}"#,
            &format!("{endpoint}/storage/v1/b"),
        ])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("curl");
    assert!(status.success(), "creating the GCS bucket failed");
}

/// The server killed in the middle of a streamed upload and of a streamed download: both calls
/// are BackendUnavailable and retryable, no partial object is visible, and the same backend
/// instance works again once the server is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_mid_transfer_is_backend_unavailable() {
    let port = free_port();
    let mut server = server(port);
    let endpoint = format!("http://127.0.0.1:{port}");
    create_bucket(&endpoint);
    let store = AsyncStore::new(gcs_at(&endpoint, "faults", ""));
    let big = bytes::Bytes::from(vec![7u8; 12 * 1024 * 1024]);
    store
        .write("whole.bin", big, &WriteOptions::new())
        .await
        .expect("a write");

    download_cut(&store, "whole.bin", || server.kill()).await;

    server = self::server(port);
    create_bucket(&endpoint);
    let (upload, tx) = stalled_upload(&store, "partial.bin").await;
    server.kill();
    drop(tx);
    let err = upload.await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BackendUnavailable, "upload: {err}");

    let _server = self::server(port);
    create_bucket(&endpoint);
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

#[test]
fn the_blocking_store_over_gcs_works() {
    let store = Store::new(gcs());
    store
        .write("a/b.txt", "hello", &WriteOptions::new())
        .unwrap();
    assert!(store.is_folder("a").unwrap());
    assert_eq!(store.read_text("a/b.txt").unwrap(), "hello");
}
