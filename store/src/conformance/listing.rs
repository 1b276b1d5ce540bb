//! Conformance items (see docs/contract.md §8): listing and glob, K-59 to K-72.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;

use super::support::{expect_kind, has_gates, replace, seed};
use super::World;
use crate::{Capability, Entry, ErrorKind, FileInfo, FolderEntry, ListOptions, Pattern, Result};

/// The items of a listing, panicking (with `what`) on an eager error or a failed item.
fn items<T>(listing: Result<Vec<Result<T>>>, what: &str) -> Vec<T> {
    listing
        .unwrap_or_else(|e| panic!("{what}: listing failed: {e}"))
        .into_iter()
        .map(|item| item.unwrap_or_else(|e| panic!("{what}: listing item failed: {e}")))
        .collect()
}

/// The files listed under `p`, checking each `name` against the path's last segment.
async fn files(w: &dyn World, p: &str, o: &ListOptions) -> Vec<FileInfo> {
    let what = format!("list_files({p:?}, {o:?})");
    let out = items(w.list_files(p, o).await, &what);
    for f in &out {
        assert_eq!(f.name, f.path.name(), "{what}: name of {:?}", f.path);
    }
    out
}

/// The sorted file paths listed under `p`.
async fn file_paths(w: &dyn World, p: &str, o: &ListOptions) -> Vec<String> {
    sorted(files(w, p, o).await.iter().map(|f| f.path.to_string()))
}

/// The folders listed under `p`, checking each `name` against the path's last segment.
async fn folders(w: &dyn World, p: &str, o: &ListOptions) -> Vec<FolderEntry> {
    let what = format!("list_folders({p:?}, {o:?})");
    let out = items(w.list_folders(p, o).await, &what);
    for f in &out {
        assert_eq!(f.name, f.path.name(), "{what}: name of {:?}", f.path);
    }
    out
}

/// The sorted folder paths listed under `p`.
async fn folder_paths(w: &dyn World, p: &str, o: &ListOptions) -> Vec<String> {
    sorted(folders(w, p, o).await.iter().map(|f| f.path.to_string()))
}

/// The sorted paths of `glob(pattern)`.
async fn glob_paths(w: &dyn World, pattern: &str) -> Vec<String> {
    let what = format!("glob({pattern:?})");
    let out = items(w.glob(pattern).await, &what);
    for f in &out {
        assert_eq!(f.name, f.path.name(), "{what}: name of {:?}", f.path);
    }
    sorted(out.iter().map(|f| f.path.to_string()))
}

/// The paths `store::ext::glob_files` gives, in the world's own flavour, sorted.
async fn glob_files_paths(w: &dyn World, pattern: &str) -> Vec<String> {
    use futures_util::TryStreamExt;
    let what = format!("glob_files({pattern:?})");
    let files: Vec<FileInfo> = match (w.sync_store(), w.async_store()) {
        (Some(store), _) => crate::ext::blocking::glob_files(store, pattern)
            .and_then(|files| files.collect())
            .unwrap_or_else(|e| panic!("{what} failed: {e}")),
        (_, Some(store)) => match crate::ext::glob_files(store, pattern).await {
            Ok(files) => files.try_collect().await,
            Err(e) => Err(e),
        }
        .unwrap_or_else(|e| panic!("{what} failed: {e}")),
        (None, None) => panic!("{what}: a world with no store"),
    };
    sorted(files.iter().map(|f| f.path.to_string()))
}

fn sorted(it: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = it.collect();
    v.sort();
    v
}

fn strings(v: &[&str]) -> Vec<String> {
    sorted(v.iter().map(|s| s.to_string()))
}

fn direct() -> ListOptions {
    ListOptions::new()
}

fn recursive() -> ListOptions {
    ListOptions::new().recursive(true)
}

/// K-59: non-recursive `list_files` gives direct files only, recursive includes nested ones; names and store-relative paths.
pub async fn k059_list_files_direct_and_recursive(w: &dyn World) {
    if !has_gates(w, &[Capability::List, Capability::Write]).await {
        return;
    }
    let tree = [
        ("k59/a.txt", "a"),
        ("k59/b.bin", "bb"),
        ("k59/sub/c.txt", "ccc"),
        ("k59/sub/deep/d.txt", "dddd"),
        ("k59x/e.txt", "eeeee"),
        ("top.txt", "tttttt"),
    ];
    seed(w, &tree).await;
    let sizes: BTreeMap<&str, u64> = tree.iter().map(|(p, c)| (*p, c.len() as u64)).collect();

    let listed = files(w, "k59", &direct()).await;
    for f in &listed {
        assert_eq!(
            Some(&f.size),
            sizes.get(f.path.as_str()),
            "size of {:?} in the direct listing",
            f.path
        );
    }
    assert_eq!(
        sorted(listed.iter().map(|f| f.path.to_string())),
        strings(&["k59/a.txt", "k59/b.bin"]),
        "non-recursive list_files(\"k59\") must give the direct files only"
    );
    let listed = files(w, "k59", &recursive()).await;
    for f in &listed {
        assert_eq!(
            Some(&f.size),
            sizes.get(f.path.as_str()),
            "size of {:?} in the recursive listing",
            f.path
        );
    }
    assert_eq!(
        sorted(listed.iter().map(|f| f.path.to_string())),
        strings(&[
            "k59/a.txt",
            "k59/b.bin",
            "k59/sub/c.txt",
            "k59/sub/deep/d.txt"
        ]),
        "recursive list_files(\"k59\") must include nested files and nothing outside"
    );
    assert_eq!(
        file_paths(w, "", &direct()).await,
        strings(&["top.txt"]),
        "non-recursive listing of the root"
    );
    assert_eq!(
        file_paths(w, ".", &recursive()).await,
        sorted(tree.iter().map(|(p, _)| p.to_string())),
        "recursive listing of the root (spelled \".\")"
    );
    assert_eq!(
        file_paths(w, "/k59/sub/", &direct()).await,
        strings(&["k59/sub/c.txt"]),
        "listing of a folder spelled with slashes"
    );

    let child = w.child("k59").expect("child(\"k59\")");
    assert_eq!(
        file_paths(&*child, "", &direct()).await,
        strings(&["a.txt", "b.bin"]),
        "paths in a child store are child-relative"
    );
    assert_eq!(
        file_paths(&*child, "", &recursive()).await,
        strings(&["a.txt", "b.bin", "sub/c.txt", "sub/deep/d.txt"]),
        "recursive paths in a child store are child-relative"
    );
    let deep = files(&*child, "sub", &recursive()).await;
    assert_eq!(
        sorted(deep.iter().map(|f| f.path.to_string())),
        strings(&["sub/c.txt", "sub/deep/d.txt"]),
        "listing a subfolder of a child store"
    );
    for f in &deep {
        let back = child
            .read_bytes(f.path.as_str())
            .await
            .unwrap_or_else(|e| panic!("listed path {:?} does not read back: {e}", f.path));
        assert_eq!(back.len() as u64, f.size, "size of {:?}", f.path);
    }
}

/// K-60: `list_folders` gives the complete set of immediate subfolders, with names and paths.
pub async fn k060_list_folders(w: &dyn World) {
    if !has_gates(w, &[Capability::List, Capability::Write]).await {
        return;
    }
    seed(
        w,
        &[
            ("k60/a/x.txt", "x"),
            ("k60/b/y.txt", "y"),
            ("k60/b/inner/z.txt", "z"),
            ("k60/c.txt", "c"),
            ("k60/d/e/f.txt", "f"),
            ("k60b/g.txt", "g"),
        ],
    )
    .await;
    let listed = folders(w, "k60", &direct()).await;
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    let expected: Vec<FolderEntry> = ["k60/a", "k60/b", "k60/d"]
        .iter()
        .map(|p| FolderEntry {
            path: crate::StorePath::new(p).unwrap(),
            name: p.rsplit('/').next().unwrap().to_owned(),
        })
        .collect();
    assert_eq!(
        listed_sorted, expected,
        "list_folders(\"k60\") must give exactly the immediate subfolders"
    );
    assert_eq!(
        folder_paths(w, "", &direct()).await,
        strings(&["k60", "k60b"]),
        "list_folders of the root"
    );
    assert_eq!(
        folder_paths(w, "k60/b", &direct()).await,
        strings(&["k60/b/inner"]),
        "list_folders(\"k60/b\")"
    );
    assert_eq!(
        folder_paths(w, "k60/a", &direct()).await,
        Vec::<String>::new(),
        "a folder with only files has no subfolders"
    );
    let child = w.child("k60").expect("child(\"k60\")");
    let listed = folders(&*child, "", &direct()).await;
    assert_eq!(
        sorted(listed.iter().map(|f| format!("{}={}", f.path, f.name))),
        strings(&["a=a", "b=b", "d=d"]),
        "folders of a child store are child-relative"
    );
}

/// K-61: `iter_children` gives files as `Entry::File` and folders as `Entry::Folder`.
pub async fn k061_iter_children(w: &dyn World) {
    if !has_gates(w, &[Capability::List, Capability::Write]).await {
        return;
    }
    seed(
        w,
        &[
            ("k61/mixed/f1.txt", "one"),
            ("k61/mixed/sub/x.txt", "x"),
            ("k61/files/a", "aa"),
            ("k61/files/b", "bbb"),
            ("k61/folders/p/x", "x"),
            ("k61/folders/q/y", "y"),
        ],
    )
    .await;
    let describe = |entries: Vec<Entry>| -> Vec<String> {
        sorted(entries.into_iter().map(|e| match e {
            Entry::File(f) => {
                assert_eq!(f.name, f.path.name(), "name of file entry {:?}", f.path);
                format!("file {} {} {}", f.path, f.name, f.size)
            }
            Entry::Folder(f) => {
                assert_eq!(f.name, f.path.name(), "name of folder entry {:?}", f.path);
                format!("folder {} {}", f.path, f.name)
            }
        }))
    };
    let cases: [(&str, &[&str]); 4] = [
        (
            "k61/mixed",
            &["file k61/mixed/f1.txt f1.txt 3", "folder k61/mixed/sub sub"],
        ),
        (
            "k61/files",
            &["file k61/files/a a 2", "file k61/files/b b 3"],
        ),
        (
            "k61/folders",
            &["folder k61/folders/p p", "folder k61/folders/q q"],
        ),
        (
            "k61",
            &[
                "folder k61/files files",
                "folder k61/folders folders",
                "folder k61/mixed mixed",
            ],
        ),
    ];
    for (folder, expected) in cases {
        let got = describe(items(
            w.iter_children(folder).await,
            &format!("iter_children({folder:?})"),
        ));
        assert_eq!(got, strings(expected), "iter_children({folder:?})");
    }
    let child = w.child("k61/mixed").expect("child");
    let got = describe(items(child.iter_children("").await, "child iter_children"));
    assert_eq!(
        got,
        strings(&["file f1.txt f1.txt 3", "folder sub sub"]),
        "iter_children in a child store is child-relative"
    );
}

/// K-62: every listing of a missing path, a file, or a path below a file is empty, never an error.
pub async fn k062_listing_missing_or_file_is_empty(w: &dyn World) {
    if !has_gates(w, &[Capability::List, Capability::Write]).await {
        return;
    }
    seed(w, &[("k62/file.txt", "data"), ("k62/dir/x.txt", "x")]).await;
    let targets = [
        "k62/missing",
        "k62/missing/deeper",
        "k62/file.txt",
        "k62/file.txt/below",
        "k62/file.txt/below/deeper",
        "nowhere",
    ];
    for p in targets {
        for o in [direct(), recursive(), ListOptions::new().max_depth(3)] {
            let got = w.list_files(p, &o).await;
            assert!(
                matches!(&got, Ok(v) if v.is_empty()),
                "list_files({p:?}, {o:?}) must be empty, got {got:?}"
            );
            let got = w.list_folders(p, &o).await;
            assert!(
                matches!(&got, Ok(v) if v.is_empty()),
                "list_folders({p:?}, {o:?}) must be empty, got {got:?}"
            );
        }
        let got = w.iter_children(p).await;
        assert!(
            matches!(&got, Ok(v) if v.is_empty()),
            "iter_children({p:?}) must be empty, got {got:?}"
        );
        let o = ListOptions::new().pattern("*");
        let got = w.list_files(p, &o).await;
        assert!(
            matches!(&got, Ok(v) if v.is_empty()),
            "list_files({p:?}, pattern) must be empty, got {got:?}"
        );
        if w.capabilities().supports(Capability::Glob) {
            for pattern in [format!("{p}/*"), format!("{p}/**")] {
                let got = w.glob(&pattern).await;
                assert!(
                    matches!(&got, Ok(v) if v.is_empty()),
                    "glob({pattern:?}) must be empty, got {got:?}"
                );
            }
        }
    }
    // The seeded data is still there: the empty answers were not a broken listing.
    assert_eq!(
        file_paths(w, "k62", &recursive()).await,
        strings(&["k62/dir/x.txt", "k62/file.txt"]),
        "recursive listing of k62"
    );
}

/// K-63: listing `a` never returns `ab.txt` or `ab/x`; every result lies under the prefix.
pub async fn k063_listing_is_segment_aligned(w: &dyn World) {
    if !has_gates(w, &[Capability::List, Capability::Write]).await {
        return;
    }
    seed(
        w,
        &[
            ("k63/a/in.txt", "in"),
            ("k63/a/sub/deep.txt", "deep"),
            ("k63/ab.txt", "ab"),
            ("k63/ab/x", "x"),
            ("k63/abc/y.txt", "y"),
            ("k63/a.txt", "a"),
            ("k63/a-b/z.txt", "z"),
        ],
    )
    .await;
    assert_eq!(
        file_paths(w, "k63/a", &direct()).await,
        strings(&["k63/a/in.txt"]),
        "direct list_files(\"k63/a\")"
    );
    let all = file_paths(w, "k63/a", &recursive()).await;
    assert_eq!(
        all,
        strings(&["k63/a/in.txt", "k63/a/sub/deep.txt"]),
        "recursive list_files(\"k63/a\")"
    );
    assert_eq!(
        folder_paths(w, "k63/a", &recursive()).await,
        strings(&["k63/a/sub"]),
        "recursive list_folders(\"k63/a\")"
    );
    let children = items(w.iter_children("k63/a").await, "iter_children(\"k63/a\")");
    assert_eq!(
        sorted(children.iter().map(|e| e.path().to_string())),
        strings(&["k63/a/in.txt", "k63/a/sub"]),
        "iter_children(\"k63/a\")"
    );
    let child_paths: Vec<String> = children.iter().map(|e| e.path().to_string()).collect();
    for path in all.iter().chain(&child_paths) {
        assert!(
            path.starts_with("k63/a/"),
            "{path:?} lies outside the listed folder k63/a"
        );
    }
    if w.capabilities().supports(Capability::Glob) {
        assert_eq!(
            glob_paths(w, "k63/a/**").await,
            strings(&["k63/a/in.txt", "k63/a/sub/deep.txt"]),
            "glob(\"k63/a/**\")"
        );
    }
}

/// K-64: `max_depth` 0 to 3 on a 4-level tree gives exactly the files at depth ≤ N; `Some(n)` overrides `recursive: false`.
pub async fn k064_max_depth(w: &dyn World) {
    if !has_gates(w, &[Capability::List, Capability::Write]).await {
        return;
    }
    let tree: [(&str, usize); 6] = [
        ("k64/f0.txt", 0),
        ("k64/l1/f1.txt", 1),
        ("k64/m1/g1.txt", 1),
        ("k64/l1/l2/f2.txt", 2),
        ("k64/l1/l2/l3/f3.txt", 3),
        ("k64/l1/l2/l3/l4/f4.txt", 4),
    ];
    let files_seeded: Vec<(&str, &str)> = tree.iter().map(|(p, _)| (*p, "x")).collect();
    seed(w, &files_seeded).await;
    seed(w, &[("top.txt", "t")]).await;
    for n in 0..=5 {
        let expected = sorted(
            tree.iter()
                .filter(|(_, d)| *d <= n)
                .map(|(p, _)| p.to_string()),
        );
        for rec in [false, true] {
            let o = ListOptions::new().max_depth(n).recursive(rec);
            assert_eq!(
                file_paths(w, "k64", &o).await,
                expected,
                "list_files(\"k64\", max_depth {n}, recursive {rec})"
            );
        }
    }
    assert_eq!(
        file_paths(w, "k64", &direct()).await,
        strings(&["k64/f0.txt"]),
        "no max_depth, not recursive: direct files"
    );
    assert_eq!(
        file_paths(w, "k64", &recursive()).await.len(),
        tree.len(),
        "no max_depth, recursive: every file"
    );
    assert_eq!(
        file_paths(w, "k64/l1", &ListOptions::new().max_depth(1)).await,
        strings(&["k64/l1/f1.txt", "k64/l1/l2/f2.txt"]),
        "depth is relative to the listed folder"
    );
    assert_eq!(
        file_paths(w, "", &ListOptions::new().max_depth(1)).await,
        strings(&["k64/f0.txt", "top.txt"]),
        "max_depth 1 from the root"
    );
}

/// K-65: `list_folders` with `max_depth` N and with `recursive` follows [C-6.9](crate::contract#C-6.9); `pattern` filters without pruning.
pub async fn k065_list_folders_depth_and_pattern(w: &dyn World) {
    if !has_gates(w, &[Capability::List, Capability::Write]).await {
        return;
    }
    seed(
        w,
        &[
            ("k65/a/z.txt", "z"),
            ("k65/a/b/c/d/x.txt", "x"),
            ("k65/e/f/y.md", "y"),
        ],
    )
    .await;
    // Folder depths below k65: a 0, a/b 1, a/b/c 2, a/b/c/d 3, e 0, e/f 1.
    let all = ["a", "a/b", "a/b/c", "a/b/c/d", "e", "e/f"];
    let depth = |p: &str| p.matches('/').count();
    let under = |v: Vec<&str>| sorted(v.into_iter().map(|p| format!("k65/{p}")));
    assert_eq!(
        folder_paths(w, "k65", &direct()).await,
        under(vec!["a", "e"]),
        "list_folders without max_depth or recursive: immediate children"
    );
    assert_eq!(
        folder_paths(w, "k65", &recursive()).await,
        under(all.to_vec()),
        "recursive list_folders: every descendant"
    );
    for n in 0..=4 {
        let expected = under(all.iter().copied().filter(|p| depth(p) <= n).collect());
        for rec in [false, true] {
            let o = ListOptions::new().max_depth(n).recursive(rec);
            assert_eq!(
                folder_paths(w, "k65", &o).await,
                expected,
                "list_folders(\"k65\", max_depth {n}, recursive {rec})"
            );
        }
    }
    // The pattern filters what is yielded, never the walk: `d` and `f` lie below folders
    // that do not match.
    let o = recursive().pattern("[df]");
    assert_eq!(
        folder_paths(w, "k65", &o).await,
        under(vec!["a/b/c/d", "e/f"]),
        "recursive list_folders with pattern [df]"
    );
    let o = ListOptions::new().max_depth(2).pattern("?");
    assert_eq!(
        folder_paths(w, "k65", &o).await,
        under(vec!["a", "a/b", "a/b/c", "e", "e/f"]),
        "list_folders with max_depth 2 and pattern ?"
    );
    let o = ListOptions::new().max_depth(2).pattern("c");
    assert_eq!(
        folder_paths(w, "k65", &o).await,
        under(vec!["a/b/c"]),
        "list_folders with max_depth 2 and pattern c"
    );
    let o = recursive().pattern("*.txt");
    assert_eq!(
        file_paths(w, "k65", &o).await,
        strings(&["k65/a/b/c/d/x.txt", "k65/a/z.txt"]),
        "recursive list_files with pattern *.txt descends through non-matching folders"
    );
    let o = ListOptions::new().max_depth(1).pattern("*.md");
    assert_eq!(
        file_paths(w, "k65", &o).await,
        Vec::<String>::new(),
        "list_files with max_depth 1 and pattern *.md (y.md lies at depth 2)"
    );
    let o = ListOptions::new().max_depth(2).pattern("*.md");
    assert_eq!(
        file_paths(w, "k65", &o).await,
        strings(&["k65/e/f/y.md"]),
        "list_files with max_depth 2 and pattern *.md"
    );
}

/// K-66: basename patterns `*.txt`, `?.md`, `[ab]*`, `[!a]*` match case-sensitively; `/` or `**` is InvalidArgument.
pub async fn k066_basename_patterns(w: &dyn World) {
    let bad = ["sub/*.txt", "**", "**.txt", "a/b", "a\\b"];
    // Option values are checked first (C-1.3), so this holds with or without List.
    for pattern in bad {
        let o = ListOptions::new().pattern(pattern);
        expect_kind(w, w.list_files("k66", &o).await, ErrorKind::InvalidArgument);
        expect_kind(
            w,
            w.list_folders("k66", &o).await,
            ErrorKind::InvalidArgument,
        );
    }
    if !has_gates(w, &[Capability::List, Capability::Write]).await {
        return;
    }
    seed(
        w,
        &[
            ("k66/a.txt", "1"),
            ("k66/B.txt", "2"),
            ("k66/c.txt", "3"),
            ("k66/d.TXT", "4"),
            ("k66/notes.txt.bak", "5"),
            ("k66/b.md", "6"),
            ("k66/A.md", "7"),
            ("k66/ab.md", "8"),
            ("k66/zz.md", "9"),
            ("k66/sub/a.txt", "10"),
        ],
    )
    .await;
    let k = |v: &[&str]| sorted(v.iter().map(|p| format!("k66/{p}")));
    let table: [(&str, Vec<String>); 4] = [
        ("*.txt", k(&["a.txt", "B.txt", "c.txt"])),
        ("?.md", k(&["b.md", "A.md"])),
        ("[ab]*", k(&["a.txt", "ab.md", "b.md"])),
        (
            "[!a]*",
            k(&[
                "B.txt",
                "c.txt",
                "d.TXT",
                "notes.txt.bak",
                "b.md",
                "A.md",
                "zz.md",
            ]),
        ),
    ];
    for (pattern, expected) in table {
        let o = ListOptions::new().pattern(pattern);
        assert_eq!(
            file_paths(w, "k66", &o).await,
            expected,
            "list_files(\"k66\", pattern {pattern:?})"
        );
    }
    let o = recursive().pattern("*.txt");
    assert_eq!(
        file_paths(w, "k66", &o).await,
        k(&["a.txt", "B.txt", "c.txt", "sub/a.txt"]),
        "recursive list_files with pattern *.txt"
    );
    let o = ListOptions::new().pattern("s*");
    assert_eq!(
        folder_paths(w, "k66", &o).await,
        k(&["sub"]),
        "list_folders with pattern s*"
    );
    let o = ListOptions::new().pattern("S*");
    assert_eq!(
        folder_paths(w, "k66", &o).await,
        Vec::<String>::new(),
        "list_folders pattern is case-sensitive"
    );
}

/// K-67: 1 100 files list completely, without duplicates, and every listed path reads back.
pub async fn k067_large_listing(w: &dyn World) {
    if !has_gates(w, &[Capability::List, Capability::Write, Capability::Read]).await {
        return;
    }
    const N: usize = 1100;
    for i in 0..N {
        let p = format!("k67/f{i:04}.txt");
        w.write(&p, Bytes::from(format!("content {i}")), &replace())
            .await
            .unwrap_or_else(|e| panic!("writing {p:?} failed: {e}"));
    }
    let expected: BTreeSet<String> = (0..N).map(|i| format!("k67/f{i:04}.txt")).collect();
    for o in [direct(), recursive()] {
        let listed = files(w, "k67", &o).await;
        assert_eq!(listed.len(), N, "list_files(\"k67\", {o:?}) count");
        let unique: BTreeSet<String> = listed.iter().map(|f| f.path.to_string()).collect();
        assert_eq!(unique.len(), N, "list_files(\"k67\", {o:?}) has duplicates");
        assert_eq!(unique, expected, "list_files(\"k67\", {o:?}) set");
    }
    let listed = files(w, "", &recursive()).await;
    assert_eq!(listed.len(), N, "recursive listing of the root count");
    for f in &listed {
        let i: usize = f.path.as_str()["k67/f".len().."k67/f".len() + 4]
            .parse()
            .expect("listed name");
        let want = format!("content {i}");
        assert_eq!(f.size, want.len() as u64, "size of {:?}", f.path);
        let got = w
            .read_bytes(f.path.as_str())
            .await
            .unwrap_or_else(|e| panic!("listed path {:?} does not read back: {e}", f.path));
        assert_eq!(got, want.as_bytes(), "content of {:?}", f.path);
    }
    let children = items(w.iter_children("k67").await, "iter_children(\"k67\")");
    let unique: BTreeSet<String> = children.iter().map(|e| e.path().to_string()).collect();
    assert_eq!(children.len(), N, "iter_children(\"k67\") count");
    assert_eq!(unique, expected, "iter_children(\"k67\") set");
}

/// K-69: `g/*.txt`, `gr/**/*.txt` (zero and two levels) and `gf/**/*` (files only) glob exactly.
pub async fn k069_glob_basics(w: &dyn World) {
    if !has_gates(w, &[Capability::Glob, Capability::Write]).await {
        return;
    }
    seed(
        w,
        &[
            ("k69/g/a.txt", "a"),
            ("k69/g/b.txt", "b"),
            ("k69/g/c.md", "c"),
            ("k69/g/sub/d.txt", "d"),
            ("k69/gx/e.txt", "e"),
            ("k69/gr/x.txt", "x"),
            ("k69/gr/one/w.txt", "w"),
            ("k69/gr/one/z.md", "z"),
            ("k69/gr/one/two/y.txt", "y"),
            ("k69/gf/1", "1"),
            ("k69/gf/s/2", "2"),
            ("k69/gf/s/t/3", "3"),
        ],
    )
    .await;
    let child = w.child("k69").expect("child(\"k69\")");
    let table: [(&str, &[&str]); 3] = [
        ("g/*.txt", &["g/a.txt", "g/b.txt"]),
        (
            "gr/**/*.txt",
            &["gr/x.txt", "gr/one/w.txt", "gr/one/two/y.txt"],
        ),
        ("gf/**/*", &["gf/1", "gf/s/2", "gf/s/t/3"]),
    ];
    for (pattern, expected) in table {
        assert_eq!(
            glob_paths(&*child, pattern).await,
            strings(expected),
            "glob({pattern:?}) in a child store (child-relative paths)"
        );
        let full = format!("k69/{pattern}");
        assert_eq!(
            glob_paths(w, &full).await,
            sorted(expected.iter().map(|p| format!("k69/{p}"))),
            "glob({full:?})"
        );
    }
}

/// Files of the K-70 tree.
const K70_TREE: [&str; 16] = [
    "k70/a.txt",
    "k70/b.txt",
    "k70/c.md",
    "k70/ab.txt",
    "k70/A.txt",
    "k70/x].txt",
    "k70/{a,b}.txt",
    "k70/lit*.txt",
    "k70/é.txt",
    "k70/d/a.txt",
    "k70/d/e/a.txt",
    "k70/d/e/f/b.md",
    "k70/d/ab/x.txt",
    "k70other/a.txt",
    "top.txt",
    "k70/d/e/f/g/h.txt",
];

/// Patterns covering every construct of [C-6.7](crate::contract#C-6.7), with the number of K-70 files each matches.
const K70_PATTERNS: [(&str, usize); 33] = [
    ("k70/*.txt", 8),
    ("k70/*", 9),
    ("k70/?.txt", 4),
    ("k70/??.txt", 2),
    ("k70/[ab].txt", 2),
    ("k70/[a-z]*.txt", 5),
    ("k70/[!ab]*", 6),
    ("k70/[!a-z]*", 3),
    ("k70/x[]].txt", 1),
    ("k70/[]x]*", 1),
    ("k70/[!]a]*.txt", 6),
    ("k70/{a,b}.txt", 1),
    ("k70/{a,b}*", 1),
    ("k70/lit[*].txt", 1),
    ("k70/lit*.txt", 1),
    ("k70/**", 14),
    ("k70/**/a.txt", 3),
    ("k70/**/**/a.txt", 3),
    ("k70/d/**/*.md", 1),
    ("k70/d/**", 5),
    ("**/a.txt", 4),
    ("**/*.md", 2),
    ("**", 16),
    ("k70/*/a.txt", 1),
    ("k70/d/*/*", 2),
    ("k70/d/?/*", 1),
    ("k70*/a.txt", 2),
    ("*.txt", 1),
    ("/k70//./a.txt", 1),
    ("k70\\d\\a.txt", 1),
    ("K70/a.txt", 0),
    ("k70/[a-c]?.*", 1),
    ("nothing/**", 0),
];

/// One line of K-70's table: what `what` found for `pattern` is the brute-force match over the
/// recursive listing `listed`, and `count` paths long.
fn check_pattern(listed: &[String], pattern: &str, count: usize, found: &[String], what: &str) {
    let compiled =
        Pattern::new(pattern).unwrap_or_else(|e| panic!("pattern {pattern:?} must be valid: {e}"));
    let brute: Vec<&String> = listed.iter().filter(|p| compiled.matches(p)).collect();
    assert_eq!(
        found.iter().collect::<Vec<_>>(),
        brute,
        "{what}({pattern:?}) disagrees with the brute-force match over the listing"
    );
    assert_eq!(found.len(), count, "{what}({pattern:?}) matched {found:?}");
}

/// K-70: over a table exercising every construct of [C-6.7](crate::contract#C-6.7), `glob` agrees with a brute-force match over the recursive listing.
pub async fn k070_glob_agrees_with_brute_force(w: &dyn World) {
    if !has_gates(w, &[Capability::Glob, Capability::List, Capability::Write]).await {
        return;
    }
    let seeded: Vec<(&str, &str)> = K70_TREE.iter().map(|p| (*p, "x")).collect();
    seed(w, &seeded).await;
    let listed = file_paths(w, "", &recursive()).await;
    assert_eq!(
        listed,
        sorted(K70_TREE.iter().map(|p| p.to_string())),
        "the recursive listing must hold exactly the seeded tree"
    );
    for (pattern, count) in K70_PATTERNS {
        let globbed = glob_paths(w, pattern).await;
        check_pattern(&listed, pattern, count, &globbed, "glob");
        // Files only: every result must be a file.
        for p in &globbed {
            assert!(
                w.is_file(p).await.unwrap_or(false),
                "glob({pattern:?}) yielded {p:?}, which is not a file"
            );
        }
    }
    // A child store globs relative to its root, with the same answers.
    let child = w.child("k70").expect("child(\"k70\")");
    for (pattern, expected) in [
        ("**/a.txt", vec!["a.txt", "d/a.txt", "d/e/a.txt"]),
        ("[!ab]*.md", vec!["c.md"]),
        ("d/*/[a-z]", vec![]),
        ("d/*/*.txt", vec!["d/ab/x.txt", "d/e/a.txt"]),
    ] {
        assert_eq!(
            glob_paths(&*child, pattern).await,
            strings(&expected),
            "glob({pattern:?}) in child k70"
        );
    }
}

/// K-71: `store::ext::glob_files` answers K-70's table on every backend with List — by the
/// backend's own glob where it declares Glob, by a listing under the pattern's literal folder
/// elsewhere — and agrees with the brute-force match, in a child store too.
pub async fn k071_glob_files_everywhere(w: &dyn World) {
    if !has_gates(w, &[Capability::List, Capability::Write]).await {
        return;
    }
    let seeded: Vec<(&str, &str)> = K70_TREE.iter().map(|p| (*p, "x")).collect();
    seed(w, &seeded).await;
    let listed = file_paths(w, "", &recursive()).await;
    for (pattern, count) in K70_PATTERNS {
        let found = glob_files_paths(w, pattern).await;
        check_pattern(&listed, pattern, count, &found, "glob_files");
    }
    let child = w.child("k70").expect("child(\"k70\")");
    for (pattern, expected) in [
        ("**/a.txt", vec!["a.txt", "d/a.txt", "d/e/a.txt"]),
        ("d/*/*.txt", vec!["d/ab/x.txt", "d/e/a.txt"]),
    ] {
        assert_eq!(
            glob_files_paths(&*child, pattern).await,
            strings(&expected),
            "glob_files({pattern:?}) in child k70"
        );
    }
}

/// K-72: `a**`, `[abc`, `[^a]` and `""` are InvalidArgument, a `..` segment is InvalidPath, all before any I/O.
pub async fn k072_pattern_errors(w: &dyn World) {
    let grammar = [
        "a**",
        "**b",
        "x/a**/y",
        "[abc",
        "x/[",
        "[!",
        "[^a]",
        "x/[^a]*",
        "",
        "[abc/../x",
    ];
    // Grammar and path checks come before the gate (C-1.3), so these hold without Glob too.
    for pattern in grammar {
        let result = w.glob(pattern).await;
        expect_kind(w, result, ErrorKind::InvalidArgument);
    }
    for pattern in ["..", "a/../b", "../a", "x/**/.."] {
        let result = w.glob(pattern).await;
        expect_kind(w, result, ErrorKind::InvalidPath);
    }
    for pattern in ["a**", "[abc", "[^a]", ""] {
        let o = ListOptions::new().pattern(pattern);
        expect_kind(w, w.list_files("", &o).await, ErrorKind::InvalidArgument);
        expect_kind(
            w,
            w.list_folders("k72", &o).await,
            ErrorKind::InvalidArgument,
        );
        // Option values come before path roles.
        expect_kind(
            w,
            w.list_files("a/../b", &o).await,
            ErrorKind::InvalidArgument,
        );
    }
    let o = ListOptions::new().pattern("..");
    expect_kind(w, w.list_files("", &o).await, ErrorKind::InvalidPath);
    // Nothing was written or created by any of the refused calls.
    if w.capabilities().supports(Capability::List) {
        let got = w.list_files("", &recursive()).await;
        assert!(
            matches!(&got, Ok(v) if v.is_empty()),
            "refused calls left something behind: {got:?}"
        );
    }
    // The same patterns that are fine parse: the refusals are not blanket ones.
    if w.capabilities().supports(Capability::Glob) {
        for pattern in ["a*", "[abc]", "[!a]", "x/**/y", "..a", "a..b/*"] {
            let got = w.glob(pattern).await;
            assert!(
                matches!(&got, Ok(v) if v.is_empty()),
                "glob({pattern:?}) on an empty store must be empty, got {got:?}"
            );
        }
    }
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_listing;
    all [
        k059_list_files_direct_and_recursive,
        k060_list_folders,
        k061_iter_children,
        k062_listing_missing_or_file_is_empty,
        k063_listing_is_segment_aligned,
        k064_max_depth,
        k065_list_folders_depth_and_pattern,
        k066_basename_patterns,
        k067_large_listing,
        k069_glob_basics,
        k070_glob_agrees_with_brute_force,
        k071_glob_files_everywhere,
        k072_pattern_errors,
    ]
}
