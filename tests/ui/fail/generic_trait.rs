//! A generic trait: the async trait must stay dyn-compatible.

#[store::dual_api]
pub trait Foo<T>: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn get(&self) -> store::Result<T>;
}

fn main() {}
