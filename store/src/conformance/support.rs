//! Small helpers the conformance items share: each lives here once, so that every item file
//! probes, seeds and checks errors the same way.

use std::fmt::Debug;
use std::io;
use std::sync::Arc;

use bytes::Bytes;

use super::{CallArgs, World, WorldKind};
use crate::{
    Capability, Error, ErrorKind, ListOptions, PathRole, Result, UserMetadata, WriteOptions,
    WriteResult,
};

/// Write options without overwrite.
pub fn create() -> WriteOptions {
    WriteOptions::new()
}

/// Write options with overwrite.
pub fn replace() -> WriteOptions {
    WriteOptions::new().overwrite(true)
}

/// Writes each `(path, content)` pair, panicking on failure.
pub async fn seed(world: &dyn World, files: &[(&str, &str)]) {
    for (path, content) in files {
        world
            .write(path, Bytes::from(content.to_string()), &replace())
            .await
            .unwrap_or_else(|e| panic!("seeding {path:?} failed: {e}"));
    }
}

/// Seeds `files` when Write is there; returns whether it did. For items that also hold
/// (with less to check) on a backend without Write.
pub async fn seed_if_possible(w: &dyn World, files: &[(&str, &str)]) -> bool {
    if w.capabilities().supports(Capability::Write) {
        seed(w, files).await;
        true
    } else {
        false
    }
}

/// Whether `p` exists, panicking if the probe fails: items use it where the probe itself is
/// not what they check.
pub async fn exists(w: &dyn World, p: &str) -> bool {
    w.exists(p)
        .await
        .unwrap_or_else(|e| panic!("exists({p:?}) failed: {e}"))
}

/// Whether `p` is a file, panicking if the probe fails (see [`exists`]).
pub async fn is_file(w: &dyn World, p: &str) -> bool {
    w.is_file(p)
        .await
        .unwrap_or_else(|e| panic!("is_file({p:?}) failed: {e}"))
}

/// Whether `p` is a folder, panicking if the probe fails (see [`exists`]).
pub async fn is_folder(w: &dyn World, p: &str) -> bool {
    w.is_folder(p)
        .await
        .unwrap_or_else(|e| panic!("is_folder({p:?}) failed: {e}"))
}

/// The content of `p` through `read_bytes`, panicking if the read fails: for items that check
/// what a file holds, not how it is read.
pub async fn content_of(w: &dyn World, p: &str) -> Bytes {
    w.read_bytes(p)
        .await
        .unwrap_or_else(|e| panic!("read_bytes({p:?}) failed: {e}"))
}

/// The whole content through `read_bytes` and through the streamed `read`, which must agree.
pub async fn read_both(w: &dyn World, p: &str) -> Bytes {
    let bytes = content_of(w, p).await;
    let streamed = w
        .read(p)
        .await
        .unwrap_or_else(|e| panic!("read({p:?}) failed: {e}"))
        .unwrap_or_else(|e| panic!("the stream of read({p:?}) failed: {e}"));
    assert!(
        streamed == bytes,
        "read({p:?}) gave {} bytes, read_bytes gave {} bytes, and they differ",
        streamed.len(),
        bytes.len()
    );
    bytes
}

/// Calls every operation of the table that `cap` gates (both values of its flags), on the
/// file `p` (and `gate-b.txt` as a second file), the root as folder, and checks each is
/// `Unsupported(cap)` (contract §8).
async fn expect_gate_refused(w: &dyn World, cap: Capability, p: &str) {
    let mut checked = 0;
    for op in crate::OPERATIONS.iter().filter(|op| op.gate == Some(cap)) {
        let mut files = 0;
        let paths: Vec<&str> = op
            .paths()
            .map(|(_, role)| match role {
                PathRole::File => {
                    files += 1;
                    if files == 1 {
                        p
                    } else {
                        "gate-b.txt"
                    }
                }
                PathRole::Subfolder => "gate-probe",
                PathRole::Pattern => "**",
                _ => "",
            })
            .collect();
        for flag in [false, true] {
            let args = CallArgs::new(paths.iter().copied())
                .flag(flag)
                .with(create());
            let Some(call) = w.call(op, &args) else {
                continue;
            };
            let result = call.await;
            expect_unsupported(w, result, cap);
            checked += 1;
        }
    }
    assert!(checked > 0, "no operation of the table is gated by {cap}");
}

/// Whether `w` has every gate of `caps`; for each missing one, checks that every call it
/// gates is `Unsupported(gate)` (contract §8), so the item still asserts something. Every
/// missing gate is probed (compare [`gates_or_unsupported`], which stops at the first).
pub async fn has_gates(w: &dyn World, caps: &[Capability]) -> bool {
    let mut all = true;
    for &cap in caps {
        if !w.capabilities().supports(cap) {
            all = false;
            expect_gate_refused(w, cap, "gate-probe.txt").await;
        }
    }
    all
}

/// Whether the backend has every capability of `caps`. For the first missing one, checks that
/// every call it gates is `Unsupported(cap)` with no side effect, and returns `false`
/// (contract §8). Unlike [`has_gates`], it also checks that the refused calls left nothing
/// behind.
pub async fn gates_or_unsupported(w: &dyn World, caps: &[Capability]) -> bool {
    for &cap in caps {
        if !w.capabilities().supports(cap) {
            let p = "gate-probe/probe.txt";
            expect_gate_refused(w, cap, p).await;
            assert!(
                !w.exists(p).await.expect("exists after a refused call"),
                "a call refused with Unsupported({cap:?}) left {p:?} behind"
            );
            return false;
        }
    }
    true
}

/// The error of `result`, which must be an `Err` of `kind`; also checks the error's shape
/// (a non-empty message and the backend's name, [C-4.2](crate::contract#C-4.2)).
#[track_caller]
pub fn expect_kind<T: Debug>(world: &dyn World, result: Result<T>, kind: ErrorKind) -> Error {
    match result {
        Ok(value) => panic!("expected {kind:?}, got Ok({value:?})"),
        Err(err) => {
            assert_eq!(err.kind(), kind, "wrong kind: {err}");
            assert!(!err.message().is_empty(), "empty message: {err:?}");
            assert_eq!(
                err.backend(),
                Some(world.name()),
                "backend missing: {err:?}"
            );
            err
        }
    }
}

/// [`expect_kind`] for a result whose value need not be `Debug`, with `what` naming the call
/// in every message.
#[track_caller]
pub fn expect_err<T>(w: &dyn World, what: &str, result: Result<T>, kind: ErrorKind) -> Error {
    match result {
        Ok(_) => panic!("{what}: expected {kind:?}, got Ok"),
        Err(err) => {
            assert_eq!(err.kind(), kind, "{what}: wrong kind: {err}");
            assert!(!err.message().is_empty(), "{what}: empty message: {err:?}");
            assert_eq!(
                err.backend(),
                Some(w.name()),
                "{what}: backend missing: {err:?}"
            );
            err
        }
    }
}

/// `result` shown for a message, or its error: lets calls of different types share one table
/// for [`expect_err`].
pub fn shown<T: Debug>(result: Result<T>) -> Result<String> {
    result.map(|value| format!("{value:?}"))
}

/// `Unsupported(cap)` for `result`, when the backend lacks `cap`.
#[track_caller]
pub fn expect_unsupported<T: Debug>(world: &dyn World, result: Result<T>, cap: Capability) {
    expect_kind(world, result, ErrorKind::Unsupported(cap));
}

/// `kind` with `path() == Some(path)` and the path in the Display when the backend has `cap`;
/// `Unsupported(cap)` otherwise.
#[track_caller]
pub fn expect_at<T: Debug>(
    w: &dyn World,
    cap: Capability,
    result: Result<T>,
    kind: ErrorKind,
    path: &str,
    what: &str,
) {
    if !w.capabilities().supports(cap) {
        expect_unsupported(w, result, cap);
        return;
    }
    let err = match result {
        Ok(value) => panic!("{what}: expected {kind:?} for {path:?}, got Ok({value:?})"),
        Err(err) => err,
    };
    assert_eq!(err.kind(), kind, "{what}: wrong kind: {err}");
    check_shape(w, &err, path, what);
}

/// The error's shape: message, backend, `path() == Some(path)` and the path in the Display.
#[track_caller]
pub fn check_shape(w: &dyn World, err: &Error, path: &str, what: &str) {
    assert!(!err.message().is_empty(), "{what}: empty message: {err:?}");
    assert_eq!(
        err.backend(),
        Some(w.name()),
        "{what}: backend missing: {err:?}"
    );
    assert_eq!(err.path(), Some(path), "{what}: wrong path(): {err}");
    assert!(
        err.to_string().contains(&format!("path='{path}'")),
        "{what}: the Display does not name the path {path:?}: {err}"
    );
}

/// A user metadata map of `pairs`.
pub fn meta(pairs: &[(&str, &str)]) -> UserMetadata {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `n` bytes of a repeating, position-dependent pattern.
pub fn pattern_bytes(n: usize) -> Bytes {
    (0..n).map(|i| (i % 251) as u8).collect::<Vec<u8>>().into()
}

/// `data` as a chunked content source of `chunk`-byte pieces (the last may be shorter).
pub fn chunks_of(data: &Bytes, chunk: usize) -> Vec<io::Result<Bytes>> {
    data.chunks(chunk)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect()
}

/// `total` bytes in chunks of `chunk`, then an error: a content source that fails midway.
pub fn failing_chunks(total: usize, chunk: usize) -> Vec<io::Result<Bytes>> {
    let mut out = chunks_of(&pattern_bytes(total), chunk);
    out.push(Err(io::Error::other("content source failed on purpose")));
    out
}

/// The sorted paths of a listing's items, panicking on any error.
pub fn paths<T, F: Fn(&T) -> String>(listing: Result<Vec<Result<T>>>, path: F) -> Vec<String> {
    let mut out: Vec<String> = listing
        .expect("listing failed")
        .into_iter()
        .map(|item| path(&item.expect("listing item failed")))
        .collect();
    out.sort();
    out
}

/// The sorted paths of the whole store's recursive file listing, if the backend has List: what
/// items compare before and after a call to see that it left nothing behind.
pub async fn snapshot(w: &dyn World) -> Option<Vec<String>> {
    if !w.capabilities().supports(Capability::List) {
        return None;
    }
    let listing = w.list_files("", &ListOptions::new().recursive(true)).await;
    Some(paths(listing, |f| f.path.as_str().to_owned()))
}

/// Runs `writers` writes of `writer-<i>` to `key` with `options` at once, threads in the
/// blocking world and tasks in the async one, released together by a barrier.
pub async fn race(
    w: &dyn World,
    key: &str,
    writers: usize,
    options: WriteOptions,
    how: &'static str,
) -> Vec<Result<WriteResult>> {
    let atomic = how == "write_atomic";
    match w.kind() {
        WorldKind::Sync => {
            let store = w.sync_store().expect("sync world");
            let barrier = Arc::new(std::sync::Barrier::new(writers));
            let handles: Vec<_> = (0..writers)
                .map(|i| {
                    let (store, barrier) = (store.clone(), barrier.clone());
                    let (key, options) = (key.to_owned(), options.clone());
                    std::thread::spawn(move || {
                        let data = Bytes::from(format!("writer-{i}"));
                        barrier.wait();
                        if atomic {
                            store.write_atomic(&key, data, &options)
                        } else {
                            store.write(&key, data, &options)
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a writer thread panicked"))
                .collect()
        }
        WorldKind::Async => {
            let store = w.async_store().expect("async world");
            let barrier = Arc::new(tokio::sync::Barrier::new(writers));
            let handles: Vec<_> = (0..writers)
                .map(|i| {
                    let (store, barrier) = (store.clone(), barrier.clone());
                    let (key, options) = (key.to_owned(), options.clone());
                    tokio::spawn(async move {
                        let data = Bytes::from(format!("writer-{i}"));
                        barrier.wait().await;
                        if atomic {
                            store.write_atomic(&key, data, &options).await
                        } else {
                            store.write(&key, data, &options).await
                        }
                    })
                })
                .collect();
            let mut out = Vec::new();
            for h in handles {
                out.push(h.await.expect("a writer task panicked"));
            }
            out
        }
    }
}
