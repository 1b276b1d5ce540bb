//! A where clause on a method.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f(&self) -> store::Result<()>
    where
        Self: Sized;
}

fn main() {}
