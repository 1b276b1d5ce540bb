//! Conformance items K-11..K-27: existence, the root rule and the path model (see
//! docs/contract.md §8).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use bytes::Bytes;

use super::support::*;
use super::{CallArgs, World};
use crate::{
    AsyncMemoryBackend, AsyncStore, Capability, DeleteFolderOptions, ErrorKind, ListOptions,
    MemoryBackend, Operation, PathRole, Result, Store, StorePath, WriteOptions,
};

/// `InvalidPath` naming the root (`path() == Some("")`), [C-2.3](crate::contract#C-2.3).
#[track_caller]
fn expect_root_refused<T>(w: &dyn World, what: &str, result: Result<T>) {
    let err = expect_err(w, what, result, ErrorKind::InvalidPath);
    assert_eq!(
        err.path(),
        Some(""),
        "{what}: path() must be the root: {err}"
    );
}

fn has(w: &dyn World, cap: Capability) -> bool {
    w.capabilities().supports(cap)
}

/// Checks that each seeded file still holds its content, and the root is still a folder.
async fn assert_intact(w: &dyn World, what: &str, files: &[(&str, &str)]) {
    for (path, content) in files {
        assert!(
            w.is_file(path).await.unwrap(),
            "{what}: {path:?} is no longer a file"
        );
        if has(w, Capability::Read) {
            assert_eq!(
                w.read_bytes(path).await.unwrap(),
                content.as_bytes(),
                "{what}: {path:?} changed"
            );
        }
    }
    for root in ["", "."] {
        assert!(
            w.is_folder(root).await.unwrap(),
            "{what}: root not a folder"
        );
        assert!(!w.is_file(root).await.unwrap(), "{what}: root is a file");
    }
}

fn store_hash<T: Hash>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// The plain values a sweep tries for each operation: both values of every flag, and of
/// the options built from them (`overwrite`, `recursive` × `missing_ok`), content as bytes and
/// streamed.
fn variants(op: &Operation) -> impl Iterator<Item = CallArgs> + '_ {
    (0..4).map(move |v| {
        let flag = v & 1 == 1;
        CallArgs::new(Vec::<String>::new())
            .flag(flag)
            .streamed(v & 2 == 2 && op.takes_content())
            .with(WriteOptions::new().overwrite(flag))
            .with(
                DeleteFolderOptions::new()
                    .recursive(v & 2 == 2)
                    .missing_ok(flag),
            )
    })
}

/// `args` with `at` at path position `position` and `other` at every other one.
fn with_paths(args: CallArgs, op: &Operation, position: usize, at: &str, other: &str) -> CallArgs {
    let paths = op
        .paths()
        .enumerate()
        .map(|(i, _)| if i == position { at } else { other });
    args.paths(paths)
}

/// Runs `op` directly at the backend; `None` where it does not exist there.
async fn call_direct(
    w: &dyn World,
    op: &'static Operation,
    args: &CallArgs,
) -> Option<Result<String>> {
    match w.sync_store() {
        Some(store) => super::call_backend(&**store.backend(), op, args),
        None => {
            let store = w.async_store().expect("a world exposes its store");
            Some(super::call_async_backend(&**store.backend(), op, args)?.await)
        }
    }
}

/// Every operation of the table with the root at each path position `pick` accepts, and
/// `other` (an existing file where one could be seeded, so that no rename or copy stops at
/// `NotFound(src)`) at the others, for each of its [`variants`]: at the Store with both root
/// spellings, and *(direct)* at the backend, expecting `InvalidPath` with `path() ==
/// Some("")`; directly, a backend without the operation's gate answers `Unsupported(gate)`
/// instead. Returns how many calls were checked.
async fn check_root_sweep(
    w: &dyn World,
    item: &str,
    pick: impl Fn(&Operation, PathRole) -> bool,
    other: &str,
) -> usize {
    let other_key = w.root().join_path(&StorePath::new(other).unwrap());
    let mut checked = 0;
    for op in crate::OPERATIONS {
        for (position, (name, role)) in op.paths().enumerate() {
            if !pick(op, role) {
                continue;
            }
            for args in variants(op) {
                for root in ["", "."] {
                    let store_args = with_paths(args.clone(), op, position, root, other);
                    let Some(call) = w.call(op, &store_args) else {
                        continue;
                    };
                    let result = call.await;
                    let what = format!(
                        "{item}: Store {}({name} = {root:?}) {store_args:?}",
                        op.name
                    );
                    expect_root_refused(w, &what, result);
                    checked += 1;
                }
                let direct = with_paths(args, op, position, "", other_key.as_str());
                if let Some(result) = call_direct(w, op, &direct).await {
                    let what = format!("{item}: backend {}({name} = root) {direct:?}", op.name);
                    match op.gate.filter(|g| !has(w, *g)) {
                        None => expect_root_refused(w, &what, result),
                        Some(gate) => {
                            expect_err(w, &what, result, ErrorKind::Unsupported(gate));
                        }
                    }
                    checked += 1;
                }
            }
        }
    }
    checked
}

/// The stores' conveniences on the root (they are not operations of the table): `read_text`
/// and `head` read, `write_text` writes.
async fn check_root_conveniences(w: &dyn World, item: &str, reads: bool, writes: bool) {
    for root in ["", "."] {
        if reads {
            expect_root_refused(
                w,
                &format!("{item}: read_text({root:?})"),
                w.read_text(root).await,
            );
            expect_root_refused(w, &format!("{item}: head({root:?})"), w.head(root).await);
        }
        if writes {
            let result = w.write_text(root, "must not land", &replace()).await;
            expect_root_refused(w, &format!("{item}: write_text({root:?})"), result);
        }
    }
}

/// K-11: `exists` is false for a missing path and true after a write.
pub async fn k011_exists_after_write(w: &dyn World) {
    let p = "k011/new.txt";
    assert!(
        !w.exists(p).await.unwrap(),
        "exists({p:?}) before any write"
    );
    assert!(
        !w.exists("k011").await.unwrap(),
        "exists of a missing folder"
    );
    let result = w.write(p, Bytes::from_static(b"hello"), &create()).await;
    if !has(w, Capability::Write) {
        expect_err(
            w,
            "write",
            result,
            ErrorKind::Unsupported(Capability::Write),
        );
        assert!(!w.exists(p).await.unwrap(), "a refused write left a file");
        return;
    }
    result.expect("write");
    assert!(w.exists(p).await.unwrap(), "exists({p:?}) after a write");
    assert!(
        w.exists("k011").await.unwrap(),
        "exists of the implicit parent"
    );
    assert!(
        !w.exists("k011/new.txt.bak").await.unwrap(),
        "exists of a sibling that was never written"
    );
    assert!(!w.exists("k011/new").await.unwrap(), "exists of a prefix");
}

/// K-12: `is_file` and `is_folder` tell a file from its implicit parent; both are false for a
/// missing path.
pub async fn k012_file_versus_folder(w: &dyn World) {
    let (file, folder) = ("k012/dir/f.txt", "k012/dir");
    if !seed_if_possible(w, &[(file, "f")]).await {
        expect_err(
            w,
            "write",
            w.write(file, Bytes::from_static(b"f"), &create()).await,
            ErrorKind::Unsupported(Capability::Write),
        );
    } else {
        assert!(w.is_file(file).await.unwrap(), "is_file(file)");
        assert!(!w.is_folder(file).await.unwrap(), "is_folder(file)");
        assert!(w.exists(file).await.unwrap(), "exists(file)");
        for f in [folder, "k012", "k012/dir/", "/k012/dir"] {
            assert!(w.is_folder(f).await.unwrap(), "is_folder({f:?})");
            assert!(!w.is_file(f).await.unwrap(), "is_file({f:?})");
            assert!(w.exists(f).await.unwrap(), "exists({f:?})");
        }
    }
    for missing in ["k012/missing", "k012/dir/missing.txt", "k012/di"] {
        assert!(!w.is_file(missing).await.unwrap(), "is_file({missing:?})");
        assert!(
            !w.is_folder(missing).await.unwrap(),
            "is_folder({missing:?})"
        );
        assert!(!w.exists(missing).await.unwrap(), "exists({missing:?})");
    }
}

/// K-13: with `a/b` a file, the probes on `a/b/c` and `a/b/c/d` are `Ok(false)`.
pub async fn k013_probes_below_a_file(w: &dyn World) {
    if !seed_if_possible(w, &[("k013/a/b", "file")]).await {
        return;
    }
    for p in ["k013/a/b/c", "k013/a/b/c/d"] {
        assert_eq!(w.exists(p).await.ok(), Some(false), "exists({p:?})");
        assert_eq!(w.is_file(p).await.ok(), Some(false), "is_file({p:?})");
        assert_eq!(w.is_folder(p).await.ok(), Some(false), "is_folder({p:?})");
    }
    assert!(w.is_file("k013/a/b").await.unwrap(), "the blocking file");
}

/// K-14: on `""` and `"."`, `exists` and `is_folder` are true and `is_file` is false, on an
/// empty store and on a non-empty one.
pub async fn k014_root_probes(w: &dyn World) {
    async fn check(w: &dyn World, state: &str) {
        for root in ["", "."] {
            assert_eq!(
                w.exists(root).await.ok(),
                Some(true),
                "{state}: exists({root:?})"
            );
            assert_eq!(
                w.is_folder(root).await.ok(),
                Some(true),
                "{state}: is_folder({root:?})"
            );
            assert_eq!(
                w.is_file(root).await.ok(),
                Some(false),
                "{state}: is_file({root:?})"
            );
        }
    }
    if let Some(files) = snapshot(w).await {
        assert!(
            files.is_empty(),
            "the fixture store is not empty: {files:?}"
        );
    }
    check(w, "empty store").await;
    if seed_if_possible(w, &[("k014.txt", "x"), ("k014/deep/f.txt", "y")]).await {
        check(w, "non-empty store").await;
    }
    // Directly at the backend, with the root key.
    let root = StorePath::root();
    let probes = match (w.sync_store(), w.async_store()) {
        (Some(s), _) => {
            let b = s.backend();
            (
                b.exists(&root).ok(),
                b.is_folder(&root).ok(),
                b.is_file(&root).ok(),
            )
        }
        (_, Some(s)) => {
            let b = s.backend();
            (
                b.exists(&root).await.ok(),
                b.is_folder(&root).await.ok(),
                b.is_file(&root).await.ok(),
            )
        }
        _ => unreachable!(),
    };
    assert_eq!(
        probes,
        (Some(true), Some(true), Some(false)),
        "backend (exists, is_folder, is_file) of the root"
    );
}

/// K-15: `get_folder_info(root)` aggregates everything; on an empty store it is 0/0, never
/// NotFound. It is derived from a recursive listing, so without List it is Unsupported(List)
/// ([C-2.2](crate::contract#C-2.2)).
pub async fn k015_root_folder_info(w: &dyn World) {
    if !has(w, Capability::Metadata) {
        expect_err(
            w,
            "get_folder_info(root)",
            w.get_folder_info("", None).await,
            ErrorKind::Unsupported(Capability::Metadata),
        );
        return;
    }
    if !has(w, Capability::List) {
        expect_err(
            w,
            "get_folder_info(root)",
            w.get_folder_info("", None).await,
            ErrorKind::Unsupported(Capability::List),
        );
        return;
    }
    for root in ["", "."] {
        let info = w
            .get_folder_info(root, None)
            .await
            .unwrap_or_else(|e| panic!("get_folder_info({root:?}) on an empty store: {e}"));
        assert!(info.path.is_root(), "path of the root's info: {info:?}");
        assert_eq!(
            (info.file_count, info.total_size),
            (0, 0),
            "empty store: {info:?}"
        );
        assert_eq!(info.modified_at, None, "no file, no time: {info:?}");
    }
    if !seed_if_possible(w, &[("k015.txt", "ab"), ("k015/deep/er.txt", "cde")]).await {
        return;
    }
    let mut depths = vec![None];
    if has(w, Capability::List) {
        depths.push(Some(5));
    }
    for root in ["", "."] {
        for depth in &depths {
            let info = w
                .get_folder_info(root, *depth)
                .await
                .unwrap_or_else(|e| panic!("get_folder_info({root:?}, {depth:?}): {e}"));
            assert!(info.path.is_root(), "path of the root's info: {info:?}");
            assert_eq!(
                (info.file_count, info.total_size),
                (2, 5),
                "get_folder_info({root:?}, {depth:?}) must count 2 files, 5 bytes: {info:?}"
            );
        }
    }
}

/// K-16: each file-shaped operation of [C-2.3](crate::contract#C-2.3) on the root is `InvalidPath` with
/// `path() == Some("")`, at the Store and *(direct)* at the backend.
pub async fn k016_file_ops_on_root_are_invalid_path(w: &dyn World) {
    let files = [("k016/keep.txt", "keep"), ("k016/other.txt", "other")];
    let seeded = seed_if_possible(w, &files).await;
    let before = snapshot(w).await;
    let checked = check_root_sweep(
        w,
        "K-16",
        |_, role| role == PathRole::File,
        "k016/other.txt",
    )
    .await;
    assert!(checked > 0, "K-16: no operation of the table takes a file");
    check_root_conveniences(w, "K-16", true, true).await;
    if seeded {
        assert_intact(w, "K-16", &files).await;
    }
    assert_eq!(snapshot(w).await, before, "K-16: the listing changed");
}

/// K-17: `delete(root, true)` is still InvalidPath, and nothing is deleted.
pub async fn k017_delete_root_missing_ok(w: &dyn World) {
    let files = [("k017.txt", "top"), ("k017/a/b.txt", "deep")];
    let seeded = seed_if_possible(w, &files).await;
    let before = snapshot(w).await;
    let deletes =
        |op: &Operation, role| op.gate == Some(Capability::Delete) && role == PathRole::File;
    let checked = check_root_sweep(w, "K-17", deletes, "k017.txt").await;
    assert!(
        checked > 0,
        "K-17: no operation of the table deletes a file"
    );
    for root in ["/", "./", "//"] {
        expect_err(
            w,
            &format!("delete({root:?}, true)"),
            w.delete(root, true).await,
            ErrorKind::InvalidPath,
        );
    }
    if seeded {
        assert_intact(w, "K-17", &files).await;
    }
    assert_eq!(snapshot(w).await, before, "K-17: something was deleted");
}

/// K-18: write, write_atomic and open_atomic to the root, and the root as rename/copy dst, are
/// InvalidPath; a seeded file still reads back and the root is still a folder.
pub async fn k018_writes_to_root(w: &dyn World) {
    let files = [("k018/seed.txt", "seed")];
    let seeded = seed_if_possible(w, &files).await;
    let before = snapshot(w).await;
    // Every file argument of an operation that changes what is stored, deletes aside (K-17):
    // writes, the atomic writer, and both ends of a rename or copy; streamed content too.
    let writes = |op: &Operation, role| {
        op.mutates && op.gate != Some(Capability::Delete) && role == PathRole::File
    };
    let checked = check_root_sweep(w, "K-18", writes, "k018/seed.txt").await;
    assert!(checked > 0, "K-18: no operation of the table writes a file");
    check_root_conveniences(w, "K-18", false, true).await;
    if seeded {
        assert_intact(w, "K-18", &files).await;
    }
    assert_eq!(snapshot(w).await, before, "K-18: the listing changed");
}

/// K-19: `delete_folder(root, _)` is InvalidPath for every option value, even where Delete is
/// not declared.
pub async fn k019_delete_folder_root(w: &dyn World) {
    let files = [("k019.txt", "top"), ("k019/a/b.txt", "deep")];
    let seeded = seed_if_possible(w, &files).await;
    let before = snapshot(w).await;
    let subfolders = |_: &Operation, role| role == PathRole::Subfolder;
    let checked = check_root_sweep(w, "K-19", subfolders, "k019.txt").await;
    assert!(
        checked > 0,
        "K-19: no operation of the table takes a folder other than the root"
    );
    if seeded {
        assert_intact(w, "K-19", &files).await;
    }
    assert_eq!(snapshot(w).await, before, "K-19: something was deleted");
}

/// K-20: a NUL in any path or pattern argument is InvalidPath, with no I/O.
pub async fn k020_nul_is_invalid_path(w: &dyn World) {
    let nul = "k020/a\0b.txt";
    let ok = "k020/ok.txt";
    // Every path argument of every operation of the table, in every world it exists in.
    let mut calls: Vec<(String, Result<String>)> = Vec::new();
    for op in crate::OPERATIONS {
        for (position, (name, role)) in op.paths().enumerate() {
            let at = if role == PathRole::Pattern {
                "k020/a\0*"
            } else {
                nul
            };
            for args in variants(op) {
                let args = with_paths(args, op, position, at, ok);
                let Some(call) = w.call(op, &args) else {
                    continue;
                };
                let result = call.await;
                calls.push((format!("{}({name}) {args:?}", op.name), result));
            }
        }
    }
    assert!(!calls.is_empty(), "no operation of the table takes a path");
    // The stores' conveniences, and what is not an operation.
    let extras: Vec<(&str, Result<String>)> = vec![
        ("read_text", shown(w.read_text(nul).await)),
        (
            "write_text",
            shown(w.write_text(nul, "x", &replace()).await),
        ),
        (
            "list_files(pattern)",
            shown(
                w.list_files("k020", &ListOptions::new().pattern("a\0*"))
                    .await,
            ),
        ),
        (
            "get_folder_info(depth)",
            shown(w.get_folder_info(nul, Some(1)).await),
        ),
        ("head", shown(w.head(nul).await)),
        ("child", w.child(nul).map(|_| "a child".to_owned())),
        ("to_key", shown(w.to_key(nul))),
        ("native_path", shown(w.native_path(nul))),
        ("resolve", shown(w.resolve(nul))),
    ];
    calls.extend(extras.into_iter().map(|(what, r)| (what.to_owned(), r)));
    for nul_at in ["\0", "\0/x", "x/\0", "k020\\\0"] {
        calls.push((
            "exists(other spelling)".into(),
            shown(w.exists(nul_at).await),
        ));
    }
    for (what, result) in calls {
        expect_err(
            w,
            &format!("{what} with a NUL"),
            result,
            ErrorKind::InvalidPath,
        );
    }
    assert!(
        !w.exists("k020").await.unwrap(),
        "a refused call created k020"
    );
    assert!(
        !w.exists("k020/a").await.unwrap(),
        "a refused call created k020/a"
    );
    if let Some(files) = snapshot(w).await {
        assert!(files.is_empty(), "refused calls left files: {files:?}");
    }
}

/// K-21: a `..` segment is InvalidPath; `a..b` and `..hidden` are valid and round-trip.
pub async fn k021_dotdot_segments(w: &dyn World) {
    let data = || Bytes::from_static(b"x");
    let deep = ListOptions::new().recursive(true);
    for bad in [
        "..",
        "../x",
        "x/..",
        "k021/../x",
        "k021\\..\\x",
        "./../k021",
        "k021/a/..",
    ] {
        let calls: Vec<(&str, Result<String>)> = vec![
            ("exists", shown(w.exists(bad).await)),
            ("is_folder", shown(w.is_folder(bad).await)),
            ("read_bytes", shown(w.read_bytes(bad).await)),
            ("write", shown(w.write(bad, data(), &replace()).await)),
            ("delete", shown(w.delete(bad, true).await)),
            (
                "delete_folder",
                shown(
                    w.delete_folder(bad, &DeleteFolderOptions::new().missing_ok(true))
                        .await,
                ),
            ),
            ("list_files", shown(w.list_files(bad, &deep).await)),
            ("rename", shown(w.rename("k021/x", bad, true).await)),
            ("copy", shown(w.copy(bad, "k021/x", true).await)),
            ("get_file_info", shown(w.get_file_info(bad).await)),
            ("child", w.child(bad).map(|_| "a child".to_owned())),
            ("native_path", shown(w.native_path(bad))),
        ];
        for (what, result) in calls {
            expect_err(
                w,
                &format!("{what}({bad:?})"),
                result,
                ErrorKind::InvalidPath,
            );
        }
    }
    for bad in ["../*.txt", "k021/../*", "**/../x"] {
        expect_err(
            w,
            &format!("glob({bad:?})"),
            w.glob(bad).await,
            ErrorKind::InvalidPath,
        );
    }
    if let Some(files) = snapshot(w).await {
        assert!(files.is_empty(), "refused calls left files: {files:?}");
    }

    let files = [
        ("k021/a..b", "dots inside"),
        ("k021/..hidden", "leading dots"),
    ];
    if !seed_if_possible(w, &files).await {
        return;
    }
    for (path, content) in files {
        assert!(w.is_file(path).await.unwrap(), "is_file({path:?})");
        if has(w, Capability::Read) {
            assert_eq!(w.read_bytes(path).await.unwrap(), content, "read {path:?}");
        }
        if has(w, Capability::Metadata) {
            let info = w.get_file_info(path).await.unwrap();
            assert_eq!(info.path.as_str(), path, "get_file_info({path:?}).path");
            assert_eq!(info.name, path.rsplit('/').next().unwrap(), "name");
        }
    }
    if has(w, Capability::List) {
        assert_eq!(
            paths(w.list_files("k021", &ListOptions::new()).await, |f| f
                .path
                .to_string()),
            ["k021/..hidden", "k021/a..b"],
            "listing of k021"
        );
    }
}

/// K-22: `a\b` is the same file as `a/b`, and `/a//b/./c/` the same as `a/b/c`.
pub async fn k022_spellings_name_one_file(w: &dyn World) {
    if !has(w, Capability::Write) {
        return;
    }
    // (written as, read as, normal form)
    let cases = [
        ("k022\\a\\b.txt", "k022/a/b.txt", "k022/a/b.txt"),
        ("/k022//m/./c/", "k022/m/c", "k022/m/c"),
        ("k022/n/o.txt", "\\k022\\n\\.\\o.txt", "k022/n/o.txt"),
        ("k022/p/q", "./k022/./p//q", "k022/p/q"),
    ];
    for (i, (written, read, normal)) in cases.iter().enumerate() {
        let content = Bytes::from(format!("content {i}"));
        let result = w
            .write(written, content.clone(), &create())
            .await
            .unwrap_or_else(|e| panic!("write({written:?}): {e}"));
        assert_eq!(
            result.path.as_str(),
            *normal,
            "WriteResult.path of {written:?}"
        );
        for p in [*read, *normal, *written] {
            assert!(
                w.is_file(p).await.unwrap(),
                "is_file({p:?}) after writing {written:?}"
            );
            if has(w, Capability::Read) {
                assert_eq!(w.read_bytes(p).await.unwrap(), content, "read({p:?})");
            }
            if has(w, Capability::Metadata) {
                let info = w.get_file_info(p).await.unwrap();
                assert_eq!(info.path.as_str(), *normal, "get_file_info({p:?}).path");
            }
        }
        // The other spelling names the same file: creating it again is AlreadyExists.
        expect_err(
            w,
            &format!("write({read:?}) over {written:?}"),
            w.write(read, Bytes::from_static(b"again"), &create()).await,
            ErrorKind::AlreadyExists,
        );
    }
    assert!(w.is_folder("k022\\a").await.unwrap(), "is_folder(k022\\a)");
    if let Some(files) = snapshot(w).await {
        let mut want: Vec<String> = cases.iter().map(|c| c.2.to_owned()).collect();
        want.sort();
        assert_eq!(files, want, "one file per normal form");
    }
}

/// K-23: file-role root spellings are InvalidPath; in the folder role `""` and `"."` are the
/// root while `"/"`, `"./"` and `"//"` are InvalidPath.
pub async fn k023_role_spellings(w: &dyn World) {
    let data = || Bytes::from_static(b"x");
    for p in ["", ".", "/", "./", "//", "/./", "\\"] {
        let calls: Vec<(&str, Result<String>)> = vec![
            ("read_bytes", shown(w.read_bytes(p).await)),
            ("read_range", shown(w.read_range(p, 0, 1).await)),
            ("write", shown(w.write(p, data(), &replace()).await)),
            (
                "write_atomic",
                shown(w.write_atomic(p, data(), &replace()).await),
            ),
            ("delete", shown(w.delete(p, true).await)),
            ("get_file_info", shown(w.get_file_info(p).await)),
            ("head", shown(w.head(p).await)),
            ("rename(src)", shown(w.rename(p, "k023/x", true).await)),
            ("copy(dst)", shown(w.copy("k023/x", p, true).await)),
        ];
        for (what, result) in calls {
            expect_root_refused(w, &format!("file role: {what}({p:?})"), result);
        }
    }
    for p in ["/", "./", "//", "/./"] {
        let calls: Vec<(&str, Result<String>)> = vec![
            ("exists", shown(w.exists(p).await)),
            ("is_file", shown(w.is_file(p).await)),
            ("is_folder", shown(w.is_folder(p).await)),
            (
                "list_files",
                shown(w.list_files(p, &ListOptions::new()).await),
            ),
            (
                "list_folders",
                shown(w.list_folders(p, &ListOptions::new()).await),
            ),
            ("iter_children", shown(w.iter_children(p).await)),
            ("get_folder_info", shown(w.get_folder_info(p, None).await)),
            ("native_path", shown(w.native_path(p))),
            ("resolve", shown(w.resolve(p))),
        ];
        for (what, result) in calls {
            expect_err(
                w,
                &format!("folder role: {what}({p:?})"),
                result,
                ErrorKind::InvalidPath,
            );
        }
    }
    let seeded = seed_if_possible(w, &[("k023.txt", "top"), ("k023/in.txt", "in")]).await;
    for p in ["", "."] {
        assert!(w.exists(p).await.unwrap(), "folder role: exists({p:?})");
        assert!(
            w.is_folder(p).await.unwrap(),
            "folder role: is_folder({p:?})"
        );
        assert!(!w.is_file(p).await.unwrap(), "folder role: is_file({p:?})");
        if has(w, Capability::List) {
            let files = paths(w.list_files(p, &ListOptions::new()).await, |f| {
                f.path.to_string()
            });
            let folders = paths(w.list_folders(p, &ListOptions::new()).await, |f| {
                f.path.to_string()
            });
            if seeded {
                assert_eq!(files, ["k023.txt"], "list_files({p:?}) lists the root");
                assert_eq!(folders, ["k023"], "list_folders({p:?}) lists the root");
            }
        }
        if has(w, Capability::Metadata) && has(w, Capability::List) {
            let info = w.get_folder_info(p, None).await.unwrap();
            assert!(info.path.is_root(), "get_folder_info({p:?}).path");
        }
        assert_eq!(
            w.native_path(p).unwrap(),
            w.native_path("").unwrap(),
            "native_path({p:?})"
        );
    }
}

/// K-24: names with spaces, `#%?+&=`, Unicode and `\u{1}` come back byte-exact from listings
/// and from `get_file_info`.
pub async fn k024_odd_names_round_trip(w: &dyn World) {
    if !has(w, Capability::Write) {
        return;
    }
    let names = [
        "a b.txt",
        "#%?+&=.txt",
        "ünï cödé-日本語-🎉.txt",
        "ctrl\u{1}char.txt",
        "dir #%?+&=/inner ü.txt",
    ];
    // A backend documented to store any valid name must; another whose service cannot store
    // one may refuse it with InvalidPath (C-3.2), but never store a different name.
    let strict = super::Declared::current().stores_any_name();
    let mut stored = Vec::new();
    for name in names {
        let path = format!("k024/{name}");
        match w
            .write(&path, Bytes::from(name.to_owned()), &create())
            .await
        {
            Ok(result) => {
                assert_eq!(result.path.as_str(), path, "WriteResult.path");
                stored.push(path);
            }
            Err(err) if !strict && err.kind() == ErrorKind::InvalidPath => {}
            Err(err) => panic!("write({path:?}): {err}"),
        }
    }
    stored.sort();
    for path in &stored {
        let name = path.rsplit('/').next().unwrap();
        assert!(w.is_file(path).await.unwrap(), "is_file({path:?})");
        if has(w, Capability::Read) {
            let want = path.strip_prefix("k024/").unwrap();
            assert_eq!(w.read_bytes(path).await.unwrap(), want, "read({path:?})");
        }
        if has(w, Capability::Metadata) {
            let info = w.get_file_info(path).await.unwrap();
            assert_eq!(info.path.as_str(), path, "get_file_info path, byte-exact");
            assert_eq!(info.name, name, "get_file_info name, byte-exact");
        }
    }
    if has(w, Capability::List) {
        let listing = w
            .list_files("k024", &ListOptions::new().recursive(true))
            .await
            .expect("list_files");
        let mut listed: Vec<(String, String)> = listing
            .into_iter()
            .map(|f| f.expect("listing item"))
            .map(|f| (f.path.to_string(), f.name))
            .collect();
        listed.sort();
        let want: Vec<(String, String)> = stored
            .iter()
            .map(|p| (p.clone(), p.rsplit('/').next().unwrap().to_owned()))
            .collect();
        assert_eq!(listed, want, "recursive listing, byte-exact");
        if stored.iter().any(|p| p.starts_with("k024/dir ")) {
            let folders = w
                .list_folders("k024", &ListOptions::new())
                .await
                .expect("list_folders");
            let folders: Vec<(String, String)> = folders
                .into_iter()
                .map(|f| f.expect("listing item"))
                .map(|f| (f.path.to_string(), f.name))
                .collect();
            assert_eq!(
                folders,
                [("k024/dir #%?+&=".to_owned(), "dir #%?+&=".to_owned())],
                "list_folders, byte-exact"
            );
        }
    }
}

/// Checks the equalities of K-25 on one concrete store type.
macro_rules! child_equalities {
    ($s:expr, $with_root:expr) => {{
        let s = $s;
        let a = s.child("a").expect("child(a)");
        let ab = a.child("b").expect("child(a).child(b)");
        let ab2 = s.child("a/b").expect("child(a/b)");
        let want = s.root().join_path(&StorePath::new("a/b").unwrap());
        assert_eq!(ab.root(), &want, "root of child(a).child(b)");
        assert!(ab == ab2, "child(a).child(b) != child(a/b)");
        assert_eq!(store_hash(&ab), store_hash(&ab2), "equal stores hash alike");
        for spelling in ["/a//b/", "a\\b", "./a/./b"] {
            let other = s.child(spelling).expect("child spelling");
            assert!(other == ab, "child({spelling:?}) != child(a/b)");
        }
        assert!(a != ab, "child(a) == child(a/b)");
        assert!(s.child("b").unwrap() != a, "child(b) == child(a)");
        assert!(*s != a, "a store equals its child");
        assert!(*s == s.clone(), "a store differs from its clone");
        assert!(!ab.owns_backend(), "a child must not own the backend");
        assert_eq!(ab.name(), s.name(), "a child keeps the backend name");
        assert_eq!(
            ab.capabilities(),
            s.capabilities(),
            "a child keeps the capabilities"
        );
        assert!(
            format!("{ab:?}").contains(&format!("root: {:?}", want.as_str())),
            "Debug of the child shows its root: {ab:?}"
        );
        // with_root(b, "a/b") is rooted where child("a/b") is; over another backend object
        // it is a different store.
        let rooted = $with_root;
        if s.root().is_root() {
            assert_eq!(rooted.root(), ab.root(), "with_root(b, a/b) vs child(a/b)");
        }
        assert!(
            rooted != ab,
            "stores over different backend objects are equal"
        );
    }};
}

/// K-25: `child("a").child("b") == child("a/b")`, rooted as `with_root(b, "a/b")`; a child
/// returns child-relative paths; `child("")`, `child(".")` and `child("..")` are InvalidPath.
pub async fn k025_child_stores(w: &dyn World) {
    for bad in ["", ".", "..", "/", "./", "a/../..", "a\0"] {
        expect_err(
            w,
            &format!("child({bad:?})"),
            w.child(bad).map(|_| ()),
            ErrorKind::InvalidPath,
        );
    }
    if let Some(s) = w.sync_store() {
        child_equalities!(s, Store::with_root(MemoryBackend::new(), "a/b").unwrap());
    }
    if let Some(s) = w.async_store() {
        child_equalities!(
            s,
            AsyncStore::with_root(AsyncMemoryBackend::new(), "a/b").unwrap()
        );
    }

    let parent = w.child("k025").expect("child(k025)");
    let child = parent.child("c").expect("child(k025).child(c)");
    assert_eq!(
        child.root(),
        w.root().join_path(&StorePath::new("k025/c").unwrap()),
        "root of the grandchild"
    );
    if !has(w, Capability::Write) {
        return;
    }
    let written = child
        .write("f.txt", Bytes::from_static(b"from the child"), &create())
        .await
        .expect("write in a child");
    assert_eq!(
        written.path.as_str(),
        "f.txt",
        "WriteResult.path in a child"
    );
    seed(&*child, &[("sub/g.txt", "g")]).await;
    assert!(
        w.is_file("k025/c/f.txt").await.unwrap(),
        "parent sees the child's file"
    );
    assert!(
        w.is_file("k025/c/sub/g.txt").await.unwrap(),
        "parent sees sub/g.txt"
    );
    assert!(
        child.is_folder("sub").await.unwrap(),
        "child is_folder(sub)"
    );
    assert!(child.is_folder("").await.unwrap(), "child root is a folder");
    if has(w, Capability::Read) {
        assert_eq!(
            child.read_bytes("f.txt").await.unwrap(),
            "from the child",
            "child read"
        );
        let err = expect_err(
            w,
            "child read_bytes(missing)",
            child.read_bytes("missing.txt").await,
            ErrorKind::NotFound,
        );
        assert_eq!(err.path(), Some("missing.txt"), "error path in a child");
        expect_root_refused(w, "child read_bytes(root)", child.read_bytes("").await);
    }
    if has(w, Capability::List) {
        let deep = ListOptions::new().recursive(true);
        assert_eq!(
            paths(child.list_files("", &deep).await, |f| f.path.to_string()),
            ["f.txt", "sub/g.txt"],
            "child list_files"
        );
        assert_eq!(
            paths(child.list_folders("", &ListOptions::new()).await, |f| f
                .path
                .to_string()),
            ["sub"],
            "child list_folders"
        );
        assert_eq!(
            paths(child.iter_children("").await, |e| e.path().to_string()),
            ["f.txt", "sub"],
            "child iter_children"
        );
    }
    if has(w, Capability::Glob) {
        assert_eq!(
            paths(child.glob("**/*.txt").await, |f| f.path.to_string()),
            ["f.txt", "sub/g.txt"],
            "child glob"
        );
    }
    if has(w, Capability::Metadata) {
        let info = child.get_file_info("sub/g.txt").await.unwrap();
        assert_eq!(info.path.as_str(), "sub/g.txt", "child get_file_info path");
        let folder = child.get_folder_info("", None).await.unwrap();
        assert!(folder.path.is_root(), "child get_folder_info(root).path");
        assert_eq!(folder.file_count, 2, "child get_folder_info(root) count");
        let folder = child.get_folder_info("sub", None).await.unwrap();
        assert_eq!(
            folder.path.as_str(),
            "sub",
            "child get_folder_info(sub).path"
        );
    }
    let native = w.native_path("k025/c/sub/g.txt").unwrap();
    assert_eq!(
        child.to_key(&native).unwrap().as_str(),
        "sub/g.txt",
        "child to_key of a native path inside it"
    );
}

/// K-26: `to_key` of a native path outside the store is InvalidPath;
/// `native_path(k) == resolve(k).native_path`.
pub async fn k026_to_key_outside_store(w: &dyn World) {
    let inner = w.child("k026/in").expect("child(k026/in)");
    for outside in [
        "k026/out/x.txt",
        "k026/inside/x.txt",
        "k026/i",
        "k026",
        "x.txt",
    ] {
        let native = w.native_path(outside).unwrap();
        expect_err(
            w,
            &format!("child to_key({native:?}) of {outside:?}"),
            inner.to_key(&native),
            ErrorKind::InvalidPath,
        );
    }
    for (inside, key) in [
        ("k026/in/x.txt", "x.txt"),
        ("k026/in/d/e", "d/e"),
        ("k026/in", ""),
    ] {
        let native = w.native_path(inside).unwrap();
        assert_eq!(
            inner.to_key(&native).unwrap().as_str(),
            key,
            "child to_key({native:?})"
        );
        assert_eq!(
            inner.native_path(key).unwrap(),
            native,
            "child native_path({key:?})"
        );
    }
    for store in [w, &*inner] {
        for k in ["x.txt", "a/b/c", "", ".", "a\\b", "/a//b/"] {
            let plan = store.resolve(k).unwrap();
            assert_eq!(
                store.native_path(k).unwrap(),
                plan.native_path,
                "native_path({k:?}) vs resolve({k:?}).native_path"
            );
        }
    }
}

/// K-27: `with_root(b, ".")` and `with_root(b, "/")` are InvalidPath; a store rooted at
/// `"/data/"` equals one rooted at `"data"`.
pub async fn k027_with_root_spellings(w: &dyn World) {
    let check = |what: &str, result: Result<StorePath>, name: &str| match result {
        Ok(root) => panic!("{what}: expected InvalidPath, got a store rooted at {root:?}"),
        Err(err) => {
            assert_eq!(err.kind(), ErrorKind::InvalidPath, "{what}: {err}");
            assert_eq!(err.backend(), Some(name), "{what}: backend(): {err:?}");
        }
    };
    let data = StorePath::new("data").unwrap();
    for bad in [".", "/", "./", "//", "..", "a/../b", "\0"] {
        check(
            &format!("Store::with_root(memory, {bad:?})"),
            Store::with_root(MemoryBackend::new(), bad).map(|s| s.root().clone()),
            "memory",
        );
        check(
            &format!("AsyncStore::with_root(memory, {bad:?})"),
            AsyncStore::with_root(MemoryBackend::new(), bad).map(|s| s.root().clone()),
            "memory",
        );
        check(
            &format!("AsyncStore::with_root(async-memory, {bad:?})"),
            AsyncStore::with_root(AsyncMemoryBackend::new(), bad).map(|s| s.root().clone()),
            "async-memory",
        );
    }
    for (spelling, want) in [
        ("", StorePath::root()),
        ("/data/", data.clone()),
        ("data", data.clone()),
        ("./data//", data.clone()),
    ] {
        let s = Store::with_root(MemoryBackend::new(), spelling).unwrap();
        assert_eq!(s.root(), &want, "Store::with_root(memory, {spelling:?})");
        assert!(s.owns_backend(), "with_root owns its backend");
        let a = AsyncStore::with_root(AsyncMemoryBackend::new(), spelling).unwrap();
        assert_eq!(
            a.root(),
            &want,
            "AsyncStore::with_root(async-memory, {spelling:?})"
        );
    }
    // Same backend object, two spellings of one root: equal stores (through `child`, which is
    // what `with_root` applies to a fresh store).
    if let Some(s) = w.sync_store() {
        let (x, y) = (s.child("/data/").unwrap(), s.child("data").unwrap());
        assert!(x == y, "child(/data/) != child(data)");
        assert_eq!(store_hash(&x), store_hash(&y), "hash of equal stores");
    }
    if let Some(s) = w.async_store() {
        let (x, y) = (s.child("/data/").unwrap(), s.child("data").unwrap());
        assert!(x == y, "child(/data/) != child(data)");
        assert_eq!(store_hash(&x), store_hash(&y), "hash of equal stores");
    }
    let (x, y) = (w.child("/data/").unwrap(), w.child("data").unwrap());
    assert_eq!(x.root(), y.root(), "roots of child(/data/) and child(data)");
    assert_eq!(x.root(), w.root().join_path(&data), "root of child(/data/)");
    for bad in [".", "/"] {
        expect_err(
            w,
            &format!("child({bad:?})"),
            w.child(bad).map(|_| ()),
            ErrorKind::InvalidPath,
        );
    }
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_paths;
    all [
        k011_exists_after_write,
        k012_file_versus_folder,
        k013_probes_below_a_file,
        k014_root_probes,
        k015_root_folder_info,
        k016_file_ops_on_root_are_invalid_path,
        k017_delete_root_missing_ok,
        k018_writes_to_root,
        k019_delete_folder_root,
        k020_nul_is_invalid_path,
        k021_dotdot_segments,
        k022_spellings_name_one_file,
        k023_role_spellings,
        k024_odd_names_round_trip,
        k025_child_stores,
        k026_to_key_outside_store,
        k027_with_root_spellings,
    ]
}
