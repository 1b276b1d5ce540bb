//! A lifetime parameter on the trait.

#[store::dual_api]
pub trait Api<'a>: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f(&self) -> store::Result<()>;
}

fn main() {}
