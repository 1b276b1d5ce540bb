//! Workspace-level tests live in this package; see the files beside this one.
