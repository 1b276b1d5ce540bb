//! Runnable examples of the `store` crate; see the files beside this one.
