//! Two roles for one argument.

use store::StorePath;

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(gate = Read, file(path), folder(path))]
    fn exists(&self, path: &StorePath) -> store::Result<bool>;
}

fn main() {}
