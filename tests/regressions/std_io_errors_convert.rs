//! `?` on std::io, and content borrowed for the call.

use std::fs;

use store::{ErrorKind, MemoryBackend, Result, Store, WriteOptions};

fn size_of(path: &std::path::Path) -> Result<u64> {
    Ok(fs::metadata(path)?.len())
}

#[test]
fn io_errors_convert_and_borrowed_bytes_are_content() {
    let err = size_of("no/such/file".as_ref()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let store = Store::new(MemoryBackend::new());
    let owned = vec![1u8, 2, 3];
    let text = String::from("borrowed");
    store.write("a", &owned[..], &WriteOptions::new()).unwrap();
    store
        .write("b", text.as_str(), &WriteOptions::new())
        .unwrap();
    drop((owned, text));
    assert_eq!(store.read_bytes("a").unwrap(), [1u8, 2, 3][..]);
    assert_eq!(store.read_text("b").unwrap(), "borrowed");
}
