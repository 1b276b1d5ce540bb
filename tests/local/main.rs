//! LocalBackend beyond the shared checklist: confinement (C-3.5, K-110), atomic writes that
//! fail midway, permission errors, deep trees and odd names.
//!
//! Beside them: races and kill -9 (`races.rs`), and the two resolution strategies held to
//! one verdict (`strategies.rs`).

mod races;
mod strategies;

use std::io::{self, Read};
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;

use store::{Content, ErrorKind, ListOptions, LocalBackend, Store, StorePath, WriteOptions};

fn fixture() -> (Store, tempfile::TempDir, tempfile::TempDir) {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "outside").unwrap();
    (Store::local(root.path()), root, outside)
}

fn all_files(store: &Store) -> Vec<String> {
    let mut out: Vec<String> = store
        .list_files("", &ListOptions::new().recursive(true))
        .unwrap()
        .map(|f| f.unwrap().path.to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn dotdot_and_absolute_paths_stay_inside() {
    let (store, root, _outside) = fixture();
    assert_eq!(
        store.read("../x").err().unwrap().kind(),
        ErrorKind::InvalidPath
    );
    assert_eq!(
        store
            .write("a/../../x", "x", &WriteOptions::new())
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidPath
    );
    // An absolute spelling is a relative key: it lands inside the root.
    store
        .write("/etc/passwd-copy", "x", &WriteOptions::new())
        .unwrap();
    assert!(root.path().join("etc/passwd-copy").is_file());
    assert!(!Path::new("/etc/passwd-copy").exists());
}

#[test]
fn a_symlinked_file_leading_outside_is_refused() {
    let (store, root, outside) = fixture();
    symlink(
        outside.path().join("secret.txt"),
        root.path().join("link.txt"),
    )
    .unwrap();
    for err in [
        store.read_bytes("link.txt").unwrap_err(),
        store
            .write("link.txt", "x", &WriteOptions::new().overwrite(true))
            .unwrap_err(),
        store.get_file_info("link.txt").unwrap_err(),
        store.delete("link.txt", false).unwrap_err(),
        store.exists("link.txt").unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "{err}");
        assert!(err.message().contains("escapes root"), "{err}");
    }
    assert_eq!(
        std::fs::read_to_string(outside.path().join("secret.txt")).unwrap(),
        "outside"
    );
    assert!(all_files(&store).is_empty(), "listings leave the link out");
}

#[test]
fn a_symlinked_parent_folder_leading_outside_is_refused() {
    let (store, root, outside) = fixture();
    symlink(outside.path(), root.path().join("out")).unwrap();
    for err in [
        store.read_bytes("out/secret.txt").unwrap_err(),
        store
            .write("out/new.txt", "x", &WriteOptions::new())
            .unwrap_err(),
        store
            .write_atomic("out/new.txt", "x", &WriteOptions::new())
            .unwrap_err(),
        store
            .rename("out/secret.txt", "mine.txt", false)
            .unwrap_err(),
        store.copy("out/secret.txt", "mine.txt", false).unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "{err}");
    }
    // Listing through the link is refused like reading and writing (K-110).
    let listing = store.list_files("out", &ListOptions::new()).err().unwrap();
    assert_eq!(listing.kind(), ErrorKind::InvalidPath, "{listing}");
    assert!(!outside.path().join("new.txt").exists());
    assert!(all_files(&store).is_empty());
    let folders: Vec<_> = store
        .list_folders("", &ListOptions::new().recursive(true))
        .unwrap()
        .collect();
    assert!(folders.is_empty(), "the outside folder is not listed");
}

#[test]
fn symlinks_inside_the_root_are_followed_and_loops_left_out() {
    let (store, root, _outside) = fixture();
    store
        .write("real/file.txt", "inside", &WriteOptions::new())
        .unwrap();
    symlink(
        root.path().join("real/file.txt"),
        root.path().join("alias.txt"),
    )
    .unwrap();
    symlink(root.path(), root.path().join("real/loop")).unwrap();
    symlink(root.path().join("missing"), root.path().join("dangling")).unwrap();
    assert_eq!(store.read_text("alias.txt").unwrap(), "inside");
    assert_eq!(all_files(&store), ["alias.txt", "real/file.txt"]);
}

#[test]
fn a_failing_reader_during_write_atomic_leaves_no_target_and_no_temp() {
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0 >= 300_000 {
                return Err(io::Error::other("disk on fire"));
            }
            let n = buf.len().min(4096);
            buf[..n].fill(7);
            self.0 += n;
            Ok(n)
        }
    }
    let (store, root, _outside) = fixture();
    let err = store
        .write_atomic(
            "d/target.bin",
            Content::reader(Failing(0)),
            &WriteOptions::new(),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    assert!(!root.path().join("d/target.bin").exists());
    // The folder the write made for its target goes too: a failed write changes nothing.
    assert!(
        !root.path().join("d").exists(),
        "the created folder is left"
    );
    let leftovers: Vec<_> = std::fs::read_dir(root.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");

    store
        .write("d/target.bin", "old", &WriteOptions::new())
        .unwrap();
    let err = store
        .write_atomic(
            "d/target.bin",
            Content::reader(Failing(0)),
            &WriteOptions::new().overwrite(true),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    assert_eq!(store.read_text("d/target.bin").unwrap(), "old");
    assert_eq!(std::fs::read_dir(root.path().join("d")).unwrap().count(), 1);
}

#[test]
fn dropping_an_open_atomic_writer_leaves_nothing() {
    let (store, root, _outside) = fixture();
    {
        let mut w = store.open_atomic("x/y.txt", &WriteOptions::new()).unwrap();
        io::Write::write_all(&mut w, b"partial").unwrap();
        // The temp is unnamed (O_TMPFILE): nothing shows in the folder while it is open.
        assert_eq!(
            std::fs::read_dir(root.path().join("x")).unwrap().count(),
            0,
            "no named temp while open"
        );
        assert!(all_files(&store).is_empty(), "listings never show the temp");
    }
    // The folder the open made for the writer goes with it.
    assert!(
        !root.path().join("x").exists(),
        "the dropped writer left its folder"
    );
    let mut w = store.open_atomic("x/y.txt", &WriteOptions::new()).unwrap();
    io::Write::write_all(&mut w, b"whole").unwrap();
    let result = w.commit().unwrap();
    assert_eq!(result.size, 5);
    assert_eq!(store.read_text("x/y.txt").unwrap(), "whole");
}

#[test]
fn a_hundred_levels_deep() {
    let (store, _root, _outside) = fixture();
    let deep: Vec<String> = (0..100).map(|i| format!("d{i}")).collect();
    let path = format!("{}/leaf.txt", deep.join("/"));
    store.write(&path, "deep", &WriteOptions::new()).unwrap();
    assert_eq!(store.read_text(&path).unwrap(), "deep");
    assert_eq!(all_files(&store), std::slice::from_ref(&path));
    let info = store.get_folder_info("d0", None).unwrap();
    assert_eq!(info.file_count, 1);
    assert_eq!(
        store
            .list_files("d0", &ListOptions::new().max_depth(98))
            .unwrap()
            .count(),
        0
    );
    assert_eq!(
        store
            .list_files("d0", &ListOptions::new().max_depth(99))
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn names_with_spaces_unicode_and_leading_dots() {
    let (store, root, _outside) = fixture();
    let names = [
        "with space.txt",
        "ünïcødé €.txt",
        ".hidden",
        "..dots",
        "a..b",
        "#%?+&=.bin",
    ];
    for name in names {
        store
            .write(format!("n/{name}"), name.to_string(), &WriteOptions::new())
            .unwrap();
        assert!(root.path().join("n").join(name).is_file(), "{name}");
    }
    let mut listed: Vec<String> = store
        .list_files("n", &ListOptions::new())
        .unwrap()
        .map(|f| f.unwrap().name)
        .collect();
    listed.sort();
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(listed, want);
    for name in names {
        assert_eq!(store.read_text(format!("n/{name}")).unwrap(), name);
    }
}

#[test]
fn native_paths_and_unwrap() {
    let (store, root, _outside) = fixture();
    let native = store.native_path("a/b.txt").unwrap();
    assert_eq!(Path::new(&native), root.path().join("a/b.txt"));
    assert_eq!(
        store.to_key(&native).unwrap(),
        StorePath::new("a/b.txt").unwrap()
    );
    assert_eq!(
        store.to_key(&store.native_path("").unwrap()).unwrap(),
        StorePath::root()
    );
    assert_eq!(store.unwrap::<std::path::PathBuf>().unwrap(), root.path());
    assert!(store.unwrap::<String>().is_none());
}

#[test]
fn an_absent_root_is_an_empty_store() {
    let parent = tempfile::tempdir().unwrap();
    let store = Store::new(LocalBackend::new(parent.path().join("not-yet")));
    assert!(!store.exists("a").unwrap());
    assert!(store.is_folder("").unwrap());
    assert_eq!(
        store.list_files("", &ListOptions::new()).unwrap().count(),
        0
    );
    assert_eq!(store.read("a").err().unwrap().kind(), ErrorKind::NotFound);
    assert_eq!(store.ping().unwrap_err().kind(), ErrorKind::NotFound);
    store.write("a", "x", &WriteOptions::new()).unwrap();
    assert!(parent.path().join("not-yet/a").is_file());
}

/// Permission errors map to `PermissionDenied` and surface inside listings. Root ignores
/// permission bits, so as root the test re-runs itself as `nobody` through `setpriv`.
#[test]
fn permission_denied_is_mapped_and_never_truncates_a_listing() {
    if is_root() && std::env::var_os("STORE_TEST_AS_NOBODY").is_none() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let exe = std::env::current_exe().unwrap();
        let status = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&exe)
            .args([
                "--exact",
                "permission_denied_is_mapped_and_never_truncates_a_listing",
                "--nocapture",
            ])
            .env("STORE_TEST_AS_NOBODY", dir.path())
            .status()
            .expect("setpriv runs (util-linux)");
        assert!(status.success(), "the unprivileged run failed");
        return;
    }
    let base = match std::env::var_os("STORE_TEST_AS_NOBODY") {
        Some(dir) => tempfile::tempdir_in(dir).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let store = Store::local(base.path());
    store
        .write("open/a.txt", "a", &WriteOptions::new())
        .unwrap();
    store
        .write("locked/b.txt", "b", &WriteOptions::new())
        .unwrap();
    std::fs::set_permissions(
        base.path().join("locked"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let read = store.read_bytes("locked/b.txt").unwrap_err();
    let write = store
        .write("locked/c.txt", "c", &WriteOptions::new())
        .unwrap_err();
    let listing: Vec<_> = store
        .list_files("", &ListOptions::new().recursive(true))
        .unwrap()
        .collect();
    std::fs::set_permissions(
        base.path().join("locked"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    assert_eq!(read.kind(), ErrorKind::PermissionDenied, "{read}");
    assert_eq!(write.kind(), ErrorKind::PermissionDenied, "{write}");
    assert!(
        listing
            .iter()
            .any(|i| matches!(i, Err(e) if e.kind() == ErrorKind::PermissionDenied)),
        "the listing reports the locked folder: {listing:?}"
    );
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// Both resolution strategies, for the checks that must hold in each.
fn both(root: &Path) -> [Store; 2] {
    [
        Store::new(LocalBackend::new(root)),
        Store::new(LocalBackend::new(root).with_portable_resolution()),
    ]
}

#[test]
fn a_refused_write_leaves_no_folder_it_made() {
    let dir = tempfile::tempdir().unwrap();
    let too_long = "n".repeat(300);
    for store in both(dir.path()) {
        let key = format!("new/deeper/{too_long}");
        let refusals = [
            store.write(&key, "x", &WriteOptions::new()).unwrap_err(),
            store
                .write_atomic(&key, "x", &WriteOptions::new())
                .unwrap_err(),
            store.open_atomic(&key, &WriteOptions::new()).err().unwrap(),
        ];
        for err in refusals {
            assert_eq!(err.kind(), ErrorKind::InvalidPath, "{err}");
            assert!(
                !dir.path().join("new").exists(),
                "a refused write left its folders: {err}"
            );
        }
        store.write("src.txt", "x", &WriteOptions::new()).unwrap();
        let err = store.copy("src.txt", &key, false).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "{err}");
        assert!(
            !dir.path().join("new").exists(),
            "a refused copy left its folders"
        );
        let err = store.rename("src.txt", &key, false).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "{err}");
        assert!(
            !dir.path().join("new").exists(),
            "a refused rename left its folders"
        );
        store.delete("src.txt", false).unwrap();
    }
}

#[test]
fn names_like_temps_are_reserved_and_refused_on_every_write() {
    let dir = tempfile::tempdir().unwrap();
    for store in both(dir.path()) {
        store.write("plain.txt", "x", &WriteOptions::new()).unwrap();
        for key in [".~tmp.notes.txt", "a/.~tmp.folder/b.txt"] {
            let refusals = [
                store.write(key, "x", &WriteOptions::new()).unwrap_err(),
                store
                    .write_atomic(key, "x", &WriteOptions::new())
                    .unwrap_err(),
                store.open_atomic(key, &WriteOptions::new()).err().unwrap(),
                store.copy("plain.txt", key, false).unwrap_err(),
                store.rename("plain.txt", key, false).unwrap_err(),
            ];
            for err in refusals {
                assert_eq!(err.kind(), ErrorKind::InvalidPath, "{key}: {err}");
                assert!(err.message().contains("reserved"), "{err}");
            }
        }
        assert_eq!(all_files(&store), ["plain.txt"]);
        store.delete("plain.txt", false).unwrap();
    }
}

#[test]
fn the_longest_names_write_is_given_work_atomically_too() {
    let dir = tempfile::tempdir().unwrap();
    for store in both(dir.path()) {
        for len in [241, 250, 255] {
            let name = "l".repeat(len);
            let copy = format!("c{}", &name[1..]);
            store
                .write_atomic(&name, "atomic", &WriteOptions::new())
                .unwrap();
            let mut w = store
                .open_atomic(format!("d/{name}"), &WriteOptions::new())
                .unwrap();
            io::Write::write_all(&mut w, b"opened").unwrap();
            w.commit().unwrap();
            store.copy(&name, &copy, false).unwrap();
            assert_eq!(store.read_text(&copy).unwrap(), "atomic");
            store
                .write(&name, "plain", &WriteOptions::new().overwrite(true))
                .unwrap();
            for key in [name.clone(), copy, format!("d/{name}")] {
                store.delete(&key, false).unwrap();
            }
        }
    }
}

#[test]
fn errors_never_carry_an_on_disk_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_string_lossy().into_owned();
    let (outside, link) = (tempfile::tempdir().unwrap(), dir.path().join("out"));
    symlink(outside.path(), &link).unwrap();
    for store in both(dir.path()) {
        store.write("ro/a.txt", "a", &WriteOptions::new()).unwrap();
        store.write("file.txt", "f", &WriteOptions::new()).unwrap();
        let mut errors = vec![
            store.read_bytes("missing.txt").unwrap_err(),
            store.read_bytes("out/x").unwrap_err(),
            store
                .write("file.txt/below", "x", &WriteOptions::new())
                .unwrap_err(),
            store
                .write("file.txt", "x", &WriteOptions::new())
                .unwrap_err(),
            store
                .write_atomic("ro", "x", &WriteOptions::new().overwrite(true))
                .unwrap_err(),
            store.rename("missing.txt", "x", false).unwrap_err(),
        ];
        if !is_root() {
            std::fs::set_permissions(
                dir.path().join("ro"),
                std::fs::Permissions::from_mode(0o555),
            )
            .unwrap();
            errors.push(
                store
                    .write_atomic("ro/b.txt", "b", &WriteOptions::new())
                    .unwrap_err(),
            );
            errors.push(
                store
                    .write("ro/c.txt", "c", &WriteOptions::new())
                    .unwrap_err(),
            );
            std::fs::set_permissions(
                dir.path().join("ro"),
                std::fs::Permissions::from_mode(0o755),
            )
            .unwrap();
        }
        for err in errors {
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains(&root), "an on-disk path in {shown}");
            assert!(!shown.contains(".~tmp."), "a temp name in {shown}");
        }
        store
            .delete_folder("ro", &store::DeleteFolderOptions::new().recursive(true))
            .unwrap();
        store.delete("file.txt", false).unwrap();
    }
}

#[test]
fn reading_a_fifo_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    for store in both(dir.path()) {
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = store.clone();
        std::thread::spawn(move || {
            let _ = tx.send((
                reader.read_bytes("pipe"),
                reader.copy("pipe", "copy", false),
            ));
        });
        let (read, copy) = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("reading a FIFO blocked");
        let (tx, rx) = std::sync::mpsc::channel();
        let writer = store.clone();
        std::thread::spawn(move || {
            let _ = tx.send(writer.write("pipe", "x", &WriteOptions::new().overwrite(true)));
        });
        let write = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("writing a FIFO blocked");
        for err in [read.unwrap_err(), copy.unwrap_err(), write.unwrap_err()] {
            assert_eq!(err.kind(), ErrorKind::InvalidPath, "{err}");
            assert!(err.message().contains("not a regular file"), "{err}");
        }
    }
}

#[test]
fn a_folder_holding_only_leftover_temps_deletes_as_the_empty_folder_it_lists_as() {
    let dir = tempfile::tempdir().unwrap();
    for store in both(dir.path()) {
        std::fs::create_dir_all(dir.path().join("crashed")).unwrap();
        // What a killed writer leaves where the filesystem has no unnamed temps.
        std::fs::write(dir.path().join("crashed/.~tmp.0123456789abcdef"), "half").unwrap();
        let listed: Vec<_> = store
            .list_files("crashed", &ListOptions::new())
            .unwrap()
            .collect();
        assert!(listed.is_empty(), "{listed:?}");
        store
            .delete_folder("crashed", &store::DeleteFolderOptions::new())
            .unwrap();
        assert!(!dir.path().join("crashed").exists());
        // Anything else in it still makes it not empty.
        store
            .write("kept/a.txt", "a", &WriteOptions::new())
            .unwrap();
        std::fs::write(dir.path().join("kept/.~tmp.fedcba9876543210"), "half").unwrap();
        let err = store
            .delete_folder("kept", &store::DeleteFolderOptions::new())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DirectoryNotEmpty, "{err}");
        store
            .delete_folder("kept", &store::DeleteFolderOptions::new().recursive(true))
            .unwrap();
    }
}

#[test]
fn both_strategies_agree_on_links_in_the_way_and_never_copy_set_id_bits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("sub/inner")).unwrap();
    std::fs::write(root.join("sub/inner/a.txt"), "a").unwrap();
    std::fs::write(root.join("src.txt"), "s").unwrap();
    symlink(root.join("nowhere"), root.join("dangling")).unwrap();
    symlink(root.join("sub"), root.join("to-folder")).unwrap();
    symlink("..", root.join("sub/up")).unwrap();
    for store in both(root) {
        // A write onto a dangling link is refused, not a way to create its target.
        let err = store
            .write("dangling", "x", &WriteOptions::new().overwrite(true))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "{err}");
        assert!(!root.join("nowhere").exists());
        // A rename over a link to a folder is refused like one over the folder.
        let err = store.rename("src.txt", "to-folder", true).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "{err}");
        assert!(root.join("src.txt").exists());
        // Listing `sub`, its link back to the root above it is a loop, left out.
        let names: Vec<String> = store
            .list_files("sub", &ListOptions::new().recursive(true))
            .unwrap()
            .map(|f| f.unwrap().path.to_string())
            .collect();
        assert_eq!(names, ["sub/inner/a.txt"]);
    }
    std::fs::set_permissions(
        root.join("src.txt"),
        std::fs::Permissions::from_mode(0o4755),
    )
    .unwrap();
    for (i, store) in both(root).into_iter().enumerate() {
        let copy = format!("copy-{i}.txt");
        store.copy("src.txt", &copy, false).unwrap();
        let mode = std::fs::metadata(root.join(&copy))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777;
        assert_eq!(mode, 0o755, "the set-user-id bit was copied");
    }
}
