//! A pattern in argument position.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f(&self, (a, b): (u8, u8)) -> store::Result<()>;
}

fn main() {}
