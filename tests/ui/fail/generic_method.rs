//! A generic method: the async trait must stay dyn-compatible.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f<T>(&self) -> store::Result<()>;
}

fn main() {}
