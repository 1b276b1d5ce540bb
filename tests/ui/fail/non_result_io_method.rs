//! An I/O method that does not return `Result<T>`.

use store::StorePath;

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(folder(path))]
    fn exists(&self, path: &StorePath) -> bool;
}

fn main() {}
