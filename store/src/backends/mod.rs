//! The shipped backends.

pub mod async_memory;
pub mod local;
pub mod memory;
mod memory_tree;
