//! `impl Trait` in return position.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f(&self) -> store::Result<impl Iterator<Item = u8>>;
}

fn main() {}
