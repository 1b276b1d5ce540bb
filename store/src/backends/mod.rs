//! The shipped backends, one folder each.

mod local;
mod memory;

pub use self::local::LocalBackend;
pub use self::memory::{AsyncMemoryBackend, MemoryBackend};
