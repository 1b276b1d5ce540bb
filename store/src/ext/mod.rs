//! Extensions over any store: what the storage operations compose into.
//!
//! - **One file:** [`transfer`] between two stores, [`upload`] from and [`download`] to a local
//!   path — streamed in bounded memory, written atomically where the destination can, with an
//!   optional digest checked on the way ([`TransferOptions`]).
//! - **Trees:** [`copy_tree`] and [`sync`] with rclone's semantics ([`SyncOptions`]): compare by
//!   size and time, size, or checksum; 4 transfers and 8 checkers by default; a dry run that
//!   returns the plan; `sync` deletes extras only after an error-free pass.
//! - **Batches:** [`delete_many`], [`copy_many`], [`exists_many`], bounded and per path.
//! - **Integrity:** [`checksum`] and [`verify`] (SHA-256, MD5, CRC32C), and hashing wrappers for
//!   a byte stream, a reader and a writer.
//! - **Portable glob:** [`glob_files`] on every backend.
//! - **Progress:** the [`Progress`] trait (nothing is drawn by default); `Bars` with the
//!   `progress-bars` feature.
//!
//! The functions here take [`AsyncStore`](crate::AsyncStore)s; [`blocking`] has each of them
//! for [`Store`](crate::Store)s, running the same code on a private runtime, so the two cannot
//! drift apart. Cancel by dropping the future, or with a flag
//! ([`TransferOptions::cancel`]) in either world: a cancelled transfer leaves no partial
//! destination where the destination writes atomically.

mod batch;
pub mod blocking;
mod digest;
mod glob;
mod progress;
mod transfer;
mod tree;

pub use self::batch::{copy_many, delete_many, exists_many, BATCH_CONCURRENCY};
pub use self::digest::{
    checksum, hashing_stream, verify, Algorithm, DigestCell, Hasher, HashingReader, HashingWriter,
};
pub use self::glob::glob_files;
#[cfg(feature = "progress-bars")]
pub use self::progress::Bars;
pub use self::progress::{NoProgress, Progress};
pub use self::transfer::{download, transfer, upload, TransferOptions, Transferred, LOCAL_FS};
pub use self::tree::{copy_tree, sync, Action, Compare, Planned, Reason, SyncOptions, TreeReport};
