//! One rule for a blocking `Store` in async code, whatever the backend: called from a task on
//! a runtime worker or inside `block_on`, every call answers `BlockingInAsync` and changes
//! nothing; from a plain thread, `spawn_blocking` or `block_in_place` it works. The same
//! outcome over a local folder, memory, S3 (moto) and SFTP, so code that passes in development
//! on a local folder does not fail in production on S3.
//!
//! The S3 and SFTP rows need the test servers, which the README's test command starts.

mod common;

use std::time::Duration;

use common::{env, reachable_at, unique};
use store::{ErrorKind, S3Builder, SftpBackend, Store, WriteOptions};

/// The stores the rule is checked over, each with a file `f.txt` holding `data`.
fn stores(dir: &std::path::Path) -> Vec<(&'static str, Store)> {
    let endpoint = env("STORE_TEST_S3_ENDPOINT");
    reachable_at(endpoint.trim_start_matches("http://").trim_end_matches('/'));
    let s3 = S3Builder::new()
        .endpoint(endpoint)
        .allow_http(true)
        .bucket(env("STORE_TEST_S3_BUCKET"))
        .prefix(unique())
        .region("us-east-1")
        .credentials("test", "test")
        .timeouts(Duration::from_secs(10), Duration::from_secs(1))
        .build()
        .expect("an S3 backend");
    let host = env("STORE_TEST_SFTP_HOST");
    reachable_at(&format!("{host}:{}", env("STORE_TEST_SFTP_PORT")));
    let folder = unique();
    let base = std::path::Path::new(&env("STORE_TEST_SFTP_BASE")).join(&folder);
    std::fs::create_dir_all(&base).expect("the SFTP base folder");
    let sftp = SftpBackend::builder()
        .host(host)
        .port(env("STORE_TEST_SFTP_PORT").parse().unwrap())
        .user(env("STORE_TEST_SFTP_USER"))
        .private_key_file(env("STORE_TEST_SFTP_KEY"))
        .known_hosts(env("STORE_TEST_SFTP_KNOWN_HOSTS"))
        .base_path(base.to_string_lossy().into_owned())
        .build()
        .expect("an SFTP backend");
    let stores = vec![
        ("local", Store::open_local(dir).unwrap()),
        ("memory", Store::new(store::MemoryBackend::new())),
        ("s3", Store::new(s3)),
        ("sftp", Store::new(sftp)),
    ];
    for (name, store) in &stores {
        store
            .write("f.txt", "data", &WriteOptions::new())
            .unwrap_or_else(|e| panic!("{name}: a write from a plain thread: {e}"));
    }
    stores
}

#[test]
fn a_blocking_store_gives_one_answer_in_async_code_whatever_its_backend() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for (name, store) in stores(dir.path()) {
        // A handler on a runtime worker, as in an axum server: refused, nothing written.
        let in_task = runtime.block_on({
            let store = store.clone();
            async move {
                tokio::spawn(
                    async move { store.write("g.txt", "x", &WriteOptions::new()).map(drop) },
                )
                .await
                .unwrap()
            }
        });
        let err = in_task.expect_err(name);
        assert_eq!(err.kind(), ErrorKind::BlockingInAsync, "{name}: {err}");
        assert!(err.message().contains("spawn_blocking"), "{name}: {err}");
        assert!(
            !store.exists("g.txt").unwrap(),
            "{name}: a refused write landed"
        );
        // Directly inside `block_on`: refused too, a read as much as a write.
        let inline = runtime.block_on(async { store.read_bytes("f.txt") });
        assert_eq!(
            inline.expect_err(name).kind(),
            ErrorKind::BlockingInAsync,
            "{name}"
        );
        // The ways out: spawn_blocking, block_in_place, a plain thread.
        let blocking = runtime.block_on({
            let store = store.clone();
            async move {
                tokio::task::spawn_blocking(move || store.read_text("f.txt"))
                    .await
                    .unwrap()
            }
        });
        assert_eq!(blocking.unwrap_or_else(|e| panic!("{name}: {e}")), "data");
        let in_place = runtime.block_on({
            let store = store.clone();
            async move {
                tokio::spawn(
                    async move { tokio::task::block_in_place(|| store.read_text("f.txt")) },
                )
                .await
                .unwrap()
            }
        });
        assert_eq!(in_place.unwrap_or_else(|e| panic!("{name}: {e}")), "data");
        let thread = std::thread::spawn(move || store.read_text("f.txt"));
        assert_eq!(thread.join().unwrap().unwrap(), "data", "{name}");
    }
}
