//! Every `#[store(...)]` option the macro accepts without `stores(...)`, on one definition.
#![allow(dead_code)]

use store::{
    Bytes, FileInfo, ListIter, ListOptions, Pattern, Result, StorePath,
};

fn ready<B: AsyncEveryOption + ?Sized>(_backend: &B) -> store::BoxFuture<'_, Result<()>> {
    Box::pin(async { Ok(()) })
}

#[store::dual_api]
pub trait EveryOption: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;

    /// Pure methods may take any arguments and return anything, with or without a body.
    #[store(pure)]
    fn describe(&self, key: &StorePath, verbose: bool) -> String {
        let _ = verbose;
        key.as_str().to_owned()
    }

    #[store(async_default = ready)]
    fn ping(&self) -> Result<()> {
        Ok(())
    }

    #[store(manual)]
    fn close(&self) -> Result<()>;

    #[store(gate = Read, file(path))]
    fn read_range(&self, path: &StorePath, offset: u64, len: u64) -> Result<Bytes>;

    /// A blocking-only method has a default body, which the blocking adapter over an async
    /// backend uses.
    #[store(gate = Read, file(path), sync_only)]
    fn read_all(&self, path: &StorePath) -> Result<Vec<u8>> {
        self.read_range(path, 0, u64::MAX).map(|b| b.to_vec())
    }

    #[store(gate = Delete, subfolder(path))]
    fn delete_folder(&self, path: &StorePath) -> Result<()>;

    #[store(gate = Move, file(src, dst))]
    fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()>;

    #[store(gate = List, folder(path), materialize, filter = store::FileFilter)]
    fn list_files(&self, path: &StorePath, options: &ListOptions) -> Result<ListIter<FileInfo>>;

    #[store(gate = Glob, pattern(pattern), materialize)]
    fn glob(&self, pattern: &Pattern) -> Result<ListIter<FileInfo>>;

    /// Several `#[store]` attributes on one method merge.
    #[store(gate = Metadata)]
    #[store(folder(path))]
    fn exists(&self, path: &StorePath) -> Result<bool>;
}

fn main() {}
