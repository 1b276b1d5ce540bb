//! The object_store ecosystem (feature `object-store`): [`AsObjectStore`] hands any
//! [`AsyncStore`](crate::AsyncStore) to the libraries that read through
//! `object_store::ObjectStore`, and [`ObjectStoreBackend`] makes any `ObjectStore` (S3, Azure,
//! GCS, HTTP, object_store's own local and in-memory stores) a `store` backend.
//!
//! Both directions keep both sides' rules: a folder is no object, a key `store` cannot spell
//! is an error rather than another file, and errors keep their kind (`NotFound`,
//! `AlreadyExists`, `Precondition`/`PreconditionFailed`, `PermissionDenied`) with the
//! original as the source.

mod as_object_store;
mod errors;
mod keys;
mod object_store_backend;
mod parts;
#[cfg(feature = "cloud-transport")]
mod request_log;
mod upload;

pub use as_object_store::AsObjectStore;
pub use object_store_backend::ObjectStoreBackend;
#[cfg(feature = "cloud-transport")]
pub use request_log::RequestLog;
