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
//! `k031_…`), and every item is in exactly one group (a unit test checks it).
//!
//! The kit is a testing aid, not a stable part of the API: items are added as the contract
//! grows, and their names and `World` may change between minor versions.

mod async_to_sync;
mod atomic;
mod bridges;
mod calls;
mod conditional;
mod group;
mod identity;
mod listing;
mod metadata;
mod moves;
mod paths;
mod rw;
mod streams;
mod world;

pub use crate::api::{call_async_backend, call_backend, CallByHand, StoreCalls};
pub use calls::{CallArgs, KitValue};
pub use group::Group;
pub use world::{run, Fixture, Listing, World, WorldKind, WorldWriter};

/// What the calls `#[dual_api]` generates for the kit name. Not a stable part of the API.
#[doc(hidden)]
pub mod __calls {
    pub use super::calls::*;
}

/// Every conformance item, by name.
pub mod items {
    pub use super::async_to_sync::*;
    pub use super::atomic::*;
    pub use super::bridges::*;
    pub use super::conditional::*;
    pub use super::identity::*;
    pub use super::listing::*;
    pub use super::metadata::*;
    pub use super::moves::*;
    pub use super::paths::*;
    pub use super::rw::*;
    pub use super::streams::*;
}

/// Shared helpers of the items.
pub mod support;

/// Expands to one `#[test]` per conformance item of the listed groups, in a module `$name`.
///
/// `$store` is an expression giving a fresh [`Fixture`] for each test: a `Store`, an
/// `AsyncStore`, or either paired with a guard such as a temp folder.
#[macro_export]
macro_rules! conformance_tests {
    ($name:ident, $store:expr, [$($group:ident),* $(,)?]) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $( $crate::__conformance_group!($group, $store); )*
        }
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
                    $crate::conformance::Group::$group,
                    |world| ::std::boxed::Box::pin($crate::conformance::items::$item(world)),
                    || $store,
                );
            }
        )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_group {
    (all, $store:expr) => {
        $crate::__conformance_items!(All, $store;
            k001_name_is_documented,
            k002_gates_are_enforced,
            k003_no_secrets_in_debug,
            k004_close_is_idempotent,
            k005_unwrap_unrelated_is_none,
            k006_require_missing_is_unsupported,
            k007_to_key_inverts_native_path,
            k008_resolve_plan,
            k009_declared_flags_match_contract,
            k010_ping_and_error_shape,
            k011_exists_after_write,
            k012_file_versus_folder,
            k013_probes_below_a_file,
            k014_root_probes,
            k015_root_folder_info,
            k016_file_ops_on_root_are_invalid_path,
            k017_delete_root_missing_ok,
            k018_writes_to_root,
            k019_delete_folder_root,
            k020_nul_is_invalid_path,
            k021_dotdot_segments,
            k022_spellings_name_one_file,
            k023_role_spellings,
            k024_odd_names_round_trip,
            k025_child_stores,
            k026_to_key_outside_store,
            k027_with_root_spellings,
            k028_read_round_trip,
            k029_missing_reads_are_not_found,
            k030_read_side_type_mismatch,
            k031_write_twice_without_overwrite,
            k032_partly_consumed_reader,
            k033_write_creates_parents,
            k034_exact_round_trips,
            k038_delete_keeps_siblings,
            k041_recursive_delete_folder,
            k042_delete_missing,
            k043_delete_of_a_folder,
            k044_delete_below_a_file,
            k045_delete_folder_of_a_file,
            k046_delete_folder_not_empty,
            k047_read_text_is_strict_utf8,
            k048_read_range_table,
            k049_read_range_len_zero_errors,
            k053_read_errors_come_from_the_call,
            k057_dropped_streams_release_resources,
            k059_list_files_direct_and_recursive,
            k060_list_folders,
            k061_iter_children,
            k062_listing_missing_or_file_is_empty,
            k063_listing_is_segment_aligned,
            k064_max_depth,
            k065_list_folders_depth_and_pattern,
            k066_basename_patterns,
            k067_large_listing,
            k069_glob_basics,
            k070_glob_agrees_with_brute_force,
            k072_pattern_errors,
            k073_get_file_info,
            k074_get_folder_info,
            k075_folder_info_max_depth,
            k076_head_is_sidecar,
            k077_write_result_path_and_size,
            k078_write_result_source,
            k079_native_write_result_matches_info,
            k080_metadata_shape_errors,
            k081_user_metadata,
            k083_write_atomic_semantics,
            k084_failed_atomic_write_leaves_nothing,
            k085_failed_atomic_overwrite_keeps_old,
            k086_open_atomic,
            k087_atomic_readers_see_whole_files,
            k088_concurrent_create_one_wins,
            k089_rename_and_copy,
            k090_missing_src_and_existing_dst,
            k091_self_operations,
            k092_folder_src_and_dst,
            k094_missing_src_wins,
            k095_dst_parents_and_metadata_kept,
            k097_close_posture,
            k099_shared_instance_concurrency,
            k100_parallel_atomic_writes,
            k107_io_error_mapping,
            k111_conditional_writes,
            k112_racing_conditional_writers,
            k113_etags_change_with_content,
            k114_standard_attributes,
        );
    };
    (hier, $store:expr) => {
        $crate::__conformance_items!(Hier, $store;
            k035_write_onto_a_folder,
            k036_write_below_a_file,
            k037_open_atomic_below_a_file,
            k039_delete_emptied_folder,
            k093_dst_below_a_file,
        );
    };
    (flat, $store:expr) => {
        $crate::__conformance_items!(Flat, $store;
            k040_folder_vanishes_with_last_file,
        );
    };
    (sync_world, $store:expr) => {
        $crate::__conformance_items!(SyncWorld, $store;
            k051_sync_read_small_buffer,
            k054_read_seekable,
        );
    };
    (async_to_sync, $store:expr) => {
        $crate::__conformance_items!(AsyncToSync, $store;
            k098_closed_outranks_root,
            k101_async_to_sync_adapter_refuses_async_context,
            k102_async_to_sync_adapter_shared_by_threads,
        );
    };
    (async_world, $store:expr) => {
        $crate::__conformance_items!(AsyncWorld, $store;
            k052_async_read_chunks,
            k105_cancelled_write_atomic,
            k106_futures_are_send_static,
        );
    };
}

#[cfg(test)]
mod tests {
    /// The kit's item files, in which every `pub async fn kNNN_…` is an item.
    const ITEM_FILES: [&str; 11] = [
        include_str!("atomic.rs"),
        include_str!("bridges.rs"),
        include_str!("conditional.rs"),
        include_str!("identity.rs"),
        include_str!("listing.rs"),
        include_str!("metadata.rs"),
        include_str!("moves.rs"),
        include_str!("paths.rs"),
        include_str!("async_to_sync.rs"),
        include_str!("rw.rs"),
        include_str!("streams.rs"),
    ];

    /// Every item is listed in a group, so none can silently never run; and no group lists a
    /// name twice.
    #[test]
    fn every_item_is_in_exactly_one_group() {
        let this = include_str!("mod.rs");
        let start = this
            .find("macro_rules! __conformance_group")
            .expect("the group table");
        let end = this.find("#[cfg(test)]").expect("the tests");
        let table = &this[start..end];
        let mut items = Vec::new();
        for source in ITEM_FILES {
            for line in source.lines() {
                if let Some(rest) = line.strip_prefix("pub async fn k") {
                    let name = &line["pub async fn ".len()..];
                    let name = &name[..name.find('(').expect("a signature")];
                    assert!(
                        rest.as_bytes()[..3].iter().all(u8::is_ascii_digit),
                        "{name}"
                    );
                    items.push(name.to_owned());
                }
            }
        }
        for name in &items {
            let listed = table.matches(&format!(" {name},")).count();
            assert_eq!(listed, 1, "`{name}` is listed in {listed} groups");
        }
        let entries: Vec<&str> = table
            .lines()
            .map(|l| l.trim().trim_end_matches(','))
            .filter(|l| l.starts_with('k') && l.as_bytes().get(1).is_some_and(u8::is_ascii_digit))
            .collect();
        assert_eq!(
            entries.len(),
            items.len(),
            "the groups list an item that does not exist"
        );
    }
}
