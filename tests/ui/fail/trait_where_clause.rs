//! A where clause on the trait.

#[store::dual_api]
pub trait Api: Send + Sync + 'static
where
    Self: Sized,
{
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f(&self) -> store::Result<()>;
}

fn main() {}
