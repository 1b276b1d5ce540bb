//! A `pure` method with a path role.

use store::StorePath;

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(pure, file(path))]
    fn native_path(&self, path: &StorePath) -> String;
}

fn main() {}
