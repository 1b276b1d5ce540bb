//! `impl Trait` in argument position.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    fn f(&self, name: impl AsRef<str>) -> store::Result<()>;
}

fn main() {}
