//! `impl Trait` in argument position.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f(&self, name: impl AsRef<str>) -> store::Result<()>;
}

fn main() {}
