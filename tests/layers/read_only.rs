//! `ReadOnly`: writes refused at the backend too.

use super::*;

/// The read-only view refuses a mutating operation at the backend too, not only at the
/// stores' gates; reads pass.
#[test]
fn read_only_refuses_writes_at_the_backend() {
    use store::{Backend, StorePath};
    let inner = MemoryBackend::new();
    inner
        .write(
            &StorePath::new("a.txt").unwrap(),
            "a".into(),
            &WriteOptions::new(),
        )
        .unwrap();
    let layered = store::Layered::new(ReadOnly, Arc::new(inner));
    let key = StorePath::new("a.txt").unwrap();
    let err = layered.delete(&key, false).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported(Capability::Delete));
    assert_eq!(layered.read_bytes(&key).unwrap(), "a");
    assert!(!layered.capabilities().supports(Capability::AtomicMove));
}
