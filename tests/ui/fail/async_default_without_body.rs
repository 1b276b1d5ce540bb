//! `async_default` without a blocking default body.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(async_default = store::defaults::ready)]
    fn check_health(&self) -> store::Result<()>;
}

fn main() {}
