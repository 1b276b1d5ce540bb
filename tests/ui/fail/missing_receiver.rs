//! An associated function without a receiver.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f() -> store::Result<()>;
}

fn main() {}
