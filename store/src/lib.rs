//! One API for file storage — a local folder, memory, or a backend of your own — offered twice:
//! as the blocking [`Store`] and as the tokio [`AsyncStore`], with the same methods, arguments,
//! errors and path rules. Both are generated from ONE trait definition, so they cannot drift
//! apart.
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
//! # The two stores
//!
//! A store is a backend seen through a root folder. Paths are store-relative `/`-separated
//! strings, checked by their role (a file path, a folder path where `""` is the root, a glob
//! pattern) before any I/O: an invalid path is [`ErrorKind::InvalidPath`] and touches nothing.
//! A store checks, in this order, the option values, the paths, the capability the method
//! needs, and only then calls the backend; every path it hands back (in listings, results and
//! errors) is store-relative and can be passed back in.
//!
//! - [`Store`] blocks. Over an async backend it runs the calls on a private runtime thread,
//!   and refuses with [`ErrorKind::BlockingInAsync`] to be called from async code, where
//!   blocking would stall the runtime — it never panics there.
//! - [`AsyncStore`] is `async`. Every future is `Send`; listings and reads are `Send + 'static`
//!   streams. Over a blocking backend it runs each call on tokio's blocking pool.
//!
//! Content goes in as [`Content`] / [`AsyncContent`] (bytes, or a reader / a stream) and comes
//! out as [`ReadStream`] / [`ByteStream`], and a read of one store is the content of a write to
//! another, so a streamed copy is one line in either world:
//!
//! ```
//! # use store::{MemoryBackend, Store, WriteOptions};
//! # let (src, dst) = (Store::new(MemoryBackend::new()), Store::new(MemoryBackend::new()));
//! # src.write("big.bin", vec![7u8; 100_000], &WriteOptions::new())?;
//! dst.write("copy.bin", src.read("big.bin")?, &WriteOptions::new())?;
//! # assert_eq!(dst.read_bytes("copy.bin")?.len(), 100_000);
//! # Ok::<(), store::Error>(())
//! ```
//!
//! Tokio users get [`AsyncStore::reader`] (`AsyncRead + AsyncBufRead`) and
//! [`AsyncStore::open_atomic`] (an `AsyncWrite` that lands only on `commit`), so
//! `tokio::io::copy` between two stores moves a file of any size in bounded memory.
//!
//! # Writes that know what they replace
//!
//! [`WriteOptions::if_match`] replaces a file only while its etag is the one you read, checked
//! in one step with the write, so of racing writers exactly one wins and the others get
//! [`ErrorKind::PreconditionFailed`]; [`WriteOptions::if_none_match`] creates only.
//! [`Attributes`] (content type and friends) travel with a write where the backend keeps them.
//! Argument gates ([`Capability::ConditionalWrite`], [`Capability::Attributes`],
//! [`Capability::UserMetadata`]) say which backend does what.
//!
//! # Extensions
//!
//! [`ext`] composes the operations, over any pair of stores and in both worlds: [`ext::transfer`],
//! [`ext::upload`] and [`ext::download`] (streamed, atomic where the destination can be, with a
//! digest checked on the way); [`ext::copy_tree`] and [`ext::sync`] with rclone's semantics and a
//! dry-run plan; batches ([`ext::delete_many`]); digests ([`ext::checksum`], [`ext::verify`]);
//! [`ext::glob_files`] on every backend; and the [`ext::Progress`] trait.
//!
//! # The ecosystem
//!
//! - Feature `object-store`: [`interop::object_store::AsObjectStore`] hands any store to the
//!   libraries that read through `object_store::ObjectStore` (DataFusion, Polars, delta-rs,
//!   parquet), and [`interop::object_store::ObjectStoreBackend`] makes any `ObjectStore` a
//!   backend of both stores.
//! - Feature `serde`: `Serialize`/`Deserialize` for the value types, with [`StorePath`]
//!   validated on the way in.
//!
//! # The one definition
//!
//! `store/src/api.rs` holds the storage API once, as the plain blocking trait [`Backend`]. The
//! [`dual_api`] attribute on it generates [`AsyncBackend`] (dyn-compatible: `Arc<dyn
//! AsyncBackend>` works), both adapters, and every forwarding method of both stores. Run
//! `cargo expand -p store api` to read the generated code.
//!
//! # Backends
//!
//! | backend | world | namespace | what it is for |
//! |---|---|---|---|
//! | [`LocalBackend`] | blocking | hierarchical | the embedded default: a folder on disk, confined to its root, atomic writes by temp file and rename |
//! | [`MemoryBackend`] | blocking | hierarchical | tests and caches; reads hand out the stored bytes without copying |
//! | [`AsyncMemoryBackend`] | async | hierarchical | the same tree, natively async, reads streamed in chunks |
//! | `S3Builder` (feature `s3`) | async | flat | Amazon S3 and S3-compatible services |
//! | `AzureBuilder` (feature `azure`) | async | flat | Azure Blob Storage |
//! | `GcsBuilder` (feature `gcs`) | async | flat | Google Cloud Storage |
//! | `SftpBackend` (feature `sftp`) | async | hierarchical | SFTP servers, host keys checked, confined to a base folder |
//! | `WebDavBackend` (feature `webdav`) | async | hierarchical | WebDAV servers over HTTP(S): Apache, nginx, Nextcloud, wsgidav, … |
//! | `HttpBackend` (feature `webdav`) | async | read-only | files under a base URL on any HTTP server, read over GET |
//! | `interop::object_store::ObjectStoreBackend` (feature `object-store`) | async | flat | any `object_store::ObjectStore` |
//!
//! Start on a local folder with [`Store::open_local`], which fails on a missing root;
//! [`Store::local`] accepts one that does not exist yet. Each builder owns its configuration
//! keys ([`LocalBuilder`] and [`LocalConfigKey`], `S3Builder` and `S3ConfigKey`, …), with
//! `with_config(key, value)` and `with_url(url)`; [`Store::from_url`] picks the builder by the
//! URL's scheme (`memory://`, `file:///srv/data`, `s3://bucket/root`, `az://container/root`,
//! `gs://bucket/root`, `webdav://host/path`, `sftp://user@host/base`) and takes its keys as options, and `Registry` (feature `toml`)
//! builds named backends and stores from a TOML file with the same keys. Every credential is a
//! [`Secret`], which never prints.
//!
//! # The adapters
//!
//! Either store takes either kind of backend: [`SyncBackendAdapter`] puts a blocking backend
//! under async code, [`AsyncBackendSyncAdapter`] an async one under blocking code. Local and
//! memory work stays natively blocking, because routing it through async costs many times its
//! own price per small operation.
//!
//! # Writing a backend
//!
//! [`macro@backend`] turns one `impl` block holding only the operations a service supports,
//! written as plain `fn` or plain `async fn`, into a full [`Backend`] or [`AsyncBackend`]:
//! capabilities derived from what is implemented, `Unsupported` answers for the rest, and the
//! operations that can be derived from others (see its docs for the minimum set). The
//! examples folder has a key–value backend in six operations.
//!
//! # The contract and its kit
//!
//! The behaviour every backend and both stores meet is written down as numbered clauses
//! (`C-2.8`) and checklist items (`K-31`), rendered here as the [`contract`] module (the
//! repository's `docs/contract.md`): a clause a method doc cites is there. The method docs of
//! [`Backend`] (carried over to both stores) state what a caller needs of it. The
//! conformance kit (feature `conformance`, module `conformance`) runs the checklist against a
//! backend, in both worlds, with one macro line.
#![warn(missing_docs)]

extern crate self as store;

// First, with its macros in textual scope: the backends inside this crate reach the
// definition through the callback the `dual_api` macro writes here (see `#[store::backend]`).
#[macro_use]
mod api;
mod atomic;
mod capability;
mod content;
mod entry;
mod error;
mod layer;
mod operation;
mod options;
mod path;
mod pattern;
mod reopen;
mod resolution;
mod secret;
mod temp_names;
mod write_result;

mod adapters;
mod backends;
mod config;
mod derived;
mod stores;

pub mod ext;
pub mod interop;
pub mod layers;

/// The contract, rendered: every clause (`C-*`) the method docs cite and the checklist
/// (`K-*`) the conformance kit runs. An empty module; its page is the text.
#[doc = ""]
#[doc = include_str!("../../docs/contract.md")]
#[allow(rustdoc::broken_intra_doc_links)] // the checklist's tags read as `[all]`, `[hier]`
pub mod contract {}

#[cfg(feature = "conformance")]
pub mod conformance;

pub use crate::api::{
    AsyncBackend, AsyncBackendSyncAdapter, Backend, BoxFuture, Layered, SyncBackendAdapter,
    OPERATIONS,
};
pub use crate::atomic::{AsyncAtomicWriter, AtomicSink, AtomicWriter};
/// Every shipped backend and builder, each behind its feature.
pub use crate::backends::*;
pub use crate::capability::{Capabilities, Capability};
#[cfg(feature = "toml")]
pub use crate::config::Registry;
pub use crate::content::{
    content_error, stream_items, AsyncContent, AsyncReader, ByteStream, Content, ListIter,
    ListStream, ReadSeek, ReadStream, SeekableStream, CHUNK_SIZE, SPOOL_IN_MEMORY,
};
pub use crate::entry::{
    Attribute, Attributes, ContentDigest, Entry, FileInfo, FolderEntry, FolderInfo, UserMetadata,
};
pub use crate::error::{Error, ErrorKind, Result};
pub use crate::layer::{refused, Call, Layer, LayerExt};
pub use crate::operation::{Argument, ArgumentKind, Operation, OutputKind, PathRole};
pub use crate::options::{
    DeleteFolderOptions, ListOptions, Precondition, WriteOptions, METADATA_LIMIT,
};
pub use crate::path::StorePath;
pub use crate::pattern::Pattern;
pub use crate::reopen::{AsyncHandle, BlockingHandle, Source, Version};
pub use crate::resolution::{Namespace, ResolutionPlan};
pub use crate::secret::Secret;
pub use crate::stores::asynchronous::{AsyncStore, IntoAsyncBackend};
pub use crate::stores::blocking::{IntoBackend, Store};
pub use crate::stores::filter::{FileFilter, FolderFilter, ListFilter};
pub use crate::stores::{Adapted, Native};
pub use crate::write_result::{WriteResult, WriteSource};
pub use bytes::Bytes;
pub use store_macros::{backend, dual_api, layer};

/// What generated code names, so it never depends on what the caller has in scope. Not a
/// stable part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::adapters::async_to_sync::runtime::{
        async_content, blocking_list, blocking_reader, Pump, RuntimeThread,
    };
    pub use crate::adapters::sync_to_async::{
        blocking_content, byte_stream, in_memory, list_batches, run_blocking,
    };
    pub use crate::derived::{asynchronous, blocking};
    pub use crate::layer::{call as layer_call, replay, RepeatableIf, Replayable};
    pub use crate::operation::{argument, operation};
    pub use crate::stores::filter::{keep_iter, keep_stream};
    pub use store_macros::__backend_impl as backend_impl;
    pub use store_macros::__layer_impl as layer_impl;

    /// The names `api.rs` spells its types with, for the trait impls `#[store::backend]`
    /// writes: every item of the crate root, the std prelude and the primitive types. The
    /// impls import it inside a `const _` block, so signatures read as in `api.rs` and resolve
    /// the same in any crate.
    pub mod names {
        pub use crate::*;
        // Both globs hold a `Result`; the definition means this crate's.
        pub use crate::Result;
        pub use ::core::primitive::*;
        pub use ::std::prelude::rust_2021::*;
    }
}
