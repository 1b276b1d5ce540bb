//! An I/O method without a return type.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f(&self);
}

fn main() {}
