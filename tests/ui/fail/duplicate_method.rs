//! Two methods with the same name (rustc reports it too: the input is re-emitted).

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f(&self) -> store::Result<()>;
    fn f(&self) -> store::Result<()>;
}

fn main() {}
