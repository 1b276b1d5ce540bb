//! WebDAV on two servers started on loopback by `scripts/test` (see `scripts/servers.sh`):
//! wsgidav, and Apache httpd's mod_dav (which keeps a placeholder for a locked new URL, answers
//! a path below a file with 400, redirects a folder named without its slash, refuses
//! `Depth: infinity`, and loses locks under concurrent requests). On each: the conformance kit
//! in both worlds, object_store's integration suite through `AsObjectStore`, the read-only HTTP
//! source, and the protocol's sharp edges (a DELETE or a MOVE that would take a folder); then
//! secrets, URLs, and a fault test against a wsgidav of the test's own that it kills and
//! restarts.
//!
//! With a server down these tests fail, saying how to start it: every one of them runs.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{download_cut, env, free_port, reachable_at, stalled_write, unique, Server};
use store::{AsyncStore, ErrorKind, HttpBackend, WebDavBackend, WebDavBuilder, WriteOptions};

const PASSWORD: &str = "webdav-password-that-must-not-leak";

fn reachable(url: &str) {
    let hostport = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default();
    reachable_at(hostport);
}

/// A collection of its own on the server, made with MKCOL.
fn collection(server: &str) -> String {
    let url = format!("{server}/{}", unique());
    let status = Command::new("curl")
        .args(["-sf", "-o", "/dev/null", "-X", "MKCOL", &format!("{url}/")])
        .status()
        .expect("curl");
    assert!(status.success(), "MKCOL {url} failed");
    url
}

fn builder(url: &str) -> WebDavBuilder {
    WebDavBackend::builder()
        .url(url)
        .allow_http(true)
        .timeouts(Duration::from_secs(30), Duration::from_secs(5))
}

/// The servers' base URLs, each checked to answer: wsgidav, then Apache.
const SERVERS: [&str; 2] = ["STORE_TEST_WEBDAV_URL", "STORE_TEST_APACHE_DAV_URL"];

fn server_url(var: &str) -> String {
    let server = env(var);
    reachable(&server);
    server
}

fn webdav_on(var: &str) -> WebDavBackend {
    builder(&collection(&server_url(var)))
        .build()
        .expect("a WebDAV backend")
}

/// A backend on wsgidav.
fn webdav() -> WebDavBackend {
    webdav_on(SERVERS[0])
}

/// A backend on Apache's mod_dav.
fn apache() -> WebDavBackend {
    webdav_on(SERVERS[1])
}

kit_in_both_worlds!(
    webdav_kit,
    webdav(),
    [hier] + blocking[async_to_sync],
    declared = common::declared::WEBDAV
);

kit_in_both_worlds!(
    apache_kit,
    apache(),
    [hier] + blocking[async_to_sync],
    declared = common::declared::WEBDAV
);

/// The read-only HTTP source over a collection of its own (empty: the kit checks what a
/// backend without Write can be asked; `an_http_source_reads_what_webdav_wrote` reads files).
fn http_source_on(var: &str) -> HttpBackend {
    builder(&collection(&server_url(var)))
        .build_http_source()
        .expect("an HTTP source")
}

kit_in_both_worlds!(
    http_source_kit,
    http_source_on(SERVERS[0]),
    [hier] + blocking[async_to_sync],
    declared = common::declared::HTTP
);

kit_in_both_worlds!(
    apache_http_source_kit,
    http_source_on(SERVERS[1]),
    [hier] + blocking[async_to_sync],
    declared = common::declared::HTTP
);

/// Files a WebDAV backend wrote, read through the read-only source at the same URL: whole,
/// by range (both servers answer 206), stats, folders and misses told apart (Apache redirects
/// a folder named without its slash), and every write refused before any request.
#[tokio::test]
async fn an_http_source_reads_what_webdav_wrote() {
    for var in SERVERS {
        println!("on the server at ${var}");
        http_source_reads_what_webdav_wrote(&server_url(var)).await;
    }
}

async fn http_source_reads_what_webdav_wrote(server: &str) {
    let url = collection(server);
    let dav = AsyncStore::new(builder(&url).build().unwrap());
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    dav.write("data/a b.bin", data.clone(), &WriteOptions::new())
        .await
        .unwrap();
    let source = AsyncStore::from_url(
        &url.replace("http://", "webdav://"),
        [("read_only", "true")],
    )
    .unwrap();
    assert_eq!(source.name(), "http");
    assert!(source.read_bytes("data/a b.bin").await.unwrap() == data);
    let part = source
        .read_range("data/a b.bin", 99_990, 100)
        .await
        .unwrap();
    assert!(part[..] == data[99_990..], "{} bytes", part.len());
    assert!(source
        .read_range("data/a b.bin", 200_000, 5)
        .await
        .unwrap()
        .is_empty());
    let info = source.get_file_info("data/a b.bin").await.unwrap();
    assert_eq!(info.size, data.len() as u64);
    assert!(info.modified_at.is_some());
    assert!(source.is_file("data/a b.bin").await.unwrap());
    assert!(source.is_folder("data").await.unwrap());
    assert!(!source.is_folder("data/a b.bin").await.unwrap());
    assert!(!source.exists("data/none").await.unwrap());
    let missing = source.read_bytes("data/none").await.unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound, "{missing}");
    let folder = source.read_bytes("data").await.unwrap_err();
    assert_eq!(folder.kind(), ErrorKind::InvalidPath, "{folder}");
    let write = source
        .write("x.txt", "x", &WriteOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(write.kind(), ErrorKind::Unsupported(_)), "{write}");
}

object_store_suite!(webdav_suite => || common::Objects::new(webdav()), last_writer_wins: true, etags: false, attributes: false, multipart: false);
object_store_suite!(apache_suite => || common::Objects::new(apache()), last_writer_wins: true, etags: false, attributes: false, multipart: false);

fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(PASSWORD), "{what} shows a secret: {text}");
}

#[tokio::test]
async fn secrets_never_print() {
    let url = collection(&server_url(SERVERS[0]));
    let builder = builder(&url).user("someone").password(PASSWORD);
    assert_no_secret("builder Debug", &format!("{builder:?}"));
    let backend = builder.build().unwrap();
    assert_no_secret("backend Debug", &format!("{backend:?}"));
    let store = AsyncStore::new(backend);
    assert_no_secret("store Debug", &format!("{store:?}"));
    let err = store.read_bytes("missing.txt").await.unwrap_err();
    assert_no_secret("an error", &format!("{err} {err:?}"));
    // In a URL, the password moves into a Secret at once and the URL is never shown.
    let with_login = url.replace("http://", &format!("webdav://someone:{PASSWORD}@"));
    let store = AsyncStore::from_url(&with_login, [("timeout_secs", "5")]).unwrap();
    assert_no_secret("a store from a URL", &format!("{store:?}"));
    let err = AsyncStore::from_url(&with_login, [("timeout_secs", "x")]).unwrap_err();
    assert_no_secret("a URL's error", &format!("{err} {err:?}"));
    store
        .write("a.txt", "x", &WriteOptions::new())
        .await
        .unwrap();
    assert_eq!(store.read_text("a.txt").await.unwrap(), "x");
}

/// A DELETE of a folder takes everything below it, and a MOVE or COPY over one deletes it:
/// the backend never lets a file operation do either.
#[tokio::test]
async fn file_operations_never_take_a_folder() {
    for var in SERVERS {
        println!("on the server at ${var}");
        never_take_a_folder(AsyncStore::new(webdav_on(var))).await;
    }
}

async fn never_take_a_folder(store: AsyncStore) {
    let opts = WriteOptions::new();
    store.write("dir/inner.txt", "keep", &opts).await.unwrap();
    store.write("file.txt", "f", &opts).await.unwrap();
    let err = store.delete("dir", false).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidPath, "{err}");
    let err = store.delete("dir", true).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidPath, "{err}");
    for overwrite in [true, false] {
        let err = store
            .rename("file.txt", "dir", overwrite)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "rename: {err}");
        let err = store.copy("file.txt", "dir", overwrite).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "copy: {err}");
        let replace = WriteOptions::new().overwrite(overwrite);
        let err = store.write("dir", "x", &replace).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "write: {err}");
    }
    assert_eq!(store.read_text("dir/inner.txt").await.unwrap(), "keep");
}

/// A base collection that is not there: ping says so, and a write, nested or not, replacing
/// or not, does not make it.
#[tokio::test]
async fn a_missing_base_is_not_found() {
    for var in SERVERS {
        let server = server_url(var);
        let store = AsyncStore::new(
            builder(&format!("{server}/{}/below", unique()))
                .build()
                .unwrap(),
        );
        assert_eq!(store.ping().await.unwrap_err().kind(), ErrorKind::NotFound);
        for (key, overwrite) in [
            ("a/b.txt", false),
            ("a/b.txt", true),
            ("b.txt", false),
            ("b.txt", true),
        ] {
            let err = store
                .write(key, "x", &WriteOptions::new().overwrite(overwrite))
                .await
                .unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::NotFound,
                "${var}: write {key}: {err}"
            );
        }
    }
}

/// A server of the test's own on `port`, serving `dir`.
fn server(port: u16, dir: &std::path::Path) -> Server {
    let mut command = Command::new(env("STORE_TEST_WSGIDAV"));
    command
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .arg("--root")
        .arg(dir)
        .args(["--auth", "anonymous", "--no-config", "-q"]);
    Server::spawn("webdav", command, port)
}

/// The server killed in the middle of a streamed upload and of a streamed download: both calls
/// are BackendUnavailable and retryable, no partial file is visible, and the same backend
/// instance works again once the server is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_mid_transfer_is_backend_unavailable() {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let mut server = server(port, dir.path());
    let store = AsyncStore::new(
        builder(&format!("http://127.0.0.1:{port}/"))
            .build()
            .unwrap(),
    );
    let big = bytes::Bytes::from(vec![7u8; 12 * 1024 * 1024]);
    store
        .write("whole.bin", big, &WriteOptions::new())
        .await
        .expect("a write");

    download_cut(&store, "whole.bin", || server.kill()).await;

    server = self::server(port, dir.path());
    let (upload, tx) = stalled_write(&store, "partial.bin").await;
    server.kill();
    drop(tx);
    let err = upload.await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BackendUnavailable, "upload: {err}");

    // A PUT is written in place by wsgidav, so what it received before it died may be there
    // (a plain write promises no more, C-2.8); the same instance removes it and goes on.
    let _server = self::server(port, dir.path());
    let partial = store
        .exists("partial.bin")
        .await
        .expect("exists after restart");
    println!("after the restart, the interrupted upload's file is there: {partial}");
    store
        .delete("partial.bin", true)
        .await
        .expect("a delete after restart");
    store
        .write("again.txt", "back", &WriteOptions::new())
        .await
        .expect("a write after restart");
    assert_eq!(store.read_text("again.txt").await.unwrap(), "back");
}
