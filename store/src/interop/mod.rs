//! Bridges to other crates' storage traits, each behind its cargo feature.

#[cfg(feature = "object-store")]
pub mod object_store;
