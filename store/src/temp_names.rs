//! The temp-name policy of atomic writes: the reserved prefix of named temps
//! ([C-6.3](crate::contract#C-6.3)), fresh temp names, and the refusal of keys in the reserved
//! namespace. Listings leave such names out and writes refuse them, on every backend that
//! writes named temps (local without `O_TMPFILE`, SFTP).

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use crate::error::{Error, Result};
use crate::path::StorePath;

/// The reserved prefix of named temps ([C-6.3](crate::contract#C-6.3)): listings leave such names out, and writes
/// refuse them, on every backend that writes named temps (Local without `O_TMPFILE`, SFTP).
pub(crate) const TEMP_PREFIX: &str = ".~tmp.";

/// Whether `name` is one of our temps.
pub(crate) fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX)
}

/// A fresh temp name, `.~tmp.` and 16 hex digits: 22 bytes, whatever the target's name.
pub(crate) fn temp_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = (
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::process::id(),
        SystemTime::now(),
    );
    let n = RandomState::new().hash_one(seed);
    format!("{TEMP_PREFIX}{n:016x}")
}

/// `InvalidPath` for a key with a segment in the temps' reserved namespace.
pub(crate) fn refuse_reserved(key: &StorePath, backend: &'static str) -> Result<()> {
    if key.segments().any(is_temp_name) {
        return Err(Error::invalid_path(
            key.as_str(),
            format!(
                "names starting with `{TEMP_PREFIX}` are reserved for the temps of atomic writes"
            ),
        )
        .with_backend(backend));
    }
    Ok(())
}
