//! The two resolution strategies of LocalBackend — the kernel's `openat2(RESOLVE_BENEATH)` and
//! the portable walk of handles — give the same verdict on every call: random sequences of
//! operations, with symlinks planted on the way (inside, outside, dangling, absolute), run
//! against two identical roots, one per strategy, and every outcome is compared.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use proptest::prelude::*;
use store::{DeleteFolderOptions, ListOptions, LocalBackend, Store, WriteOptions};

#[derive(Debug, Clone)]
enum Op {
    Write(String, bool),
    WriteAtomic(String, bool),
    Read(String),
    Stat(String),
    Exists(String),
    Delete(String),
    DeleteFolder(String, bool),
    Rename(String, String, bool),
    Copy(String, String, bool),
    List(String),
    /// A symlink planted by someone else: at `key`, to a target of the given kind.
    Link(String, u8),
}

fn key() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(vec!["a", "b", "c"]), 1..4)
        .prop_map(|s| s.join("/"))
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (key(), any::<bool>()).prop_map(|(k, o)| Op::Write(k, o)),
        (key(), any::<bool>()).prop_map(|(k, o)| Op::WriteAtomic(k, o)),
        key().prop_map(Op::Read),
        key().prop_map(Op::Stat),
        key().prop_map(Op::Exists),
        key().prop_map(Op::Delete),
        (key(), any::<bool>()).prop_map(|(k, r)| Op::DeleteFolder(k, r)),
        (key(), key(), any::<bool>()).prop_map(|(a, b, o)| Op::Rename(a, b, o)),
        (key(), key(), any::<bool>()).prop_map(|(a, b, o)| Op::Copy(a, b, o)),
        proptest::sample::select(vec!["", "a", "b", "a/b"]).prop_map(|k| Op::List(k.to_owned())),
        (key(), 0u8..5).prop_map(|(k, t)| Op::Link(k, t)),
    ]
}

/// What a call answered, comparable across the two roots.
fn outcome<T: std::fmt::Debug>(result: store::Result<T>) -> String {
    match result {
        Ok(value) => format!("ok {value:?}"),
        Err(e) => format!("err {:?}", e.kind()),
    }
}

fn apply(store: &Store, root: &Path, outside: &Path, op: &Op) -> String {
    let over = |o: bool| WriteOptions::new().overwrite(o);
    match op {
        Op::Write(k, o) => outcome(store.write(k, "w", &over(*o)).map(|r| r.size)),
        Op::WriteAtomic(k, o) => {
            outcome(store.write_atomic(k, "atomic", &over(*o)).map(|r| r.size))
        }
        Op::Read(k) => outcome(store.read_bytes(k)),
        Op::Stat(k) => outcome(store.get_file_info(k).map(|i| i.size)),
        Op::Exists(k) => outcome(store.exists(k)),
        Op::Delete(k) => outcome(store.delete(k, false)),
        Op::DeleteFolder(k, r) => {
            outcome(store.delete_folder(k, &DeleteFolderOptions::new().recursive(*r)))
        }
        Op::Rename(a, b, o) => outcome(store.rename(a, b, *o)),
        Op::Copy(a, b, o) => outcome(store.copy(a, b, *o)),
        Op::List(k) => outcome(
            store
                .list_files(k, &ListOptions::new().recursive(true))
                .map(|files| {
                    let mut names: Vec<String> = files
                        .map(|f| {
                            f.map(|f| f.path.to_string())
                                .unwrap_or_else(|e| format!("{:?}", e.kind()))
                        })
                        .collect();
                    names.sort();
                    names
                }),
        ),
        Op::Link(k, target) => {
            let at = root.join(k);
            // Planted only where every folder on the way is a real one, never through a link.
            let mut folder = root.to_path_buf();
            let parents: Vec<&str> = k.split('/').collect();
            for part in &parents[..parents.len() - 1] {
                folder.push(part);
                if !folder.symlink_metadata().is_ok_and(|m| m.is_dir()) {
                    return "skip".into();
                }
            }
            if at.symlink_metadata().is_ok() {
                return "skip".into();
            }
            let target = match target {
                0 => root.join("a"),        // absolute, inside
                1 => "b".into(),            // relative, inside
                2 => outside.to_path_buf(), // absolute, outside
                3 => "../../..".into(),     // relative, climbing out
                _ => "nowhere".into(),      // dangling
            };
            symlink(target, at).unwrap();
            "linked".into()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn both_strategies_give_the_same_verdicts(ops in proptest::collection::vec(op(), 1..40)) {
        let (kernel_dir, walk_dir, outside) =
            (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        fs::write(outside.path().join("a"), "OUTSIDE").unwrap();
        let kernel = Store::new(LocalBackend::new(kernel_dir.path()));
        let walk = Store::new(LocalBackend::new(walk_dir.path()).with_portable_resolution());
        for (n, op) in ops.iter().enumerate() {
            let k = apply(&kernel, kernel_dir.path(), outside.path(), op);
            let w = apply(&walk, walk_dir.path(), outside.path(), op);
            prop_assert_eq!(&k, &w, "step {} {:?}", n, op);
            prop_assert!(!k.contains("OUTSIDE"), "step {} read outside: {}", n, k);
        }
        prop_assert_eq!(fs::read(outside.path().join("a")).unwrap(), b"OUTSIDE".to_vec());
    }
}
