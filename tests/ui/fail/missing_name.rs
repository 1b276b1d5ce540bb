//! The adapter names the backend in errors: the trait must have a pure `name`.

use store::StorePath;

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(folder(path))]
    fn exists(&self, path: &StorePath) -> store::Result<bool>;
}

fn main() {}
