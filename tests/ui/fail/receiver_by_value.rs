//! A `self` receiver: backends are shared behind `Arc`.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f(self) -> store::Result<()>;
}

fn main() {}
