//! `async_default` without a blocking default body.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(async_default = store::defaults::ready)]
    fn check_health(&self) -> store::Result<()>;
}

fn main() {}
