//! An unknown `#[store(...)]` option.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(bogus)]
    fn f(&self) -> store::Result<()>;
}

fn main() {}
