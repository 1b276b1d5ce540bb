//! The conformance kit: every item of docs/contract.md's checklist as a reusable test, runnable
//! against any backend in the blocking world (through [`Store`](crate::Store)) and in the
//! async world (through [`AsyncStore`](crate::AsyncStore)).
//!
//! Each item is an `async fn(&dyn World)` in [`items`]; [`World`] gives the same calls in
//! both worlds, so each item is written once. [`conformance_tests!`](crate::conformance_tests)
//! expands to one `#[test]` per item of the chosen groups:
//!
//! ```
//! use store::{AsyncStore, MemoryBackend, Store};
//!
//! store::conformance_tests!(memory_sync, Store::new(MemoryBackend::new()), [all, hier, sync_world]);
//! store::conformance_tests!(memory_async, AsyncStore::new(MemoryBackend::new()), [all, hier, async_world]);
//! ```
//!
//! Pick the groups that fit the fixture ([`Group`]); one that does not fails before its items
//! run, saying why:
//!
//! | group | fixture | items on |
//! |---|---|---|
//! | `all` | any backend, either store | everything every backend must do |
//! | `hier` | a hierarchical backend | real folders: writing onto one, below a file, emptied folders |
//! | `flat` | a flat backend | folders as key prefixes: one goes with its last file |
//! | `sync_world` | a `Store` | `read_seekable`, `open_atomic`, sync streams |
//! | `async_world` | an `AsyncStore` | async streams, cancellation, `Send + 'static` futures |
//! | `async_to_sync` | a `Store` over an async backend | `AsyncBackendSyncAdapter`: refusal in async code, threads, close |
//!
//! An item whose gate the backend lacks checks `Unsupported` instead (contract §8). The items are
//! numbered after the checklist of the repository's `docs/contract.md` (item `K-31` is
//! `k031_…`), and every item is in exactly one group, declared at the end of its file (the
//! compiler checks it).
//!
//! The kit is a testing aid, not a stable part of the API: items are added as the contract
//! grows, and their names and `World` may change between minor versions.

/// Declares the items of one file and the groups they run in, beside the items:
/// `kit_items! { $ __kit_<file>; all [k001_…, …] hier [k035_…] }`. It re-exports each listed
/// item once (so an item in no group is dead code, and one in two groups a duplicate import:
/// both fail to compile) and writes the file's part of [`conformance_tests!`]. The first token
/// is `$`, which the macro it writes needs and a `macro_rules!` cannot spell.
macro_rules! kit_items {
    ($d:tt $file:ident; $($group:ident [$($item:ident),* $(,)?])*) => {
        $(const _: $crate::conformance::Group = $crate::__kit_group!($group);)*

        /// The items of this file, each once.
        pub mod exported {
            pub use super::{$($($item,)*)*};
        }

        #[doc(hidden)]
        #[macro_export]
        macro_rules! $file {
            $(
                ($group, $d store:expr) => {
                    $crate::__conformance_items!($group, $d store; $($item),*);
                };
            )*
            ($d other:ident, $d store:expr) => {};
        }
    };
}

/// The files of items, each named once beside the macro its `kit_items!` writes: declares each
/// (dead code denied, so an item in no group fails to compile), re-exports their items in
/// [`items`], and writes `__conformance_group!`, which calls every file's macro for one group.
/// The first token is `$`, as for `kit_items!`.
macro_rules! kit_files {
    ($d:tt $($file:ident => $kit:ident),* $(,)?) => {
        $(
            #[deny(dead_code)]
            mod $file;
        )*

        /// Every conformance item, by name.
        pub mod items {
            $(pub use super::$file::exported::*;)*
        }

        /// One group's items, from every file's `kit_items!`.
        #[doc(hidden)]
        #[macro_export]
        macro_rules! __conformance_group {
            ($d group:ident, $d store:expr) => {
                const _: $crate::conformance::Group = $crate::__kit_group!($d group);
                $($crate::$kit!($d group, $d store);)*
            };
        }
    };
}

kit_files! { $
    async_to_sync => __kit_async_to_sync,
    atomic => __kit_atomic,
    close => __kit_close,
    concurrency => __kit_concurrency,
    conditional => __kit_conditional,
    identity => __kit_identity,
    io_errors => __kit_io_errors,
    listing => __kit_listing,
    metadata => __kit_metadata,
    moves => __kit_moves,
    paths => __kit_paths,
    rw => __kit_rw,
    streams => __kit_streams,
}

mod calls;
mod group;
mod world;

pub use crate::api::{call_async_backend, call_backend, CallByHand, StoreCalls};
pub use calls::{CallArgs, KitValue};
pub use group::Group;
pub use world::{run, Declared, Fixture, Listing, World, WorldKind, WorldWriter};

/// What the calls the `dual_api` macro generates for the kit name. Not a stable part of the API.
#[doc(hidden)]
pub mod __calls {
    pub use super::calls::*;
}

/// Shared helpers of the items.
pub mod support;

/// Expands to one `#[test]` per conformance item of the listed groups, in a module `$name`.
///
/// `$store` is an expression giving a fresh [`Fixture`] for each test: a `Store`, an
/// `AsyncStore`, or either paired with a guard such as a temp folder. An optional
/// `declared = expr` gives what the backend documents of itself ([`Declared`]), which the
/// identity items then check too.
#[macro_export]
macro_rules! conformance_tests {
    ($name:ident, $store:expr, [$($group:ident),* $(,)?] $(, declared = $declared:expr)? $(,)?) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            /// What the fixture documents of itself.
            fn __declared() -> $crate::conformance::Declared {
                $crate::__kit_declared!($($declared)?)
            }

            $( $crate::__conformance_group!($group, $store); )*
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __kit_declared {
    () => {
        $crate::conformance::Declared::new()
    };
    ($declared:expr) => {
        $declared
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_items {
    ($group:ident, $store:expr; $($item:ident),* $(,)?) => {
        $(
            #[test]
            fn $item() {
                $crate::conformance::run(
                    $crate::__kit_group!($group),
                    __declared(),
                    |world| ::std::boxed::Box::pin($crate::conformance::items::$item(world)),
                    || $store,
                );
            }
        )*
    };
}

/// The [`Group`] of a label in `conformance_tests!`; any other label does not compile.
#[doc(hidden)]
#[macro_export]
macro_rules! __kit_group {
    (all) => {
        $crate::conformance::Group::All
    };
    (hier) => {
        $crate::conformance::Group::Hier
    };
    (flat) => {
        $crate::conformance::Group::Flat
    };
    (sync_world) => {
        $crate::conformance::Group::SyncWorld
    };
    (async_world) => {
        $crate::conformance::Group::AsyncWorld
    };
    (async_to_sync) => {
        $crate::conformance::Group::AsyncToSync
    };
    ($other:ident) => {
        ::core::compile_error!(::core::concat!(
            "unknown conformance group `",
            ::core::stringify!($other),
            "`; expected all, hier, flat, sync_world, async_world or async_to_sync"
        ))
    };
}
