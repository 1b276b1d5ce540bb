//! Arbitrary strings thrown at every path argument of every `Store` and `AsyncStore` method:
//! no panic, a typed error for every invalid path, and nothing written by a refused call.

use proptest::prelude::*;
use store::{
    AsyncStore, DeleteFolderOptions, ErrorKind, ListOptions, MemoryBackend, Pattern, Store,
    StorePath, WriteOptions,
};

/// Strings rich in the characters the path model cares about.
fn path_soup() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just("/"),
                Just("\\"),
                Just("."),
                Just(".."),
                Just("\0"),
                Just("a"),
                Just("é"),
                Just(" "),
                Just("*"),
                Just("["),
                Just("]"),
                Just("**"),
            ],
            0..8
        )
        .prop_map(|parts| parts.concat()),
    ]
}

fn listing_len<T>(l: store::Result<store::ListIter<T>>) -> store::Result<usize> {
    l.map(|items| items.count())
}

/// Every sync method with `s` in each of its path roles; returns the kinds of the errors.
fn call_everything(store: &Store, s: &str) -> Vec<(&'static str, Option<ErrorKind>)> {
    let w = WriteOptions::new();
    let l = ListOptions::new();
    let d = DeleteFolderOptions::new();
    fn kind<T>(r: store::Result<T>) -> Option<ErrorKind> {
        r.err().map(|e| e.kind())
    }
    vec![
        ("exists", kind(store.exists(s))),
        ("is_file", kind(store.is_file(s))),
        ("is_folder", kind(store.is_folder(s))),
        ("read", kind(store.read(s))),
        ("read_bytes", kind(store.read_bytes(s))),
        ("read_range", kind(store.read_range(s, 1, 2))),
        ("read_seekable", kind(store.read_seekable(s))),
        ("read_text", kind(store.read_text(s))),
        ("write", kind(store.write(s, "x", &w))),
        ("write_atomic", kind(store.write_atomic(s, "x", &w))),
        ("open_atomic", kind(store.open_atomic(s, &w))),
        ("delete", kind(store.delete(s, true))),
        ("delete_folder", kind(store.delete_folder(s, &d))),
        ("list_files", kind(listing_len(store.list_files(s, &l)))),
        ("list_folders", kind(listing_len(store.list_folders(s, &l)))),
        ("iter_children", kind(listing_len(store.iter_children(s)))),
        ("glob", kind(listing_len(store.glob(s)))),
        ("rename_src", kind(store.rename(s, "dst", false))),
        ("rename_dst", kind(store.rename("src", s, false))),
        ("copy_src", kind(store.copy(s, "dst", false))),
        ("copy_dst", kind(store.copy("src", s, false))),
        ("get_file_info", kind(store.get_file_info(s))),
        ("get_folder_info", kind(store.get_folder_info(s, None))),
        ("head", kind(store.head(s))),
        ("child", kind(store.child(s))),
        ("native_path", kind(store.native_path(s))),
        ("resolve", kind(store.resolve(s))),
        ("to_key", kind(store.to_key(s))),
    ]
}

fn file_role(method: &str) -> bool {
    !matches!(
        method,
        "exists"
            | "is_file"
            | "is_folder"
            | "delete_folder"
            | "list_files"
            | "list_folders"
            | "iter_children"
            | "glob"
            | "get_folder_info"
            | "child"
            | "native_path"
            | "resolve"
            | "to_key"
    )
}

fn snapshot(store: &Store) -> Vec<String> {
    let mut all: Vec<String> = store
        .list_files("", &ListOptions::new().recursive(true))
        .unwrap()
        .map(|f| f.unwrap().path.to_string())
        .collect();
    all.sort();
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sync_store_refuses_invalid_paths_before_any_io(s in path_soup()) {
        let store = Store::new(MemoryBackend::new());
        store.write("src", "seed", &WriteOptions::new()).unwrap();
        let before = snapshot(&store);
        let valid_file = StorePath::new(&s).is_ok();
        for (method, kind) in call_everything(&store, &s) {
            if file_role(method) && !valid_file {
                prop_assert_eq!(kind, Some(ErrorKind::InvalidPath), "{} on {:?}", method, s);
            }
            if let Some(kind) = kind {
                prop_assert!(
                    !matches!(kind, ErrorKind::Other | ErrorKind::BackendUnavailable),
                    "{} on {:?} gave {:?}", method, s, kind
                );
            }
        }
        if !valid_file {
            // Nothing but the seed may exist after every call was refused or failed.
            let after = snapshot(&store);
            prop_assert!(after.iter().all(|p| before.contains(p) || p == "dst"), "{:?}", after);
        }
        if method_glob_is_invalid(&s) {
            prop_assert!(store.glob(&s).is_err());
        }
    }

    #[test]
    fn async_store_gives_the_same_verdicts(s in path_soup()) {
        let sync = Store::new(MemoryBackend::new());
        let asynchronous = AsyncStore::new(MemoryBackend::new());
        futures_executor::block_on(async {
            let kind = |r: Result<bool, store::Error>| r.err().map(|e| e.kind());
            prop_assert_eq!(kind(sync.exists(&s)), kind(asynchronous.exists(&s).await));
            prop_assert_eq!(
                sync.read_bytes(&s).err().map(|e| e.kind()),
                asynchronous.read_bytes(&s).await.err().map(|e| e.kind())
            );
            prop_assert_eq!(
                sync.write(&s, "x", &WriteOptions::new()).err().map(|e| e.kind()),
                asynchronous.write(&s, "x", &WriteOptions::new()).await.err().map(|e| e.kind())
            );
            prop_assert_eq!(
                sync.glob(&s).err().map(|e| e.kind()),
                asynchronous.glob(&s).await.err().map(|e| e.kind())
            );
            prop_assert_eq!(
                sync.list_files(&s, &ListOptions::new()).err().map(|e| e.kind()),
                asynchronous.list_files(&s, &ListOptions::new()).await.err().map(|e| e.kind())
            );
            Ok(())
        })?;
    }
}

fn method_glob_is_invalid(s: &str) -> bool {
    Pattern::new(s).is_err()
}
