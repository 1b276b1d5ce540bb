//! Regressions: the traps a new user hit, one file each, named for the behaviour it pins.

mod a_misfit_group_says_so;
mod a_typo_root_fails_at_once;
mod async_to_sync_close_drains_calls;
mod atomic_files_get_plain_permissions;
mod blocking_store_in_async_code_is_refused;
mod cancelled_async_write_atomic_lands_whole;
mod listings_warn_about_what_they_leave_out;
mod std_io_errors_convert;
mod streamed_copy_is_one_line;
mod to_key_refuses_paths_outside_the_store;

/// A fresh temp folder under the target's temp folder.
fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("regressions-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temp folder")
}

/// `len` bytes of a pattern that does not repeat early.
fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}
