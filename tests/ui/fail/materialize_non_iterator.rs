//! `materialize` on a method that is not a listing.

use store::{Bytes, StorePath};

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(gate = Read, file(path), materialize)]
    fn read_bytes(&self, path: &StorePath) -> store::Result<Bytes>;
}

fn main() {}
