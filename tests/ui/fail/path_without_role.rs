//! A `&StorePath` argument without a role.

use store::StorePath;

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(gate = Read)]
    fn exists(&self, path: &StorePath) -> store::Result<bool>;
}

fn main() {}
