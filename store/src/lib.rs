//! One API for file storage — local disk, memory, and more — offered as a blocking [`Store`]
//! and a tokio [`AsyncStore`], both generated from ONE trait definition in [`api`], so the two
//! can never drift apart.
//!
//! ```
//! use store::{ListOptions, MemoryBackend, Store, WriteOptions};
//! let store = Store::new(MemoryBackend::new());
//! store.write("reports/q1.csv", "a,b\n1,2\n", &WriteOptions::new())?;
//! let names: Vec<String> = store
//!     .list_files("reports", &ListOptions::new())?
//!     .map(|f| f.map(|f| f.name))
//!     .collect::<Result<_, _>>()?;
//! assert_eq!(names, ["q1.csv"]);
//! # Ok::<(), store::Error>(())
//! ```
//!
//! The behaviour every backend and both stores meet is `CONTRACT.md`; the conformance kit
//! (feature `conformance`) checks it item by item.
#![warn(missing_docs)]

extern crate self as store;

pub mod api;
pub mod async_store;
pub mod atomic;
mod backend_support;
pub mod backends;
mod bridge;
pub mod capability;
pub mod content;
pub mod defaults;
pub mod entry;
pub mod error;
mod listing;
pub mod options;
pub mod path;
pub mod pattern;
mod rebase;
pub mod resolution;
pub mod reverse;
mod runtime_thread;
mod scope;
pub mod sync_store;
pub mod write_result;

#[cfg(feature = "conformance")]
pub mod conformance;

#[path = "private.rs"]
#[doc(hidden)]
pub mod __private;

pub use crate::api::{AsyncBackend, AsyncBackendSyncAdapter, Backend, SyncBackendAdapter};
pub use crate::async_store::{AsyncStore, IntoAsyncBackend};
pub use crate::atomic::{AtomicSink, AtomicWriter};
pub use crate::backends::async_memory::AsyncMemoryBackend;
pub use crate::backends::local::LocalBackend;
pub use crate::backends::memory::MemoryBackend;
pub use crate::bridge::CHUNK_SIZE;
pub use crate::capability::{Capabilities, Capability};
pub use crate::content::{
    stream_items, AsyncContent, ByteStream, Content, ListIter, ListStream, ReadSeek, ReadStream,
    SeekableStream,
};
pub use crate::entry::{ContentDigest, Entry, FileInfo, FolderEntry, FolderInfo, UserMetadata};
pub use crate::error::{Error, ErrorKind, Result};
pub use crate::listing::{FileFilter, FolderFilter, ListFilter};
pub use crate::options::{DeleteFolderOptions, ListOptions, WriteOptions};
pub use crate::path::StorePath;
pub use crate::pattern::Pattern;
pub use crate::resolution::{Namespace, ResolutionPlan};
pub use crate::sync_store::{IntoBackend, Store};
pub use crate::write_result::{WriteResult, WriteSource};
pub use bytes::Bytes;
/// The attribute that generates both worlds from one trait; see [`api`].
pub use store_macros::{backend, dual_api};
