//! An unknown `#[dual_api(...)]` argument.

#[store::dual_api(bogus)]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f(&self) -> store::Result<()>;
}

fn main() {}
