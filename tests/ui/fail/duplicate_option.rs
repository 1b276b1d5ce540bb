//! The same `#[store(...)]` option twice.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(gate = Read, gate = Write)]
    fn f(&self) -> store::Result<()>;
}

fn main() {}
