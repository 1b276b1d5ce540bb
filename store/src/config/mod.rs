//! Opening stores from configuration: a URL and a map of explicit options
//! ([`Store::from_url`](crate::Store::from_url), [`AsyncStore::from_url`](crate::AsyncStore::from_url)).

mod options;
#[cfg(feature = "toml")]
mod registry;
mod url;

#[cfg(feature = "toml")]
pub use self::registry::Registry;
pub(crate) use self::url::open_url;
#[cfg(feature = "toml")]
pub(crate) use self::url::Opened;
