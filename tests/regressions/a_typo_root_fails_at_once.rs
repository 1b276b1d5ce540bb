//! A typo'd root fails at once instead of reading as an empty store.

use std::fs;

use store::{AsyncStore, ErrorKind, Store, WriteOptions};

use super::temp;

#[test]
fn open_local_refuses_a_missing_root_or_a_file() {
    let dir = temp();
    let typo = dir.path().join("typo");
    let err = Store::open_local(&typo).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(!err.to_string().contains("typo"), "no on-disk path: {err}");
    assert_eq!(
        AsyncStore::open_local(&typo).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    fs::write(dir.path().join("file"), "").unwrap();
    let err = Store::open_local(dir.path().join("file")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidPath);
    assert!(Store::open_local(dir.path()).is_ok());
    // The lazy constructor stays, for a folder the first write creates.
    let lazy = Store::local(&typo);
    lazy.write("a.txt", "made", &WriteOptions::new()).unwrap();
    assert_eq!(fs::read_to_string(typo.join("a.txt")).unwrap(), "made");
}
