//! Conformance items (see docs/contract.md §8): metadata and `WriteResult`, K-73 to K-81 (and K-82), and
//! `read_with_info`, K-116.

use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::support::{
    chunks_of, create, expect_kind, expect_unsupported, has_gates, meta, pattern_bytes, replace,
    seed,
};
use super::World;
use crate::{Capability, ErrorKind, FileInfo, UserMetadata, WriteResult, WriteSource};

/// Whether `t` lies within a day of now: a real timestamp, not a default.
fn plausible(t: SystemTime) -> bool {
    let now = SystemTime::now();
    let day = Duration::from_secs(86_400);
    t > now - day && t < now + day
}

async fn info(w: &dyn World, p: &str) -> FileInfo {
    w.get_file_info(p)
        .await
        .unwrap_or_else(|e| panic!("get_file_info({p:?}) failed: {e}"))
}

/// Asserts the `Basic` shape of [C-5.5](crate::contract#C-5.5): the rich fields are `None`.
#[track_caller]
fn assert_basic(wr: &WriteResult, what: &str) {
    assert_eq!(wr.source, WriteSource::Basic, "{what}: source");
    assert_eq!(wr.digest, None, "{what}: Basic digest");
    assert_eq!(wr.etag, None, "{what}: Basic etag");
    assert_eq!(wr.version_id, None, "{what}: Basic version_id");
    assert_eq!(wr.last_modified, None, "{what}: Basic last_modified");
}

/// K-73: `get_file_info` gives path, name, size and `modified_at`; missing NotFound, folder InvalidPath, below a file NotFound.
pub async fn k073_get_file_info(w: &dyn World) {
    if !has_gates(w, &[Capability::Metadata, Capability::Write]).await {
        return;
    }
    seed(w, &[("k73/dir/f.txt", "hello world"), ("k73/empty", "")]).await;
    let f = info(w, "k73/dir/f.txt").await;
    assert_eq!(f.path.as_str(), "k73/dir/f.txt", "path");
    assert_eq!(f.name, "f.txt", "name");
    assert_eq!(f.size, 11, "size");
    let t = f.modified_at.expect("modified_at must be Some");
    assert!(plausible(t), "modified_at {t:?} is not near now");
    let f = info(w, "/k73//dir/./f.txt").await;
    assert_eq!(f.path.as_str(), "k73/dir/f.txt", "path of another spelling");
    let e = info(w, "k73/empty").await;
    assert_eq!((e.name.as_str(), e.size), ("empty", 0), "empty file");

    let child = w.child("k73").expect("child");
    let f = child
        .get_file_info("dir/f.txt")
        .await
        .expect("get_file_info in a child");
    assert_eq!(f.path.as_str(), "dir/f.txt", "path in a child store");
    assert_eq!(f.name, "f.txt", "name in a child store");

    let err = expect_kind(
        w,
        w.get_file_info("k73/missing.txt").await,
        ErrorKind::NotFound,
    );
    assert_eq!(err.path(), Some("k73/missing.txt"), "path of NotFound");
    let err = expect_kind(w, w.get_file_info("k73/dir").await, ErrorKind::InvalidPath);
    assert_eq!(err.path(), Some("k73/dir"), "path of InvalidPath");
    expect_kind(
        w,
        w.get_file_info("k73/dir/f.txt/below").await,
        ErrorKind::NotFound,
    );
    expect_kind(
        w,
        w.get_file_info("k73/dir/f.txt/below/deeper").await,
        ErrorKind::NotFound,
    );
    let err = expect_kind(
        w,
        child.get_file_info("nope.txt").await,
        ErrorKind::NotFound,
    );
    assert_eq!(err.path(), Some("nope.txt"), "NotFound path in a child");
}

/// K-74: `get_folder_info` counts nested files (not folders), their total size and the newest `modified_at`; missing NotFound, file InvalidPath.
pub async fn k074_get_folder_info(w: &dyn World) {
    if !has_gates(w, &[Capability::Metadata, Capability::Write]).await {
        return;
    }
    seed(
        w,
        &[
            ("k74/a.txt", "aaa"),
            ("k74/sub/b.txt", "bbbbb"),
            ("k74/sub/deep/c.txt", "ccccccc"),
            ("k74x/z.txt", "outside"),
            ("k74.txt", "outside"),
        ],
    )
    .await;
    let newest = |infos: &[FileInfo]| infos.iter().filter_map(|f| f.modified_at).max();
    let mut all = Vec::new();
    for p in ["k74/a.txt", "k74/sub/b.txt", "k74/sub/deep/c.txt"] {
        all.push(info(w, p).await);
    }
    let fi = w
        .get_folder_info("k74", None)
        .await
        .expect("get_folder_info(\"k74\")");
    assert_eq!(fi.path.as_str(), "k74", "path");
    assert_eq!(fi.name(), "k74", "name");
    assert_eq!(
        fi.file_count, 3,
        "file_count counts nested files, not folders"
    );
    assert_eq!(fi.total_size, 15, "total_size");
    assert_eq!(
        fi.modified_at,
        newest(&all),
        "modified_at is the newest file's"
    );
    let fi = w
        .get_folder_info("k74/sub/", None)
        .await
        .expect("get_folder_info(\"k74/sub/\")");
    assert_eq!(fi.path.as_str(), "k74/sub", "path of a subfolder");
    assert_eq!((fi.file_count, fi.total_size), (2, 12), "k74/sub counts");
    assert_eq!(fi.modified_at, newest(&all[1..]), "k74/sub modified_at");

    // A later file counts too, and modified_at follows the newest.
    seed(w, &[("k74/sub/newer.txt", "n")]).await;
    let newer = info(w, "k74/sub/newer.txt").await;
    let fi = w.get_folder_info("k74", None).await.expect("after a write");
    assert_eq!(
        (fi.file_count, fi.total_size),
        (4, 16),
        "counts after a write"
    );
    all.push(newer);
    assert_eq!(fi.modified_at, newest(&all), "modified_at after a write");

    let child = w.child("k74").expect("child");
    let fi = child
        .get_folder_info("sub", None)
        .await
        .expect("in a child");
    assert_eq!(fi.path.as_str(), "sub", "path in a child store");
    let fi = child.get_folder_info("", None).await.expect("child root");
    assert_eq!(fi.path.as_str(), "", "a child's root is \"\"");
    assert_eq!((fi.file_count, fi.total_size), (4, 16), "child root counts");

    let err = expect_kind(
        w,
        w.get_folder_info("k74/missing", None).await,
        ErrorKind::NotFound,
    );
    assert_eq!(err.path(), Some("k74/missing"), "path of NotFound");
    let err = expect_kind(
        w,
        w.get_folder_info("k74/a.txt", None).await,
        ErrorKind::InvalidPath,
    );
    assert_eq!(err.path(), Some("k74/a.txt"), "path of InvalidPath");
    expect_kind(
        w,
        w.get_folder_info("k74/a.txt/below", None).await,
        ErrorKind::NotFound,
    );
}

/// K-75: `get_folder_info` with `max_depth` N counts only files at depth ≤ N.
pub async fn k075_folder_info_max_depth(w: &dyn World) {
    if !has_gates(w, &[Capability::List, Capability::Write]).await {
        return;
    }
    seed(
        w,
        &[
            ("k75/f0", "1"),
            ("k75/a/f1", "22"),
            ("k75/a/b/f2", "333"),
            ("k75/a/b/c/f3", "4444"),
            ("k75x/out", "55555"),
        ],
    )
    .await;
    let expected = [(0, 1, 1), (1, 2, 3), (2, 3, 6), (3, 4, 10), (9, 4, 10)];
    for (depth, count, size) in expected {
        let fi = w
            .get_folder_info("k75", Some(depth))
            .await
            .unwrap_or_else(|e| panic!("get_folder_info(\"k75\", Some({depth})): {e}"));
        assert_eq!(fi.path.as_str(), "k75", "path");
        assert_eq!(
            (fi.file_count, fi.total_size),
            (count, size),
            "get_folder_info(\"k75\", Some({depth}))"
        );
    }
    let fi = w
        .get_folder_info("k75/a", Some(1))
        .await
        .expect("get_folder_info(\"k75/a\", Some(1))");
    assert_eq!(
        (fi.file_count, fi.total_size),
        (2, 5),
        "depth is relative to the folder"
    );
    let fi = w.get_folder_info("", Some(0)).await.expect("root, Some(0)");
    assert_eq!(
        (fi.path.as_str(), fi.file_count),
        ("", 0),
        "the root has no direct files"
    );
    let fi = w.get_folder_info("", Some(1)).await.expect("root, Some(1)");
    assert_eq!((fi.file_count, fi.total_size), (2, 6), "root, Some(1)");
    if w.capabilities().supports(Capability::Metadata) {
        let all = w.get_folder_info("k75", None).await.expect("None");
        assert_eq!(
            (all.file_count, all.total_size),
            (4, 10),
            "no max_depth counts everything"
        );
    }
    expect_kind(
        w,
        w.get_folder_info("k75/missing", Some(0)).await,
        ErrorKind::NotFound,
    );
    expect_kind(
        w,
        w.get_folder_info("k75/f0", Some(2)).await,
        ErrorKind::InvalidPath,
    );
}

/// K-76: `head` gives `source == Sidecar` with fields equal to `get_file_info`'s.
pub async fn k076_head_is_sidecar(w: &dyn World) {
    if !has_gates(w, &[Capability::Metadata, Capability::Write]).await {
        return;
    }
    let user = w.capabilities().supports(Capability::UserMetadata);
    let o = if user {
        create().metadata(meta(&[("owner", "k76")]))
    } else {
        create()
    };
    w.write("k76/dir/f.bin", pattern_bytes(1234), &o)
        .await
        .expect("write");
    for (p, store) in [("k76/dir/f.bin", None), ("dir/f.bin", Some("k76"))] {
        let child;
        let target: &dyn World = match store {
            Some(sub) => {
                child = w.child(sub).expect("child");
                &*child
            }
            None => w,
        };
        let h = target
            .head(p)
            .await
            .unwrap_or_else(|e| panic!("head({p:?}): {e}"));
        let f = target.get_file_info(p).await.expect("get_file_info");
        assert_eq!(h.source, WriteSource::Sidecar, "head source");
        assert_eq!(h.path, f.path, "head path");
        assert_eq!(h.path.as_str(), p, "head path is store-relative");
        assert_eq!(h.size, 1234, "head size");
        assert_eq!(h.size, f.size, "head size vs info");
        assert_eq!(h.digest, f.digest, "head digest");
        assert_eq!(h.etag, f.etag, "head etag");
        assert_eq!(h.last_modified, f.modified_at, "head last_modified");
        assert!(h.last_modified.is_some(), "head last_modified is Some");
        assert_eq!(h.version_id, None, "head version_id");
        assert_eq!(h.metadata, f.metadata, "head metadata");
        if user {
            assert_eq!(h.metadata, Some(meta(&[("owner", "k76")])), "head metadata");
        }
    }
    let err = expect_kind(w, w.head("k76/missing").await, ErrorKind::NotFound);
    assert_eq!(err.path(), Some("k76/missing"), "path of NotFound");
    expect_kind(w, w.head("k76/dir").await, ErrorKind::InvalidPath);
    expect_kind(w, w.head("k76/dir/f.bin/x").await, ErrorKind::NotFound);
}

/// K-77: `WriteResult.path` is the path as given (store-relative, also in a child) and `size` the payload length.
pub async fn k077_write_result_path_and_size(w: &dyn World) {
    if !has_gates(w, &[Capability::Write]).await {
        return;
    }
    let wr = w
        .write("k77/a/b.txt", Bytes::from("hello"), &create())
        .await
        .expect("write");
    assert_eq!(
        (wr.path.as_str(), wr.size),
        ("k77/a/b.txt", 5),
        "write result"
    );
    let wr = w
        .write("/k77//./c.txt", Bytes::from("x"), &create())
        .await
        .expect("write (odd spelling)");
    assert_eq!(
        (wr.path.as_str(), wr.size),
        ("k77/c.txt", 1),
        "the path as given, normalised"
    );
    let wr = w
        .write("k77/empty", Bytes::new(), &create())
        .await
        .expect("empty write");
    assert_eq!((wr.path.as_str(), wr.size), ("k77/empty", 0), "empty write");
    let wr = w
        .write_text("k77/t.txt", "héllo", &create())
        .await
        .expect("write_text");
    assert_eq!(
        (wr.path.as_str(), wr.size),
        ("k77/t.txt", 6),
        "write_text size counts UTF-8 bytes"
    );
    let data = pattern_bytes(100 * 1024);
    let wr = w
        .write_chunks("k77/streamed.bin", chunks_of(&data, 7 * 1024), &create())
        .await
        .expect("streamed write");
    assert_eq!(
        (wr.path.as_str(), wr.size),
        ("k77/streamed.bin", 100 * 1024),
        "100 KiB streamed write"
    );
    let wr = w
        .write("k77/a/b.txt", Bytes::from("longer content"), &replace())
        .await
        .expect("overwrite");
    assert_eq!(
        (wr.path.as_str(), wr.size),
        ("k77/a/b.txt", 14),
        "overwrite"
    );

    let child = w.child("k77/sub").expect("child");
    let wr = child
        .write("c.txt", Bytes::from("abc"), &create())
        .await
        .expect("write in a child");
    assert_eq!(
        (wr.path.as_str(), wr.size),
        ("c.txt", 3),
        "child-relative path"
    );
    let wr = child
        .write_chunks("deep/s.bin", chunks_of(&data, 4096), &create())
        .await
        .expect("streamed write in a child");
    assert_eq!(
        (wr.path.as_str(), wr.size),
        ("deep/s.bin", 100 * 1024),
        "streamed write in a child"
    );
    if w.capabilities().supports(Capability::AtomicWrite) {
        let wr = w
            .write_atomic("k77/atomic.bin", pattern_bytes(777), &create())
            .await
            .expect("write_atomic");
        assert_eq!(
            (wr.path.as_str(), wr.size),
            ("k77/atomic.bin", 777),
            "write_atomic"
        );
        let wr = child
            .write_atomic_chunks("atomic.bin", chunks_of(&data, 10_000), &create())
            .await
            .expect("streamed write_atomic in a child");
        assert_eq!(
            (wr.path.as_str(), wr.size),
            ("atomic.bin", 100 * 1024),
            "streamed write_atomic in a child"
        );
    }
    if w.capabilities().supports(Capability::Read) {
        let back = w.read_bytes("k77/sub/deep/s.bin").await.expect("read back");
        assert_eq!(back, data, "streamed content read back");
    }
}

/// K-78: `source` is Native iff WriteResultNative is declared, otherwise Basic with every rich field `None`.
pub async fn k078_write_result_source(w: &dyn World) {
    if !has_gates(w, &[Capability::Write]).await {
        return;
    }
    let native = w.capabilities().supports(Capability::WriteResultNative);
    let data = pattern_bytes(50_000);
    let mut results = vec![
        ("write", w.write("k78/a", Bytes::from("a"), &create()).await),
        (
            "write overwrite",
            w.write("k78/a", Bytes::from("bb"), &replace()).await,
        ),
        ("write_text", w.write_text("k78/t", "text", &create()).await),
        (
            "streamed write",
            w.write_chunks("k78/s", chunks_of(&data, 8192), &create())
                .await,
        ),
        (
            "write with Some({})",
            w.write(
                "k78/e",
                Bytes::from("e"),
                &create().metadata(UserMetadata::new()),
            )
            .await,
        ),
    ];
    if w.capabilities().supports(Capability::AtomicWrite) {
        results.push((
            "write_atomic",
            w.write_atomic("k78/w", Bytes::from("w"), &create()).await,
        ));
        results.push((
            "streamed write_atomic",
            w.write_atomic_chunks("k78/ws", chunks_of(&data, 8192), &create())
                .await,
        ));
    }
    for (what, result) in results {
        let wr = result.unwrap_or_else(|e| panic!("{what} failed: {e}"));
        if native {
            assert_eq!(wr.source, WriteSource::Native, "{what}: source");
        } else {
            assert_basic(&wr, what);
        }
        assert_eq!(wr.metadata, None, "{what}: metadata without a map is None");
    }
}

/// K-79: with WriteResultNative the rich fields equal `get_file_info`'s (9 MiB streamed too); without it, Basic.
pub async fn k079_native_write_result_matches_info(w: &dyn World) {
    if !has_gates(w, &[Capability::Write]).await {
        return;
    }
    let native = w.capabilities().supports(Capability::WriteResultNative);
    let big = pattern_bytes(9 * 1024 * 1024);
    let mut writes = vec![
        (
            "k79/small",
            w.write("k79/small", Bytes::from("small"), &create()).await,
        ),
        (
            "k79/small (overwrite)",
            w.write("k79/small", Bytes::from("changed"), &replace())
                .await,
        ),
        (
            "k79/big",
            w.write_chunks("k79/big", chunks_of(&big, 1024 * 1024), &create())
                .await,
        ),
    ];
    if w.capabilities().supports(Capability::AtomicWrite) {
        writes.push((
            "k79/atomic",
            w.write_atomic("k79/atomic", Bytes::from("atomic"), &create())
                .await,
        ));
        writes.push((
            "k79/atomic-big",
            w.write_atomic_chunks("k79/atomic-big", chunks_of(&big, 1024 * 1024), &create())
                .await,
        ));
    }
    let mut results = Vec::new();
    for (what, result) in writes {
        let wr = result.unwrap_or_else(|e| panic!("{what} failed: {e}"));
        if !native {
            assert_basic(&wr, what);
        } else {
            assert_eq!(wr.source, WriteSource::Native, "{what}: source");
        }
        results.push((what, wr));
    }
    if !native {
        return;
    }
    if !has_gates(w, &[Capability::Metadata]).await {
        return;
    }
    // Only the last write to each path can still match what is stored.
    results.retain(|(what, _)| *what != "k79/small");
    for (what, wr) in results {
        let f = info(w, wr.path.as_str()).await;
        assert_eq!(wr.path, f.path, "{what}: path");
        assert_eq!(wr.size, f.size, "{what}: size");
        assert_eq!(wr.etag, f.etag, "{what}: etag");
        assert_eq!(wr.digest, f.digest, "{what}: digest");
        if let (Some(a), Some(b)) = (wr.last_modified, f.modified_at) {
            assert_eq!(a, b, "{what}: last_modified");
        }
    }
    let f = info(w, "k79/big").await;
    assert_eq!(f.size, big.len() as u64, "9 MiB size");
}

/// Metadata maps of a bad shape ([C-5.6](crate::contract#C-5.6)), with a description.
fn bad_shapes() -> Vec<(&'static str, UserMetadata)> {
    vec![
        ("non-ASCII key", meta(&[("ké", "v")])),
        ("key starting with _", meta(&[("_k", "v")])),
        ("empty key", meta(&[("", "v")])),
        ("2 049 bytes", meta(&[("k", &"x".repeat(2048))])),
        (
            "2 049 bytes over two keys",
            meta(&[("a", &"x".repeat(1000)), ("b", &"y".repeat(1047))]),
        ),
        (
            "2 049 bytes of UTF-8 value",
            meta(&[("k", &"é".repeat(1024))]),
        ),
        (
            "a bad key among good ones",
            meta(&[("good", "v"), ("_bad", "v")]),
        ),
    ]
}

/// K-80: a non-ASCII key, `_k`, an empty key and 2 049 bytes of metadata are InvalidArgument before any gate; `Some({})` is `None`.
pub async fn k080_metadata_shape_errors(w: &dyn World) {
    for (what, m) in bad_shapes() {
        let o = create().metadata(m);
        let p = "k80/bad.txt";
        expect_kind(
            w,
            w.write(p, Bytes::from("x"), &o).await,
            ErrorKind::InvalidArgument,
        );
        expect_kind(
            w,
            w.write_text(p, "x", &o).await,
            ErrorKind::InvalidArgument,
        );
        expect_kind(
            w,
            w.write_atomic(p, Bytes::from("x"), &o).await,
            ErrorKind::InvalidArgument,
        );
        expect_kind(
            w,
            w.write_chunks(p, vec![Ok(Bytes::from("x"))], &o).await,
            ErrorKind::InvalidArgument,
        );
        // Option values come before path roles and gates (C-1.3).
        expect_kind(
            w,
            w.write("", Bytes::from("x"), &o).await,
            ErrorKind::InvalidArgument,
        );
        expect_kind(
            w,
            w.write_atomic("a/../b", Bytes::from("x"), &o).await,
            ErrorKind::InvalidArgument,
        );
        assert!(
            !w.exists(p).await.expect("exists"),
            "{what}: a refused write left a file"
        );
        assert!(
            !w.exists("k80").await.expect("exists"),
            "{what}: a refused write created a parent"
        );
    }
    if !has_gates(w, &[Capability::Write]).await {
        return;
    }
    let user = w.capabilities().supports(Capability::UserMetadata);
    // The limits are inclusive, and counted in bytes.
    for (i, m) in [
        meta(&[("k", &"x".repeat(2047))]),
        meta(&[("k", &"é".repeat(1023))]),
        meta(&[("a", &"x".repeat(1000)), ("b", &"y".repeat(1046))]),
    ]
    .into_iter()
    .enumerate()
    {
        let p = format!("k80/limit{i}");
        let result = w
            .write(&p, Bytes::from("x"), &create().metadata(m.clone()))
            .await;
        if user {
            let wr = result.unwrap_or_else(|e| panic!("2 048 bytes of metadata refused: {e}"));
            assert_eq!(wr.metadata, Some(m), "metadata echoed");
        } else {
            expect_unsupported(w, result, Capability::UserMetadata);
        }
    }
    // `Some({})` behaves as `None`, with or without UserMetadata.
    let wr = w
        .write(
            "k80/empty-map",
            Bytes::from("x"),
            &create().metadata(UserMetadata::new()),
        )
        .await
        .expect("Some({}) must be accepted like None");
    assert_eq!(wr.metadata, None, "Some({{}}) is echoed as None");
    let plain = w
        .write("k80/no-map", Bytes::from("x"), &create())
        .await
        .expect("write without metadata");
    assert_eq!(plain.metadata, None, "no map is echoed as None");
    assert_eq!(wr.source, plain.source, "same source as without a map");
    if w.capabilities().supports(Capability::Metadata) {
        let f = info(w, "k80/empty-map").await;
        let expected = if user {
            Some(UserMetadata::new())
        } else {
            None
        };
        assert_eq!(
            f.metadata, expected,
            "FileInfo.metadata is Some iff UserMetadata"
        );
    }
}

/// K-81: metadata is echoed in `WriteResult`, round-trips via `get_file_info` and survives copy and rename; without UserMetadata (K-82) it is Unsupported and nothing is written.
pub async fn k081_user_metadata(w: &dyn World) {
    if !has_gates(w, &[Capability::Write]).await {
        return;
    }
    let m = meta(&[
        ("author", "ann"),
        ("purpose", "a value with spaces, ünïcode & symbols =;"),
        ("empty", ""),
    ]);
    if !w.capabilities().supports(Capability::UserMetadata) {
        // K-82.
        let o = create().metadata(m.clone());
        expect_unsupported(
            w,
            w.write("k82/a.txt", Bytes::from("x"), &o).await,
            Capability::UserMetadata,
        );
        expect_unsupported(
            w,
            w.write_text("k82/a.txt", "x", &o).await,
            Capability::UserMetadata,
        );
        expect_unsupported(
            w,
            w.write_atomic("k82/a.txt", Bytes::from("x"), &o).await,
            Capability::UserMetadata,
        );
        expect_unsupported(
            w,
            w.write_chunks("k82/a.txt", vec![Ok(Bytes::from("x"))], &o)
                .await,
            Capability::UserMetadata,
        );
        assert!(
            !w.exists("k82/a.txt").await.expect("exists"),
            "nothing is written"
        );
        assert!(
            !w.exists("k82").await.expect("exists"),
            "no parent is created"
        );
        let wr = w
            .write("k82/plain.txt", Bytes::from("x"), &create())
            .await
            .expect("plain write");
        assert_eq!(wr.metadata, None, "WriteResult.metadata");
        if w.capabilities().supports(Capability::Metadata) {
            let f = info(w, "k82/plain.txt").await;
            assert_eq!(f.metadata, None, "FileInfo.metadata without UserMetadata");
        }
        return;
    }
    let o = create().metadata(m.clone());
    let wr = w
        .write("k81/a.txt", Bytes::from("data"), &o)
        .await
        .expect("write with metadata");
    assert_eq!(wr.metadata.as_ref(), Some(&m), "write echoes the metadata");
    let f = info(w, "k81/a.txt").await;
    assert_eq!(f.metadata.as_ref(), Some(&m), "get_file_info round trip");
    let wr = w
        .write_text("k81/t.txt", "text", &o)
        .await
        .expect("write_text with metadata");
    assert_eq!(wr.metadata.as_ref(), Some(&m), "write_text echo");
    assert_eq!(
        info(w, "k81/t.txt").await.metadata.as_ref(),
        Some(&m),
        "write_text round trip"
    );
    let wr = w
        .write_chunks(
            "k81/s.bin",
            vec![Ok(Bytes::from("ab")), Ok(Bytes::from("cd"))],
            &o,
        )
        .await
        .expect("streamed write with metadata");
    assert_eq!(wr.metadata.as_ref(), Some(&m), "streamed write echo");
    assert_eq!(
        info(w, "k81/s.bin").await.metadata.as_ref(),
        Some(&m),
        "streamed round trip"
    );
    if w.capabilities().supports(Capability::AtomicWrite) {
        let wr = w
            .write_atomic("k81/w.txt", Bytes::from("atomic"), &o)
            .await
            .expect("write_atomic with metadata");
        assert_eq!(wr.metadata.as_ref(), Some(&m), "write_atomic echo");
        assert_eq!(
            info(w, "k81/w.txt").await.metadata.as_ref(),
            Some(&m),
            "write_atomic round trip"
        );
    }
    let wr = w
        .write("k81/none.txt", Bytes::from("x"), &create())
        .await
        .expect("write without metadata");
    assert_eq!(wr.metadata, None, "no metadata passed: None in WriteResult");
    assert_eq!(
        info(w, "k81/none.txt").await.metadata,
        Some(UserMetadata::new()),
        "FileInfo.metadata is Some (empty) when UserMetadata is declared"
    );
    // An overwrite with other metadata replaces the map.
    let other = meta(&[("author", "bob")]);
    w.write(
        "k81/a.txt",
        Bytes::from("v2"),
        &replace().metadata(other.clone()),
    )
    .await
    .expect("overwrite with metadata");
    assert_eq!(
        info(w, "k81/a.txt").await.metadata.as_ref(),
        Some(&other),
        "an overwrite replaces the metadata"
    );
    w.write(
        "k81/a.txt",
        Bytes::from("data"),
        &replace().metadata(m.clone()),
    )
    .await
    .expect("overwrite back");
    if has_gates(w, &[Capability::Copy]).await {
        w.copy("k81/a.txt", "k81/copied/a.txt", false)
            .await
            .expect("copy");
        assert_eq!(
            info(w, "k81/copied/a.txt").await.metadata.as_ref(),
            Some(&m),
            "copy keeps the metadata"
        );
        assert_eq!(
            info(w, "k81/a.txt").await.metadata.as_ref(),
            Some(&m),
            "copy keeps the source's metadata"
        );
    }
    if has_gates(w, &[Capability::Move]).await {
        w.rename("k81/a.txt", "k81/moved/a.txt", false)
            .await
            .expect("rename");
        assert_eq!(
            info(w, "k81/moved/a.txt").await.metadata.as_ref(),
            Some(&m),
            "rename keeps the metadata"
        );
    }
}

/// K-116: `read_with_info` gives `get_file_info`'s facts with the file's bytes within the
/// limit (a limit equal to the size, an empty file at limit 0) and `None` above it; a missing
/// path is NotFound and a folder InvalidPath; against atomic overwrites, each answer's bytes are
/// the version its facts describe.
pub async fn k116_read_with_info(w: &dyn World) {
    let gates = [Capability::Read, Capability::Metadata, Capability::Write];
    if !has_gates(w, &gates).await {
        return;
    }
    seed(
        w,
        &[
            ("k116/a.txt", "hello"),
            ("k116/empty", ""),
            ("k116/d/x", "x"),
        ],
    )
    .await;
    let (got, bytes) = w
        .read_with_info("k116/a.txt", 5)
        .await
        .expect("read_with_info within the limit");
    assert_eq!(bytes.as_deref(), Some(&b"hello"[..]), "the bytes");
    let facts = info(w, "k116/a.txt").await;
    assert_eq!(
        (&got.path, got.size, &got.etag, got.modified_at),
        (&facts.path, facts.size, &facts.etag, facts.modified_at),
        "the facts are get_file_info's"
    );
    let (over, none) = w.read_with_info("k116/a.txt", 4).await.expect("over");
    assert_eq!((over.size, none), (5, None), "above the limit: facts only");
    let (empty, bytes) = w.read_with_info("k116/empty", 0).await.expect("empty");
    assert_eq!((empty.size, bytes.as_deref()), (0, Some(&b""[..])));
    expect_kind(
        w,
        w.read_with_info("k116/none", 9).await,
        ErrorKind::NotFound,
    );
    expect_kind(
        w,
        w.read_with_info("k116/d", 9).await,
        ErrorKind::InvalidPath,
    );

    // Each version has its own byte and its own size, so a mixed answer shows. The writer
    // replaces the file whole: a plain `write` may show a half-written file, which is that
    // file's state rather than a mix.
    if !w.capabilities().supports(Capability::AtomicWrite) {
        return;
    }
    let version = |v: u8| Bytes::from(vec![b'a' + v; 100 + usize::from(v)]);
    w.write_atomic("k116/race", version(0), &replace())
        .await
        .expect("seed");
    let writer = async {
        for v in 1..12 {
            w.write_atomic("k116/race", version(v), &replace())
                .await
                .expect("overwrite");
        }
    };
    let reader = async {
        for _ in 0..24 {
            let (facts, bytes) = w.read_with_info("k116/race", 1024).await.expect("read");
            let bytes = bytes.expect("within the limit");
            let v = bytes.first().map_or(0, |b| b - b'a');
            assert_eq!(bytes, version(v), "one version's bytes");
            assert_eq!(facts.size, bytes.len() as u64, "the facts of those bytes");
        }
    };
    futures_util::future::join(writer, reader).await;
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_metadata;
    all [
        k073_get_file_info,
        k074_get_folder_info,
        k075_folder_info_max_depth,
        k076_head_is_sidecar,
        k077_write_result_path_and_size,
        k078_write_result_source,
        k079_native_write_result_matches_info,
        k080_metadata_shape_errors,
        k081_user_metadata,
        k116_read_with_info,
    ]
}
