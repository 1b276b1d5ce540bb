//! A misspelt gate gets a suggestion.

use store::StorePath;

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(gate = Reed, file(path))]
    fn exists(&self, path: &StorePath) -> store::Result<bool>;
}

fn main() {}
