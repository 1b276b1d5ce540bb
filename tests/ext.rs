//! `store::ext` over real backends in both worlds: tree copy and sync across pairs of backends
//! (memory, local, S3 on moto, SFTP on sshd), transfers cut mid-stream or cancelled that leave
//! nothing, corruption found by checksum and verify, dry runs that change nothing, held-back
//! deletions, batches stopped by a capability, and the local side of upload and download.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use common::{env, reachable_at, unique};
use futures_util::TryStreamExt;
use store::ext::TransferOptions;
use store::ext::{self, blocking, Action, Algorithm, Compare, Progress, Reason, SyncOptions};
use store::layers::{Faults, ReadOnly};
use store::{
    AsyncStore, BoxFuture, Call, Capabilities, Capability, ErrorKind, Layer, LocalBackend,
    MemoryBackend, Store, WriteOptions,
};

/// The tree every copy starts from: small files, an empty one, one of 3 MiB, three levels.
fn tree() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = (0..12)
        .map(|i| {
            (
                format!("d{}/f{i}.txt", i % 3),
                format!("file {i}").into_bytes(),
            )
        })
        .collect();
    files.push(("empty".into(), Vec::new()));
    files.push((
        "deep/a/b/big.bin".into(),
        (0..3 << 20).map(|i| (i % 251) as u8).collect(),
    ));
    files
}

async fn seed(store: &AsyncStore, folder: &str) {
    for (path, data) in tree() {
        store
            .write(
                format!("{folder}/{path}"),
                data,
                &WriteOptions::new().overwrite(true),
            )
            .await
            .unwrap();
    }
}

async fn contents(store: &AsyncStore, folder: &str) -> Vec<(String, Vec<u8>)> {
    let files: Vec<_> = store
        .list_files(folder, &store::ListOptions::new().recursive(true))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let mut out = Vec::new();
    for f in files {
        let rel = f.path.as_str()[folder.len() + 1..].to_owned();
        out.push((
            rel,
            store.read_bytes(f.path.as_str()).await.unwrap().to_vec(),
        ));
    }
    out.sort();
    out
}

fn local() -> (tempfile::TempDir, AsyncStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = AsyncStore::new(LocalBackend::new(dir.path()));
    (dir, store)
}

/// A fresh S3 location on moto: its URL and options.
fn s3_url() -> (String, Vec<(&'static str, String)>) {
    let endpoint = env("STORE_TEST_S3_ENDPOINT");
    reachable_at(endpoint.trim_start_matches("http://"));
    let url = format!("s3://{}/{}", env("STORE_TEST_S3_BUCKET"), unique());
    let options = vec![
        ("endpoint", endpoint),
        ("allow_http", "true".into()),
        ("region", "us-east-1".into()),
        ("access_key_id", "test".into()),
        ("secret_access_key", "test".into()),
    ];
    (url, options)
}

/// A fresh SFTP base folder on sshd: its URL and options.
fn sftp_url() -> (String, Vec<(&'static str, String)>) {
    let (host, port) = (env("STORE_TEST_SFTP_HOST"), env("STORE_TEST_SFTP_PORT"));
    reachable_at(&format!("{host}:{port}"));
    let base = format!("{}/{}", env("STORE_TEST_SFTP_BASE"), unique());
    let url = format!("sftp://{}@{host}:{port}{base}", env("STORE_TEST_SFTP_USER"));
    let options = vec![
        ("private_key_file", env("STORE_TEST_SFTP_KEY")),
        ("known_hosts", env("STORE_TEST_SFTP_KNOWN_HOSTS")),
        ("create_base_path", "true".into()),
    ];
    (url, options)
}

fn s3() -> AsyncStore {
    let (url, options) = s3_url();
    AsyncStore::from_url(&url, options).expect("an S3 store")
}

fn sftp() -> AsyncStore {
    let (url, options) = sftp_url();
    AsyncStore::from_url(&url, options).expect("an SFTP store")
}

/// Copy, rerun, change, sync with an extra, over one pair of stores.
async fn round_trip(name: &str, src: &AsyncStore, dst: &AsyncStore) {
    seed(src, "src").await;
    let options = SyncOptions::new();
    let report = ext::copy_tree(src, "src", dst, "dst", &options)
        .await
        .unwrap();
    assert!(report.is_ok(), "{name}: {:?}", report.errors);
    assert_eq!(report.count(Action::Copy), tree().len(), "{name}");
    assert_eq!(
        contents(dst, "dst").await,
        contents(src, "src").await,
        "{name}"
    );

    let again = ext::copy_tree(src, "src", dst, "dst", &options)
        .await
        .unwrap();
    assert_eq!(
        again.count(Action::Skip),
        tree().len(),
        "{name}: the rerun copies nothing"
    );
    assert_eq!(again.bytes, 0, "{name}");

    // One file grows, one appears at the destination only.
    let opts = WriteOptions::new().overwrite(true);
    src.write("src/d0/f0.txt", "changed, longer", &opts)
        .await
        .unwrap();
    dst.write("dst/extra.txt", "only here", &opts)
        .await
        .unwrap();
    let plan = ext::sync(src, "src", dst, "dst", &options.clone().dry_run(true))
        .await
        .unwrap();
    let changed: Vec<_> = plan
        .plan
        .iter()
        .filter(|p| p.action != Action::Skip)
        .collect();
    assert_eq!(changed.len(), 2, "{name}: {changed:?}");
    assert_eq!(
        (changed[0].path.as_str(), changed[0].reason),
        ("d0/f0.txt", Reason::SizeDiffers)
    );
    assert_eq!(
        (changed[1].path.as_str(), changed[1].action),
        ("extra.txt", Action::Delete)
    );
    assert!(
        dst.exists("dst/extra.txt").await.unwrap(),
        "{name}: the dry run deleted"
    );

    let synced = ext::sync(src, "src", dst, "dst", &options).await.unwrap();
    assert!(synced.is_ok(), "{name}: {:?}", synced.errors);
    assert_eq!(
        (synced.count(Action::Update), synced.count(Action::Delete)),
        (1, 1)
    );
    assert_eq!(
        contents(dst, "dst").await,
        contents(src, "src").await,
        "{name}"
    );
}

#[tokio::test]
async fn tree_copy_and_sync_between_local_and_memory() {
    let (_dir, disk) = local();
    round_trip(
        "memory → local",
        &AsyncStore::new(MemoryBackend::new()),
        &disk,
    )
    .await;
    let (_dir, disk) = local();
    round_trip(
        "local → memory",
        &disk,
        &AsyncStore::new(MemoryBackend::new()),
    )
    .await;
}

#[tokio::test]
async fn tree_copy_and_sync_to_and_from_s3() {
    let (_dir, disk) = local();
    round_trip("local → S3", &disk, &s3()).await;
    round_trip("S3 → memory", &s3(), &AsyncStore::new(MemoryBackend::new())).await;
}

#[tokio::test]
async fn tree_copy_and_sync_to_and_from_sftp() {
    let (_dir, disk) = local();
    round_trip("local → SFTP", &disk, &sftp()).await;
    round_trip("SFTP → S3", &sftp(), &s3()).await;
}

#[test]
fn the_blocking_twins_copy_and_sync_too() {
    let dir = tempfile::tempdir().unwrap();
    let src = Store::new(MemoryBackend::new());
    let dst = Store::new(LocalBackend::new(dir.path()));
    for (path, data) in tree() {
        src.write(format!("src/{path}"), data, &WriteOptions::new())
            .unwrap();
    }
    let report = blocking::copy_tree(&src, "src", &dst, "", &SyncOptions::new()).unwrap();
    assert_eq!(report.count(Action::Copy), tree().len());
    assert_eq!(dst.read_bytes("deep/a/b/big.bin").unwrap().len(), 3 << 20);
    dst.write("extra", "x", &WriteOptions::new()).unwrap();
    let synced = blocking::sync(&src, "src", &dst, "", &SyncOptions::new()).unwrap();
    assert_eq!(synced.count(Action::Delete), 1);
    assert!(!dst.exists("extra").unwrap());
    // Two stores over one backend copy server-side.
    let same = src.child("src").unwrap();
    let done = blocking::transfer(&same, "empty", &src, "copy/empty", &TransferOptions::new());
    assert!(done.unwrap().server_side);
}

#[test]
fn the_blocking_twins_sync_from_s3_to_sftp() {
    let ((s3, s3_options), (sftp, sftp_options)) = (s3_url(), sftp_url());
    let src = Store::from_url(&s3, s3_options).expect("an S3 store");
    let dst = Store::from_url(&sftp, sftp_options).expect("an SFTP store");
    for (path, data) in tree() {
        src.write(format!("t/{path}"), data, &WriteOptions::new())
            .unwrap();
    }
    let options = SyncOptions::new().transfer(TransferOptions::new().verify(true));
    let report = blocking::sync(&src, "t", &dst, "t", &options).unwrap();
    assert!(report.is_ok(), "{:?}", report.errors);
    assert_eq!(report.count(Action::Copy), tree().len());
    let again = blocking::sync(&src, "t", &dst, "t", &options).unwrap();
    assert_eq!(again.count(Action::Skip), tree().len());
    assert_eq!(dst.read_bytes("t/deep/a/b/big.bin").unwrap().len(), 3 << 20);
}

#[tokio::test]
async fn the_blocking_twins_refuse_async_code() {
    let store = Store::new(MemoryBackend::new());
    let err = blocking::copy_tree(&store, "", &store, "x", &SyncOptions::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BlockingInAsync);
}

/// Temps and partial files: every name in the folder on disk, recursively.
fn on_disk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            out.extend(
                on_disk(&entry.path())
                    .into_iter()
                    .map(|n| format!("{name}/{n}")),
            );
        } else {
            out.push(name);
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn a_transfer_cut_mid_stream_leaves_nothing_and_the_rerun_completes() {
    let src = AsyncStore::new(MemoryBackend::new());
    seed(&src, "src").await;
    let cut = src.clone().layer(Faults::new(7).cut_streams_after(1 << 20));
    let (dir, dst) = local();
    let report = ext::copy_tree(&cut, "src", &dst, "dst", &SyncOptions::new())
        .await
        .unwrap();
    assert_eq!(
        report.errors.len(),
        1,
        "only the 3 MiB file is cut: {:?}",
        report.errors
    );
    assert_eq!(report.errors[0].0, "deep/a/b/big.bin");
    assert!(
        !on_disk(dir.path())
            .iter()
            .any(|n| n.contains("big.bin") || n.contains(".~tmp")),
        "a cut transfer left {:?}",
        on_disk(dir.path())
    );
    let rerun = ext::copy_tree(&src, "src", &dst, "dst", &SyncOptions::new())
        .await
        .unwrap();
    assert!(rerun.is_ok());
    assert_eq!(
        rerun.count(Action::Copy),
        1,
        "the rerun copies what was cut, only"
    );
    assert_eq!(contents(&dst, "dst").await, contents(&src, "src").await);
}

/// Cancels through the flag at the first chunk.
struct CancelAtFirstChunk(Arc<AtomicBool>);

impl Progress for CancelAtFirstChunk {
    fn advance(&self, _path: &str, _bytes: u64) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_cancelled_transfer_leaves_no_partial_destination() {
    let src = AsyncStore::new(MemoryBackend::new());
    src.write("big", vec![1u8; 4 << 20], &WriteOptions::new())
        .await
        .unwrap();
    let (dir, dst) = local();
    let flag = Arc::new(AtomicBool::new(false));
    let options = TransferOptions::new()
        .cancel(Arc::clone(&flag))
        .progress(Arc::new(CancelAtFirstChunk(Arc::clone(&flag))));
    let err = ext::transfer(&src, "big", &dst, "big", &options)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert!(
        on_disk(dir.path()).is_empty(),
        "left {:?}",
        on_disk(dir.path())
    );
}

#[tokio::test]
async fn checksum_and_verify_find_a_corrupted_destination() {
    let src = AsyncStore::new(MemoryBackend::new());
    seed(&src, "src").await;
    let dst = AsyncStore::new(MemoryBackend::new());
    ext::copy_tree(&src, "src", &dst, "dst", &SyncOptions::new())
        .await
        .unwrap();
    // Same size, later time, other bytes: size and time cannot see it.
    dst.write(
        "dst/d1/f1.txt",
        "FILE 1",
        &WriteOptions::new().overwrite(true),
    )
    .await
    .unwrap();
    let dry = SyncOptions::new().dry_run(true);
    let by_time = ext::copy_tree(&src, "src", &dst, "dst", &dry)
        .await
        .unwrap();
    assert_eq!(by_time.count(Action::Update), 0);
    let by_sum = SyncOptions::new()
        .compare(Compare::Checksum(Algorithm::Sha256))
        .dry_run(true);
    let plan = ext::copy_tree(&src, "src", &dst, "dst", &by_sum)
        .await
        .unwrap();
    let updates: Vec<_> = plan
        .plan
        .iter()
        .filter(|p| p.action == Action::Update)
        .collect();
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(
        (updates[0].path.as_str(), updates[0].reason),
        ("d1/f1.txt", Reason::ChecksumDiffers)
    );

    let expected = ext::checksum(&src, "src/d1/f1.txt", Algorithm::Sha256)
        .await
        .unwrap();
    let err = ext::verify(&dst, "dst/d1/f1.txt", &expected)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    ext::verify(&src, "src/d1/f1.txt", &expected).await.unwrap();
}

/// Counts the calls that change something, in either world.
#[derive(Clone, Default)]
struct CountWrites(Arc<AtomicUsize>);

impl Layer for CountWrites {
    fn around<'a, T, N>(&'a self, call: Call<'a>, mut next: N) -> BoxFuture<'a, store::Result<T>>
    where
        T: Send + 'a,
        N: FnMut() -> Option<BoxFuture<'a, store::Result<T>>> + Send + 'a,
    {
        if call.operation().mutates {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        next().unwrap_or_else(|| store::refused(store::Error::other("no attempt")))
    }

    fn around_blocking<T, N>(&self, call: Call<'_>, mut next: N) -> store::Result<T>
    where
        N: FnMut() -> Option<store::Result<T>>,
    {
        if call.operation().mutates {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        next().unwrap_or_else(|| Err(store::Error::other("no attempt")))
    }
}

#[tokio::test]
async fn a_dry_run_makes_no_call_that_changes_anything() {
    let src = AsyncStore::new(MemoryBackend::new());
    seed(&src, "src").await;
    let writes = CountWrites::default();
    let dst = AsyncStore::new(MemoryBackend::new()).layer(writes.clone());
    dst.write("dst/extra", "x", &WriteOptions::new())
        .await
        .unwrap();
    let before = writes.0.load(Ordering::SeqCst);
    let plan = ext::sync(&src, "src", &dst, "dst", &SyncOptions::new().dry_run(true))
        .await
        .unwrap();
    assert_eq!(plan.count(Action::Copy), tree().len());
    assert_eq!(plan.count(Action::Delete), 1);
    assert_eq!(writes.0.load(Ordering::SeqCst), before, "a dry run wrote");
    // A read-only destination plans too.
    let read_only = dst.clone().layer(ReadOnly);
    ext::sync(
        &src,
        "src",
        &read_only,
        "dst",
        &SyncOptions::new().dry_run(true),
    )
    .await
    .unwrap();
    let err = ext::sync(&src, "src", &read_only, "dst", &SyncOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err}");
}

#[tokio::test]
async fn sync_keeps_the_extras_when_a_transfer_failed() {
    let src = AsyncStore::new(MemoryBackend::new());
    seed(&src, "src").await;
    let cut = src.clone().layer(Faults::new(1).cut_streams_after(1 << 20));
    let dst = AsyncStore::new(MemoryBackend::new());
    dst.write("dst/extra", "x", &WriteOptions::new())
        .await
        .unwrap();
    let report = ext::sync(&cut, "src", &dst, "dst", &SyncOptions::new())
        .await
        .unwrap();
    assert!(!report.is_ok() && report.deletions_held_back);
    assert!(
        dst.exists("dst/extra").await.unwrap(),
        "an extra went despite a failure"
    );
}

#[tokio::test]
async fn a_missing_source_folder_is_not_found_and_deletes_nothing() {
    let src = AsyncStore::new(MemoryBackend::new());
    let dst = AsyncStore::new(MemoryBackend::new());
    dst.write("dst/keep", "x", &WriteOptions::new())
        .await
        .unwrap();
    let err = ext::sync(&src, "typo", &dst, "dst", &SyncOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(dst.exists("dst/keep").await.unwrap());
}

#[tokio::test]
async fn a_batch_stops_at_a_missing_capability_before_any_call() {
    let store = AsyncStore::new(MemoryBackend::new());
    store.write("a", "x", &WriteOptions::new()).await.unwrap();
    let read_only = store.clone().layer(ReadOnly);
    let err = ext::delete_many(&read_only, ["a", "b"], true, 4)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported(Capability::Delete));
    assert!(store.exists("a").await.unwrap());
    let results = ext::delete_many(&store, ["a", "b", "c"], false, 2)
        .await
        .unwrap();
    let kinds: Vec<_> = results
        .iter()
        .map(|r| r.as_ref().err().map(|e| e.kind()))
        .collect();
    assert_eq!(
        kinds,
        [None, Some(ErrorKind::NotFound), Some(ErrorKind::NotFound)]
    );
}

/// Takes Glob away, so `glob_files` falls back to a listing.
struct NoGlob;

impl Layer for NoGlob {
    fn capabilities(&self, inner: Capabilities) -> Capabilities {
        inner.without(Capability::Glob)
    }
}

#[tokio::test]
async fn glob_files_falls_back_to_a_listing_with_the_same_answers() {
    let store = AsyncStore::new(MemoryBackend::new());
    seed(&store, "t").await;
    let without = store.clone().layer(NoGlob);
    assert!(store.supports(Capability::Glob) && !without.supports(Capability::Glob));
    for pattern in [
        "t/**/*.txt",
        "t/d?/f1*.txt",
        "t/*",
        "**/big.bin",
        "t/deep/*/b/*",
    ] {
        let paths = |files: Vec<store::FileInfo>| {
            let mut p: Vec<String> = files.into_iter().map(|f| f.path.to_string()).collect();
            p.sort();
            p
        };
        let native = paths(
            ext::glob_files(&store, pattern)
                .await
                .unwrap()
                .try_collect()
                .await
                .unwrap(),
        );
        let listed = paths(
            ext::glob_files(&without, pattern)
                .await
                .unwrap()
                .try_collect()
                .await
                .unwrap(),
        );
        assert_eq!(native, listed, "{pattern}");
        assert!(!native.is_empty(), "{pattern}");
    }
}

#[tokio::test]
async fn upload_and_download_check_the_local_side_first() {
    let store = AsyncStore::new(MemoryBackend::new());
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.txt");
    let err = ext::upload(&store, &missing, "a", &TransferOptions::new())
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.backend()),
        (ErrorKind::NotFound, Some(ext::LOCAL_FS))
    );

    store
        .write("a.txt", "remote", &WriteOptions::new())
        .await
        .unwrap();
    let target = dir.path().join("a.txt");
    std::fs::write(&target, "local").unwrap();
    let err = ext::download(&store, "a.txt", &target, &TransferOptions::new())
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.backend()),
        (ErrorKind::AlreadyExists, Some(ext::LOCAL_FS))
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "local");

    // A failed download (a missing remote file) leaves no temp beside the target.
    let err = ext::download(
        &store,
        "nope",
        dir.path().join("b"),
        &TransferOptions::new(),
    )
    .await;
    assert_eq!(err.unwrap_err().kind(), ErrorKind::NotFound);
    let options = TransferOptions::new()
        .overwrite(true)
        .checksum(Algorithm::Md5)
        .verify(true);
    let done = ext::download(&store, "a.txt", &target, &options)
        .await
        .unwrap();
    assert_eq!(done.digest.unwrap(), Algorithm::Md5.digest(b"remote"));
    assert_eq!(on_disk(dir.path()), ["a.txt"]);

    let up = ext::upload(&store, &target, "back.txt", &options)
        .await
        .unwrap();
    assert_eq!(up.bytes, 6);
    let written = up.written.expect("a write result");
    assert_eq!(
        written.digest,
        Some(Algorithm::Md5.digest(b"remote")),
        "the client's digest"
    );
    assert_eq!(store.read_text("back.txt").await.unwrap(), "remote");
}
