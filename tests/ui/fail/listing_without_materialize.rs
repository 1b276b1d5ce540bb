//! A listing without `materialize`.

use store::{FileInfo, ListIter, StorePath};

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(gate = List, folder(path))]
    fn list_files(&self, path: &StorePath) -> store::Result<ListIter<FileInfo>>;
}

fn main() {}
