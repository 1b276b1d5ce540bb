//! The refusal of a blocking `Store` in async code holds in a `panic = "abort"` build, where
//! detecting the context by catching a panic would abort the process: the example
//! `blocking_in_async` is built with `panic = "abort"` and must exit cleanly.

use std::process::Command;

#[test]
fn refusal_in_async_code_survives_panic_abort() {
    let workspace = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(workspace)
        .args(["run", "-q", "-j2", "--offline", "-p", "store-examples"])
        .args(["--example", "blocking_in_async"])
        // Its own target folder: the outer `cargo test` holds the lock on the default one,
        // and a different panic strategy rebuilds everything anyway.
        .env(
            "CARGO_TARGET_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/panic-abort"),
        )
        .env("CARGO_PROFILE_DEV_PANIC", "abort")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the panic = \"abort\" build failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("refused: "), "{stdout}");
    assert!(stdout.contains("refused in block_on"), "{stdout}");
    assert!(stdout.contains("from spawn_blocking: written"), "{stdout}");
}
