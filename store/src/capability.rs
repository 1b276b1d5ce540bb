//! What a backend can do: gates that enable methods, and flags that describe how well it does them.

use std::fmt;

use crate::error::{Error, Result};

/// One capability of a backend ([C-5.1](crate::contract#C-5.1)).
///
/// Gates enable methods; flags (`AtomicMove`, `SeekableRead`, `LazyRead`, `WriteResultNative`)
/// only describe quality and never enable or disable a method.
///
/// ```
/// use store::Capability;
/// assert_eq!(Capability::AtomicWrite.as_str(), "atomic_write");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Capability {
    /// `read`, `read_bytes`, `read_range`, `read_seekable`, `read_text`.
    Read,
    /// `write`, `write_text`.
    Write,
    /// `delete`, `delete_folder`.
    Delete,
    /// `list_files`, `list_folders`, `iter_children`, `get_folder_info` with a depth.
    List,
    /// Native `glob`.
    Glob,
    /// `rename`.
    Move,
    /// `copy`.
    Copy,
    /// `write_atomic`, `open_atomic`.
    AtomicWrite,
    /// `get_file_info`, `get_folder_info`, `head`.
    Metadata,
    /// Non-empty user metadata on writes (a strict gate on an argument).
    UserMetadata,
    /// `WriteOptions::if_match`: replace only the version the caller read, checked and
    /// written in one step (a strict gate on an argument, [C-2.8](crate::contract#C-2.8)).
    ConditionalWrite,
    /// Standard attributes on writes (content type, cache control, content disposition,
    /// encoding and language), kept and returned by `get_file_info` (a strict gate on an
    /// argument).
    Attributes,
    /// Flag: `rename` is atomic under concurrency.
    AtomicMove,
    /// Flag: the sync `read` stream is natively seekable.
    SeekableRead,
    /// Flag: reads fetch on demand and ranges are native.
    LazyRead,
    /// Flag: writes fill the rich `WriteResult` fields from the write response.
    WriteResultNative,
}

impl Capability {
    /// Every capability, in declaration order.
    pub const ALL: [Capability; 16] = [
        Capability::Read,
        Capability::Write,
        Capability::Delete,
        Capability::List,
        Capability::Glob,
        Capability::Move,
        Capability::Copy,
        Capability::AtomicWrite,
        Capability::Metadata,
        Capability::UserMetadata,
        Capability::ConditionalWrite,
        Capability::Attributes,
        Capability::AtomicMove,
        Capability::SeekableRead,
        Capability::LazyRead,
        Capability::WriteResultNative,
    ];

    /// The snake-case name, as shown in errors and `Display`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Capability::Read => "read",
            Capability::Write => "write",
            Capability::Delete => "delete",
            Capability::List => "list",
            Capability::Glob => "glob",
            Capability::Move => "move",
            Capability::Copy => "copy",
            Capability::AtomicWrite => "atomic_write",
            Capability::Metadata => "metadata",
            Capability::UserMetadata => "user_metadata",
            Capability::ConditionalWrite => "conditional_write",
            Capability::Attributes => "attributes",
            Capability::AtomicMove => "atomic_move",
            Capability::SeekableRead => "seekable_read",
            Capability::LazyRead => "lazy_read",
            Capability::WriteResultNative => "write_result_native",
        }
    }

    /// Whether this is a quality flag rather than a gate.
    pub const fn is_flag(self) -> bool {
        matches!(
            self,
            Capability::AtomicMove
                | Capability::SeekableRead
                | Capability::LazyRead
                | Capability::WriteResultNative
        )
    }

    const fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A small `Copy` set of [`Capability`] values ([C-5.2](crate::contract#C-5.2)).
///
/// ```
/// use store::{Capabilities, Capability};
/// let caps = Capabilities::empty().with(Capability::Read).with(Capability::List);
/// assert!(caps.supports(Capability::Read));
/// assert!(caps.require(Capability::Write).is_err());
/// assert_eq!(caps.to_string(), "list, read");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Capabilities(u32);

impl Capabilities {
    /// The gates: the capabilities a method's `gate = ...` names, one per kind of operation
    /// ([C-5.1](crate::contract#C-5.1)), and what a backend with every operation declares before its flags. "Gates"
    /// means this set everywhere in the project; UserMetadata, ConditionalWrite and Attributes,
    /// which an option value can also require, are not among them.
    /// They are declared first, so they are the head of [`ALL`](Capability::ALL).
    pub const GATES: Capabilities = Capabilities::of(Capability::ALL.split_at(9).0);

    /// The empty set.
    pub const fn empty() -> Self {
        Capabilities(0)
    }

    /// The set of every capability.
    pub const fn all() -> Self {
        Capabilities((1 << Capability::ALL.len()) - 1)
    }

    /// Builds a set from a slice, usable in `const` context.
    pub const fn of(caps: &[Capability]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < caps.len() {
            bits |= caps[i].bit();
            i += 1;
        }
        Capabilities(bits)
    }

    /// This set plus `cap`.
    #[must_use]
    pub const fn with(self, cap: Capability) -> Self {
        Capabilities(self.0 | cap.bit())
    }

    /// This set without `cap`.
    #[must_use]
    pub const fn without(self, cap: Capability) -> Self {
        Capabilities(self.0 & !cap.bit())
    }

    /// Whether `cap` is in the set.
    pub const fn supports(self, cap: Capability) -> bool {
        self.0 & cap.bit() != 0
    }

    /// The capabilities of this set that are not in `other`.
    #[must_use]
    pub const fn difference(self, other: Capabilities) -> Self {
        Capabilities(self.0 & !other.0)
    }

    /// The capabilities in both sets.
    #[must_use]
    pub const fn intersection(self, other: Capabilities) -> Self {
        Capabilities(self.0 & other.0)
    }

    /// Whether every capability of `other` is in this set.
    pub const fn contains(self, other: Capabilities) -> bool {
        self.0 & other.0 == other.0
    }

    /// `Ok` if `cap` is in the set, else `Unsupported(cap)` listing what is supported.
    pub fn require(self, cap: Capability) -> Result<()> {
        if self.supports(cap) {
            Ok(())
        } else {
            Err(Error::unsupported(cap, self))
        }
    }

    /// Iterates the members in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Capability> {
        Capability::ALL
            .into_iter()
            .filter(move |c| self.supports(*c))
    }

    /// Number of members.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<Capability> for Capabilities {
    fn from_iter<I: IntoIterator<Item = Capability>>(iter: I) -> Self {
        iter.into_iter()
            .fold(Capabilities::empty(), Capabilities::with)
    }
}

/// A list of snake-case names: `["list", "read"]`.
#[cfg(feature = "serde")]
impl serde::Serialize for Capabilities {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Capabilities {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<Capability>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

impl fmt::Display for Capabilities {
    /// Sorted snake-case names, comma-separated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.iter().map(Capability::as_str).collect();
        names.sort_unstable();
        f.write_str(&names.join(", "))
    }
}

impl fmt::Debug for Capabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition may gate only on gates ([C-5.1](crate::contract#C-5.1)): rustc checks that each `gate = ...` is
    /// a `Capability`, this that it is not a quality flag.
    #[test]
    fn the_definition_gates_only_on_gates() {
        for op in crate::OPERATIONS {
            if let Some(gate) = op.gate {
                assert!(Capabilities::GATES.supports(gate), "{}: {gate:?}", op.name);
            }
        }
    }

    use crate::ErrorKind;

    #[test]
    fn set_operations() {
        let caps = Capabilities::of(&[Capability::Read, Capability::Glob]);
        assert_eq!(caps.len(), 2);
        assert!(caps.supports(Capability::Glob));
        assert!(!caps.without(Capability::Glob).supports(Capability::Glob));
        assert_eq!(
            caps.iter().collect::<Vec<_>>(),
            vec![Capability::Read, Capability::Glob]
        );
        assert!(Capabilities::all().contains(caps));
        assert_eq!(Capabilities::all().len(), Capability::ALL.len());
    }

    #[test]
    fn require_names_the_missing_capability() {
        let err = Capabilities::of(&[Capability::Read])
            .require(Capability::AtomicWrite)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported(Capability::AtomicWrite));
        assert_eq!(err.capability(), Some(Capability::AtomicWrite));
        assert!(err.to_string().contains("atomic_write"), "{err}");
        assert!(err.to_string().contains("read"), "{err}");
    }
}
