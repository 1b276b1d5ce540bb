//! An unknown `#[dual_api(...)]` argument.

#[store::dual_api(bogus)]
pub trait Api: Send + Sync + 'static {
    fn f(&self) -> store::Result<()>;
}

fn main() {}
