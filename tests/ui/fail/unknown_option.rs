//! An unknown `#[store(...)]` option.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(bogus)]
    fn f(&self) -> store::Result<()>;
}

fn main() {}
