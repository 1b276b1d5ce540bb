//! An `unsafe` method.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    unsafe fn f(&self) -> store::Result<()>;
}

fn main() {}
