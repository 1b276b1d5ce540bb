//! An `extern` method.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    extern "C" fn f(&self) -> store::Result<()>;
}

fn main() {}
