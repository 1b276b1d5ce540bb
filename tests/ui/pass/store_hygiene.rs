//! The stores' forwarding methods keep their locals to themselves: a definition whose
//! arguments are named like them (`result`, `filter`) compiles, in both stores.
#![allow(dead_code)]

use store::{Capability, FileInfo, ListIter, ListOptions, Result, StorePath};

/// Stands in for the stores' scope: the methods the generated code calls, by name.
pub struct Scope;

impl Scope {
    fn refuse_blocking_in_async(&self, _: &'static str) -> Result<()> {
        Ok(())
    }
    fn check_argument<T>(&self, _: &T) -> Result<()> {
        Ok(())
    }
    fn require_argument<T>(&self, _: &T) -> Result<()> {
        Ok(())
    }
    fn require(&self, _: Capability) -> Result<()> {
        Ok(())
    }
    fn folder_key(&self, path: &str) -> Result<StorePath> {
        StorePath::new(path)
    }
    fn rebase<T>(&self, result: Result<T>) -> Result<T> {
        result
    }
}

pub struct Blocking {
    scope: Scope,
    backend: Box<dyn Hygienic>,
}

pub struct Async {
    scope: Scope,
    backend: Box<dyn AsyncHygienic>,
}

pub struct Keep;

impl Keep {
    fn new(_: &StorePath, _: &ListOptions, _: u64) -> Self {
        Keep
    }
}

impl store::ListFilter<FileInfo> for Keep {
    fn keep(&self, _: &FileInfo) -> bool {
        true
    }
}

#[store::dual_api(stores(Blocking, Async))]
pub trait Hygienic: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;

    #[store(gate = List, folder(path), materialize, filter = Keep)]
    fn list(
        &self,
        path: &StorePath,
        filter: &ListOptions,
        result: u64,
    ) -> Result<ListIter<FileInfo>>;
}

fn main() {}
