//! Conformance items (see docs/contract.md §8): rename and copy, K-89 to K-95.

use bytes::Bytes;

use super::support::{
    content_of, create, exists, expect_kind, has_gates, is_file, is_folder, meta, seed,
};
use super::World;
use crate::{Capability, ErrorKind, Namespace, Result, StorePath};

/// Which half of a rename/copy item runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Rename,
    Copy,
}

impl Op {
    /// The gate the definition gives the operation.
    fn gate(self) -> Capability {
        let name = match self {
            Op::Rename => "rename",
            Op::Copy => "copy",
        };
        crate::Operation::named(name)
            .and_then(|op| op.gate)
            .expect("rename and copy are gated operations of the table")
    }

    async fn run(self, w: &dyn World, src: &str, dst: &str, overwrite: bool) -> Result<()> {
        match self {
            Op::Rename => w.rename(src, dst, overwrite).await,
            Op::Copy => w.copy(src, dst, overwrite).await,
        }
    }

    /// The same call made *(direct)* on the backend, with keys under the store's root.
    async fn direct(self, w: &dyn World, src: &str, dst: &str, overwrite: bool) -> Result<()> {
        let src = key(w, src);
        let dst = key(w, dst);
        if let Some(store) = w.sync_store() {
            let backend = store.backend();
            match self {
                Op::Rename => backend.rename(&src, &dst, overwrite),
                Op::Copy => backend.copy(&src, &dst, overwrite),
            }
        } else {
            let backend = w.async_store().expect("a world has a store").backend();
            match self {
                Op::Rename => backend.rename(&src, &dst, overwrite).await,
                Op::Copy => backend.copy(&src, &dst, overwrite).await,
            }
        }
    }
}

/// The two halves of an item, each only where its gate is declared (contract §8); a missing gate is
/// checked to be `Unsupported`.
async fn halves(w: &dyn World) -> Vec<Op> {
    let mut out = Vec::new();
    for op in [Op::Rename, Op::Copy] {
        if has_gates(w, &[op.gate()]).await {
            out.push(op);
        }
    }
    out
}

/// The backend key of store path `p`.
fn key(w: &dyn World, p: &str) -> StorePath {
    let rel = StorePath::new(p).unwrap_or_else(|e| panic!("bad test path {p:?}: {e}"));
    w.root().join_path(&rel)
}

/// The backend's namespace.
fn namespace(w: &dyn World) -> Namespace {
    match w.sync_store() {
        Some(store) => store.backend().namespace(),
        None => w
            .async_store()
            .expect("a world has a store")
            .backend()
            .namespace(),
    }
}

/// *(direct)* `read_bytes` on the backend.
async fn direct_read(w: &dyn World, p: &str) -> Result<Bytes> {
    let k = key(w, p);
    match w.sync_store() {
        Some(store) => store.backend().read_bytes(&k),
        None => {
            w.async_store()
                .expect("a world has a store")
                .backend()
                .read_bytes(&k)
                .await
        }
    }
}

/// The value of `result`, panicking with `what` on an error.
#[track_caller]
fn must<T>(result: Result<T>, what: &str) -> T {
    result.unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The content of `p` as text.
async fn content(w: &dyn World, p: &str) -> String {
    let bytes = content_of(w, p).await;
    String::from_utf8(bytes.to_vec()).expect("test content is UTF-8")
}

/// K-89: after `rename` src is gone and dst has the data; after `copy` both have it.
pub async fn k089_rename_and_copy(w: &dyn World) {
    if !has_gates(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    let ops = halves(w).await;
    if ops.contains(&Op::Rename) {
        seed(w, &[("k89/src.txt", "payload"), ("k89/keep.txt", "keep")]).await;
        must(
            w.rename("k89/src.txt", "k89/moved.txt", false).await,
            "rename",
        );
        assert!(!exists(w, "k89/src.txt").await, "rename left src behind");
        assert_eq!(content(w, "k89/moved.txt").await, "payload", "renamed data");
        assert_eq!(content(w, "k89/keep.txt").await, "keep", "a sibling stays");
        // A child store renames with child-relative paths.
        let child = w.child("k89").expect("child");
        must(
            child.rename("moved.txt", "again.txt", false).await,
            "rename in a child",
        );
        assert!(!exists(w, "k89/moved.txt").await, "child rename: src gone");
        assert_eq!(content(w, "k89/again.txt").await, "payload", "child rename");
    }
    if ops.contains(&Op::Copy) {
        seed(w, &[("k89/c-src.txt", "copied payload")]).await;
        must(
            w.copy("k89/c-src.txt", "k89/c-dst.txt", false).await,
            "copy",
        );
        assert_eq!(
            content(w, "k89/c-src.txt").await,
            "copied payload",
            "copy keeps src"
        );
        assert_eq!(
            content(w, "k89/c-dst.txt").await,
            "copied payload",
            "copy fills dst"
        );
        // The copy is independent of its source.
        seed(w, &[("k89/c-src.txt", "changed")]).await;
        assert_eq!(
            content(w, "k89/c-dst.txt").await,
            "copied payload",
            "the copy changed with its source"
        );
        let child = w.child("k89").expect("child");
        must(
            child.copy("c-src.txt", "c-child.txt", false).await,
            "copy in a child",
        );
        assert_eq!(content(w, "k89/c-child.txt").await, "changed", "child copy");
        if w.capabilities().supports(Capability::Metadata) {
            let info = must(w.get_file_info("k89/c-dst.txt").await, "info");
            assert_eq!(info.size, 14, "size of the copy");
        }
    }
}

/// K-90: a missing src is NotFound; an existing dst is AlreadyExists (naming dst) without overwrite and replaced with it.
pub async fn k090_missing_src_and_existing_dst(w: &dyn World) {
    if !has_gates(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    for op in halves(w).await {
        let d = format!("k90/{op:?}");
        let src = format!("{d}/src.txt");
        let dst = format!("{d}/dst.txt");
        for overwrite in [false, true] {
            let err = expect_kind(
                w,
                op.run(w, &format!("{d}/missing.txt"), &dst, overwrite)
                    .await,
                ErrorKind::NotFound,
            );
            assert_eq!(
                err.path(),
                Some(format!("{d}/missing.txt").as_str()),
                "{op:?}: NotFound names src"
            );
        }
        assert!(!exists(w, &dst).await, "{op:?}: a failed call created dst");

        seed(w, &[(&src, "source"), (&dst, "target")]).await;
        let err = expect_kind(
            w,
            op.run(w, &src, &dst, false).await,
            ErrorKind::AlreadyExists,
        );
        assert_eq!(
            err.path(),
            Some(dst.as_str()),
            "{op:?}: AlreadyExists names dst"
        );
        assert!(
            err.to_string().contains(&dst),
            "{op:?}: Display names dst: {err}"
        );
        assert_eq!(content(w, &src).await, "source", "{op:?}: src unchanged");
        assert_eq!(content(w, &dst).await, "target", "{op:?}: dst unchanged");

        // The error path is store-relative in a child store (C-1.4).
        let child = w.child(&d).expect("child");
        let err = expect_kind(
            w,
            op.run(&*child, "src.txt", "dst.txt", false).await,
            ErrorKind::AlreadyExists,
        );
        assert_eq!(err.path(), Some("dst.txt"), "{op:?}: child-relative dst");

        must(op.run(w, &src, &dst, true).await, "with overwrite");
        assert_eq!(content(w, &dst).await, "source", "{op:?}: dst replaced");
        match op {
            Op::Rename => assert!(!exists(w, &src).await, "rename left src"),
            Op::Copy => assert_eq!(content(w, &src).await, "source", "copy keeps src"),
        }
    }
}

/// K-91: a self-operation (`a/b` vs `a//b`) keeps the data; missing NotFound, folder InvalidPath, at the Store and *(direct)*.
pub async fn k091_self_operations(w: &dyn World) {
    if !has_gates(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    seed(w, &[("k91/a/b", "self data"), ("k91/a/c/x", "x")]).await;
    for op in halves(w).await {
        for overwrite in [false, true] {
            let what = format!("{op:?}(overwrite {overwrite})");
            must(
                op.run(w, "k91/a/b", "k91/a//b", overwrite).await,
                &format!("store {what} onto itself"),
            );
            assert_eq!(
                content(w, "k91/a/b").await,
                "self data",
                "store {what}: data"
            );
            must(
                op.run(w, "/k91/./a/b", "k91\\a\\b", overwrite).await,
                &format!("store {what} onto itself (odd spellings)"),
            );
            assert_eq!(
                content(w, "k91/a/b").await,
                "self data",
                "store {what}: data"
            );
            let err = expect_kind(
                w,
                op.run(w, "k91/missing", "k91//missing", overwrite).await,
                ErrorKind::NotFound,
            );
            assert_eq!(
                err.path(),
                Some("k91/missing"),
                "store {what}: NotFound path"
            );
            expect_kind(
                w,
                op.run(w, "k91/a", "k91/a/", overwrite).await,
                ErrorKind::InvalidPath,
            );
            expect_kind(
                w,
                op.run(w, "k91/a/c", "k91//a/c", overwrite).await,
                ErrorKind::InvalidPath,
            );
            assert!(!exists(w, "k91/missing").await, "store {what}: created");
            assert!(is_folder(w, "k91/a").await, "store {what}: folder kept");
            assert_eq!(content(w, "k91/a/c/x").await, "x", "store {what}: child");

            // (direct): the backend itself, with StorePath keys.
            must(
                op.direct(w, "k91/a/b", "k91/a//b", overwrite).await,
                &format!("direct {what} onto itself"),
            );
            let data = must(direct_read(w, "k91/a/b").await, "direct read");
            assert_eq!(data, "self data".as_bytes(), "direct {what}: data");
            expect_kind(
                w,
                op.direct(w, "k91/missing", "k91//missing", overwrite).await,
                ErrorKind::NotFound,
            );
            expect_kind(
                w,
                op.direct(w, "k91/a", "k91/a/", overwrite).await,
                ErrorKind::InvalidPath,
            );
            assert!(!exists(w, "k91/missing").await, "direct {what}: created");
            assert!(is_folder(w, "k91/a").await, "direct {what}: folder kept");
            assert!(is_file(w, "k91/a/b").await, "direct {what}: file kept");
        }
    }
}

/// K-92: a src that is a folder is InvalidPath; on hierarchical backends a dst that is an existing folder is too.
pub async fn k092_folder_src_and_dst(w: &dyn World) {
    if !has_gates(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    let hier = namespace(w) == Namespace::Hierarchical;
    seed(
        w,
        &[
            ("k92/dir/inner.txt", "inner"),
            ("k92/dir/sub/deep.txt", "deep"),
            ("k92/file.txt", "file"),
        ],
    )
    .await;
    for op in halves(w).await {
        for overwrite in [false, true] {
            let what = format!("{op:?}(overwrite {overwrite})");
            let err = expect_kind(
                w,
                op.run(w, "k92/dir", "k92/new", overwrite).await,
                ErrorKind::InvalidPath,
            );
            assert_eq!(err.path(), Some("k92/dir"), "{what}: path names the folder");
            assert!(!exists(w, "k92/new").await, "{what}: created dst");
            // Into an existing file, too: the folder src outranks the dst conflict.
            expect_kind(
                w,
                op.run(w, "k92/dir/sub", "k92/file.txt", overwrite).await,
                ErrorKind::InvalidPath,
            );
            if hier {
                let err = expect_kind(
                    w,
                    op.run(w, "k92/file.txt", "k92/dir", overwrite).await,
                    ErrorKind::InvalidPath,
                );
                assert_eq!(err.path(), Some("k92/dir"), "{what}: path names dst");
                expect_kind(
                    w,
                    op.run(w, "k92/file.txt", "k92/dir/sub", overwrite).await,
                    ErrorKind::InvalidPath,
                );
                assert!(is_folder(w, "k92/dir").await, "{what}: dst folder kept");
            }
            assert_eq!(content(w, "k92/file.txt").await, "file", "{what}: src kept");
            assert_eq!(
                content(w, "k92/dir/inner.txt").await,
                "inner",
                "{what}: folder content"
            );
            assert_eq!(
                content(w, "k92/dir/sub/deep.txt").await,
                "deep",
                "{what}: folder content"
            );
        }
    }
}

/// K-93: a dst below a file is InvalidPath; the blocking file and src are unchanged.
pub async fn k093_dst_below_a_file(w: &dyn World) {
    if !has_gates(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    seed(w, &[("k93/blocker", "blocking"), ("k93/src.txt", "source")]).await;
    for op in halves(w).await {
        for overwrite in [false, true] {
            let what = format!("{op:?}(overwrite {overwrite})");
            for dst in ["k93/blocker/x.txt", "k93/blocker/x/y.txt"] {
                expect_kind(
                    w,
                    op.run(w, "k93/src.txt", dst, overwrite).await,
                    ErrorKind::InvalidPath,
                );
                assert!(!exists(w, dst).await, "{what}: {dst} was created");
            }
            assert!(is_file(w, "k93/blocker").await, "{what}: blocker kept");
            assert_eq!(
                content(w, "k93/blocker").await,
                "blocking",
                "{what}: blocker"
            );
            assert_eq!(content(w, "k93/src.txt").await, "source", "{what}: src");
        }
    }
}

/// K-94: a missing src with a blocked dst is NotFound: src wins.
pub async fn k094_missing_src_wins(w: &dyn World) {
    if !has_gates(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    seed(
        w,
        &[
            ("k94/blocker", "blocking"),
            ("k94/existing.txt", "existing"),
            ("k94/dir/x.txt", "x"),
        ],
    )
    .await;
    let blocked = [
        "k94/blocker/below.txt",
        "k94/existing.txt",
        "k94/dir",
        "k94/blocker/a/b",
    ];
    for op in halves(w).await {
        for overwrite in [false, true] {
            for dst in blocked {
                for src in ["k94/missing.txt", "k94/blocker/missing"] {
                    let err =
                        expect_kind(w, op.run(w, src, dst, overwrite).await, ErrorKind::NotFound);
                    assert_eq!(
                        err.path(),
                        Some(src),
                        "{op:?}({src:?} -> {dst:?}, overwrite {overwrite}): NotFound names src"
                    );
                }
            }
        }
    }
    assert_eq!(content(w, "k94/blocker").await, "blocking", "blocker kept");
    assert_eq!(content(w, "k94/existing.txt").await, "existing", "dst kept");
    assert!(is_folder(w, "k94/dir").await, "folder kept");
}

/// K-95: dst's parents are created; user metadata and content type are kept.
pub async fn k095_dst_parents_and_metadata_kept(w: &dyn World) {
    if !has_gates(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    let user = w.capabilities().supports(Capability::UserMetadata);
    let info = w.capabilities().supports(Capability::Metadata);
    let m = meta(&[("origin", "k95"), ("note", "kept across moves")]);
    let o = if user {
        create().metadata(m.clone())
    } else {
        create()
    };
    for op in halves(w).await {
        let src = format!("k95/{op:?}/src.txt");
        let dst = format!("k95/{op:?}/new/deep/er/dst.txt");
        must(
            w.write(&src, Bytes::from("moving data"), &o).await,
            "seed src",
        );
        let before = if info {
            Some(must(w.get_file_info(&src).await, "src info"))
        } else {
            None
        };
        must(op.run(w, &src, &dst, false).await, &format!("{op:?}"));
        for parent in [
            format!("k95/{op:?}/new"),
            format!("k95/{op:?}/new/deep"),
            format!("k95/{op:?}/new/deep/er"),
        ] {
            assert!(
                is_folder(w, &parent).await,
                "{op:?}: parent {parent:?} was not created"
            );
        }
        assert_eq!(content(w, &dst).await, "moving data", "{op:?}: dst data");
        assert_eq!(
            exists(w, &src).await,
            op == Op::Copy,
            "{op:?}: src presence afterwards"
        );
        if let Some(before) = before {
            let after = must(w.get_file_info(&dst).await, "dst info");
            assert_eq!(after.size, before.size, "{op:?}: size");
            assert_eq!(
                after.attributes, before.attributes,
                "{op:?}: attributes kept"
            );
            assert_eq!(after.metadata, before.metadata, "{op:?}: metadata kept");
            if user {
                assert_eq!(
                    after.metadata.as_ref(),
                    Some(&m),
                    "{op:?}: user metadata kept"
                );
            }
        }
    }
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_moves;
    all [
        k089_rename_and_copy,
        k090_missing_src_and_existing_dst,
        k091_self_operations,
        k092_folder_src_and_dst,
        k094_missing_src_wins,
        k095_dst_parents_and_metadata_kept,
    ]
    hier [
        k093_dst_below_a_file,
    ]
}
