//! An I/O method without a return type.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    fn f(&self);
}

fn main() {}
