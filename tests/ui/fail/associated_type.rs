//! An associated type.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    type Item;

    fn f(&self) -> store::Result<()>;
}

fn main() {}
