//! `ResolutionPlan` and `Namespace`: how a backend locates a key, without doing I/O.

use std::collections::BTreeMap;

/// Whether folders are real (hierarchical) or implied by key prefixes (flat); [C-2.14](crate::contract#C-2.14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Namespace {
    /// Folders exist on their own; empty folders persist.
    Hierarchical,
    /// A folder exists iff some key lies below it.
    Flat,
}

/// Where a key lives on the service ([C-5.7](crate::contract#C-5.7)). `details` never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionPlan {
    /// Kind of resolution; by default the backend name.
    pub kind: String,
    /// The backend name.
    pub backend: String,
    /// The key as the caller spelled it.
    pub key: String,
    /// The backend-native path.
    pub native_path: String,
    /// Non-secret locating facts.
    pub details: BTreeMap<String, String>,
}
