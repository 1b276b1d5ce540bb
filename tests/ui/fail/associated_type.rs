//! An associated type.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    type Item;

    fn f(&self) -> store::Result<()>;
}

fn main() {}
