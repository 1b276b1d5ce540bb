//! The generated code names everything by absolute path: user items shadowing the prelude and
//! the std names it relies on (`Box`, `Pin`, `Future`, `Arc`, `Result`, `Option`, `Send`,
//! `Sync`, `Clone`, `Vec`, `String`, `Iterator`, `Debug`) change nothing.
#![allow(dead_code, non_camel_case_types)]

use store::{Content, FileInfo, ListIter, ListOptions, ReadStream, StorePath, WriteOptions};

struct Box;
struct Pin;
struct Future;
struct Arc;
struct Option;
struct Vec;
struct String;
struct Debug;
type Result = ();
trait Send {}
trait Sync {}
trait Clone {}
trait Iterator {}
mod core {}
mod std {}

#[store::dual_api]
pub trait Hygiene: ::core::marker::Send + ::core::marker::Sync + 'static {
    /// A pure method.
    #[store(pure)]
    fn name(&self) -> &'static str;

    /// A plain I/O method with a gate and a file role, and a `Content` argument.
    #[store(gate = Write, file(path))]
    fn write(
        &self,
        path: &StorePath,
        content: Content,
        options: &WriteOptions,
    ) -> store::Result<u64>;

    /// A materialized listing.
    #[store(gate = List, folder(path), materialize, filter = store::FileFilter)]
    fn list_files(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> store::Result<ListIter<FileInfo>>;

    /// A byte stream.
    #[store(gate = Read, file(path))]
    fn read(&self, path: &StorePath) -> store::Result<ReadStream>;
}

struct Empty;

impl Hygiene for Empty {
    fn name(&self) -> &'static str {
        "empty"
    }

    fn write(&self, _: &StorePath, _: Content, _: &WriteOptions) -> store::Result<u64> {
        ::core::result::Result::Ok(0)
    }

    fn list_files(&self, _: &StorePath, _: &ListOptions) -> store::Result<ListIter<FileInfo>> {
        ::core::result::Result::Ok(::std::boxed::Box::new(::std::iter::empty()))
    }

    fn read(&self, _: &StorePath) -> store::Result<ReadStream> {
        ::core::result::Result::Ok(::std::boxed::Box::new(::std::io::empty()))
    }
}

fn main() {
    let adapter: ::std::sync::Arc<dyn AsyncHygiene> =
        ::std::sync::Arc::new(SyncHygieneAdapter::new(Empty));
    assert_eq!(adapter.name(), "empty");
}
