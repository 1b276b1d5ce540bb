//! The definition reflected at run time: one [`Operation`] per I/O method of [`Backend`],
//! generated into [`OPERATIONS`] by the `dual_api` macro from `api.rs`, so code that must treat every
//! operation alike (the conformance kit's gate, root-rule and closed-backend items; layers)
//! iterates the table instead of keeping a list that a new operation would silently miss.
//!
//! [`Backend`]: crate::Backend
//! [`OPERATIONS`]: crate::OPERATIONS

use crate::capability::Capability;

/// One I/O operation of the storage API, as `api.rs` declares it.
///
/// ```
/// let write = store::OPERATIONS.iter().find(|op| op.name == "write").unwrap();
/// assert_eq!(write.gate, Some(store::Capability::Write));
/// assert!(write.mutates && write.takes_content());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// The method's name, the same on backends and stores.
    pub name: &'static str,
    /// The capability the stores check first, if any ([C-5.1](crate::contract#C-5.1)); `None` for the probes,
    /// `ping` and `close`.
    pub gate: Option<Capability>,
    /// The arguments after `&self`, in order.
    pub arguments: &'static [Argument],
    /// Whether it changes what is stored.
    pub mutates: bool,
    /// What a success carries.
    pub output: OutputKind,
    /// Whether it exists only in the blocking world (`read_seekable`, `open_atomic`).
    pub sync_only: bool,
    /// The capability flags a backend may declare only if it has this operation ([C-2.2](crate::contract#C-2.2)).
    pub flags: &'static [Capability],
    /// For an operation that [`mutates`](Self::mutates): the argument whose value says that
    /// repeating a call cannot change its outcome even if the first was applied (`missing_ok`
    /// of `delete`, `overwrite` of `copy`, an overwrite without precondition for `write`).
    pub repeatable_if: Option<&'static str>,
}

impl Operation {
    /// The path arguments, with their roles ([C-1.2](crate::contract#C-1.2)).
    pub fn paths(&self) -> impl Iterator<Item = (&'static str, PathRole)> {
        self.arguments.iter().filter_map(|a| match a.kind {
            ArgumentKind::Path(role) => Some((a.name, role)),
            _ => None,
        })
    }

    /// Whether it takes content to write.
    pub fn takes_content(&self) -> bool {
        self.arguments
            .iter()
            .any(|a| a.kind == ArgumentKind::Content)
    }

    /// The operation called `name`.
    pub fn named(name: &str) -> Option<&'static Operation> {
        crate::OPERATIONS.iter().find(|op| op.name == name)
    }
}

/// What the `dual_api` macro writes each table entry with: the structs are `#[non_exhaustive]`, so a
/// crate holding a definition of its own (a test of the macro) cannot name their fields.
#[doc(hidden)]
#[allow(clippy::too_many_arguments)] // one per field, written by the macro
pub const fn operation(
    name: &'static str,
    gate: Option<Capability>,
    arguments: &'static [Argument],
    mutates: bool,
    output: OutputKind,
    sync_only: bool,
    flags: &'static [Capability],
    repeatable_if: Option<&'static str>,
) -> Operation {
    Operation {
        name,
        gate,
        arguments,
        mutates,
        output,
        sync_only,
        flags,
        repeatable_if,
    }
}

/// The [`operation`] of an argument.
#[doc(hidden)]
pub const fn argument(name: &'static str, kind: ArgumentKind) -> Argument {
    Argument { name, kind }
}

/// One argument of an [`Operation`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Argument {
    /// Its name in `api.rs`.
    pub name: &'static str,
    /// How it is passed.
    pub kind: ArgumentKind,
}

/// How an [`Argument`] is passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArgumentKind {
    /// A path (`&StorePath`) or a glob (`&Pattern`), validated by the stores in its role.
    Path(PathRole),
    /// The content of a write: `Content`, or `AsyncContent` in the async world.
    Content,
    /// An options value by reference (`&WriteOptions`, `&ListOptions`, …), checked by the
    /// stores.
    Options,
    /// A plain value (`u64`, `bool`).
    Value,
}

/// The role of a path argument ([C-1.2](crate::contract#C-1.2)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PathRole {
    /// A file: the root is refused.
    File,
    /// A folder: `""` and `"."` are the root.
    Folder,
    /// A folder other than the root.
    Subfolder,
    /// A glob pattern.
    Pattern,
}

/// What a successful [`Operation`] returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutputKind {
    /// One value (`bool`, `Bytes`, `FileInfo`, `()`, …).
    Plain,
    /// A byte stream: `ReadStream`, or `ByteStream` in the async world.
    Bytes,
    /// A listing: `ListIter<T>`, or `ListStream<T>` in the async world.
    Listing,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_every_io_method_once() {
        let mut names: Vec<&str> = crate::OPERATIONS.iter().map(|op| op.name).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a name appears twice");
        for name in [
            "exists",
            "read",
            "write",
            "glob",
            "ping",
            "close",
            "open_atomic",
        ] {
            assert!(Operation::named(name).is_some(), "{name} missing");
        }
        for pure in ["name", "capabilities", "resolve"] {
            assert!(Operation::named(pure).is_none(), "{pure} does no I/O");
        }
    }

    #[test]
    fn the_table_says_what_api_rs_says() {
        let rename = Operation::named("rename").unwrap();
        assert_eq!(rename.gate, Some(Capability::Move));
        assert!(rename.mutates);
        assert_eq!(
            rename.paths().collect::<Vec<_>>(),
            [("src", PathRole::File), ("dst", PathRole::File)]
        );
        let list = Operation::named("list_files").unwrap();
        assert_eq!(list.output, OutputKind::Listing);
        assert!(!list.mutates);
        assert_eq!(Operation::named("read").unwrap().output, OutputKind::Bytes);
        assert!(Operation::named("read_seekable").unwrap().sync_only);
        assert_eq!(
            Operation::named("delete_folder").unwrap().paths().next(),
            Some(("path", PathRole::Subfolder))
        );
        assert_eq!(Operation::named("exists").unwrap().gate, None);
        assert_eq!(
            Operation::named("rename").unwrap().flags,
            [Capability::AtomicMove]
        );
    }
}
