//! to_key refuses native paths outside the backend's root or the store's.

use store::{ErrorKind, Store};

use super::temp;

#[test]
fn to_key_refuses_native_paths_outside_the_store() {
    let dir = temp();
    let store = Store::open_local(dir.path()).unwrap();
    let root = store.native_path("").unwrap();
    for outside in [
        "/etc/passwd".to_owned(),
        format!("{root}2/x"),
        "relative/key".to_owned(),
    ] {
        let err = store.to_key(&outside).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "{outside}");
        assert!(!err.to_string().contains(&root), "no on-disk path: {err}");
    }
    let inside = store.native_path("a/b.txt").unwrap();
    assert_eq!(store.to_key(&inside).unwrap().as_str(), "a/b.txt");
    let child = store.child("a").unwrap();
    assert_eq!(child.to_key(&inside).unwrap().as_str(), "b.txt");
    let sibling = store.native_path("ab/c").unwrap();
    assert_eq!(
        child.to_key(&sibling).unwrap_err().kind(),
        ErrorKind::InvalidPath
    );
    // A root spelled with a trailing separator round-trips all the same.
    let slashed = Store::open_local(format!("{}/", dir.path().display())).unwrap();
    let native = slashed.native_path("a/b.txt").unwrap();
    assert_eq!(slashed.to_key(&native).unwrap().as_str(), "a/b.txt");
    let root = slashed.native_path("").unwrap();
    assert_eq!(slashed.to_key(&root).unwrap().as_str(), "");
}
