//! Conformance items (see docs/contract.md §8): read, write, delete (K-28 to K-47).

use std::fmt::Debug;
use std::io::{Cursor, Read};

use bytes::Bytes;
use futures_util::{stream, StreamExt};

use super::support::{
    check_shape, chunks_of, create, exists, expect_at, expect_kind, expect_unsupported,
    gates_or_unsupported, is_file, is_folder, paths, pattern_bytes, read_both, replace, seed,
    seed_if_possible, snapshot,
};
use super::{World, WorldKind};
use crate::{
    AsyncContent, Capability, Content, DeleteFolderOptions, ErrorKind, ListOptions, Result,
};

/// Asserts that `p` holds exactly `expected`.
async fn assert_content(w: &dyn World, p: &str, expected: &[u8], what: &str) {
    let got = w
        .read_bytes(p)
        .await
        .unwrap_or_else(|e| panic!("{what}: read_bytes({p:?}) failed: {e}"));
    assert!(
        got == expected,
        "{what}: {p:?} holds {} bytes ({:?}…), expected {} bytes ({:?}…)",
        got.len(),
        &got[..got.len().min(16)],
        expected.len(),
        &expected[..expected.len().min(16)]
    );
}

fn folder_opts(recursive: bool, missing_ok: bool) -> DeleteFolderOptions {
    DeleteFolderOptions::new()
        .recursive(recursive)
        .missing_ok(missing_ok)
}

/// K-28: `read`, `read_bytes` and `read_text` return exactly the written content.
pub async fn k028_read_round_trip(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    let text = "hello, world\nsecond line with ünïcödé ✓\n";
    let p = "k028/docs/a.txt";
    let r = w
        .write(p, Bytes::from(text), &create())
        .await
        .expect("write");
    assert_eq!(r.path.as_str(), p, "WriteResult.path");
    assert_eq!(r.size, text.len() as u64, "WriteResult.size");
    let streamed = w
        .read(p)
        .await
        .expect("read: the call")
        .expect("read: the stream");
    assert_eq!(streamed, text.as_bytes(), "read");
    assert_eq!(
        w.read_bytes(p).await.expect("read_bytes"),
        text,
        "read_bytes"
    );
    assert_eq!(w.read_text(p).await.expect("read_text"), text, "read_text");
}

/// K-29: reads and metadata calls on a missing path are NotFound, naming the path.
pub async fn k029_missing_reads_are_not_found(w: &dyn World) {
    seed_if_possible(w, &[("k029/present.txt", "here")]).await;
    for p in [
        "k029/missing.txt",
        "k029/none/deeper.txt",
        "k029-nothing.bin",
    ] {
        let nf = ErrorKind::NotFound;
        let read = w.read(p).await;
        expect_at(w, Capability::Read, read, nf, p, "read");
        expect_at(
            w,
            Capability::Read,
            w.read_bytes(p).await,
            nf,
            p,
            "read_bytes",
        );
        let range = w.read_range(p, 0, 10).await;
        expect_at(w, Capability::Read, range, nf, p, "read_range");
        expect_at(
            w,
            Capability::Read,
            w.read_text(p).await,
            nf,
            p,
            "read_text",
        );
        let info = w.get_file_info(p).await;
        expect_at(w, Capability::Metadata, info, nf, p, "get_file_info");
        expect_at(w, Capability::Metadata, w.head(p).await, nf, p, "head");
        assert!(!exists(w, p).await, "a failed read created {p:?}");
    }
}

/// K-30: read-side operations on a folder are InvalidPath; below a file they are NotFound.
pub async fn k030_read_side_type_mismatch(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write]).await {
        return;
    }
    seed(
        w,
        &[("k030/dir/inner.txt", "inner"), ("k030/file.txt", "file")],
    )
    .await;
    let cases = [
        ("k030/dir", ErrorKind::InvalidPath),
        ("k030/file.txt/x", ErrorKind::NotFound),
        ("k030/file.txt/x/y.txt", ErrorKind::NotFound),
    ];
    for (p, kind) in cases {
        let read = w.read(p).await;
        expect_at(w, Capability::Read, read, kind, p, "read");
        expect_at(
            w,
            Capability::Read,
            w.read_bytes(p).await,
            kind,
            p,
            "read_bytes",
        );
        let range = w.read_range(p, 0, 3).await;
        expect_at(w, Capability::Read, range, kind, p, "read_range");
        let range0 = w.read_range(p, 0, 0).await;
        expect_at(w, Capability::Read, range0, kind, p, "read_range(len 0)");
        expect_at(
            w,
            Capability::Read,
            w.read_text(p).await,
            kind,
            p,
            "read_text",
        );
        let info = w.get_file_info(p).await;
        expect_at(w, Capability::Metadata, info, kind, p, "get_file_info");
        expect_at(w, Capability::Metadata, w.head(p).await, kind, p, "head");
    }
    assert!(is_folder(w, "k030/dir").await, "the folder is gone");
    assert!(is_file(w, "k030/file.txt").await, "the file is gone");
    if w.capabilities().supports(Capability::Read) {
        assert_content(w, "k030/dir/inner.txt", b"inner", "after the refused reads").await;
        assert_content(w, "k030/file.txt", b"file", "after the refused reads").await;
    }
}

/// K-31: `write` creates; a second write is AlreadyExists without overwrite and replaces with it.
pub async fn k031_write_twice_without_overwrite(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    let p = "k031/a.txt";
    let r = w
        .write(p, Bytes::from_static(b"first"), &create())
        .await
        .expect("first write");
    assert_eq!((r.path.as_str(), r.size), (p, 5), "first WriteResult");
    assert_content(w, p, b"first", "after the first write").await;

    let second = w.write(p, Bytes::from_static(b"second!"), &create()).await;
    let err = expect_kind(w, second, ErrorKind::AlreadyExists);
    check_shape(w, &err, p, "second write without overwrite");
    assert_content(w, p, b"first", "after the refused write").await;

    let streamed = w
        .write_chunks(p, vec![Ok(Bytes::from_static(b"str"))], &create())
        .await;
    let err = expect_kind(w, streamed, ErrorKind::AlreadyExists);
    check_shape(w, &err, p, "streamed write without overwrite");
    assert_content(w, p, b"first", "after the refused streamed write").await;

    let r = w
        .write(p, Bytes::from_static(b"replaced"), &replace())
        .await
        .expect("write with overwrite");
    assert_eq!(
        (r.path.as_str(), r.size),
        (p, 8),
        "WriteResult of the overwrite"
    );
    assert_content(w, p, b"replaced", "after the overwrite").await;
}

/// K-32: `write` from a partly consumed reader stores the remainder; `size` counts it.
pub async fn k032_partly_consumed_reader(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    let full = b"SKIPkeep this remainder";
    let (p, p_empty) = ("k032/rest.txt", "k032/empty.txt");
    let (rest, spent) = match w.kind() {
        WorldKind::Sync => {
            let store = w.sync_store().expect("sync world");
            let mut reader = Cursor::new(full.to_vec());
            let mut skip = [0u8; 4];
            reader.read_exact(&mut skip).expect("consume 4 bytes");
            let rest = store.write(p, Content::reader(reader), &create());
            let mut done = Cursor::new(full.to_vec());
            std::io::copy(&mut done, &mut std::io::sink()).expect("drain");
            let spent = store.write(p_empty, Content::reader(done), &create());
            (rest, spent)
        }
        WorldKind::Async => {
            let store = w.async_store().expect("async world");
            let chunks = vec![
                Ok(Bytes::from_static(b"SKIP")),
                Ok(Bytes::from_static(b"keep this ")),
                Ok(Bytes::from_static(b"remainder")),
            ];
            let mut s = stream::iter(chunks);
            let first = s.next().await.expect("a first chunk").expect("Ok");
            assert_eq!(first, "SKIP");
            let rest = store.write(p, AsyncContent::stream(s), &create()).await;
            let mut done = stream::iter(vec![Ok(Bytes::from_static(b"all"))]);
            while done.next().await.is_some() {}
            let spent = store
                .write(p_empty, AsyncContent::stream(done), &create())
                .await;
            (rest, spent)
        }
    };
    let rest = rest.expect("write from a partly consumed reader");
    assert_eq!(rest.path.as_str(), p);
    assert_eq!(
        rest.size, 19,
        "size must count the bytes consumed, not the source"
    );
    assert_content(w, p, b"keep this remainder", "the remainder").await;
    let spent = spent.expect("write from an exhausted reader");
    assert_eq!(spent.size, 0, "an exhausted reader writes nothing");
    assert_content(w, p_empty, b"", "the exhausted reader").await;
    assert!(is_file(w, p_empty).await, "an empty file is still a file");
}

/// K-33: writing `a/b/c/deep.txt` creates the parents.
pub async fn k033_write_creates_parents(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write]).await {
        return;
    }
    let p = "k033/a/b/c/deep.txt";
    assert!(!exists(w, "k033/a").await, "fresh store expected");
    w.write(p, Bytes::from_static(b"deep"), &create())
        .await
        .expect("write below missing parents");
    for folder in ["k033", "k033/a", "k033/a/b", "k033/a/b/c"] {
        assert!(is_folder(w, folder).await, "{folder:?} is not a folder");
        assert!(exists(w, folder).await, "{folder:?} does not exist");
        assert!(!is_file(w, folder).await, "{folder:?} is a file");
    }
    assert!(is_file(w, p).await, "the file itself");
    if w.capabilities().supports(Capability::Read) {
        assert_content(w, p, b"deep", "deep file").await;
    }
    w.write_chunks(
        "k033/x/y/streamed.txt",
        vec![Ok(Bytes::from_static(b"s"))],
        &create(),
    )
    .await
    .expect("streamed write below missing parents");
    assert!(is_folder(w, "k033/x/y").await, "streamed write: parents");
}

/// K-34: exact round trips: empty, 0x00, 0xFF, text, 10 000 bytes, 9 MiB streamed.
pub async fn k034_exact_round_trips(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    let cases: Vec<(&str, Bytes)> = vec![
        ("k034/empty.bin", Bytes::new()),
        ("k034/zero.bin", Bytes::from_static(&[0x00])),
        ("k034/ff.bin", Bytes::from_static(&[0xFF])),
        (
            "k034/mixed.bin",
            Bytes::from_static(&[0x00, 0xFF, 0x0D, 0x0A, 0x00, 0x80]),
        ),
        (
            "k034/text.txt",
            Bytes::from("line one\r\nline twö\n\ttab ✓"),
        ),
        ("k034/ten-thousand.bin", pattern_bytes(10_000)),
    ];
    for (p, data) in &cases {
        let r = w.write(p, data.clone(), &create()).await.expect("write");
        assert_eq!(
            (r.path.as_str(), r.size),
            (*p, data.len() as u64),
            "WriteResult"
        );
        let got = read_both(w, p).await;
        assert!(got == data, "{p:?}: the round trip changed the content");
        if w.capabilities().supports(Capability::Metadata) {
            let info = w.get_file_info(p).await.expect("get_file_info");
            assert_eq!(info.size, data.len() as u64, "{p:?}: FileInfo.size");
        }
    }
    assert!(
        is_file(w, "k034/empty.bin").await,
        "an empty file is a file"
    );

    let empty_streamed = w
        .write_chunks("k034/empty-streamed.bin", vec![], &create())
        .await
        .expect("empty streamed write");
    assert_eq!(empty_streamed.size, 0);
    assert_eq!(read_both(w, "k034/empty-streamed.bin").await.len(), 0);

    const MIB: usize = 1024 * 1024;
    let big = pattern_bytes(9 * MIB);
    let chunks = chunks_of(&big, MIB);
    let p = "k034/nine-mib.bin";
    let r = w
        .write_chunks(p, chunks, &create())
        .await
        .expect("9 MiB streamed write");
    assert_eq!(
        (r.path.as_str(), r.size),
        (p, big.len() as u64),
        "9 MiB WriteResult"
    );
    let got = read_both(w, p).await;
    assert_eq!(got.len(), big.len(), "9 MiB: size read back");
    assert!(got == big, "9 MiB: the content differs");
    let tail = w
        .read_range(p, (9 * MIB - 7) as u64, 100)
        .await
        .expect("read_range of the tail");
    assert_eq!(tail, big.slice(9 * MIB - 7..), "9 MiB: the tail");
}

/// K-35: a write onto an existing folder is InvalidPath, with overwrite too; the folder is intact.
pub async fn k035_write_onto_a_folder(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write]).await {
        return;
    }
    seed(w, &[("k035/dir/inner.txt", "inner")]).await;
    let p = "k035/dir";
    for opts in [create(), replace()] {
        let what = format!("write (overwrite {})", opts.overwrite);
        let data = Bytes::from_static(b"x");
        let err = expect_kind(w, w.write(p, data, &opts).await, ErrorKind::InvalidPath);
        check_shape(w, &err, p, &what);
        let chunks = vec![Ok(Bytes::from_static(b"x"))];
        let streamed = w.write_chunks(p, chunks, &opts).await;
        let err = expect_kind(w, streamed, ErrorKind::InvalidPath);
        check_shape(w, &err, p, &format!("streamed {what}"));
        let err = expect_kind(w, w.write_text(p, "x", &opts).await, ErrorKind::InvalidPath);
        check_shape(w, &err, p, &format!("{what}_text"));
        let data = Bytes::from_static(b"x");
        let atomic = w.write_atomic(p, data, &opts).await;
        expect_at(
            w,
            Capability::AtomicWrite,
            atomic,
            ErrorKind::InvalidPath,
            p,
            "write_atomic",
        );
    }
    assert!(is_folder(w, p).await, "the folder must survive");
    assert!(!is_file(w, p).await, "the folder became a file");
    assert!(is_file(w, "k035/dir/inner.txt").await, "the folder's file");
    if w.capabilities().supports(Capability::Read) {
        assert_content(w, "k035/dir/inner.txt", b"inner", "folder content").await;
    }
}

/// K-36: write and write_atomic below a file are InvalidPath; the blocking file is unchanged.
pub async fn k036_write_below_a_file(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write]).await {
        return;
    }
    let blocker = "k036/file.txt";
    seed(w, &[(blocker, "blocker")]).await;
    let before = snapshot(w).await;
    for p in ["k036/file.txt/x", "k036/file.txt/x/y.txt"] {
        for opts in [create(), replace()] {
            let results = [
                ("write", w.write(p, Bytes::from_static(b"x"), &opts).await),
                (
                    "streamed write",
                    w.write_chunks(p, vec![Ok(Bytes::from_static(b"x"))], &opts)
                        .await,
                ),
                ("write_text", w.write_text(p, "x", &opts).await),
            ];
            for (what, result) in results {
                below_a_file(w, result, p, blocker, what);
            }
            let atomic = w.write_atomic(p, Bytes::from_static(b"x"), &opts).await;
            if w.capabilities().supports(Capability::AtomicWrite) {
                below_a_file(w, atomic, p, blocker, "write_atomic");
                let chunks = vec![Ok(Bytes::from_static(b"x"))];
                let streamed = w.write_atomic_chunks(p, chunks, &opts).await;
                below_a_file(w, streamed, p, blocker, "streamed write_atomic");
            } else {
                expect_unsupported(w, atomic, Capability::AtomicWrite);
            }
        }
    }
    assert!(
        is_file(w, blocker).await,
        "the blocking file must stay a file"
    );
    assert!(
        !exists(w, "k036/file.txt/x").await,
        "nothing below the file"
    );
    if w.capabilities().supports(Capability::Read) {
        assert_content(w, blocker, b"blocker", "the blocking file").await;
    }
    assert_eq!(
        snapshot(w).await,
        before,
        "the refused writes left artefacts"
    );
}

/// InvalidPath naming the target or the blocking file.
#[track_caller]
pub(super) fn below_a_file<T: Debug>(
    w: &dyn World,
    result: Result<T>,
    p: &str,
    blocker: &str,
    what: &str,
) {
    let err = match result {
        Ok(v) => panic!("{what} below a file: expected InvalidPath, got Ok({v:?})"),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::InvalidPath, "{what} {p:?}: {err}");
    assert_eq!(
        err.backend(),
        Some(w.name()),
        "{what}: backend missing: {err:?}"
    );
    assert!(
        err.path() == Some(p) || err.path() == Some(blocker),
        "{what}: path() must name {p:?} or the blocking {blocker:?}: {err}"
    );
}

/// K-37: open_atomic below a file is InvalidPath; the blocking file is unchanged, no temp left.
pub async fn k037_open_atomic_below_a_file(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write]).await {
        return;
    }
    let blocker = "k037/file.txt";
    seed(w, &[(blocker, "blocker")]).await;
    let before = snapshot(w).await;
    for p in ["k037/file.txt/x", "k037/file.txt/x/y.txt"] {
        for opts in [create(), replace()] {
            let opened = w.open_atomic(p, &opts).await.map(|_| ());
            if w.capabilities().supports(Capability::AtomicWrite) {
                below_a_file(w, opened, p, blocker, "open_atomic");
            } else {
                expect_unsupported(w, opened, Capability::AtomicWrite);
            }
        }
    }
    assert!(
        is_file(w, blocker).await,
        "the blocking file must stay a file"
    );
    if w.capabilities().supports(Capability::Read) {
        assert_content(w, blocker, b"blocker", "the blocking file").await;
    }
    assert_eq!(snapshot(w).await, before, "open_atomic left a temp behind");
}

/// K-38: `delete` removes the file; its siblings stay.
pub async fn k038_delete_keeps_siblings(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Delete]).await {
        return;
    }
    let files = [
        ("k038/a.txt", "a"),
        ("k038/ab.txt", "ab"),
        ("k038/b.txt", "b"),
        ("k038/sub/c.txt", "c"),
        ("k038/a.txt.bak", "bak"),
    ];
    seed(w, &files).await;
    w.delete("k038/a.txt", false).await.expect("delete");
    assert!(
        !exists(w, "k038/a.txt").await,
        "the deleted file still exists"
    );
    assert!(
        !is_file(w, "k038/a.txt").await,
        "the deleted file is still a file"
    );
    for (p, content) in &files[1..] {
        assert!(is_file(w, p).await, "sibling {p:?} is gone");
        if w.capabilities().supports(Capability::Read) {
            assert_content(w, p, content.as_bytes(), "sibling").await;
        }
    }
    assert!(is_folder(w, "k038").await, "the parent folder is gone");
    if let Some(all) = snapshot(w).await {
        let expected: Vec<String> = files[1..].iter().map(|(p, _)| p.to_string()).collect();
        let mut expected = expected;
        expected.sort();
        assert_eq!(all, expected, "the recursive listing after delete");
    }
}

/// K-39: `delete_folder` removes an emptied folder.
pub async fn k039_delete_emptied_folder(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Delete]).await {
        return;
    }
    seed(w, &[("k039/dir/only.txt", "x"), ("k039/keep.txt", "keep")]).await;
    w.delete("k039/dir/only.txt", false)
        .await
        .expect("delete the only file");
    assert!(
        is_folder(w, "k039/dir").await,
        "a hierarchical backend keeps the emptied folder"
    );
    w.delete_folder("k039/dir", &DeleteFolderOptions::new())
        .await
        .expect("delete_folder of the emptied folder");
    assert!(!is_folder(w, "k039/dir").await, "the folder is still there");
    assert!(!exists(w, "k039/dir").await, "the folder still exists");
    assert!(
        is_file(w, "k039/keep.txt").await,
        "the sibling file is gone"
    );
    assert!(is_folder(w, "k039").await, "the parent is gone");
    let again = w
        .delete_folder("k039/dir", &DeleteFolderOptions::new())
        .await;
    let err = expect_kind(w, again, ErrorKind::NotFound);
    check_shape(w, &err, "k039/dir", "delete_folder again");
}

/// K-40: on a flat backend a folder goes with its last file; `delete_folder` of it is then
/// `NotFound`, or `Ok` with `missing_ok` ([C-2.14](crate::contract#C-2.14)).
pub async fn k040_folder_vanishes_with_last_file(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Delete]).await {
        return;
    }
    seed(
        w,
        &[("k040/dir/deep/only.txt", "x"), ("k040/keep.txt", "keep")],
    )
    .await;
    assert!(
        is_folder(w, "k040/dir/deep").await,
        "a key makes its folders"
    );
    w.delete("k040/dir/deep/only.txt", false)
        .await
        .expect("delete the only file");
    for gone in ["k040/dir/deep", "k040/dir"] {
        assert!(!is_folder(w, gone).await, "{gone:?} outlived its last file");
        assert!(!exists(w, gone).await, "{gone:?} still exists");
    }
    assert!(is_folder(w, "k040").await, "the parent still holds a file");
    let again = w
        .delete_folder("k040/dir", &DeleteFolderOptions::new())
        .await;
    let err = expect_kind(w, again, ErrorKind::NotFound);
    check_shape(w, &err, "k040/dir", "delete_folder of a vanished folder");
    w.delete_folder("k040/dir", &folder_opts(false, true))
        .await
        .expect("missing_ok makes it Ok");
    let listed = w
        .list_folders("k040", &ListOptions::new().recursive(true))
        .await
        .expect("list_folders");
    assert!(
        listed.is_empty(),
        "folders listed after the last file went: {listed:?}"
    );
}

/// K-41: a recursive `delete_folder` removes everything below.
pub async fn k041_recursive_delete_folder(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Delete]).await {
        return;
    }
    let doomed = [
        ("k041/t/a.txt", "a"),
        ("k041/t/s/b.txt", "b"),
        ("k041/t/s/d/c.txt", "c"),
        ("k041/t/s/d/e/f.txt", "f"),
    ];
    let kept = [
        ("k041/tt.txt", "tt"),
        ("k041/t2/x.txt", "x"),
        ("k041/other.txt", "o"),
    ];
    seed(w, &doomed).await;
    seed(w, &kept).await;
    w.delete_folder("k041/t", &folder_opts(true, false))
        .await
        .expect("recursive delete_folder");
    assert!(!is_folder(w, "k041/t").await, "the folder survived");
    assert!(!exists(w, "k041/t").await, "the folder still exists");
    for (p, _) in doomed {
        assert!(!exists(w, p).await, "{p:?} survived");
    }
    for (p, _) in kept {
        assert!(is_file(w, p).await, "{p:?} was deleted with its neighbour");
    }
    if w.capabilities().supports(Capability::List) {
        let left = w
            .list_files("k041/t", &ListOptions::new().recursive(true))
            .await;
        assert_eq!(
            paths(left, |f| f.path.as_str().to_owned()),
            Vec::<String>::new(),
            "the recursive listing of the deleted folder"
        );
        let mut expected: Vec<String> = kept.iter().map(|(p, _)| p.to_string()).collect();
        expected.sort();
        assert_eq!(snapshot(w).await, Some(expected), "what is left");
    }
}

/// K-42: delete and delete_folder of a missing path are NotFound, and `Ok` with missing_ok.
pub async fn k042_delete_missing(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Delete]).await {
        return;
    }
    seed_if_possible(w, &[("k042/present.txt", "here")]).await;
    for p in ["k042/missing.txt", "k042/none/deeper.txt", "k042-nothing"] {
        let err = expect_kind(w, w.delete(p, false).await, ErrorKind::NotFound);
        check_shape(w, &err, p, "delete");
        w.delete(p, true)
            .await
            .unwrap_or_else(|e| panic!("delete({p:?}, missing_ok) failed: {e}"));
        for recursive in [false, true] {
            let opts = folder_opts(recursive, false);
            let err = expect_kind(w, w.delete_folder(p, &opts).await, ErrorKind::NotFound);
            check_shape(
                w,
                &err,
                p,
                &format!("delete_folder (recursive {recursive})"),
            );
            w.delete_folder(p, &folder_opts(recursive, true))
                .await
                .unwrap_or_else(|e| panic!("delete_folder({p:?}, missing_ok) failed: {e}"));
        }
        assert!(!exists(w, p).await, "{p:?} appeared");
    }
    if w.capabilities().supports(Capability::Write) {
        assert!(
            is_file(w, "k042/present.txt").await,
            "an unrelated file is gone"
        );
    }
}

/// K-43: `delete` of a folder is InvalidPath, even with missing_ok; the children survive.
pub async fn k043_delete_of_a_folder(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Delete]).await {
        return;
    }
    seed(w, &[("k043/dir/a.txt", "a"), ("k043/dir/sub/b.txt", "b")]).await;
    for p in ["k043/dir", "k043/dir/sub"] {
        for missing_ok in [false, true] {
            let err = expect_kind(w, w.delete(p, missing_ok).await, ErrorKind::InvalidPath);
            check_shape(w, &err, p, &format!("delete (missing_ok {missing_ok})"));
        }
        assert!(is_folder(w, p).await, "{p:?} is gone");
    }
    assert!(is_file(w, "k043/dir/a.txt").await, "a child is gone");
    assert!(is_file(w, "k043/dir/sub/b.txt").await, "a child is gone");
}

/// K-44: `delete` below a file is NotFound, and `Ok` with missing_ok.
pub async fn k044_delete_below_a_file(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Delete]).await {
        return;
    }
    let blocker = "k044/file.txt";
    seed(w, &[(blocker, "blocker")]).await;
    for p in ["k044/file.txt/x", "k044/file.txt/x/y.txt"] {
        let err = expect_kind(w, w.delete(p, false).await, ErrorKind::NotFound);
        check_shape(w, &err, p, "delete below a file");
        w.delete(p, true)
            .await
            .unwrap_or_else(|e| panic!("delete({p:?}, missing_ok) below a file failed: {e}"));
    }
    assert!(is_file(w, blocker).await, "the file is gone");
    if w.capabilities().supports(Capability::Read) {
        assert_content(w, blocker, b"blocker", "the file").await;
    }
}

/// K-45: `delete_folder` of a file is InvalidPath, even with missing_ok; the file survives.
pub async fn k045_delete_folder_of_a_file(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Delete]).await {
        return;
    }
    let p = "k045/file.txt";
    seed(w, &[(p, "file"), ("k045/dir/x.txt", "x")]).await;
    for recursive in [false, true] {
        for missing_ok in [false, true] {
            let opts = folder_opts(recursive, missing_ok);
            let what = format!("delete_folder (recursive {recursive}, missing_ok {missing_ok})");
            let err = expect_kind(w, w.delete_folder(p, &opts).await, ErrorKind::InvalidPath);
            check_shape(w, &err, p, &what);
            assert!(is_file(w, p).await, "{what}: the file is gone");
        }
    }
    if w.capabilities().supports(Capability::Read) {
        assert_content(w, p, b"file", "the file").await;
    }
    assert!(is_file(w, "k045/dir/x.txt").await, "a neighbour is gone");
}

/// K-46: a non-recursive `delete_folder` of a non-empty folder is DirectoryNotEmpty.
pub async fn k046_delete_folder_not_empty(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Delete]).await {
        return;
    }
    let files = [("k046/dir/a.txt", "a"), ("k046/dir/sub/b.txt", "b")];
    seed(w, &files).await;
    for (p, missing_ok) in [
        ("k046/dir", false),
        ("k046/dir", true),
        ("k046/dir/sub", false),
    ] {
        let opts = folder_opts(false, missing_ok);
        let result = w.delete_folder(p, &opts).await;
        let err = expect_kind(w, result, ErrorKind::DirectoryNotEmpty);
        check_shape(
            w,
            &err,
            p,
            &format!("delete_folder (missing_ok {missing_ok})"),
        );
        assert!(is_folder(w, p).await, "{p:?} is gone");
    }
    for (p, content) in files {
        assert!(is_file(w, p).await, "{p:?} was removed");
        if w.capabilities().supports(Capability::Read) {
            assert_content(w, p, content.as_bytes(), "after DirectoryNotEmpty").await;
        }
    }
}

/// K-47: `read_text` of invalid UTF-8 is InvalidData; `write_text` round-trips and keeps a BOM.
pub async fn k047_read_text_is_strict_utf8(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    let invalid: [(&str, &'static [u8]); 5] = [
        ("k047/ff.txt", b"ok \xFF\xFE ok"),
        ("k047/truncated.txt", b"euro \xE2\x82"),
        ("k047/overlong.txt", b"\xC0\xAF"),
        ("k047/surrogate.txt", b"\xED\xA0\x80"),
        ("k047/latin1.txt", b"caf\xE9"),
    ];
    for (p, data) in invalid {
        w.write(p, Bytes::from_static(data), &create())
            .await
            .expect("write invalid UTF-8");
        let err = expect_kind(w, w.read_text(p).await, ErrorKind::InvalidData);
        check_shape(w, &err, p, "read_text of invalid UTF-8");
        assert_content(w, p, data, "read_bytes of invalid UTF-8").await;
    }
    let texts = [
        ("k047/bom.txt", "\u{FEFF}with a BOM: héllo ✓\n"),
        ("k047/plain.txt", "plain ascii\r\n"),
        ("k047/empty.txt", ""),
        ("k047/astral.txt", "𝄞 music, 😀 and \u{0} nul"),
    ];
    for (p, text) in texts {
        let r = w.write_text(p, text, &create()).await.expect("write_text");
        assert_eq!(
            (r.path.as_str(), r.size),
            (p, text.len() as u64),
            "WriteResult"
        );
        assert_eq!(w.read_text(p).await.expect("read_text"), text, "{p:?}");
        assert_content(w, p, text.as_bytes(), "write_text stores UTF-8").await;
    }
    let bom = w.read_bytes("k047/bom.txt").await.expect("read_bytes");
    assert_eq!(&bom[..3], b"\xEF\xBB\xBF", "the BOM must be stored");
    let text = w.read_text("k047/bom.txt").await.expect("read_text");
    assert!(text.starts_with('\u{FEFF}'), "read_text must keep the BOM");
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_rw;
    all [
        k028_read_round_trip,
        k029_missing_reads_are_not_found,
        k030_read_side_type_mismatch,
        k031_write_twice_without_overwrite,
        k032_partly_consumed_reader,
        k033_write_creates_parents,
        k034_exact_round_trips,
        k038_delete_keeps_siblings,
        k041_recursive_delete_folder,
        k042_delete_missing,
        k043_delete_of_a_folder,
        k044_delete_below_a_file,
        k045_delete_folder_of_a_file,
        k046_delete_folder_not_empty,
        k047_read_text_is_strict_utf8,
    ]
    hier [
        k035_write_onto_a_folder,
        k036_write_below_a_file,
        k037_open_atomic_below_a_file,
        k039_delete_emptied_folder,
    ]
    flat [
        k040_folder_vanishes_with_last_file,
    ]
}
