//! Layers (C-7.8): the conformance kit over layered backends in both worlds, and what each
//! shipped layer promises.
//!
//! One file per subject: the kit over layered backends (`kit.rs`), each shipped layer
//! (`retry.rs` and its resumed reads in `resume.rs`, `read_only.rs`, `limit.rs`, `observe.rs`,
//! `faults.rs`, `timeout.rs`), and a layer of one's own (`authoring.rs`). This file holds the
//! fixtures they share.

#[path = "../common/mod.rs"]
mod common;

mod authoring;
mod faults;
mod kit;
mod limit;
mod observe;
mod read_only;
mod resume;
mod retry;
mod timeout;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::declared;
use std::time::Duration;
use store::conformance::Declared;

use store::layers::{Faults, OperationClass, ReadOnly, Retry};
use store::{
    AsyncMemoryBackend, AsyncStore, BoxFuture, Call, Capability, ErrorKind, Layer, MemoryBackend,
    Result, Store, WriteOptions,
};

pub(crate) fn local_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("layers-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temp folder")
}

/// Faults with no rule: a layer that wraps every call and every stream and changes nothing.
pub(crate) fn quiet() -> Faults {
    Faults::new(1)
}

/// Faults on a tenth of the calls that are safe to repeat (reads, stats, probes, listings),
/// below a retry that repeats them: the kit passes as if nothing failed.
pub(crate) fn flaky(seed: u64) -> Faults {
    Faults::new(seed)
        .fail_fraction(OperationClass::Reads, 0.1, true)
        .fail_fraction(OperationClass::Listings, 0.1, true)
}

pub(crate) fn patient() -> Retry {
    Retry::new()
        .attempts(12)
        .backoff(Duration::ZERO, Duration::ZERO)
}

/// Every byte stream cut after 1 KiB as well, below the retry: each read resumes where it
/// was cut, and the kit passes.
pub(crate) fn cutting(seed: u64) -> Faults {
    flaky(seed).cut_streams_after(1024)
}
