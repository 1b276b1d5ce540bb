//! An `unsafe` method.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    unsafe fn f(&self) -> store::Result<()>;
}

fn main() {}
