//! `async_default` on a `sync_only` method.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(sync_only, async_default = store::defaults::ready)]
    fn check_health(&self) -> store::Result<()> {
        Ok(())
    }
}

fn main() {}
