//! One mistake in a definition gives one error: the fallback expansion still generates the
//! async trait and both adapters from the methods that are right, so the uses below raise
//! nothing more.

use store::StorePath;

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(folder(path))]
    fn exists(&self, path: &StorePath) -> store::Result<bool>;
    #[store(gate = Read, file(path), materialize)]
    fn is_file(&self, path: &StorePath) -> store::Result<bool>;
}

struct Mine;

impl Api for Mine {
    fn name(&self) -> &'static str {
        "mine"
    }
    fn exists(&self, path: &StorePath) -> store::Result<bool> {
        Ok(path.is_root())
    }
}

fn main() {
    let adapter = SyncApiAdapter::new(Mine);
    let _: &dyn AsyncApi = &adapter;
    let _ = AsyncApiSyncAdapter::new(adapter);
}
