//! Opening stores from configuration: a URL with options
//! ([`Store::from_url`](crate::Store::from_url), [`AsyncStore::from_url`](crate::AsyncStore::from_url))
//! or a TOML registry. Each builder owns its keys ([`keys`]); the backend-type table
//! ([`types`]) says which builder a URL scheme or a registry `type` names.

mod keys;
#[cfg(feature = "toml")]
mod registry;
mod types;
mod url;

pub(crate) use self::keys::{config_keys, ConfigKey};
#[cfg(feature = "toml")]
pub use self::registry::Registry;
pub(crate) use self::types::{configure_with_builder, Configure, Opened};
#[cfg(any(feature = "cloud-transport", feature = "sftp"))]
pub(crate) use self::url::path_segments;
pub(crate) use self::url::{no_credentials, open_url, parse_for};
