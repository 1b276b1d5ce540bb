//! LocalBackend under attack and under kill -9, bounded in time: an attacker swapping a folder
//! inside the root for a symlink to a folder outside, while workers call every path-taking
//! method, never gets a byte read from outside nor anything written, deleted or moved there
//! (C-3.5); eight racing create-only renames have exactly one winner; atomic writes killed at
//! random leave no torn target and, with unnamed temps, no temp either (C-6.3).

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use store::{DeleteFolderOptions, ErrorKind, ListOptions, LocalBackend, Store, WriteOptions};

fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("races-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temp folder")
}

/// Every file below `dir`, by relative path, with its content.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    out
}

const OUTSIDE: &[u8] = b"OUTSIDE: must never be read through the store";

/// Swaps `root/swap` between a real folder and a symlink to `outside` until `stop`, while
/// worker threads call the store; returns how many swaps it made.
fn attack(store: Store, root: &Path, outside: &Path) -> usize {
    let stop = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicUsize::new(0));
    let attacker = {
        let (stop, swaps) = (Arc::clone(&stop), Arc::clone(&swaps));
        let (swap, parked, outside) = (
            root.join("swap"),
            root.join("parked"),
            outside.to_path_buf(),
        );
        thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                fs::rename(&swap, &parked).unwrap();
                while let Err(e) = symlink(&outside, &swap) {
                    assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists, "{e}");
                    let _ = fs::remove_dir_all(&swap);
                }
                thread::yield_now();
                fs::remove_file(&swap).unwrap();
                // While `swap` was missing a worker's write may have made it anew.
                while let Err(e) = fs::rename(&parked, &swap) {
                    assert_eq!(e.kind(), std::io::ErrorKind::DirectoryNotEmpty, "{e}");
                    let _ = fs::remove_dir_all(&swap);
                }
                swaps.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    let deadline = Instant::now() + Duration::from_millis(1500);
    let workers: Vec<_> = (0..3)
        .map(|w| {
            let store = store.clone();
            thread::spawn(move || {
                let mut n = 0;
                while Instant::now() < deadline {
                    n += 1;
                    let tag = format!("{w}-{n}");
                    if let Ok(bytes) = store.read_bytes("swap/secret.txt") {
                        assert_ne!(&bytes[..], OUTSIDE, "read_bytes returned outside content");
                    }
                    if let Ok(bytes) = store.read_range("swap/secret.txt", 0, 64) {
                        assert!(
                            !OUTSIDE.starts_with(&bytes[..]) || bytes.is_empty(),
                            "read_range"
                        );
                    }
                    if let Ok(files) = store.list_files("swap", &ListOptions::new().recursive(true))
                    {
                        for file in files.flatten() {
                            assert!(
                                !file.path.as_str().contains("only-outside"),
                                "listed {}",
                                file.path
                            );
                        }
                    }
                    let _ = store
                        .get_file_info("swap/only-outside.txt")
                        .map(|_| panic!("stat outside"));
                    let _ = store.write(format!("swap/w-{tag}.txt"), "x", &WriteOptions::new());
                    let _ =
                        store.write_atomic(format!("swap/a-{tag}.txt"), "x", &WriteOptions::new());
                    let _ = store.delete("swap/victim.txt", true);
                    let _ = store
                        .delete_folder("swap/tree", &DeleteFolderOptions::new().recursive(true));
                    let _ = store.rename("swap/move-me.txt", format!("moved-{tag}.txt"), false);
                    if store
                        .copy("swap/secret.txt", format!("copied-{tag}.txt"), false)
                        .is_ok()
                    {
                        let copied = store.read_bytes(format!("copied-{tag}.txt")).unwrap();
                        assert_ne!(&copied[..], OUTSIDE, "copy took outside content");
                    }
                    let _ = store.rename(format!("moved-{tag}.txt"), "swap/back.txt", true);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("a worker saw outside content");
    }
    stop.store(true, Ordering::SeqCst);
    attacker.join().unwrap();
    swaps.load(Ordering::SeqCst)
}

fn race(backend: LocalBackend, root: &Path, outside: &Path) {
    fs::create_dir_all(root.join("swap/tree")).unwrap();
    fs::write(root.join("swap/secret.txt"), "inside").unwrap();
    fs::write(root.join("swap/victim.txt"), "inside victim").unwrap();
    fs::write(root.join("swap/move-me.txt"), "inside, may move").unwrap();
    fs::create_dir_all(outside.join("tree")).unwrap();
    fs::write(outside.join("secret.txt"), OUTSIDE).unwrap();
    fs::write(outside.join("only-outside.txt"), OUTSIDE).unwrap();
    fs::write(outside.join("victim.txt"), OUTSIDE).unwrap();
    fs::write(outside.join("move-me.txt"), OUTSIDE).unwrap();
    fs::write(outside.join("tree/keep.txt"), OUTSIDE).unwrap();
    let before = snapshot(outside);
    let swaps = attack(Store::new(backend), root, outside);
    assert!(swaps > 100, "the attacker swapped only {swaps} times");
    assert_eq!(
        snapshot(outside),
        before,
        "something outside the root changed"
    );
}

#[test]
fn swapping_a_folder_for_an_outside_link_never_leads_outside_kernel() {
    let (root, outside) = (temp(), temp());
    race(LocalBackend::new(root.path()), root.path(), outside.path());
}

#[test]
fn swapping_a_folder_for_an_outside_link_never_leads_outside_walk() {
    let (root, outside) = (temp(), temp());
    let backend = LocalBackend::new(root.path()).with_portable_resolution();
    race(backend, root.path(), outside.path());
}

#[test]
fn of_eight_racing_create_only_renames_exactly_one_wins() {
    for backend in [
        |p: &Path| LocalBackend::new(p),
        |p: &Path| LocalBackend::new(p).with_portable_resolution(),
    ] {
        for round in 0..20 {
            let dir = temp();
            let store = Store::new(backend(dir.path()));
            store.write("src.txt", "one", &WriteOptions::new()).unwrap();
            let start = Arc::new(Barrier::new(8));
            let threads: Vec<_> = (0..8)
                .map(|i| {
                    let (store, start) = (store.clone(), Arc::clone(&start));
                    thread::spawn(move || {
                        start.wait();
                        store.rename("src.txt", format!("dst-{i}.txt"), false)
                    })
                })
                .collect();
            let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
            let won = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(won, 1, "round {round}: {results:?}");
            for lost in results.iter().filter_map(|r| r.as_ref().err()) {
                assert_eq!(lost.kind(), ErrorKind::NotFound, "round {round}: {lost}");
            }
            let names: Vec<_> = fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(
                names.len(),
                1,
                "round {round}: exactly one copy remains: {names:?}"
            );
        }
    }
}

/// The child of the kill test: atomic writes, create-only, until it is killed.
#[test]
fn kill_child() {
    let Some(dir) = std::env::var_os("STORE_KILL_CHILD_DIR") else {
        return; // Run only as the child of the kill test below, which sets the folder.
    };
    let store = Store::new(LocalBackend::new(dir));
    for i in 0u32.. {
        let content = vec![(i % 251) as u8; 256 * 1024];
        let _ = store.write_atomic(format!("f-{i}"), content, &WriteOptions::new());
    }
}

#[test]
fn atomic_writes_killed_at_random_leave_no_torn_target_and_no_temp() {
    let dir = temp();
    // Whether this filesystem gives unnamed temps: then an open writer shows nothing.
    let store = Store::new(LocalBackend::new(dir.path()));
    let probe = store.open_atomic("probe/x", &WriteOptions::new()).unwrap();
    let unnamed = fs::read_dir(dir.path().join("probe")).unwrap().count() == 0;
    drop(probe);
    let exe = std::env::current_exe().unwrap();
    let mut offset = 0u64;
    for round in 0..25 {
        let data = dir.path().join(format!("round-{round}"));
        fs::create_dir(&data).unwrap();
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "races::kill_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("STORE_KILL_CHILD_DIR", &data)
            .spawn()
            .expect("the test binary runs");
        // A different moment each round: 20 to 80 ms.
        offset = (offset * 37 + 11) % 61;
        thread::sleep(Duration::from_millis(20 + offset));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for entry in fs::read_dir(&data).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".~tmp.") {
                assert!(!unnamed, "round {round}: a temp was left behind: {name}");
                continue;
            }
            let i: u32 = name.trim_start_matches("f-").parse().unwrap();
            let bytes = fs::read(entry.path()).unwrap();
            assert_eq!(bytes.len(), 256 * 1024, "round {round}: {name} is torn");
            assert!(
                bytes.iter().all(|b| *b == (i % 251) as u8),
                "round {round}: {name} is mixed"
            );
        }
        // Whatever a kill left, the store lists no temp.
        let listed = Store::new(LocalBackend::new(&data))
            .list_files("", &ListOptions::new())
            .unwrap()
            .filter(|f| f.as_ref().unwrap().name.starts_with(".~tmp."))
            .count();
        assert_eq!(listed, 0);
    }
}
