//! `Faults`: a cut at the end of a stream changes nothing.

use super::*;

/// A stream of exactly the bytes a cut allows ends as it would have.
#[test]
fn a_cut_at_the_end_changes_nothing() {
    use std::io::Read;
    let backend = MemoryBackend::new();
    Store::new(backend.clone())
        .write("f", vec![1u8; 100], &WriteOptions::new())
        .unwrap();
    let store = Store::new(backend.clone()).layer(Faults::new(0).cut_streams_after(100));
    let mut out = Vec::new();
    store.read("f").unwrap().read_to_end(&mut out).unwrap();
    assert_eq!(out.len(), 100);
    let store = Store::new(backend).layer(Faults::new(0).cut_streams_after(99));
    let mut out = Vec::new();
    assert!(store.read("f").unwrap().read_to_end(&mut out).is_err());
    assert_eq!(out.len(), 99);
}
