//! UI tests of `#[dual_api]`: every shape the macro refuses gets its own case under `ui/fail/`
//! with the reviewed diagnostic in the neighbouring `.stderr`; `ui/pass/` holds definitions that
//! must compile, including one that shadows the std and store names the generated code uses.
//! The `backend_*` cases share their backend from `ui/fixture/kv.rs` (included, since trybuild
//! compiles each case on its own), but the one whose error points at the backend's type.
//!
//! Regenerate the expected output with
//! `TRYBUILD=overwrite cargo test -p store-tests --test macros_ui`, then review every `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/fail/*.rs");
    t.pass("ui/pass/*.rs");
}
