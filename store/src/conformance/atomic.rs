//! Conformance items (see docs/contract.md §8): atomic writes and cancellation (K-83 to K-88,
//! K-105, K-106).

use std::error::Error as StdError;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::{self, Either};
use futures_util::{stream, StreamExt};

use super::support::{
    check_shape, chunks_of, content_of, create, exists, expect_kind, expect_unsupported,
    failing_chunks, gates_or_unsupported, pattern_bytes, race, read_both, replace, seed,
    seed_if_possible, snapshot,
};
use super::{World, WorldKind};
use crate::{AsyncContent, Capability, Error, ErrorKind, ListOptions, Result, WriteResult};

const MIB: usize = 1024 * 1024;

/// The Display of `err` and of every source below it, joined.
fn chain_text(err: &Error) -> String {
    let mut text = err.to_string();
    let mut source = StdError::source(err);
    while let Some(s) = source {
        text.push_str(" <- ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The error of a write whose content source failed: `Other`, the caller's error kept ([C-4.5](crate::contract#C-4.5)).
#[track_caller]
fn expect_content_failure(w: &dyn World, result: Result<WriteResult>, what: &str) {
    let err = expect_kind(w, result, ErrorKind::Other);
    assert!(
        chain_text(&err).contains("content source failed on purpose"),
        "{what}: the caller's error must be kept as the source: {}",
        chain_text(&err)
    );
}

/// K-83: `write_atomic` creates, creates parents, replaces with overwrite, and is AlreadyExists
/// without it.
pub async fn k083_write_atomic_semantics(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::AtomicWrite, Capability::Read]).await {
        return;
    }
    let p = "k083/a/b/new.txt";
    let r = w
        .write_atomic(p, Bytes::from_static(b"one"), &create())
        .await
        .expect("write_atomic creating the file");
    assert_eq!(
        (r.path.as_str(), r.size),
        (p, 3),
        "WriteResult of the create"
    );
    assert_eq!(content_of(w, p).await, "one");
    for folder in ["k083", "k083/a", "k083/a/b"] {
        assert!(
            w.is_folder(folder).await.expect("is_folder"),
            "write_atomic did not create the parent {folder:?}"
        );
    }

    let again = w
        .write_atomic(p, Bytes::from_static(b"two"), &create())
        .await;
    let err = expect_kind(w, again, ErrorKind::AlreadyExists);
    check_shape(w, &err, p, "write_atomic without overwrite");
    let chunks = vec![Ok(Bytes::from_static(b"streamed"))];
    let again = w.write_atomic_chunks(p, chunks, &create()).await;
    let err = expect_kind(w, again, ErrorKind::AlreadyExists);
    check_shape(w, &err, p, "streamed write_atomic without overwrite");
    assert_eq!(
        content_of(w, p).await,
        "one",
        "AlreadyExists changed the file"
    );

    let r = w
        .write_atomic(p, Bytes::from_static(b"two!"), &replace())
        .await
        .expect("write_atomic with overwrite");
    assert_eq!(
        (r.path.as_str(), r.size),
        (p, 4),
        "WriteResult of the overwrite"
    );
    assert_eq!(content_of(w, p).await, "two!");

    let q = "k083/c/streamed.bin";
    let data = pattern_bytes(3 * MIB + 5);
    let chunks = chunks_of(&data, MIB);
    let r = w
        .write_atomic_chunks(q, chunks, &create())
        .await
        .expect("streamed write_atomic");
    assert_eq!((r.path.as_str(), r.size), (q, data.len() as u64));
    assert!(
        read_both(w, q).await == data,
        "streamed write_atomic content"
    );
    let r = w
        .write_atomic_chunks(q, vec![], &replace())
        .await
        .expect("empty streamed write_atomic over a file");
    assert_eq!(r.size, 0);
    assert!(content_of(w, q).await.is_empty(), "the empty overwrite");
    if let Some(all) = snapshot(w).await {
        assert_eq!(all, [p, q], "only the targets exist: no temp artefacts");
    }
}

/// K-84: content failing after 256 KiB fails the call; no target, no artefact.
pub async fn k084_failed_atomic_write_leaves_nothing(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::AtomicWrite]).await {
        return;
    }
    seed_if_possible(w, &[("k084/neighbour.txt", "n")]).await;
    let before = snapshot(w).await;
    for (p, opts) in [
        ("k084/target.bin", create()),
        ("k084/sub/deeper/target.bin", create()),
        ("k084/overwriting.bin", replace()),
    ] {
        let chunks = failing_chunks(256 * 1024, 64 * 1024);
        let result = w.write_atomic_chunks(p, chunks, &opts).await;
        expect_content_failure(w, result, "write_atomic with failing content");
        assert!(
            !exists(w, p).await,
            "{p:?} exists after a failed write_atomic"
        );
        assert!(
            !w.is_file(p).await.expect("is_file"),
            "{p:?} is a file after a failed write_atomic"
        );
        assert_eq!(
            snapshot(w).await,
            before,
            "{p:?}: the failed write left artefacts"
        );
    }
    // A failure in the very first chunk too.
    let result = w
        .write_atomic_chunks("k084/first.bin", failing_chunks(0, 1), &create())
        .await;
    expect_content_failure(w, result, "write_atomic failing at once");
    assert!(
        !exists(w, "k084/first.bin").await,
        "target after a failure at once"
    );
    assert_eq!(
        snapshot(w).await,
        before,
        "the failure at once left artefacts"
    );
}

/// K-85: the same failure with overwrite over an existing file leaves the old content intact.
pub async fn k085_failed_atomic_overwrite_keeps_old(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::AtomicWrite, Capability::Read]).await {
        return;
    }
    let p = "k085/target.bin";
    let old = pattern_bytes(100_000).slice(7..);
    w.write_atomic(p, old.clone(), &create())
        .await
        .expect("write the old content");
    let before = snapshot(w).await;
    for total in [256 * 1024, 0, 50_000] {
        let chunks = failing_chunks(total, 64 * 1024);
        let result = w.write_atomic_chunks(p, chunks, &replace()).await;
        expect_content_failure(w, result, "overwriting write_atomic with failing content");
        let got = read_both(w, p).await;
        assert!(
            got == old,
            "after a failure at {total} bytes, {p:?} holds {} bytes instead of the old {}",
            got.len(),
            old.len()
        );
        assert_eq!(
            snapshot(w).await,
            before,
            "the failed overwrite left artefacts"
        );
    }
}

/// K-86: `open_atomic`: commit creates; drop and abort leave nothing; overwrite replaces; an
/// existing target is AlreadyExists at open (and at commit when it appeared meanwhile).
pub async fn k086_open_atomic(w: &dyn World) {
    if !w.capabilities().supports(Capability::AtomicWrite) {
        let opened = w.open_atomic("k086/x.txt", &create()).await.map(|_| ());
        expect_unsupported(w, opened, Capability::AtomicWrite);
        assert!(
            !exists(w, "k086/x.txt").await,
            "a refused open_atomic left a file"
        );
        return;
    }
    let can_read = w.capabilities().supports(Capability::Read);
    let p = "k086/a/new.txt";
    let before = snapshot(w).await;

    let mut writer = w.open_atomic(p, &create()).await.expect("open_atomic");
    writer.write_all(b"hello ").await.expect("write");
    writer.write_all(b"world").await.expect("write");
    writer.flush().await.expect("flush");
    assert!(
        !w.is_file(p).await.expect("is_file"),
        "visible before commit"
    );
    let r = writer.commit().await.expect("commit");
    assert_eq!((r.path.as_str(), r.size), (p, 11), "WriteResult of commit");
    if can_read {
        assert_eq!(content_of(w, p).await, "hello world");
    }
    let after_commit = snapshot(w).await;
    if let (Some(before), Some(after)) = (&before, &after_commit) {
        let mut expected = before.clone();
        expected.push(p.to_owned());
        expected.sort();
        assert_eq!(after, &expected, "commit left a temp behind");
    }

    for (q, abort) in [("k086/dropped.txt", false), ("k086/b/aborted.txt", true)] {
        let mut writer = w.open_atomic(q, &create()).await.expect("open_atomic");
        writer.write_all(&[7u8; 100_000]).await.expect("write");
        if abort {
            writer.abort().await.expect("abort");
        } else {
            drop(writer);
        }
        assert!(!exists(w, q).await, "{q:?} exists after abort={abort}");
        assert_eq!(snapshot(w).await, after_commit, "abort={abort} left a temp");
    }
    let mut dropped_over = w.open_atomic(p, &replace()).await.expect("open_atomic");
    dropped_over.write_all(b"never").await.expect("write");
    drop(dropped_over);
    if can_read {
        assert_eq!(content_of(w, p).await, "hello world", "a dropped overwrite");
    }

    let opened = w.open_atomic(p, &create()).await;
    let err = expect_kind(w, opened.map(|_| ()), ErrorKind::AlreadyExists);
    check_shape(w, &err, p, "open_atomic of an existing target");

    let mut writer = w
        .open_atomic(p, &replace())
        .await
        .expect("open_atomic, overwrite");
    writer.write_all(b"replaced").await.expect("write");
    if can_read {
        assert_eq!(
            content_of(w, p).await,
            "hello world",
            "visible before commit"
        );
    }
    let r = writer.commit().await.expect("commit of the overwrite");
    assert_eq!((r.path.as_str(), r.size), (p, 8));
    if can_read {
        assert_eq!(content_of(w, p).await, "replaced");
    }

    let race = "k086/race.txt";
    let mut writer = w.open_atomic(race, &create()).await.expect("open_atomic");
    writer.write_all(b"loser").await.expect("write");
    if w.capabilities().supports(Capability::Write) {
        seed(w, &[(race, "winner")]).await;
        let err = expect_kind(w, writer.commit().await, ErrorKind::AlreadyExists);
        check_shape(w, &err, race, "commit after the target appeared");
        if can_read {
            assert_eq!(content_of(w, race).await, "winner", "the losing commit");
        }
        if let Some(mut expected) = after_commit {
            expected.push(race.to_owned());
            expected.sort();
            assert_eq!(
                snapshot(w).await,
                Some(expected),
                "the losing commit left a temp"
            );
        }
    } else {
        writer.abort().await.expect("abort");
    }
}

/// K-87: a reader looping during repeated 8 MiB `write_atomic`s only sees whole files.
pub async fn k087_atomic_readers_see_whole_files(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::AtomicWrite, Capability::Read]).await {
        return;
    }
    let p = "k087/big.bin";
    let a = Bytes::from(vec![0xAAu8; 8 * MIB]);
    let b = Bytes::from(vec![0x55u8; 8 * MIB]);
    w.write_atomic(p, a.clone(), &create())
        .await
        .expect("the first write_atomic");
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));

    // Returns the number of reads, or what the first bad read saw.
    let check = {
        let (a, b) = (a.clone(), b.clone());
        move |got: Result<Bytes>| -> std::result::Result<(), String> {
            match got {
                Ok(d) if d == a || d == b => Ok(()),
                Ok(d) => Err(format!(
                    "a torn read: {} bytes, first {:?}, last {:?}",
                    d.len(),
                    d.first(),
                    d.last()
                )),
                Err(e) => Err(format!("a read failed: {e}")),
            }
        }
    };
    enum Reader {
        Thread(std::thread::JoinHandle<std::result::Result<usize, String>>),
        Task(tokio::task::JoinHandle<std::result::Result<usize, String>>),
    }
    impl Reader {
        fn is_finished(&self) -> bool {
            match self {
                Reader::Thread(h) => h.is_finished(),
                Reader::Task(h) => h.is_finished(),
            }
        }
    }
    let reader = match w.kind() {
        WorldKind::Sync => {
            let store = w.sync_store().expect("sync world").clone();
            let (stop, reads) = (Arc::clone(&stop), Arc::clone(&reads));
            Reader::Thread(std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    check(store.read_bytes(p))?;
                    reads.fetch_add(1, Ordering::SeqCst);
                }
                Ok(reads.load(Ordering::SeqCst))
            }))
        }
        WorldKind::Async => {
            let store = w.async_store().expect("async world").clone();
            let (stop, reads) = (Arc::clone(&stop), Arc::clone(&reads));
            Reader::Task(tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    check(store.read_bytes(p).await)?;
                    reads.fetch_add(1, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                }
                Ok(reads.load(Ordering::SeqCst))
            }))
        }
    };
    for round in 0..6 {
        // Let the reader get going between writes (it runs on another thread either way).
        let seen = reads.load(Ordering::SeqCst);
        for _ in 0..2000 {
            if reads.load(Ordering::SeqCst) > seen || reader.is_finished() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let data = if round % 2 == 0 { &b } else { &a };
        let r = w
            .write_atomic(p, data.clone(), &replace())
            .await
            .unwrap_or_else(|e| panic!("write_atomic #{round} failed: {e}"));
        assert_eq!(r.size, data.len() as u64, "WriteResult.size of #{round}");
    }
    stop.store(true, Ordering::SeqCst);
    let outcome = match reader {
        Reader::Thread(h) => h.join().expect("the reader thread panicked"),
        Reader::Task(h) => h.await.expect("the reader task panicked"),
    };
    match outcome {
        Ok(reads) => assert!(reads > 0, "the reader never read"),
        Err(e) => panic!("the reader saw a partial file: {e}"),
    }
    assert!(content_of(w, p).await == a, "the last write must win");
    if let Some(all) = snapshot(w).await {
        assert_eq!(all, [p], "temp artefacts left behind");
    }
}

/// K-88: of 8 concurrent `write` calls with overwrite off on one new key, exactly one succeeds.
pub async fn k088_concurrent_create_one_wins(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write]).await {
        return;
    }
    const WRITERS: usize = 8;
    for round in 0..4 {
        let key = format!("k088/round-{round}/one.txt");
        let results = race(w, &key, WRITERS, create(), "write").await;
        let winners: Vec<usize> = (0..WRITERS).filter(|&i| results[i].is_ok()).collect();
        assert_eq!(
            winners.len(),
            1,
            "round {round}: winners {winners:?}: {results:?}"
        );
        let winner = winners[0];
        for (i, result) in results.into_iter().enumerate() {
            if i == winner {
                let r = result.expect("the winner");
                assert_eq!(r.path.as_str(), key, "the winner's WriteResult.path");
                assert_eq!(r.size, 8, "the winner's WriteResult.size");
            } else {
                let err = expect_kind(w, result, ErrorKind::AlreadyExists);
                check_shape(w, &err, &key, "a losing creator");
            }
        }
        if w.capabilities().supports(Capability::Read) {
            let got = content_of(w, &key).await;
            assert_eq!(
                got,
                format!("writer-{winner}"),
                "round {round}: the stored content"
            );
        }
    }
}

/// Lets other tasks and the blocking pool make progress for a while, without a timer.
async fn settle() {
    tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(5)))
        .await
        .expect("the settle task");
}

/// K-105: a `write_atomic` future dropped mid-upload leaves the target absent or complete.
pub async fn k105_cancelled_write_atomic(w: &dyn World) {
    let store = w.async_store().expect("K-105 runs in the async world");
    if !gates_or_unsupported(w, &[Capability::AtomicWrite, Capability::Read]).await {
        return;
    }
    let old = Bytes::from_static(b"the old, complete content");
    let before_old = "k105/existing.bin";
    store
        .write_atomic(before_old, old.clone(), &create())
        .await
        .expect("seed the old file");
    let before = snapshot(w).await;
    for (p, opts) in [("k105/new.bin", create()), (before_old, replace())] {
        const CHUNKS: usize = 5;
        let delivered = Arc::new(AtomicUsize::new(0));
        // The content stalls after CHUNKS chunks until `release` is dropped, then fails: it
        // never completes, so the only allowed outcomes are "absent" and "old".
        let (release, stalled) = tokio::sync::oneshot::channel::<()>();
        let counter = Arc::clone(&delivered);
        let content = stream::iter((0..CHUNKS).map(|_| Ok(Bytes::from(vec![0x42u8; 64 * 1024]))))
            .inspect(move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
            })
            .chain(stream::once(async move {
                let _ = stalled.await;
                Err(io::Error::other("the stalled content was released"))
            }));
        let mut write = Box::pin(store.write_atomic(p, AsyncContent::stream(content), &opts));
        for _ in 0..400 {
            match future::select(write, Box::pin(settle())).await {
                Either::Left((result, _)) => {
                    panic!("{p:?}: write_atomic finished although its content stalled: {result:?}")
                }
                Either::Right(((), pending)) => write = pending,
            }
            if delivered.load(Ordering::SeqCst) == CHUNKS {
                break;
            }
        }
        drop(write);
        for _ in 0..4 {
            settle().await;
        }
        let overwrite = opts.overwrite;
        let check = |stage: &str, got: Option<Bytes>| match (overwrite, got) {
            (false, None) => {}
            (true, Some(d)) if d == old => {}
            (_, got) => panic!(
                "{p:?} {stage}: expected {}, found {:?}",
                if overwrite {
                    "the old content"
                } else {
                    "no file"
                },
                got.map(|d| d.len())
            ),
        };
        let got = match store.read_bytes(p).await {
            Ok(d) => Some(d),
            Err(e) if e.kind() == ErrorKind::NotFound => None,
            Err(e) => panic!("{p:?}: read after the cancel failed: {e}"),
        };
        check("after the cancel", got);
        // Let a blocking upload that still holds the content see it fail, then look again.
        drop(release);
        for _ in 0..20 {
            settle().await;
        }
        let got = match store.read_bytes(p).await {
            Ok(d) => Some(d),
            Err(e) if e.kind() == ErrorKind::NotFound => None,
            Err(e) => panic!("{p:?}: read after the release failed: {e}"),
        };
        check("after the release", got);
    }
    if before.is_some() {
        // Temp cleanup after a cancel is best-effort (C-7.5); give it a moment, then only the
        // old file may remain.
        let mut now = snapshot(w).await;
        for _ in 0..100 {
            if now == before {
                break;
            }
            settle().await;
            now = snapshot(w).await;
        }
        assert_eq!(now, before, "the cancelled writes left artefacts");
    }
}

fn send_static<T: Send + 'static>(value: T) -> T {
    value
}

/// K-106: `AsyncStore` futures and streams are `Send + 'static`: they can be `tokio::spawn`ed.
pub async fn k106_futures_are_send_static(w: &dyn World) {
    let store = w
        .async_store()
        .expect("K-106 runs in the async world")
        .clone();
    let caps = w.capabilities();
    let owned = store.clone();
    let written = tokio::spawn(async move {
        owned
            .write("k106/dir/a.txt", "hello from a task", &create())
            .await
    })
    .await
    .expect("the write task panicked");
    if !caps.supports(Capability::Write) {
        expect_unsupported(w, written, Capability::Write);
        return;
    }
    let written = written.expect("write from a task");
    assert_eq!(written.size, 17);

    let owned = store.clone();
    let read = tokio::spawn(async move { owned.read_bytes("k106/dir/a.txt").await })
        .await
        .expect("the read task panicked");
    let owned = store.clone();
    let exists = tokio::spawn(async move { owned.exists("k106/dir").await })
        .await
        .expect("the exists task panicked");
    assert!(exists.expect("exists from a task"), "exists from a task");
    if caps.supports(Capability::Read) {
        assert_eq!(read.expect("read_bytes from a task"), "hello from a task");
        let stream = send_static(store.read("k106/dir/a.txt").await.expect("read"));
        let chunks = tokio::spawn(stream.collect::<Vec<_>>())
            .await
            .expect("the stream task panicked");
        let mut all = Vec::new();
        for chunk in chunks {
            all.extend_from_slice(&chunk.expect("a chunk"));
        }
        assert_eq!(all, b"hello from a task", "the stream drained in a task");
        let owned = store.clone();
        let drained = tokio::spawn(async move {
            let mut s = owned.read("k106/dir/a.txt").await?;
            let mut n = 0;
            while let Some(chunk) = s.next().await {
                n += chunk?.len();
            }
            Ok::<usize, Error>(n)
        })
        .await
        .expect("the read task panicked");
        assert_eq!(drained.expect("read in a task"), 17);
    } else {
        expect_unsupported(w, read, Capability::Read);
    }
    let listing = store.list_files("k106/dir", &ListOptions::new()).await;
    if caps.supports(Capability::List) {
        let listing = send_static(listing.expect("list_files"));
        let files = tokio::spawn(listing.collect::<Vec<_>>())
            .await
            .expect("the listing task panicked");
        let names: Vec<String> = files
            .into_iter()
            .map(|f| f.expect("a listed file").path.as_str().to_owned())
            .collect();
        assert_eq!(names, ["k106/dir/a.txt"], "the listing drained in a task");
        let owned = store.clone();
        let folders = tokio::spawn(async move {
            let s = owned.list_folders("k106", &ListOptions::new()).await?;
            s.map(|f| f.map(|f| f.path.as_str().to_owned()))
                .collect::<Vec<_>>()
                .await
                .into_iter()
                .collect::<Result<Vec<String>>>()
        })
        .await
        .expect("the listing task panicked");
        assert_eq!(folders.expect("list_folders in a task"), ["k106/dir"]);
    } else {
        expect_unsupported(w, listing.map(|_| ()), Capability::List);
    }
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_atomic;
    all [
        k083_write_atomic_semantics,
        k084_failed_atomic_write_leaves_nothing,
        k085_failed_atomic_overwrite_keeps_old,
        k086_open_atomic,
        k087_atomic_readers_see_whole_files,
        k088_concurrent_create_one_wins,
    ]
    async_world [
        k105_cancelled_write_atomic,
        k106_futures_are_send_static,
    ]
}
