//! The shipped backends, one folder each; each folder exports its backends and builders, and
//! this module re-exports them all (a backend behind a feature gates itself).

#[cfg(feature = "cloud-transport")]
mod cloud;
mod local;
mod memory;
#[cfg(feature = "sftp")]
mod sftp;
#[cfg(feature = "webdav")]
mod webdav;

#[cfg(feature = "cloud-transport")]
#[cfg_attr(
    not(any(feature = "s3", feature = "azure", feature = "gcs")),
    allow(unused_imports)
)]
pub use self::cloud::*;
pub use self::local::{LocalBackend, LocalBuilder, LocalConfigKey};
pub use self::memory::{AsyncMemoryBackend, MemoryBackend};
#[cfg(feature = "sftp")]
pub use self::sftp::{SftpBackend, SftpBuilder, SftpConfigKey};
#[cfg(feature = "webdav")]
pub use self::webdav::{HttpBackend, WebDavBackend, WebDavBuilder, WebDavConfigKey};
