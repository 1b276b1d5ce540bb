//! Explicit lifetimes: the generated async method ties every reference to its future.

use store::StorePath;

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(file(p))]
    fn f<'a>(&'a self, p: &'a StorePath) -> store::Result<()>;
}

fn main() {}
