//! A blocking-only method needs a body the blocking adapter over an async backend can run.

use store::StorePath;

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;

    #[store(gate = Read, file(path), sync_only)]
    fn read_all(&self, path: &StorePath) -> store::Result<Vec<u8>>;
}

fn main() {}
