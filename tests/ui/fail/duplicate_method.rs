//! Two methods with the same name: one error, on the second (the fallback expansion drops it,
//! so rustc does not report it again).

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f(&self) -> store::Result<()>;
    fn f(&self) -> store::Result<()>;
}

fn main() {}
