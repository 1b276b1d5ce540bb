//! An `async fn`: the definition is the blocking trait.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    async fn f(&self) -> store::Result<()>;
}

fn main() {}
