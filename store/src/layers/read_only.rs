//! `ReadOnly`: a view that refuses every operation that changes what is stored.

use crate::api::BoxFuture;
use crate::capability::Capabilities;
use crate::error::{Error, Result};
use crate::layer::{refused, Call, Layer};

/// A read-only view of a backend: every operation the definition marks as changing what is
/// stored (its `mutates` fact) loses its gate, and so does every flag that needs one of those
/// operations. The stores then refuse them with `Unsupported` before any I/O, and the layered
/// backend called directly refuses them too. An operation added to the definition is covered
/// by its own `mutates` fact, with no change here. It is a view, not a wall: code holding the
/// backend below (`Layered::inner`, a native client from `unwrap_native`) can still write.
///
/// ```
/// use store::layers::ReadOnly;
/// use store::{Capability, ErrorKind, MemoryBackend, Store, WriteOptions};
/// let backend = MemoryBackend::new();
/// Store::new(backend.clone()).write("a.txt", "kept", &WriteOptions::new())?;
/// let view = Store::new(backend).layer(ReadOnly);
/// assert_eq!(view.read_text("a.txt")?, "kept");
/// let refused = view.delete("a.txt", false).unwrap_err();
/// assert_eq!(refused.kind(), ErrorKind::Unsupported(Capability::Delete));
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOnly;

impl ReadOnly {
    /// What the view takes away: the gates of the operations that change what is stored, and
    /// the flags that need one of those operations, as the operation table says.
    pub fn masked() -> Capabilities {
        let gates = crate::OPERATIONS
            .iter()
            .filter(|op| op.mutates)
            .filter_map(|op| op.gate)
            .fold(Capabilities::empty(), Capabilities::with);
        crate::OPERATIONS
            .iter()
            .filter(|op| op.gate.is_some_and(|g| gates.supports(g)))
            .flat_map(|op| op.flags.iter().copied())
            .fold(gates, Capabilities::with)
    }

    /// The refusal of `call`, when it changes what is stored.
    fn refusal(call: &Call<'_>) -> Option<Error> {
        let op = call.operation();
        let gate = op.gate.filter(|_| op.mutates)?;
        let left = Capabilities::all().difference(Self::masked());
        Some(Error::unsupported(gate, left).with_backend(call.backend()))
    }
}

impl Layer for ReadOnly {
    fn capabilities(&self, inner: Capabilities) -> Capabilities {
        inner.difference(Self::masked())
    }

    fn around<'a, T, N>(&'a self, call: Call<'a>, next: N) -> BoxFuture<'a, Result<T>>
    where
        T: Send + 'a,
        N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
    {
        match Self::refusal(&call) {
            Some(refusal) => refused(refusal),
            None => Layer::around(&(), call, next),
        }
    }

    fn around_blocking<T, N>(&self, call: Call<'_>, next: N) -> Result<T>
    where
        N: FnMut() -> Option<Result<T>>,
    {
        match Self::refusal(&call) {
            Some(refusal) => Err(refusal),
            None => Layer::around_blocking(&(), call, next),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Capability;

    #[test]
    fn the_mask_follows_the_table() {
        let masked = ReadOnly::masked();
        for gate in [
            Capability::Write,
            Capability::Delete,
            Capability::Move,
            Capability::Copy,
            Capability::AtomicWrite,
        ] {
            assert!(masked.supports(gate), "{gate:?}");
        }
        for kept in [
            Capability::Read,
            Capability::List,
            Capability::Glob,
            Capability::Metadata,
        ] {
            assert!(!masked.supports(kept), "{kept:?}");
        }
        // Flags that need a write go with it: a read-only view declares none of them.
        for flag in [
            Capability::AtomicMove,
            Capability::WriteResultNative,
            Capability::ConditionalWrite,
            Capability::UserMetadata,
            Capability::Attributes,
        ] {
            assert!(masked.supports(flag), "{flag:?}");
        }
        assert!(!masked.supports(Capability::LazyRead));
    }
}
