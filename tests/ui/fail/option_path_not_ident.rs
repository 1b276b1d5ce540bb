//! An option key that is a path, not a name.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(gate::Read)]
    fn f(&self) -> store::Result<()>;
}

fn main() {}
