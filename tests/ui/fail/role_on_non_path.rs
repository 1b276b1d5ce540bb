//! A role on an argument that is not a path.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(gate = Read, file(offset))]
    fn f(&self, offset: u64) -> store::Result<()>;
}

fn main() {}
