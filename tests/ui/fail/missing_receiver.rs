//! An associated function without a receiver.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    fn f() -> store::Result<()>;
}

fn main() {}
