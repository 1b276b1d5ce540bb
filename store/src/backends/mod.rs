//! The shipped backends, one folder each.

#[cfg(any(feature = "s3", feature = "azure"))]
mod cloud;
mod local;
mod memory;
#[cfg(feature = "sftp")]
mod sftp;

#[cfg(feature = "azure")]
pub use self::cloud::{AzureBuilder, AzureConfigKey};
#[cfg(feature = "s3")]
pub use self::cloud::{S3Builder, S3ConfigKey};
pub use self::local::{LocalBackend, LocalBuilder, LocalConfigKey};
pub use self::memory::{AsyncMemoryBackend, MemoryBackend};
#[cfg(feature = "sftp")]
pub use self::sftp::{SftpBackend, SftpBuilder, SftpConfigKey};
