//! `filter` on a method that is not a `materialize` listing.

use store::{FileInfo, StorePath};

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(gate = Metadata, file(path), filter = store::FileFilter)]
    fn get_file_info(&self, path: &StorePath) -> store::Result<FileInfo>;
}

fn main() {}
