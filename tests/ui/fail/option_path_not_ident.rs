//! An option key that is a path, not a name.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(gate::Read)]
    fn f(&self) -> store::Result<()>;
}

fn main() {}
