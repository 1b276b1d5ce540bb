//! A role naming an argument the method does not have.

use store::StorePath;

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(gate = Read, file(path, other))]
    fn exists(&self, path: &StorePath) -> store::Result<bool>;
}

fn main() {}
