//! An `extern` method.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    extern "C" fn f(&self) -> store::Result<()>;
}

fn main() {}
