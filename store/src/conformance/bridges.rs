//! Conformance items (see CONTRACT.md §8).
