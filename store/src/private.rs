//! Paths the generated code uses, so it never depends on what the caller has in scope.
#![doc(hidden)]

pub use crate::backend_support::{
    exists_from_probes, exists_from_probes_blocking, is_file_from_info, is_file_from_info_blocking,
    is_folder_from_listings, is_folder_from_listings_blocking, reader_from_bytes,
    stream_from_bytes, unsupported, unsupported_future,
};
pub use crate::bridge::{
    blocking_content, byte_stream, collect_list, list_stream, run_blocking, BoxFuture,
};
pub use crate::capability::Capability;
pub use crate::content::{AsyncContent, ByteStream, Content, ListIter, ListStream, ReadStream};
pub use crate::error::Result;
pub use crate::listing::{keep_iter, keep_stream, ListFilter};
pub use crate::runtime_thread::{
    async_content, blocking_list, blocking_reader, Pump, RuntimeThread,
};
pub use store_macros::__backend_impl as backend_impl;
